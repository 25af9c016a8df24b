//! What every customer page carries: security headers (no script, no framing, no caching,
//! no referrer), the language the customer chose, and the rule that a form is accepted
//! only from its own page — its token must match the `SameSite=Strict` cookie the page
//! set, and a browser that says the post comes from another site is refused.

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::page::{self, Ctx};
use crate::i18n::{Lang, T};
use crate::server::AppState;

/// The cookie that carries the form token.
pub const FORM_COOKIE: &str = "cac_form";
/// The hidden field (or, for file uploads, query parameter) that carries it back.
pub const FORM_FIELD: &str = "form_token";
/// The cookie that keeps the language a customer chose.
pub const LANG_COOKIE: &str = "cac_lang";
/// A value that changes with every form the platform takes (a `303` after a `POST`). A
/// browser keeps a page left behind, to show it at once on Back, only while the site's
/// cookies stay as they were (Chrome's back/forward cache for `no-store` pages): once a form
/// has changed something, Back asks the platform for the page again and shows what is true
/// now — not a page whose form would be refused as out of date.
pub const CHANGED_COOKIE: &str = "cac_changed";

tokio::task_local! {
    /// The token of the page being answered, for forms to carry.
    pub static FORM_TOKEN: String;
}

/// No script at all, the platform's own stylesheet and images (and QR codes as data),
/// forms only back to the platform, never inside another site's frame.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Security headers on every page a customer sees (these and the phone pages QR codes
/// open): a customer's personal data is never cached, leaked in a referrer, sniffed into
/// another type, or shown inside someone else's frame. Stylesheets may be cached.
pub async fn security_headers(request: Request, next: Next) -> Response {
    let stylesheet = request.uri().path().ends_with(".css");
    let mut response = next.run(request).await;
    add_security_headers(&mut response, stylesheet);
    response
}

fn add_security_headers(response: &mut Response, stylesheet: bool) {
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if stylesheet {
            "public, max-age=86400"
        } else {
            "no-store"
        }),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
}

