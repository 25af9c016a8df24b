//! The routes of API v1, one file per resource, collected with their OpenAPI description.

pub(crate) mod actions;
mod attachments;
mod catalog;
mod customers;
pub(crate) mod documents;
mod events;
pub(crate) mod invoicing;
mod mailing;
mod openapi;
pub(crate) mod orders;
pub(crate) mod payments;
mod realname;
mod reminders;
mod review;
mod sms;
mod system;

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::middleware;
use tower_http::limit::RequestBodyLimitLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::AppState;
use super::error::{ApiError, ProblemSpec, render_problems};
use crate::i18n::{Msg, T};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// The most of a customer's upload over the limit that is read (and dropped) so that their
/// browser gets the answer: four times the limit (40 MB at the default 10 MB, a phone's
/// largest photos); past it the connection is cut.
fn drain_at_most(upload_limit: usize) -> u64 {
    (upload_limit as u64).saturating_mul(4)
}

/// The declared length of `request`'s body.
fn content_length(request: &axum::extract::Request) -> Option<u64> {
    request
        .headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

/// A body too slow to wait for.
#[derive(Debug)]
struct TooSlow;

impl std::fmt::Display for TooSlow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the request body came too slowly")
    }
}

impl std::error::Error for TooSlow {}

/// `body`, cut (an error) once, after its first `grace`, less than `min_rate` bytes a
/// second on average have come: each piece is awaited until what came so far falls behind
/// that pace.
fn paced(body: axum::body::Body, grace: std::time::Duration, min_rate: u64) -> axum::body::Body {
    use futures_util::StreamExt;
    let start = tokio::time::Instant::now();
    let pieces = futures_util::stream::unfold(
        (body.into_data_stream(), 0_u64, false),
        move |(mut stream, received, ended)| async move {
            if ended {
                return None;
            }
            let due = start
                + grace
                + std::time::Duration::from_secs_f64(received as f64 / min_rate as f64);
            match tokio::time::timeout_at(due, stream.next()).await {
                Ok(Some(Ok(piece))) => {
                    let received = received + piece.len() as u64;
                    Some((Ok(piece), (stream, received, false)))
                }
                Ok(Some(Err(e))) => Some((Err(e), (stream, received, true))),
                Ok(None) => None,
                Err(_) => Some((Err(axum::Error::new(TooSlow)), (stream, received, true))),
            }
        },
    );
    axum::body::Body::from_stream(pieces)
}

/// The longest an upload over the limit is read for nothing: a phone's 15 MB photo over
/// a weak uplink (512 kbit/s) comes in within it; one trickled to hold the connection (its
/// pace kept just above the least) is answered, and cut, at its end.
const DRAIN_FOR_AT_MOST: std::time::Duration = std::time::Duration::from_secs(300);

/// Reads `body` to its end, keeping nothing; false if it failed, stalled for `idle`, or
/// took longer than [`DRAIN_FOR_AT_MOST`].
async fn drain(body: axum::body::Body, idle: std::time::Duration) -> bool {
    use futures_util::StreamExt;
    let mut stream = body.into_data_stream();
    let read = async {
        loop {
            match tokio::time::timeout(idle, stream.next()).await {
                Ok(Some(Ok(_))) => {}
                Ok(None) => return true,
                Ok(Some(Err(_))) | Err(_) => return false,
            }
        }
    };
    tokio::time::timeout(DRAIN_FOR_AT_MOST, read)
        .await
        .unwrap_or(false)
}

