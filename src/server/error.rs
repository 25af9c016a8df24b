//! One error type for every handler, answered as `application/problem+json` (RFC 9457) in
//! the caller's language. Handlers return `Result<_, ApiError>` and use `?`.

use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::api::{FieldError, Problem};
use crate::domain::{InvalidValue, OrderStatus};
use crate::i18n::{Arg, Lang, Msg, T};

use super::store::{StoreError, TransitionError, Trouble};

/// The media type of problem documents.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Everything a request can fail with.
#[derive(Debug)]
pub enum ApiError {
    /// Bad input: one message per field; nothing was changed.
    Validation(Vec<(String, Msg)>),
    /// No valid bearer token.
    Unauthorized,
    /// The operator's roles do not allow this (`code` says which rule).
    Forbidden {
        /// Stable code.
        code: &'static str,
        /// Why.
        detail: Msg,
    },
    /// The thing asked for does not exist.
    NotFound(Msg),
    /// The order (or another resource) is not in a state that allows this.
    Conflict {
        /// Stable code.
        code: &'static str,
        /// Why.
        detail: Msg,
        /// Order status now.
        status: Option<OrderStatus>,
        /// Order version now.
        version: Option<i64>,
    },
    /// The request could not be read at all.
    BadRequest {
        /// Stable code.
        code: &'static str,
        /// Why.
        detail: Msg,
    },
    /// The order version is needed and was not sent.
    PreconditionRequired,
    /// An upload over the limit (bytes).
    TooLarge(usize),
    /// A request body that is not an upload (JSON) is over the size limit (bytes).
    BodyTooLarge(usize),
    /// An upload that is not JPEG, PNG or PDF.
    UnsupportedType,
    /// A body sent as something else than JSON to an operation that takes JSON (its
    /// Content-Type, as sent).
    NotJson(String),
    /// A body sent to an upload as something else than `multipart/form-data` (its
    /// Content-Type, as sent).
    NotMultipart(String),
    /// The database is unreachable or overloaded.
    Unavailable,
    /// The database's disk is full: nothing can be written until space is freed.
    StorageFull,
    /// A part of the platform is missing (e.g. the font for printing); `detail` says what
    /// to install or configure.
    Missing {
        /// Stable code.
        code: &'static str,
        /// What to do.
        detail: Msg,
    },
    /// A bug or an unexpected failure; the message is logged, never shown.
    Internal(String),
}

impl ApiError {
    /// `409 not_awaiting_payment`: the order (in `status`) waits for no money, so nothing
    /// that asks for it — a reminder, a transfer slip — is made. The status is named in
    /// the caller's `lang`.
    pub fn not_awaiting_payment(
        order: &super::store::OrderRow,
        status: OrderStatus,
        lang: Lang,
    ) -> ApiError {
        ApiError::Conflict {
            code: "not_awaiting_payment",
            detail: Msg::with(
                T::ProblemNotAwaitingPayment,
                [order.order_no.as_str(), status.text().get(lang)],
            ),
            status: Some(status),
            version: Some(order.version),
        }
    }

    /// A single bad field.
    pub fn field(field: &str, error: impl Into<Msg>) -> ApiError {
        ApiError::Validation(vec![(field.to_owned(), error.into())])
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e.kind() {
            Trouble::Unavailable => {
                tracing::warn!(error = %e, "database unavailable");
                ApiError::Unavailable
            }
            Trouble::StorageFull => {
                tracing::error!(error = %e, "the database's disk is full");
                ApiError::StorageFull
            }
            Trouble::Bug => ApiError::Internal(e.to_string()),
        }
    }
}

impl From<InvalidValue> for Msg {
    fn from(value: InvalidValue) -> Msg {
        value.0
    }
}

/// The parts of a problem before it is put into words; kept on the response so that
/// [`render_problems`] can write it in the caller's language.
#[derive(Debug, Clone)]
pub struct ProblemSpec {
    status: StatusCode,
    code: &'static str,
    title: T,
    detail: Msg,
    errors: Vec<(String, Msg)>,
    current_status: Option<OrderStatus>,
    current_version: Option<i64>,
}

