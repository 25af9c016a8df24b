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
    /// An attachment's page with no picture to show (`no_preview`, 409): why, and the
    /// file's pages when they were counted.
    NoPreview {
        /// Why.
        detail: Msg,
        /// The file's pages.
        pages: Option<usize>,
    },
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
    /// A form operation sent another Content-Type (said back).
    NotForm(String),
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

    /// This error of a part of the body sent under `part`: each bad field named by its
    /// path from the body's top (`request.tax_number`); any other error as it is.
    pub fn under(self, part: &str) -> ApiError {
        match self {
            ApiError::Validation(errors) => ApiError::Validation(
                errors
                    .into_iter()
                    .map(|(field, msg)| (format!("{part}.{field}"), msg))
                    .collect(),
            ),
            other => other,
        }
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
                e.note_if_full();
                tracing::error!(
                    error = %e,
                    "the database cannot write: its disk is full, a quota or file-size limit \
                     is reached, or (SQLite's write error) the disk fails; free space or look at \
                     the disk (the platform says it is not ready meanwhile)"
                );
                ApiError::StorageFull
            }
            Trouble::Bug if e.schema_missing() => {
                tracing::error!(
                    error = %e,
                    "the database lacks a table or function ca-counter made: if its database was \
                     dropped and made again (or another put under its name), restore the backup \
                     or restart the platform to set it up; otherwise this is a defect to report"
                );
                ApiError::Internal(e.to_string())
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
    page_count: Option<usize>,
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
            page_count: None,
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
            page_count: self.page_count,
        }
    }
}

/// Every problem `code` the API answers, with its status and what it means: the list the
/// document gives under `Problem.code` (a test holds the code to it).
pub const PROBLEM_CODES: &[(&str, u16, &str)] = &[
    ("bad_request", 400, "the request could not be read"),
    (
        "malformed_request",
        400,
        "the body or a header could not be read (not JSON, a tail after it, a bad header)",
    ),
    (
        "idempotency_key_missing",
        400,
        "a create without its `Idempotency-Key`",
    ),
    (
        "idempotency_key_invalid",
        400,
        "an `Idempotency-Key` that is empty, too long or not printable ASCII",
    ),
    (
        "issue_through_invoice",
        400,
        "`issue_invoice` posted as an action: issue through `POST /orders/{order_no}/invoice`",
    ),
    ("unauthorized", 401, "no valid bearer token"),
    (
        "forbidden",
        403,
        "the operator's roles do not allow this (the detail names the roles that do)",
    ),
    (
        "self_review",
        403,
        "a reviewer deciding an order they submitted or corrected",
    ),
    (
        "provider_only",
        403,
        "an action only the payment provider's confirmation takes (`pay`)",
    ),
    ("not_found", 404, "no such order, customer, file or address"),
    (
        "method_not_allowed",
        405,
        "the address does not take this method",
    ),
    (
        "version_conflict",
        409,
        "the order changed since the version sent: read it again",
    ),
    (
        "invalid_transition",
        409,
        "the action is not allowed from the order's status now",
    ),
    (
        "claim_required",
        409,
        "a review decision without this reviewer's claim",
    ),
    (
        "claimed_by_other",
        409,
        "another reviewer holds the order (the detail names them and until when)",
    ),
    (
        "not_in_review",
        409,
        "a claim on an order that is not waiting for review",
    ),
    (
        "not_ready_for_approval",
        409,
        "an approval the order is not ready for (the detail names what is missing)",
    ),
    (
        "relabel_needed",
        409,
        "a shipment whose label was printed before an address correction",
    ),
    (
        "not_editable",
        409,
        "a part of the order its status does not let change",
    ),
    (
        "not_returned",
        409,
        "a correction notice, or a correction uploaded, for an order that is not returned",
    ),
    (
        "not_awaiting_payment",
        409,
        "a payment, reminder or slip for an order that waits for no money",
    ),
    (
        "transfer_chosen",
        409,
        "a payment code for an order whose customer chose to pay by bank transfer",
    ),
    (
        "payment_in_progress",
        409,
        "another payment of the order is being opened",
    ),
    ("order_cancelled", 409, "the order is cancelled"),
    (
        "transfer_not_chosen",
        409,
        "a voucher for an order waiting to be paid online",
    ),
    (
        "payment_confirmed",
        409,
        "a voucher for an order past review, its payment confirmed",
    ),
    ("paid_online", 409, "a voucher for an order paid online"),
    (
        "invoice_issued",
        409,
        "the order's invoice is issued already",
    ),
    (
        "no_invoice",
        409,
        "reversing an invoice on an order that has none issued (not invoiced, or declined)",
    ),
    ("not_shipped", 409, "tracking for an order not mailed"),
    (
        "tracking_from_provider",
        409,
        "tracking steps typed while a tracking service provides them",
    ),
    (
        "not_for_mailing",
        403,
        "the mailroom revealing an order it does not ship",
    ),
    (
        "customer_exists",
        409,
        "a customer with this phone number exists",
    ),
    (
        "customer_verified",
        409,
        "a real-name check for a customer verified already",
    ),
    (
        "draft_moved_on",
        409,
        "an application changed since the page was read",
    ),
    (
        "qr_payment_off",
        409,
        "payment by QR code is not configured on this platform",
    ),
    (
        "no_preview",
        409,
        "an attachment's page that is no picture the platform reads (drawn, a fax coding, \
         too large): download it; `page_count` gives its pages when counted",
    ),
    (
        "unreadable_image",
        409,
        "an image that cannot be read for a preview (damaged)",
    ),
    (
        "payload_too_large",
        413,
        "a body or file over the limit (the detail says it)",
    ),
    (
        "unsupported_media_type",
        415,
        "a body or file of a type the operation does not take",
    ),
    (
        "validation_failed",
        422,
        "fields that do not fit, each named in `errors`",
    ),
    (
        "version_required",
        428,
        "an action without `version` or `If-Match`",
    ),
    (
        "internal",
        500,
        "a failure inside the platform (quote `request_id` to an administrator)",
    ),
    (
        "unavailable",
        503,
        "the database is away or overloaded: retry after `Retry-After`",
    ),
    (
        "payment_provider_unavailable",
        503,
        "the payment provider could not be reached",
    ),
    (
        "invoice_provider_failed",
        503,
        "the invoice provider failed (nothing was issued)",
    ),
    (
        "checks_busy",
        503,
        "every check of uploaded PDFs stayed taken for as long as an upload waits for one \
         ([platform.upload_check]), or a preview found no turn to take its picture out or \
         decode it soon: nothing is wrong with the file, send or ask again shortly",
    ),
    (
        "too_many_connections",
        503,
        "the connection was refused before a request was read: the platform holds as many \
         connections as it serves (`[platform.http] max_open_connections`), or this client \
         address holds its share (`max_connections_per_client`) — the detail says which; \
         retry after `Retry-After` seconds",
    ),
    (
        "storage_full",
        507,
        "the database's disk is full: nothing can be written until space is freed",
    ),
];