/// The whole HTTP application.
pub fn router(state: AppState) -> Router {
    let upload_limit = state.config.max_upload_bytes;
    let body_idle =
        std::time::Duration::from_secs(state.config.http.body_idle_timeout_seconds.max(1));
    let min_rate = state.config.http.body_min_bytes_per_second.max(1);
    let (api, mut openapi) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(system::health))
        .routes(routes!(system::ready))
        .routes(routes!(system::me))
        .routes(routes!(system::transitions))
        .routes(routes!(catalog::projects))
        .routes(routes!(customers::create, customers::find))
        .routes(routes!(customers::identity))
        .routes(routes!(customers::audit))
        .routes(routes!(realname::rename_customer))
        .routes(routes!(realname::create))
        .routes(routes!(realname::get))
        .routes(routes!(orders::create, orders::list))
        .routes(routes!(orders::counts))
        .routes(routes!(orders::get, orders::update))
        .routes(routes!(orders::history))
        .routes(routes!(orders::add_note))
        .routes(routes!(actions::act))
        .routes(routes!(review::queue))
        .routes(routes!(review::take, review::release))
        .routes(routes!(sms::list))
        .routes(routes!(reminders::login_code))
        .routes(routes!(customers::online))
        .routes(routes!(customers::sign_in))
        .routes(routes!(reminders::payment_link))
        .routes(routes!(attachments::upload))
        .routes(routes!(attachments::download))
        .routes(routes!(attachments::preview))
        .routes(routes!(payments::create))
        .routes(routes!(payments::alipay_notify))
        .routes(routes!(payments::list))
        .routes(routes!(events::stream))
        .routes(routes!(documents::preview_form))
        .routes(routes!(documents::order_form))
        .routes(routes!(documents::receipt))
        .routes(routes!(documents::terms))
        .routes(routes!(documents::bank_account))
        .routes(routes!(documents::transfer_slip))
        .routes(routes!(documents::correction_notice))
        .routes(routes!(mailing::queue))
        .routes(routes!(mailing::labels))
        .routes(routes!(mailing::tracking, mailing::add_step))
        .routes(routes!(invoicing::queue))
        .routes(routes!(invoicing::save_request))
        .routes(routes!(invoicing::issue))
        .routes(routes!(invoicing::mail))
        .split_for_parts();
    openapi.info.version = env!("CARGO_PKG_VERSION").to_owned();
    openapi::complete(&mut openapi);
    // A query parameter a read does not take is refused, named, on every one alike
    // (`/invoicing?status=…` answered the whole queue, unfiltered, as if obeyed).
    let takes = std::sync::Arc::new(openapi::query_parameters(&openapi));
    let api = api.route_layer(middleware::from_fn(
        move |request: axum::extract::Request, next: middleware::Next| {
            let refused = unknown_parameter(&takes, &request);
            async move {
                match refused {
                    // Said once the token is taken (a 401 first, as for any other request
                    // without one): the `Caller` extractor answers it.
                    Some((unknown, false)) => {
                        let mut request = request;
                        request.extensions_mut().insert(unknown);
                        next.run(request).await
                    }
                    Some((unknown, true)) => unknown.problem().into_response(),
                    None => next.run(request).await,
                }
            }
        },
    ));
    let openapi_json = std::sync::Arc::new(openapi.to_pretty_json().unwrap_or_default());
    api.route(
        "/api/v1/openapi.json",
        axum::routing::get(move || {
            let json = openapi_json.clone();
            async move {
                (
                    [(axum::http::header::CONTENT_TYPE, "application/json")],
                    json.as_str().to_owned(),
                )
            }
        }),
    )
    .merge(super::phone::router(state.clone()))
    .merge(super::web::router(state.clone()))
    // The API's unknown addresses answer problem JSON; anything else is a customer's page.
    .fallback(
        |State(state): State<AppState>, request: axum::extract::Request| async move {
            if request.uri().path().starts_with("/api/") {
                ApiError::NotFound(Msg::new(T::ProblemRouteNotFound)).into_response()
            } else {
                super::web::no_such_page(&state, &request)
            }
        },
    )
    .layer(DefaultBodyLimit::max(upload_limit + 64 * 1024))
    .layer(RequestBodyLimitLayer::new(upload_limit + 64 * 1024))
    // A body that stops arriving frees its connection (the timeout is between pieces, so a
    // slow but moving upload is fine). Outside the limit, so that a body over it is still
    // told apart as too large.
    .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(body_idle))
    // The limit layer answers before any handler; say which limit it was. A body refused
    // as too large is left unread, so the connection cannot carry another request: say so,
    // or a client would send its next one (the smaller scan) down a connection about to
    // close, and fail.
    .layer(middleware::from_fn_with_state(
        state.clone(),
        move |State(state): State<AppState>,
              request: axum::extract::Request,
              next: middleware::Next| async move {
            // A customer's photo over the limit, sent from their phone's page: read to its
            // end and dropped before it is answered — a browser answered and cut off while
            // still sending shows "connection reset" (and sends it again), never the
            // answer, which leads back to the upload's form, the limit said beside it.
            if request.method() == axum::http::Method::POST
                && super::web::upload_form(request.uri().path()).is_some()
                && let Some(length) = content_length(&request)
                && length > (upload_limit + 64 * 1024) as u64
            {
                let path = request.uri().path().to_owned();
                // A client that waits to be told to send (`Expect: 100-continue`) is
                // answered at once: it sends nothing to read.
                let waits = request.headers().contains_key(axum::http::header::EXPECT);
                let drained = !waits
                    && length <= drain_at_most(upload_limit)
                    && drain(request.into_body(), body_idle).await;
                let mut response =
                    super::web::too_large_page(&state, crate::i18n::Lang::ZhCn, &path);
                if !drained {
                    response.headers_mut().insert(
                        axum::http::header::CONNECTION,
                        axum::http::HeaderValue::from_static("close"),
                    );
                }
                return response;
            }
            // A customer's page is answered in their language: what tells it is kept (cheap
            // clones) and read only if the body is refused.
            let customer_page = (!request.uri().path().starts_with("/api/")).then(|| {
                let mut told = axum::http::HeaderMap::new();
                for name in [
                    axum::http::header::COOKIE,
                    axum::http::header::ACCEPT_LANGUAGE,
                ] {
                    if let Some(value) = request.headers().get(&name) {
                        told.insert(name, value.clone());
                    }
                }
                (told, request.uri().clone())
            });
            // An upload that is too large is a file too large; any other body is a body.
            let upload = request
                .headers()
                .get(axum::http::header::CONTENT_TYPE)
                .is_some_and(|v| v.as_bytes().starts_with(b"multipart/"));
            let response = next.run(request).await;
            if response.status() != StatusCode::PAYLOAD_TOO_LARGE {
                return response;
            }
            // A customer's page that says so itself (a form too long) stays a page.
            let page = response
                .headers()
                .get(axum::http::header::CONTENT_TYPE)
                .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
            let mut response = if page || response.extensions().get::<ProblemSpec>().is_some() {
                response
            } else if let Some((told, uri)) = customer_page {
                let lang = super::web::request_lang(&told, uri.query());
                super::web::too_large_page(&state, lang, uri.path())
            } else if upload {
                ApiError::TooLarge(upload_limit).into_response()
            } else {
                // Every other body of the API is JSON, whose limit is its own (the upload
                // limit let it this far only).
                ApiError::BodyTooLarge(crate::server::extract::JSON_LIMIT).into_response()
            };
            response.headers_mut().insert(
                axum::http::header::CONNECTION,
                axum::http::HeaderValue::from_static("close"),
            );
            response
        },
    ))
    // Outermost: every body, a drained one too, must keep a pace once its first
    // `body_idle` seconds are over (one trickled a few bytes at a time held its connection
    // for ever: 4,096 of them from seventeen addresses took every connection, an outside
    // tester found).
    .layer(middleware::from_fn(
        move |request: axum::extract::Request, next: middleware::Next| {
            // A request with no body (most reads) has nothing to pace — told by the body
            // itself, not by headers an HTTP/2 request need not send.
            let bodiless = axum::body::HttpBody::is_end_stream(request.body());
            let request = if bodiless {
                request
            } else {
                request.map(|body| paced(body, body_idle, min_rate))
            };
            next.run(request)
        },
    ))
    .layer(middleware::from_fn_with_state(
        state.clone(),
        refuse_control_paths,
    ))
    .layer(middleware::from_fn(render_problems))
    .with_state(state)
}