impl ProblemSpec {
    fn generic(status: StatusCode) -> ProblemSpec {
        let (code, title, detail) = match status.as_u16() {
            401 => (
                "unauthorized",
                T::ProblemUnauthorizedTitle,
                Msg::new(T::ProblemUnauthorizedDetail),
            ),
            404 => (
                "not_found",
                T::ProblemNotFoundTitle,
                Msg::new(T::ProblemRouteNotFound),
            ),
            405 => (
                "method_not_allowed",
                T::ProblemMethodTitle,
                Msg::new(T::ProblemMethodDetail),
            ),
            415 => (
                "unsupported_media_type",
                T::ProblemMediaTitle,
                Msg::new(T::ProblemMediaDetail),
            ),
            413 => (
                "payload_too_large",
                T::ProblemTooLargeTitle,
                Msg::with(T::ProblemTooLargeDetail, ["?"]),
            ),
            503 => (
                "unavailable",
                T::ProblemUnavailableTitle,
                Msg::new(T::ProblemUnavailableDetail),
            ),
            s if s >= 500 => (
                "internal",
                T::ProblemInternalTitle,
                Msg::with(T::ProblemInternalDetail, ["-"]),
            ),
            _ => (
                "bad_request",
                T::ProblemBadRequestTitle,
                Msg::with(
                    T::ErrInvalidValue,
                    [status.canonical_reason().unwrap_or("")],
                ),
            ),
        };
        ProblemSpec {
            status,
            code,
            title,
            detail,
            errors: Vec::new(),
            current_status: None,
            current_version: None,
        }
    }

    /// The problem document in `lang`.
    pub fn render(&self, lang: Lang, request_id: &str) -> Problem {
        let mut detail = self.detail.clone();
        if self.code == "internal" {
            detail = Msg::with(T::ProblemInternalDetail, [request_id]);
        }
        Problem {
            type_uri: format!(
                "https://ca-counter.invalid/problems/{}",
                self.code.replace('_', "-")
            ),
            title: self.title.get(lang).to_owned(),
            status: self.status.as_u16(),
            detail: detail.render(lang),
            code: self.code.to_owned(),
            errors: self
                .errors
                .iter()
                .map(|(field, message)| FieldError {
                    field: field.clone(),
                    message: message.render(lang),
                })
                .collect(),
            request_id: Some(request_id.to_owned()),
            current_status: self.current_status,
            current_version: self.current_version,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let spec = match self {
            ApiError::Validation(errors) => ProblemSpec {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                code: "validation_failed",
                title: T::ProblemValidationTitle,
                detail: Msg::with(T::ProblemValidationDetail, [errors.len().to_string()]),
                errors,
                current_status: None,
                current_version: None,
            },
            ApiError::Unauthorized => ProblemSpec::generic(StatusCode::UNAUTHORIZED),
            ApiError::Forbidden { code, detail } => ProblemSpec {
                code,
                title: if code == "self_review" {
                    T::ProblemSelfReviewTitle
                } else {
                    T::ProblemForbiddenTitle
                },
                detail,
                ..ProblemSpec::generic(StatusCode::FORBIDDEN)
            },
            ApiError::NotFound(detail) => ProblemSpec {
                detail,
                ..ProblemSpec::generic(StatusCode::NOT_FOUND)
            },
            ApiError::Conflict {
                code,
                detail,
                status,
                version,
            } => ProblemSpec {
                code,
                // "Changed" only when it was: another change came first.
                title: if code == "version_conflict" {
                    T::ProblemConflictTitle
                } else {
                    T::ProblemConflictStateTitle
                },
                detail,
                current_status: status,
                current_version: version,
                ..ProblemSpec::generic(StatusCode::CONFLICT)
            },
            ApiError::BadRequest { code, detail } => ProblemSpec {
                code,
                detail,
                ..ProblemSpec::generic(StatusCode::BAD_REQUEST)
            },
            ApiError::PreconditionRequired => ProblemSpec {
                code: "version_required",
                detail: Msg::new(T::ProblemPreconditionRequired),
                ..ProblemSpec::generic(StatusCode::PRECONDITION_REQUIRED)
            },
            ApiError::TooLarge(limit) => ProblemSpec {
                detail: Msg::with(T::ProblemTooLargeDetail, [human_bytes(limit)]),
                ..ProblemSpec::generic(StatusCode::PAYLOAD_TOO_LARGE)
            },
            ApiError::BodyTooLarge(limit) => ProblemSpec {
                title: T::ProblemBodyTooLargeTitle,
                detail: Msg::with(T::ProblemBodyTooLargeDetail, [human_bytes(limit)]),
                ..ProblemSpec::generic(StatusCode::PAYLOAD_TOO_LARGE)
            },
            ApiError::UnsupportedType => ProblemSpec {
                code: "unsupported_media_type",
                title: T::ProblemUnsupportedTypeTitle,
                detail: Msg::new(T::ProblemUnsupportedTypeDetail),
                ..ProblemSpec::generic(StatusCode::UNSUPPORTED_MEDIA_TYPE)
            },
            ApiError::NotMultipart(sent) => ProblemSpec {
                code: "unsupported_media_type",
                title: T::ProblemMediaTitle,
                detail: Msg::with(T::ProblemNotMultipartDetail, [sent]),
                ..ProblemSpec::generic(StatusCode::UNSUPPORTED_MEDIA_TYPE)
            },
            ApiError::NotJson(sent) => ProblemSpec {
                code: "unsupported_media_type",
                title: T::ProblemMediaTitle,
                detail: Msg::with(T::ProblemNotJsonDetail, [sent]),
                ..ProblemSpec::generic(StatusCode::UNSUPPORTED_MEDIA_TYPE)
            },
            ApiError::Unavailable => ProblemSpec::generic(StatusCode::SERVICE_UNAVAILABLE),
            ApiError::StorageFull => ProblemSpec {
                code: "storage_full",
                title: T::ProblemStorageFullTitle,
                detail: Msg::new(T::ProblemStorageFullDetail),
                ..ProblemSpec::generic(StatusCode::INSUFFICIENT_STORAGE)
            },
            ApiError::Missing { code, detail } => ProblemSpec {
                code,
                detail,
                ..ProblemSpec::generic(StatusCode::SERVICE_UNAVAILABLE)
            },
            ApiError::Internal(message) => {
                tracing::error!(%message, "request failed");
                ProblemSpec::generic(StatusCode::INTERNAL_SERVER_ERROR)
            }
        };
        let mut response = spec.status.into_response();
        response.extensions_mut().insert(spec);
        response
    }
}

/// `10 MB`, `512 KB`
pub fn human_bytes(bytes: usize) -> String {
    if bytes >= 1024 * 1024 {
        format!("{} MB", bytes / (1024 * 1024))
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

/// Per-request context: the caller's language and the request id.
#[derive(Debug, Clone)]
pub struct RequestContext {
    /// From `Accept-Language`.
    pub lang: Lang,
    /// The platform's own, new for every request (a client's `X-Request-Id` is logged
    /// beside it, never taken for it).
    pub request_id: String,
}

/// Middleware: sets up [`RequestContext`], writes every error as a problem document in the
/// caller's language (including errors from axum itself and from layers), logs the
/// request, and echoes `X-Request-Id`.
pub async fn render_problems(mut request: Request, next: Next) -> Response {
    let lang = request
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Lang::from_accept_language)
        .unwrap_or_default();
    // The platform's own id for the request, new every time: it goes into the order's
    // history, so a client may not choose it (it could name another's request). A
    // client's own id, when sane, is logged beside it to correlate with their logs.
    let request_id = super::store::new_id();
    let client_request_id = request
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        })
        .unwrap_or_default()
        .to_owned();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let logged_path = loggable_path(&path);