/// The value of cookie `name`, if the request has it.
pub fn cookie(request: &axum::http::HeaderMap, name: &str) -> Option<String> {
    request
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

fn token_shaped(value: &str) -> bool {
    value.len() >= 16
        && value.len() <= 64
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// `Set-Cookie` attributes: `Secure` when customers reach the platform over HTTPS.
pub fn cookie_attributes(state: &AppState) -> &'static str {
    if state.public_base.starts_with("https://") {
        "; Path=/; HttpOnly; Secure"
    } else {
        "; Path=/; HttpOnly"
    }
}

/// The form rule, and the language choice (`?lang=en` keeps English in a cookie).
pub async fn forms(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let cookie_token = cookie(request.headers(), FORM_COOKIE).filter(|v| token_shaped(v));
    let query = request.uri().query().unwrap_or_default().to_owned();
    let chosen = form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "lang")
        .and_then(|(_, v)| Lang::parse(&v));
    let attributes = cookie_attributes(&state);
    let mut set_cookies = Vec::new();
    if let Some(lang) = chosen {
        set_cookies.push(format!(
            "{LANG_COOKIE}={}; Max-Age=31536000; SameSite=Lax{attributes}",
            lang.tag()
        ));
    }
    let token = match cookie_token.clone() {
        Some(token) => token,
        None => {
            let token = crate::server::store::new_token();
            set_cookies.push(format!(
                "{FORM_COOKIE}={token}; SameSite=Strict{attributes}"
            ));
            token
        }
    };
    let posted = request.method() == Method::POST;
    // A refusal kept for this browser, asked for at its own address (`?answer=`).
    if let Some(kept) = refusal_asked(&request) {
        let path = request.uri().path();
        let fallback = super::session::page_of_form(path);
        return refusal_again(&state, cookie_token.as_deref(), &kept, &fallback).await;
    }
    let path = request.uri().path().to_owned();
    let browser = posted.then(|| token.clone());
    let mut response = if posted {
        let headers = request.headers().clone();
        match checked(&state, request, cookie_token.as_deref()).await {
            Ok(request) => FORM_TOKEN.scope(token, next.run(request)).await,
            // A long form of a page left open while the customer signed in again: what it
            // held is given back on its page, to be checked and sent again.
            Err(Refused {
                why: "stale",
                body: Some(body),
                path,
                lang,
            }) => match super::session::keep_stale_form(&state, &headers, &path, &body).await {
                Some(kept) => kept,
                None => refused_page(
                    &state,
                    Refused {
                        lang,
                        path,
                        why: "stale",
                        body: None,
                    },
                ),
            },
            Err(refused) => refused_page(&state, refused),
        }
    } else {
        FORM_TOKEN.scope(token, next.run(request)).await
    };
    if let Some(browser) = browser {
        response = after_post(&state, &browser, &path, response).await;
    }
    for value in set_cookies {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// The query parameter that names a page kept for the browser (a refusal, or a page that
/// goes on from the form).
const ANSWER_PARAM: &str = "answer";

/// The token of the refusal page a `GET` asks for, if it asks for one.
pub(crate) fn refusal_asked(request: &Request) -> Option<String> {
    if request.method() != Method::GET {
        return None;
    }
    form_urlencoded::parse(request.uri().query()?.as_bytes())
        .find(|(k, _)| k == ANSWER_PARAM)
        .map(|(_, v)| v.into_owned())
}

/// What every form's answer gets, on the customer platform and on the phone pages:
///
/// - a refusal is shown after a redirect ([`shown_after_redirect`]);
/// - a form taken (a `303`) drops the browser's kept refusals — Back to one shows the page
///   as it is now, not the mistake already put right — and changes [`CHANGED_COOKIE`].
pub(crate) async fn after_post(
    state: &AppState,
    browser: &str,
    path: &str,
    response: Response,
) -> Response {
    let mut response = shown_after_redirect(state, browser, path, response).await;
    if response.status() != StatusCode::SEE_OTHER {
        return response;
    }
    let kept_refusal = response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|to| to.contains(&format!("?{ANSWER_PARAM}=")));
    if !kept_refusal && let Err(e) = state.store.forget_refusal_pages(browser).await {
        tracing::warn!(error = %e, "dropping kept refusal pages");
    }
    let changed = format!(
        "{CHANGED_COOKIE}={}; SameSite=Lax{}",
        crate::server::store::new_token(),
        cookie_attributes(state)
    );
    if let Ok(value) = HeaderValue::from_str(&changed) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// A page answering a form (a refusal — 409, 410, 422, 429 — or a page of its own, 200), shown
/// after a redirect: kept for the browser that sent the form, and the browser sent to an
/// address of its own that gives it again. Back and reload there then show the page rather
/// than ask to send the form again (a `no-store` answer to a post cannot be shown again
/// without sending it). Any other answer, or a page that could not be kept, goes as it is.
async fn shown_after_redirect(
    state: &AppState,
    browser: &str,
    path: &str,
    response: Response,
) -> Response {
    // A page answering the post itself: a refusal, or a page that goes on from the form
    // (the phone's verification tried again).
    let answering = matches!(
        response.status(),
        StatusCode::OK
            | StatusCode::UNPROCESSABLE_ENTITY
            | StatusCode::CONFLICT
            | StatusCode::GONE
            | StatusCode::TOO_MANY_REQUESTS
    );
    let page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if !answering || !page {
        return response;
    }
    let (parts, body) = response.into_parts();
    // Pages are under 30 KB; one over the bound is given as it is.
    let Ok(bytes) = axum::body::to_bytes(body, 256 * 1024).await else {
        return page::message(
            &plain_ctx(state, Lang::ZhCn, path.to_owned()),
            StatusCode::INTERNAL_SERVER_ERROR,
            T::PageUnavailable.get(Lang::ZhCn),
            T::PageUnavailableNext.get(Lang::ZhCn),
        );
    };
    let mut to_errors = "";
    let kept = match std::str::from_utf8(&bytes) {
        Ok(html) => {
            // Shown at its errors when it lists some.
            if html.contains(&format!("id=\"{}\"", &super::form::TO_ERRORS[1..])) {
                to_errors = super::form::TO_ERRORS;
            }
            state
                .store
                .keep_refusal_page(browser, parts.status.as_u16(), html)
                .await
                .map_err(|e| tracing::warn!(error = %e, "keeping a refusal page"))
        }
        Err(_) => Err(()),
    };
    match kept {
        Ok(token) => page::see_other(&format!("{path}?{ANSWER_PARAM}={token}{to_errors}")),
        Err(()) => Response::from_parts(parts, axum::body::Body::from(bytes)),
    }
}

/// The refusal kept under `token` for `browser`, with the status it had; past its time,
/// put right since, or another browser's: `fallback`, the page the form was on, as it is
/// now.
pub(crate) async fn refusal_again(
    state: &AppState,
    browser: Option<&str>,
    token: &str,
    fallback: &str,
) -> Response {
    let Some(browser) = browser else {
        return page::see_other(fallback);
    };
    match state.store.refusal_page(token, browser).await {
        Ok(Some((status, body))) => {
            let status = StatusCode::from_u16(status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            let mut response = (status, body).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            );
            response
        }
        Ok(None) => page::see_other(fallback),
        Err(e) => {
            tracing::warn!(error = %e, "a refusal page");
            page::see_other(fallback)
        }
    }
}

/// A `Set-Cookie` value with a new form token (when a customer signs in).
pub fn form_cookie(state: &AppState) -> String {
    format!(
        "{FORM_COOKIE}={}; SameSite=Strict{}",
        crate::server::store::new_token(),
        cookie_attributes(state)
    )
}

/// Why a post was refused.
struct Refused {
    lang: Lang,
    path: String,
    why: &'static str,
    /// A form of our own page whose token is of an earlier sign-in (`why` "stale"), as
    /// sent: kept for the customer where its page can give it back.
    body: Option<axum::body::Bytes>,
}

/// Whether the post's `Origin` (or, without one, its `Referer`) names another site than
/// the one it was sent to (its `Host`, or the platform's public address behind a proxy).
/// A browser sends `Origin` with every cross-site post, whatever cookies it holds. Our
/// pages' `no-referrer` policy makes a browser send `Origin: null` with their own posts,
/// so `null` says nothing here (`Sec-Fetch-Site` and the token still do).
pub(crate) fn from_elsewhere(state: &AppState, headers: &axum::http::HeaderMap) -> bool {
    let sent_from = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok());
    let Some(sent_from) = sent_from.filter(|from| *from != "null") else {
        return false;
    };
    // A host and port, the web's own ports left out (`Host` names no scheme).
    let plain = |host: &str| -> String {
        let host = host.to_ascii_lowercase();
        let bare = host
            .strip_suffix(":443")
            .or_else(|| host.strip_suffix(":80"));
        bare.unwrap_or(&host).to_owned()
    };
    let host_of = |url: &str| -> Option<String> {
        let rest = url.split_once("://")?.1;
        Some(plain(rest.split(['/', '?', '#']).next()?))
    };
    let Some(from) = host_of(sent_from) else {
        // Something that is not an address.
        return true;
    };
    let to = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(plain);
    Some(&from) != to.as_ref() && Some(from) != host_of(&state.public_base)
}

/// A post passes when the browser does not say it comes from another site and its token
/// (in the form, or in the query for a file upload) matches the cookie.
async fn checked(
    state: &AppState,
    request: Request,
    cookie_token: Option<&str>,
) -> Result<Request, Refused> {
    let lang = request_lang(request.headers(), request.uri().query());
    let path = request.uri().path().to_owned();
    let refuse = |why| Refused {
        lang,
        path: path.clone(),
        why,
        body: None,
    };
    let fetch_site = request
        .headers()
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let foreign = fetch_site
        .as_deref()
        .is_some_and(|s| s != "same-origin" && s != "none");
    if foreign || from_elsewhere(state, request.headers()) {
        return Err(refuse("site"));
    }
    // The browser says the form is one of our pages' (`Sec-Fetch-Site`, which no page can
    // set; our pages' own posts carry `Origin: null`, which says nothing): a token that
    // does not match is an earlier sign-in's (a tab left open while the customer signed in
    // again), not a forgery.
    let why_not = if fetch_site.as_deref() == Some("same-origin") {
        "stale"
    } else {
        "token"
    };
    let matches =
        |sent: Option<String>| matches!((cookie_token, sent), (Some(c), Some(s)) if c == s);
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/"));
    if multipart {
        // A file is not buffered here: its form names its token in the query.
        let sent = request.uri().query().and_then(|q| {
            form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == FORM_FIELD)
                .map(|(_, v)| v.into_owned())
        });
        return if matches(sent) {
            Ok(request)
        } else {
            Err(refuse(why_not))
        };
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return Err(refuse("length"));
    };
    let sent = form_urlencoded::parse(&bytes)
        .find(|(name, _)| name == FORM_FIELD)
        .map(|(_, value)| value.into_owned());
    if !matches(sent) {
        return Err(Refused {
            body: Some(bytes),
            ..refuse(why_not)
        });
    }
    Ok(Request::from_parts(parts, axum::body::Body::from(bytes)))
}

