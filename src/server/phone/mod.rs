//! Pages that QR codes open on a customer's phone: small server-rendered HTML in Chinese,
//! no JavaScript.

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;

use super::AppState;
use crate::api::{PHONE_FORM_COOKIE, PHONE_FORM_FIELD};
use crate::i18n::{Lang, T};

mod invoice;
mod notice;
mod pay;
mod realname;

/// The phone pages, with their security headers and the same-origin rule for forms.
pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .route("/m/style.css", get(stylesheet))
        .route("/m/pay/{token}", get(pay::cashier).post(pay::pay))
        .route(
            "/m/invoice/{token}",
            get(invoice::form_page).post(invoice::submit),
        )
        .route("/m/notice/{token}", get(notice::notice_page))
        .route(
            "/m/realname/{token}",
            get(realname::page_for).post(realname::submit),
        )
        .route("/m/realname/{token}/return", get(realname::returned))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            same_origin_forms,
        ))
        .layer(middleware::from_fn_with_state(state, demo_banner))
        .layer(middleware::from_fn(super::web::security_headers))
}

tokio::task_local! {
    /// The form token of the page being answered, for [`page`] to put in its forms.
    static FORM_TOKEN: String;
    /// The banner naming this platform's demo parts, when it has any.
    static DEMO_BANNER: Option<String>;
}

/// Every phone page of a platform running built-in stand-ins says so at its top: nothing a
/// customer holds may pass for real when it is not.
async fn demo_banner(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let banner = state.demo.any().then(|| {
        T::DemoBanner.fill(
            LANG,
            &[&state.demo.names(LANG).collect::<Vec<_>>().join("、")],
        )
    });
    DEMO_BANNER.scope(banner, next.run(request)).await
}

/// A form on these pages may only be posted from these pages. Two checks, either enough
/// on its own: a browser that says where a post comes from (`Sec-Fetch-Site`) must say
/// `same-origin`; and every form carries a token that must match the `SameSite=Strict`
/// cookie its page set, which another site can neither read nor make the browser send.
/// A post from another site — a page that makes the customer's browser pay, or ask for an
/// invoice, behind their back — is refused before it does anything.
async fn same_origin_forms(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let cookie_token = request
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == PHONE_FORM_COOKIE)
        .map(|(_, value)| value.to_owned())
        .filter(|value| {
            value.len() >= 16
                && value
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        });
    if request.method() != Method::POST {
        let (token, fresh) = match cookie_token {
            Some(token) => (token, false),
            None => (crate::server::store::new_token(), true),
        };
        let secure = state.public_base.starts_with("https://");
        let mut response = FORM_TOKEN.scope(token.clone(), next.run(request)).await;
        if fresh {
            let cookie = format!(
                "{PHONE_FORM_COOKIE}={token}; Path=/m; HttpOnly; SameSite=Strict{}",
                if secure { "; Secure" } else { "" }
            );
            if let Ok(value) = HeaderValue::from_str(&cookie) {
                response.headers_mut().append(header::SET_COOKIE, value);
            }
        }
        return response;
    }
    let site = request
        .headers()
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let (parts, body) = request.into_parts();
    // Phone forms are a few short fields; anything larger is not one of ours.
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return foreign_form(parts.uri.path(), "body");
    };
    let form_token = form_urlencoded::parse(&bytes)
        .find(|(name, _)| name == PHONE_FORM_FIELD)
        .map(|(_, value)| value.into_owned());
    let foreign_site = site
        .as_deref()
        .is_some_and(|s| s != "same-origin" && s != "none");
    let token_ok = matches!((&cookie_token, &form_token), (Some(c), Some(f)) if c == f);
    if foreign_site || !token_ok {
        return foreign_form(
            parts.uri.path(),
            if foreign_site { "site" } else { "token" },
        );
    }
    let token = cookie_token.unwrap_or_default();
    let request = Request::from_parts(parts, axum::body::Body::from(bytes));
    FORM_TOKEN.scope(token, next.run(request)).await
}

/// The page for a post that did not come from its own page.
fn foreign_form(path: &str, why: &str) -> Response {
    tracing::warn!(
        path,
        why,
        "a phone form not sent from its own page was refused"
    );
    let title = T::PageForeignForm.get(LANG);
    page(
        StatusCode::FORBIDDEN,
        title,
        &format!(
            "<h1 class=\"bad\">{}</h1><p>{}</p>",
            escape(title),
            escape(T::PageForeignFormNext.get(LANG))
        ),
    )
}