    let client = request
        .extensions()
        .get::<super::listen::ClientAddr>()
        .map(|c| c.0.to_string())
        .unwrap_or_default();
    request.extensions_mut().insert(RequestContext {
        lang,
        request_id: request_id.clone(),
    });
    let started = std::time::Instant::now();
    // Whatever the request logs on its way (a failure's ERROR line) carries its id, as the
    // problem the client is shown does: found by the id a clerk reads out.
    let mut response = {
        use tracing::Instrument;
        next.run(request)
            .instrument(tracing::info_span!("request", request_id = %request_id))
            .await
    };
    let status = response.status();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    // Pages (the phone's and the customer platform's) answer their errors as pages.
    let is_page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    let spec = response.extensions_mut().remove::<ProblemSpec>();
    if spec.is_some()
        || (status.as_u16() >= 400 && !is_problem && !is_page && !path.starts_with("/m/"))
    {
        let spec = spec.unwrap_or_else(|| ProblemSpec::generic(status));
        let problem = spec.render(lang, &request_id);
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let headers = std::mem::take(response.headers_mut());
        response = (spec.status, body).into_response();
        for (name, value) in headers.iter() {
            if name != header::CONTENT_LENGTH && name != header::CONTENT_TYPE {
                response.headers_mut().insert(name.clone(), value.clone());
            }
        }
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    }
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-request-id", value);
    }
    if path.starts_with("/api/") || is_problem || !is_page {
        // What the API answers is one operator's (orders, personal data, scans): never
        // kept by a cache on the way, never read as another type than it says.
        let headers = response.headers_mut();
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        if !headers.contains_key(header::CACHE_CONTROL) {
            headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        }
        // The API's words are in the language its caller asks for.
        if path.starts_with("/api/") {
            headers.append(header::VARY, HeaderValue::from_static("Accept-Language"));
            if let Ok(tag) = HeaderValue::from_str(lang.tag()) {
                headers.insert(header::CONTENT_LANGUAGE, tag);
            }
        }
    }
    if response.status() == StatusCode::UNAUTHORIZED
        && !response.headers().contains_key(header::WWW_AUTHENTICATE)
        && path.starts_with("/api/")
    {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    // Every "try again later" says when: a busy or unreachable database, or a full disk.
    if matches!(
        response.status(),
        StatusCode::SERVICE_UNAVAILABLE | StatusCode::INSUFFICIENT_STORAGE
    ) && !response.headers().contains_key(header::RETRY_AFTER)
    {
        let seconds = if response.status() == StatusCode::INSUFFICIENT_STORAGE {
            "30"
        } else {
            "2"
        };
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static(seconds));
    }
    tracing::info!(
        target: "ca_counter::request",
        %method, path = %logged_path, status = response.status().as_u16(),
        ms = started.elapsed().as_millis() as u64, client, request_id, client_request_id,
        "request"
    );
    response
}