/// A page's context for a request no page of ours answered (no session read).
fn plain_ctx(state: &AppState, lang: Lang, path: String) -> Ctx {
    Ctx {
        lang,
        ca_name: state.config.ca_name.clone(),
        hotline: state.config.hotline.clone(),
        support: (
            state.config.support_qq.clone(),
            state.config.support_phone.clone(),
        ),
        here: path,
        signed_in: None,
        demo: state.demo.customer_names(lang).map(str::to_owned).collect(),
        demo_sms: state.demo.sms,
        form_token: String::new(),
        switch_form: None,
        upload_mb: (state.config.max_upload_bytes / (1024 * 1024)).max(1),
    }
}

/// The customer's pages answer every error as a page in the customer's words, also those
/// no page of ours wrote: a form the framework could not read (a field twice, a number
/// that is not one), a method an address does not take, a body too long.
pub async fn error_pages(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let lang = request_lang(request.headers(), request.uri().query());
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let status = response.status();
    let page = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
    if status.as_u16() < 400 || page {
        return response;
    }
    not_a_page(&state, lang, path, status)
}

/// The page for `status` where no page of ours answered.
fn not_a_page(state: &AppState, lang: Lang, path: String, status: StatusCode) -> Response {
    let (title, next) = match status {
        StatusCode::NOT_FOUND => (T::PageNoSuchPage, T::PageNoSuchPageNext),
        StatusCode::METHOD_NOT_ALLOWED => (T::PageWrongWay, T::PageWrongWayNext),
        StatusCode::PAYLOAD_TOO_LARGE => (T::PageFormTooLong, T::PageFormTooLongNext),
        s if s.is_client_error() => (T::PageFormUnreadable, T::PageFormUnreadableNext),
        _ => (T::PageUnavailable, T::PageUnavailableNext),
    };
    let ctx = plain_ctx(state, lang, path);
    page::message(&ctx, status, title.get(lang), next.get(lang))
}