/// A path that decodes to a control or direction character (`%00`, `%1B`…) names nothing
/// here; it is answered 404 before any handler could pass it to the database — problem
/// JSON under `/api/`, a customer's page anywhere else (a mangled link from a text message).
async fn refuse_control_paths(
    State(state): State<AppState>,
    request: axum::extract::Request,
    next: middleware::Next,
) -> Response {
    let path = request.uri().path();
    let clean = percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .is_ok_and(|p| !p.chars().any(crate::domain::is_unsafe_for_terminal));
    if clean {
        next.run(request).await
    } else if path.starts_with("/api/") {
        ApiError::NotFound(Msg::new(T::ProblemRouteNotFound)).into_response()
    } else {
        super::web::no_such_page(&state, &request)
    }
}

/// A query parameter the request's operation does not take: refused, named
/// ([`unknown_parameter`]), with what it takes.
#[derive(Debug, Clone)]
pub(crate) struct UnknownParameter {
    key: String,
    taken: Vec<String>,
}

impl UnknownParameter {
    /// The refusal (422), the parameter named.
    pub(crate) fn problem(&self) -> ApiError {
        if self.taken.is_empty() {
            ApiError::field(&self.key, T::ErrNoParameters)
        } else {
            ApiError::field(
                &self.key,
                Msg::with(T::ErrUnknownParameter, [self.taken.join(", ")]),
            )
        }
    }
}

/// The reads whose handlers name an unknown query parameter with every other that does
/// not fit (`parse_query_checked` of a query type that denies unknown fields).
/// (Not the payments list: finance's alone, an unknown parameter there is refused to
/// anyone with a token, before whether they may read it, as on every other read.)
const NAMES_EVERY_PARAMETER: [&str; 1] = ["/api/v1/orders"];

/// The parameter in `request`'s query string that its operation (by method and path
/// template, [`openapi::query_parameters`]) does not take, and whether the operation is
/// answered without a token.
fn unknown_parameter(
    takes: &openapi::QueryParameters,
    request: &axum::extract::Request,
) -> Option<(UnknownParameter, bool)> {
    // What is read (a list filtered by a misspelt parameter answered unfiltered); a post's
    // address is its own (a provider's callback may carry a tag of ours).
    let method = match *request.method() {
        axum::http::Method::GET | axum::http::Method::HEAD => axum::http::Method::GET,
        _ => return None,
    };
    let query = request.uri().query().filter(|q| !q.is_empty())?;
    let path = request.extensions().get::<axum::extract::MatchedPath>()?;
    // A read that names every bad parameter itself, with the others at once.
    if NAMES_EVERY_PARAMETER.contains(&path.as_str()) {
        return None;
    }
    let taken = takes.get(&(method, path.as_str().to_owned()))?;
    let (key, _) = form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| !taken.names.iter().any(|name| name == key))?;
    let key: String = key.chars().filter(|c| !c.is_control()).collect();
    Some((
        UnknownParameter {
            key,
            taken: taken.names.clone(),
        },
        taken.public,
    ))
}