/// `path` as it may be logged: phone-page paths carry bearer tokens (cashier, real-name,
/// notice, invoice), which are never logged — `/m/pay/…`.
pub fn loggable_path(path: &str) -> String {
    match path.strip_prefix("/m/") {
        Some(rest) => format!("/m/{}/…", rest.split('/').next().unwrap_or_default()),
        None => path.to_owned(),
    }
}

/// How a refused transition reads.
pub fn transition_error(
    order_no: &str,
    action: crate::domain::Action,
    e: TransitionError,
) -> ApiError {
    match e {
        TransitionError::NotFound => {
            ApiError::NotFound(Msg::with(T::ProblemOrderNotFound, [order_no]))
        }
        TransitionError::NotAllowed { status, version } => ApiError::Conflict {
            code: "invalid_transition",
            detail: Msg::with(
                T::ProblemInvalidTransition,
                [
                    Arg::from(order_no),
                    Arg::Text(status.text()),
                    Arg::Text(action.text()),
                ],
            ),
            status: Some(status),
            version: Some(version),
        },
        TransitionError::Conflict { status, version } => ApiError::Conflict {
            code: "version_conflict",
            detail: Msg::with(
                T::ProblemVersionConflict,
                [
                    Arg::from(order_no),
                    Arg::Plain(version.to_string()),
                    Arg::Text(status.text()),
                ],
            ),
            status: Some(status),
            version: Some(version),
        },
        TransitionError::NotClaimed {
            holder,
            status,
            version,
        } => claim_conflict(order_no, holder, status, version),
        TransitionError::Store(e) => e.into(),
    }
}

/// The order is held by another reviewer (`holder`: name and until when), or by nobody
/// while a decision needs the decider's claim.
pub fn claim_conflict(
    order_no: &str,
    holder: Option<(String, i64)>,
    status: OrderStatus,
    version: i64,
) -> ApiError {
    let (code, detail) = match holder {
        Some((name, until)) => (
            "claimed_by_other",
            Msg::with(
                T::ProblemClaimedByOther,
                [
                    Arg::from(order_no),
                    Arg::Plain(name),
                    Arg::Plain(china_clock(until)),
                ],
            ),
        ),
        None => (
            "claim_required",
            Msg::with(T::ProblemClaimRequired, [order_no]),
        ),
    };
    ApiError::Conflict {
        code,
        detail,
        status: Some(status),
        version: Some(version),
    }
}

/// `14:05`, China Standard Time, of a unix-ms instant.
pub fn china_clock(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .map(|t| {
            let t = t.to_offset(crate::domain::CHINA);
            format!("{:02}:{:02}", t.hour(), t.minute())
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::loggable_path;

    #[test]
    fn a_phone_pages_token_never_reaches_the_log() {
        for (path, logged) in [
            ("/m/pay/Zemo9fNhOnG36YHEXCL-4A", "/m/pay/…"),
            ("/m/notice/Zemo9fNhOnG36YHEXCL-4A", "/m/notice/…"),
            ("/m/realname/abc/def", "/m/realname/…"),
            ("/orders/HN20261205000001", "/orders/HN20261205000001"),
        ] {
            assert_eq!(loggable_path(path), logged);
        }
    }
}