/// The language of the phone pages (English arrives with the customer's platform).
const LANG: Lang = Lang::ZhCn;

/// `GET /m/style.css`: one stylesheet for every page (no inline styles, so the policy
/// needs none).
async fn stylesheet() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        STYLESHEET,
    )
        .into_response()
}

const STYLESHEET: &str = "body{font-family:system-ui,-apple-system,\"PingFang SC\",\"Microsoft YaHei\",sans-serif;\
margin:0;padding:1.2em;max-width:32em;line-height:1.6;color:#111;background:#fafafa}\
h1{font-size:1.3em}dl{display:grid;grid-template-columns:auto 1fr;gap:.3em 1em}dt{color:#555}\
dd{margin:0;overflow-wrap:anywhere}.amount{font-size:1.8em;font-weight:bold}\
button{width:100%;min-height:44px;padding:.9em;font-size:1.1em;border:0;border-radius:.4em;background:#0b5ed7;color:#fff}\
.ok{color:#0a7d32}.bad{color:#b42318}\
label{display:block;margin:.9em 0 .3em;color:#333}\
input:not([type=checkbox]):not([type=radio]){width:100%;min-height:44px;box-sizing:border-box;padding:.7em;\
font-size:1.1em;border:1px solid #767676;border-radius:.4em;background:#fff}\
label.consent{display:flex;gap:.5em;align-items:flex-start;margin:1.2em 0}\
input[type=checkbox],input[type=radio]{width:1.3em;height:1.3em;flex:none;padding:0;margin:0}\
.small{color:#595959;font-size:.9em}fieldset{border:1px solid #ddd;border-radius:.4em;margin:.9em 0}\
p.bad{margin:.2em 0}.who b{font-size:1.2em}\
a.button{display:block;box-sizing:border-box;min-height:44px;padding:.9em;font-size:1.1em;text-align:center;\
text-decoration:none;border-radius:.4em;background:#0b5ed7;color:#fff}\
.demo{margin:-1.2em -1.2em 1em;padding:.6em 1.2em;background:#fff3cd;color:#5c3c00;border-bottom:2px solid #b7791f;font-weight:bold}";

/// Escapes text for HTML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A complete phone page around `body`; each form in it gets the page's form token.
pub fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let body = match FORM_TOKEN.try_with(Clone::clone) {
        Ok(token) => with_form_token(body, &token),
        Err(_) => body.to_owned(),
    };
    let banner = DEMO_BANNER
        .try_with(Clone::clone)
        .ok()
        .flatten()
        .map(|text| format!("<p class=\"demo\" role=\"note\">{}</p>", escape(&text)))
        .unwrap_or_default();
    let html = format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><link rel=\"stylesheet\" href=\"/m/style.css\"></head>\
         <body>{banner}<main>{body}</main></body></html>",
        title = escape(title),
    );
    (status, Html(html)).into_response()
}

/// `body` with a hidden field carrying `token` at the start of each of its forms.
fn with_form_token(body: &str, token: &str) -> String {
    let field = format!(
        "<input type=\"hidden\" name=\"{PHONE_FORM_FIELD}\" value=\"{}\">",
        escape(token)
    );
    let mut out = String::with_capacity(body.len() + field.len());
    let mut rest = body;
    while let Some(start) = rest.find("<form") {
        let Some(end) = rest[start..].find('>') else {
            break;
        };
        out.push_str(&rest[..start + end + 1]);
        out.push_str(&field);
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    out
}

/// The page for a link that does not exist, has expired or was replaced: what happened
/// and what to do next (ask the counter for a new code, or call the hotline).
pub fn gone(lang: Lang, hotline: &str) -> Response {
    let text = T::PageNotFound.get(lang);
    page(
        StatusCode::NOT_FOUND,
        text,
        &format!(
            "<h1 class=\"bad\">{}</h1><p>{}</p>",
            escape(text),
            escape(&T::PageNotFoundNext.fill(lang, &[hotline]))
        ),
    )
}

/// The page when the platform cannot answer now (the database is busy or away): say so,
/// and that trying again in a moment is safe.
pub fn unavailable(lang: Lang) -> Response {
    let title = T::PageUnavailable.get(lang);
    let mut response = page(
        StatusCode::SERVICE_UNAVAILABLE,
        title,
        &format!(
            "<h1 class=\"bad\">{}</h1><p>{}</p>",
            escape(title),
            escape(T::PageUnavailableNext.get(lang))
        ),
    );
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    response
}