/// The `Problem.code` description: every code, with its status and meaning.
pub fn problem_codes_described() -> String {
    let mut text =
        String::from("Stable machine-readable code. Every code the API answers (status: meaning):");
    for (code, status, meaning) in PROBLEM_CODES {
        text.push_str(&format!("\n- `{code}` ({status}): {meaning}"));
    }
    text
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
                page_count: None,
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
            ApiError::NoPreview { detail, pages } => ProblemSpec {
                code: "no_preview",
                title: T::ProblemConflictStateTitle,
                detail,
                page_count: pages,
                ..ProblemSpec::generic(StatusCode::CONFLICT)
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
            ApiError::NotForm(sent) => ProblemSpec {
                code: "unsupported_media_type",
                title: T::ProblemMediaTitle,
                detail: Msg::with(T::ProblemNotFormDetail, [sent]),
                ..ProblemSpec::generic(StatusCode::UNSUPPORTED_MEDIA_TYPE)
            },
            ApiError::Unavailable => ProblemSpec::generic(StatusCode::SERVICE_UNAVAILABLE),
            ApiError::StorageFull => ProblemSpec {
                code: "storage_full",
                title: T::ProblemStorageFullTitle,
                detail: Msg::new(T::ProblemStorageFullDetail),
                ..ProblemSpec::generic(StatusCode::INSUFFICIENT_STORAGE)
            },
            ApiError::Missing { code, detail } => {
                // A provider failing, a part missing: for the operator on call, at WARN.
                tracing::warn!(code, detail = %detail.render(Lang::En), "a part of the platform failed");
                ProblemSpec {
                    code,
                    detail,
                    ..ProblemSpec::generic(StatusCode::SERVICE_UNAVAILABLE)
                }
            }
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

/// What the request's log line says of who asked and why they were refused, filled in by
/// the [`super::extract::Caller`] extractor on the way: an operator's name and id, or why a
/// token was not taken (none sent, no such token, one revoked or replaced, its operator
/// disabled) — what an operator reading the log asks when a counter "stopped working".
#[derive(Debug, Clone, Default)]
pub struct LogFacts(std::sync::Arc<std::sync::Mutex<(String, String)>>);

impl LogFacts {
    /// The operator who asked.
    pub fn operator(&self, who: String) {
        if let Ok(mut facts) = self.0.lock() {
            facts.0 = who;
        }
    }

    /// Why the token was not taken.
    pub fn refused(&self, why: String) {
        if let Ok(mut facts) = self.0.lock() {
            facts.1 = why;
        }
    }

    fn taken(&self) -> (String, String) {
        self.0.lock().map(|f| f.clone()).unwrap_or_default()
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
    let facts = LogFacts::default();
    request.extensions_mut().insert(facts.clone());
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
    let code = spec.as_ref().map_or("", |s| s.code);
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
    let (operator, refused) = facts.taken();
    tracing::info!(
        target: "ca_counter::request",
        %method, path = %logged_path, status = response.status().as_u16(), code,
        ms = started.elapsed().as_millis() as u64, client, operator, refused, request_id,
        client_request_id,
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
        // An invoiced order whose parcel came back waits to be mailed again: its invoice
        // is reversed once it is (said, rather than "cannot" alone).
        TransitionError::NotAllowed { status, version }
            if action == crate::domain::Action::ReverseInvoice
                && status == crate::domain::OrderStatus::PendingShipment =>
        {
            ApiError::Conflict {
                code: "invalid_transition",
                detail: Msg::with(T::ProblemReverseWhileMailing, [order_no]),
                status: Some(status),
                version: Some(version),
            }
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
                    Arg::Plain(china_clock_on(until, crate::server::store::now_ms())),
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

/// [`china_clock`] of `ms`, with its date when that is not the day of `now_ms` in China
/// (a time just past midnight read before it would be a day early).
pub fn china_clock_on(ms: i64, now_ms: i64) -> String {
    let day = |ms: i64| {
        time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
            .map(|t| t.to_offset(crate::domain::CHINA).date())
            .ok()
    };
    if day(ms) == day(now_ms) {
        china_clock(ms)
    } else {
        crate::server::present::china_datetime(ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_time_on_another_day_in_china_says_its_date() {
        // 2026-12-06 16:32 UTC is 2026-12-07 00:32 in China; 15 minutes on, the same day.
        let now = 1_796_574_720_000;
        assert_eq!(china_clock_on(now + 15 * 60_000, now), "00:47");
        // 23:50 in China, and 20 minutes on: past midnight, so with its date.
        let late = now - 42 * 60_000;
        assert_eq!(china_clock_on(late + 20 * 60_000, late), "2026-12-07 00:10");
    }

    /// Every code the platform's source gives a problem is in the documented list, and
    /// each generic status's too: a new code cannot be added unseen by integrators.
    #[test]
    fn every_problem_code_is_documented() {
        fn sources(dir: &std::path::Path, out: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    sources(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(std::fs::read_to_string(&path).unwrap_or_default());
                }
            }
        }
        let mut texts = Vec::new();
        sources(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/server"),
            &mut texts,
        );
        let documented = |code: &str| PROBLEM_CODES.iter().any(|(c, _, _)| *c == code);
        let mut found = 0;
        // `code: "…"` in a struct, `"code": "…"` in a body written as JSON.
        fn written(text: &str) -> Vec<usize> {
            text.match_indices("code: \"")
                .filter(|(at, _)| {
                    !text[..*at].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
                })
                .map(|(at, _)| at + 7)
                .chain(text.match_indices("\"code\": \"").map(|(at, _)| at + 9))
                .collect()
        }
        for text in &texts {
            for start in written(text) {
                let rest = &text[start..];
                let code: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                if code.is_empty() || !rest[code.len()..].starts_with('"') {
                    continue;
                }
                found += 1;
                assert!(documented(&code), "{code} is not in PROBLEM_CODES");
            }
        }
        assert!(found > 30, "the source was read: {found}");
        for code in ["claimed_by_other", "claim_required"] {
            assert!(documented(code), "{code}");
        }
        for status in [400, 401, 404, 405, 413, 415, 500, 503] {
            let code = ProblemSpec::generic(StatusCode::from_u16(status).unwrap_or_default()).code;
            assert!(documented(code), "{code}");
        }
    }

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
