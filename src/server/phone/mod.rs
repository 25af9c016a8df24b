//! Pages that QR codes and text messages open on a customer's phone (real name, the demo
//! cashier, the invoice request, the correction notice), on the customer platform's
//! templates (`web`: maud, escaping by default, the language switch, the demo notice). They
//! keep their own form rule: a token per phone, in a cookie scoped to `/m`.

use axum::Router;
use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use maud::{Markup, html};

use super::AppState;
use super::web;
use super::web::page::{Ctx, page};
use crate::api::{PHONE_FORM_COOKIE, PHONE_FORM_FIELD};
use crate::i18n::{Lang, T};

mod invoice;
mod notice;
mod pay;
mod realname;

/// The phone pages, with their security headers and the same-origin rule for forms.
pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        // The old address of the stylesheet, for pages a phone still has open.
        .route("/m/style.css", get(web::stylesheet))
        .route("/m/pay/{token}", get(pay::cashier).post(pay::pay))
        .route(
            "/m/invoice/{token}",
            get(invoice::form_page).post(invoice::submit),
        )
        .route("/m/invoice/{token}/invoice.pdf", get(invoice::pdf))
        .route("/m/notice/{token}", get(notice::notice_page))
        .route(
            "/m/realname/{token}",
            get(realname::page_for).post(realname::submit),
        )
        .route("/m/realname/{token}/return", get(realname::returned))
        .layer(middleware::from_fn_with_state(state, same_origin_forms))
        .layer(middleware::from_fn(super::web::security_headers))
}

tokio::task_local! {
    /// The form token of the page being answered, for [`Page`] to put in its forms.
    static FORM_TOKEN: String;
}

/// A phone page's context: the customer platform's (language, demo notice, hotline) with
/// this phone's form token.
pub(super) struct Page(pub Ctx);

impl FromRequestParts<AppState> for Page {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let mut ctx = web::context(parts, state);
        ctx.form_token = FORM_TOKEN.try_with(Clone::clone).unwrap_or_default();
        Ok(Page(ctx))
    }
}

/// A form on these pages may only be posted from these pages. Two checks, either enough
/// on its own: a browser that says where a post comes from (`Sec-Fetch-Site`, `Origin`,
/// `Referer`) must name this site; and every form carries a token that must match the `SameSite=Strict`
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
    // A language picked on a phone page stays picked, here and on the platform: by a
    // link, or by a form's language switch, which posts what was typed along.
    let chosen = chosen_lang(request.uri().query()).map(|lang| {
        format!(
            "{}={}; Max-Age=31536000; SameSite=Lax{}",
            web::LANG_COOKIE,
            lang.tag(),
            web::cookie_attributes(&state)
        )
    });
    // A refusal kept for this browser, asked for at its own address; past its time, the
    // page itself (a phone page's form is posted to the page's own address).
    if let Some(kept) = web::guard::refusal_asked(&request) {
        let path = request.uri().path().to_owned();
        return web::guard::refusal_again(&state, cookie_token.as_deref(), &kept, &path).await;
    }
    if request.method() != Method::POST {
        let (token, fresh) = match cookie_token {
            Some(token) => (token, false),
            None => (crate::server::store::new_token(), true),
        };
        let secure = state.public_base.starts_with("https://");
        let response = FORM_TOKEN.scope(token.clone(), next.run(request)).await;
        let mut cookies = Vec::new();
        if fresh {
            cookies.push(format!(
                "{PHONE_FORM_COOKIE}={token}; Path=/m; HttpOnly; SameSite=Strict{}",
                if secure { "; Secure" } else { "" }
            ));
        }
        cookies.extend(chosen);
        return with_cookies(response, cookies);
    }
    let site = request
        .headers()
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let (parts, body) = request.into_parts();
    // Phone forms are a few short fields; anything larger is not one of ours.
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return foreign_form(&web::context(&parts, &state), parts.uri.path(), "body");
    };
    let form_token = form_urlencoded::parse(&bytes)
        .find(|(name, _)| name == PHONE_FORM_FIELD)
        .map(|(_, value)| value.into_owned());
    // The browser's word on where the post comes from, and, as the customer platform's
    // forms, the `Origin` (or `Referer`) it names: another site's is refused whatever
    // cookie it carries.
    let foreign_site = site
        .as_deref()
        .is_some_and(|s| s != "same-origin" && s != "none")
        || web::guard::from_elsewhere(&state, &parts.headers);
    let token_ok = matches!((&cookie_token, &form_token), (Some(c), Some(f)) if c == f);
    if foreign_site || !token_ok {
        return foreign_form(
            &web::context(&parts, &state),
            parts.uri.path(),
            if foreign_site { "site" } else { "token" },
        );
    }
    let token = cookie_token.unwrap_or_default();
    let path = parts.uri.path().to_owned();
    let request = Request::from_parts(parts, axum::body::Body::from(bytes));
    let response = FORM_TOKEN.scope(token.clone(), next.run(request)).await;
    let response = web::guard::after_post(&state, &token, &path, response).await;
    with_cookies(response, chosen)
}

/// `response` with `cookies` set.
fn with_cookies(mut response: Response, cookies: impl IntoIterator<Item = String>) -> Response {
    for cookie in cookies {
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

/// The language `?lang=` asks for, if any.
fn chosen_lang(query: Option<&str>) -> Option<Lang> {
    form_urlencoded::parse(query?.as_bytes())
        .find(|(k, _)| k == "lang")
        .and_then(|(_, v)| Lang::parse(&v))
}

/// The page for a post that did not come from its own page.
fn foreign_form(ctx: &Ctx, path: &str, why: &str) -> Response {
    tracing::warn!(
        path = %crate::server::error::loggable_path(path),
        why,
        "a phone form not sent from its own page was refused"
    );
    web::page::message(
        ctx,
        StatusCode::FORBIDDEN,
        ctx.t(T::PageForeignForm),
        ctx.t(T::PageForeignFormNext),
    )
}

/// A form's `action`: this page's own address (its path and query: the cashier's
/// `?return=` goes with the post), never its fragment. A form with no action posts to
/// the address the browser shows, a refusal's `#error-summary-title` included, and the
/// page the post leads to keeps that fragment in its address.
pub(super) fn form_action(ctx: &Ctx) -> String {
    ctx.here.split('#').next().unwrap_or_default().to_owned()
}

/// The hotline as a link a phone can dial.
pub(crate) fn hotline_link(ctx: &Ctx) -> Markup {
    let dial: String = ctx.hotline.chars().filter(char::is_ascii_digit).collect();
    html! {
        p { (ctx.t(T::PageNoticeCall)) " " a href=(format!("tel:{dial}")) { (ctx.hotline) } }
    }
}

/// The page for a link that does not exist, has expired or was replaced: what happened
/// and what to do next (ask the counter for a new code, or call the hotline).
pub(super) fn gone(ctx: &Ctx) -> Response {
    let title = ctx.t(T::PageNotFound);
    page(
        ctx,
        StatusCode::NOT_FOUND,
        title,
        html! {
            h1.bad { (title) }
            p { (ctx.fill(T::PageNotFoundNext, &[&ctx.hotline])) }
            (hotline_link(ctx))
        },
    )
}

/// The page when the platform cannot answer now (the database is busy or away): say so,
/// and that trying again in a moment is safe.
pub(super) fn unavailable(ctx: &Ctx) -> Response {
    web::unavailable(ctx)
}