/// Where a customer's upload posted to `path` (the application's scan, a voucher, a
/// correction) goes back to when its file is over the limit: its own form, the limit said
/// beside the file field. `None` for any other address.
pub fn upload_form(path: &str) -> Option<String> {
    match path.rsplit_once('/') {
        Some(("/apply", "scan")) => Some("/apply?step=scan&too_large=1".to_owned()),
        // Only an order number is led back to (a path made up is no order's page).
        Some((order, "voucher" | "correction"))
            if order
                .strip_prefix("/orders/")
                .is_some_and(|no| crate::domain::OrderNo::parse(no).is_ok()) =>
        {
            Some(format!("{order}?too_large=1#scan"))
        }
        _ => None,
    }
}

/// A body over the platform's limit, refused before any handler read it, sent to one of
/// the customer's addresses. An upload (the application's scan, a voucher, a correction)
/// goes back to its own form, the limit said beside the file field — the page it was
/// chosen on, not a page of its own at the address posted to, which a reload would post
/// again. Any other form: a page saying it was too long.
pub fn too_large_page(state: &AppState, lang: Lang, path: &str) -> Response {
    let mut response = match upload_form(path) {
        Some(form) => super::page::see_other(&form),
        // Its language switch leads home: the address posted to is no page.
        None => not_a_page(state, lang, "/".to_owned(), StatusCode::PAYLOAD_TOO_LARGE),
    };
    add_security_headers(&mut response, false);
    response
}

/// An address that is neither the API's nor a page's: a page saying so (the API's own
/// unknown addresses answer problem JSON).
pub fn no_such_page(state: &AppState, request: &Request) -> Response {
    let lang = request_lang(request.headers(), request.uri().query());
    let mut response = not_a_page(
        state,
        lang,
        request.uri().path().to_owned(),
        StatusCode::NOT_FOUND,
    );
    add_security_headers(&mut response, false);
    response
}

fn refused_page(state: &AppState, refused: Refused) -> Response {
    tracing::warn!(path = %refused.path, why = refused.why, "a form was refused");
    let ctx = plain_ctx(state, refused.lang, refused.path);
    let (status, title, next) = if refused.why == "length" {
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            T::PageFormTooLong,
            T::PageFormTooLongNext,
        )
    } else if refused.why == "stale" {
        (
            StatusCode::FORBIDDEN,
            T::PageStaleForm,
            T::PageStaleFormNext,
        )
    } else {
        // The customer's own pages (signed in, or signing in): no counter's code to scan
        // again (that is the phone links' advice).
        (
            StatusCode::FORBIDDEN,
            T::PageForeignForm,
            T::PageForeignFormNextOwn,
        )
    };
    page::message(
        &ctx,
        status,
        title.get(refused.lang),
        next.get(refused.lang),
    )
}

/// The language of a request: `?lang=`, else the cookie, else `Accept-Language`.
pub fn request_lang(headers: &axum::http::HeaderMap, query: Option<&str>) -> Lang {
    if let Some(lang) = query.and_then(|q| {
        form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "lang")
            .and_then(|(_, v)| Lang::parse(&v))
    }) {
        return lang;
    }
    if let Some(lang) = cookie(headers, LANG_COOKIE).and_then(|v| Lang::parse(&v)) {
        return lang;
    }
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Lang::from_accept_language)
        .unwrap_or_default()
}
