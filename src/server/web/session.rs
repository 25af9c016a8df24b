//! Who is visiting: the page's context (language, form token, demo notice) and, when the
//! session cookie names a live session, the signed-in customer.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::guard::{FORM_FIELD, FORM_TOKEN, cookie, request_lang};
use super::page::{self, Ctx};
use crate::domain::mask_phone;
use crate::i18n::T;
use crate::server::AppState;
use crate::server::store::CustomerRow;
use crate::server::store::self_service::STASH_MS;

/// The cookie that carries a customer's session.
pub const SESSION_COOKIE: &str = "cac_session";

/// A visitor, signed in or not.
pub struct Visit {
    /// The page's context.
    pub ctx: Ctx,
    /// The customer, when signed in.
    pub customer: Option<CustomerRow>,
    /// Their session's id.
    pub session_id: Option<String>,
    /// The browser brought a session that has ended (expired, or signed out elsewhere).
    pub ended: bool,
}

/// A signed-in customer (anyone else is sent to sign in and brought back).
pub struct SignedIn {
    /// The page's context.
    pub ctx: Ctx,
    /// The customer.
    pub customer: CustomerRow,
    /// Their session's id.
    pub session_id: String,
}

/// The page a platform that cannot answer now shows.
pub fn unavailable(ctx: &Ctx) -> Response {
    let mut response = page::message(
        ctx,
        StatusCode::SERVICE_UNAVAILABLE,
        ctx.t(T::PageUnavailable),
        ctx.t(T::PageUnavailableNext),
    );
    response.headers_mut().insert(
        axum::http::header::RETRY_AFTER,
        axum::http::HeaderValue::from_static("5"),
    );
    response
}

/// The context of a page at `parts` for `state`.
pub fn context(parts: &Parts, state: &AppState) -> Ctx {
    let lang = request_lang(&parts.headers, parts.uri.query());
    Ctx {
        lang,
        ca_name: state.config.ca_name.clone(),
        hotline: state.config.hotline.clone(),
        support: (
            state.config.support_qq.clone(),
            state.config.support_phone.clone(),
        ),
        here: here(parts),
        signed_in: None,
        demo: state.demo.customer_names(lang).map(str::to_owned).collect(),
        demo_sms: state.demo.sms,
        form_token: FORM_TOKEN.try_with(Clone::clone).unwrap_or_default(),
        switch_form: None,
        upload_mb: (state.config.max_upload_bytes / (1024 * 1024)).max(1),
    }
}

impl FromRequestParts<AppState> for Visit {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let mut ctx = context(parts, state);
        let Some(token) = cookie(&parts.headers, SESSION_COOKIE) else {
            return Ok(Visit {
                ctx,
                customer: None,
                session_id: None,
                ended: false,
            });
        };
        let session = match state.store.session(&token).await {
            Ok(session) => session,
            Err(e) => {
                tracing::warn!(error = %e, "customer session");
                return Err(unavailable(&ctx));
            }
        };
        let Some(session) = session else {
            return Ok(Visit {
                ctx,
                customer: None,
                session_id: None,
                ended: true,
            });
        };
        let customer = match state.store.customer(&session.customer_id).await {
            Ok(customer) => customer,
            Err(e) => {
                tracing::warn!(error = %e, "customer of a session");
                return Err(unavailable(&ctx));
            }
        };
        ctx.signed_in = customer.as_ref().map(|c| mask_phone(&c.phone));
        Ok(Visit {
            ctx,
            customer,
            session_id: Some(session.id),
            ended: false,
        })
    }
}

impl FromRequestParts<AppState> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let visit = Visit::from_request_parts(parts, state).await?;
        match (visit.customer, visit.session_id) {
            (Some(customer), Some(session_id)) => Ok(SignedIn {
                ctx: visit.ctx,
                customer,
                session_id,
            }),
            _ => {
                // Back to this page after signing in; from a form (a post), to the page the
                // form was on — its action cannot be opened as a page.
                let here = if parts.method == axum::http::Method::GET
                    || parts.method == axum::http::Method::HEAD
                {
                    visit.ctx.here.clone()
                } else {
                    page_of_form(parts.uri.path())
                };
                // Said on the sign-in page, so that a form that went nowhere is explained: a
                // session that ended, or a form sent with none (signed out in another tab).
                let posted = parts.method == axum::http::Method::POST;
                Err(sign_in_again(&here, visit.ended || posted, false))
            }
        }
    }
}

/// To the sign-in page, and back to `page` after it; `ended` says the sign-in had ended
/// (a form went nowhere), `kept` that what the form held was kept ([`FormPost`]).
fn sign_in_again(page: &str, ended: bool, kept: bool) -> Response {
    let next: String = form_urlencoded::byte_serialize(page.as_bytes()).collect();
    let ended = if ended { "&ended=1" } else { "" };
    let kept = if kept { "&kept=1" } else { "" };
    page::see_other(&format!("/login?next={next}{ended}{kept}"))
}

/// The cookie that gives a stashed form back to the browser that sent it.
pub const STASH_COOKIE: &str = "cac_stash";

/// The session token of a sign-out in this browser, kept an hour: a form another tab sends
/// afterwards is known as that customer's (the session itself is ended and opens nothing).
pub const WAS_COOKIE: &str = "cac_was";

/// A form a signed-in customer sent: who they are, and what it held.
///
/// A long form sent after the customer's sign-in had ended (it expired on a page left open,
/// or they signed out on another device or in another tab) is not thrown away: when the
/// browser's cookie names a session the platform opened (its own, or [`WAS_COOKIE`]), what the form held is kept for an hour
/// ([`Store::stash_form`](crate::server::store::Store::stash_form)), the browser gets a
/// cookie for it, and the sign-in page says so. Signed in again as the same customer, the
/// form's page gives it back ([`restore`]), to be checked and sent again; nothing is saved
/// or sent on its behalf. Only the forms with much typing are kept: the application form
/// and the correction form.
pub struct FormPost {
    /// The customer.
    pub who: SignedIn,
    /// The form's body, as sent.
    pub body: axum::body::Bytes,
}

/// Whether a form posted to `path` with `body` is kept when its sign-in has ended.
fn stashable(path: &str, body: &[u8]) -> bool {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match segments.as_slice() {
        ["apply"] => form_urlencoded::parse(body).any(|(k, v)| k == "action" && v == "form"),
        ["orders", no, "edit"] => !no.is_empty(),
        _ => false,
    }
}

impl FromRequest<AppState> for FormPost {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let signed_in = SignedIn::from_request_parts(&mut parts, state).await;
        let path = parts.uri.path().to_owned();
        let session = cookie(&parts.headers, SESSION_COOKIE)
            .filter(|t| !t.is_empty())
            .or_else(|| cookie(&parts.headers, WAS_COOKIE))
            .filter(|t| !t.is_empty());
        let ctx = context(&parts, state);
        let body = axum::body::Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(IntoResponse::into_response)?;
        let refused = match signed_in {
            Ok(who) => return Ok(FormPost { who, body }),
            Err(refused) => refused,
        };
        // Only a form turned away to sign in (not one the platform could not answer).
        let to_sign_in = refused.status() == StatusCode::SEE_OTHER;
        let Some(session) = session.filter(|_| to_sign_in && stashable(&path, &body)) else {
            return Err(refused);
        };
        let owner = match state.store.session_owner(&session).await {
            Ok(Some(owner)) => owner,
            Ok(None) => return Err(refused),
            Err(e) => {
                tracing::warn!(error = %e, "owner of an ended session");
                return Err(unavailable(&ctx));
            }
        };
        let token = match stash(state, &owner, &path, &body).await {
            Ok(token) => token,
            Err(e) => {
                tracing::warn!(error = %e, "keeping a form sent after its sign-in ended");
                return Err(unavailable(&ctx));
            }
        };
        Err(with_stash(
            state,
            sign_in_again(&page_of_form(&path), true, true),
            &token,
        ))
    }
}

/// Keeps the form `body` posted to `path` for `owner` ([`Store::stash_form`]), without its
/// form token (the browser's, and a new one is given at sign-in); returns the stash's
/// token.
///
/// [`Store::stash_form`]: crate::server::store::Store::stash_form
async fn stash(
    state: &AppState,
    owner: &str,
    path: &str,
    body: &[u8],
) -> crate::server::store::StoreResult<String> {
    let kept: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form_urlencoded::parse(body).filter(|(k, _)| k != FORM_FIELD))
        .finish();
    state.store.stash_form(owner, path, &kept).await
}

/// `response` with the cookie that gives the stash `token` back to this browser.
fn with_stash(state: &AppState, mut response: Response, token: &str) -> Response {
    let cookie = format!(
        "{STASH_COOKIE}={token}; Max-Age={}; SameSite=Lax{}",
        STASH_MS / 1000,
        super::guard::cookie_attributes(state)
    );
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// A long form sent from one of our pages with the form token of an earlier sign-in (the
/// tab was left open while the customer signed out and in again): not taken — its token
/// does not match — but not lost either. What it held is kept for the customer now signed
/// in, as for a form sent after its sign-in ended ([`FormPost`]), and the browser is sent
/// to the form's page, which gives it back to be checked and sent again. `None` when it
/// is not such a form, or nobody is signed in.
pub(crate) async fn keep_stale_form(
    state: &AppState,
    headers: &HeaderMap,
    path: &str,
    body: &[u8],
) -> Option<Response> {
    if !stashable(path, body) {
        return None;
    }
    let session = cookie(headers, SESSION_COOKIE).filter(|t| !t.is_empty())?;
    let owner = match state.store.session(&session).await {
        Ok(live) => live?.customer_id,
        Err(e) => {
            tracing::warn!(error = %e, "owner of a session");
            return None;
        }
    };
    // Only the signed-in customer's own form: one typed by somebody else who signed out
    // on this browser (a shared computer) is not given to the next customer.
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let theirs = match segments.as_slice() {
        ["apply"] => {
            let sent = form_urlencoded::parse(body)
                .find(|(k, _)| k == "draft")
                .map(|(_, v)| v.into_owned());
            match state.store.draft_of(&owner).await {
                Ok(Some(draft)) => sent.as_deref() == Some(draft.id.as_str()),
                _ => false,
            }
        }
        ["orders", no, "edit"] => matches!(
            state.store.order_by_no(no).await,
            Ok(Some(order)) if order.customer_id == owner
        ),
        _ => false,
    };
    if !theirs {
        return None;
    }
    match stash(state, &owner, path, body).await {
        Ok(token) => Some(with_stash(
            state,
            page::see_other(&page_of_form(path)),
            &token,
        )),
        Err(e) => {
            tracing::warn!(error = %e, "keeping a form of an earlier sign-in");
            None
        }
    }
}

/// The form stashed for `who` on `path` in this browser ([`FormPost`]), as it was sent;
/// given once. The page that shows it drops its cookie ([`forget_stash`]); a page that
/// finds none leaves the cookie alone (someone else signed in on this browser first: the
/// stash waits, within its hour, for its own customer).
pub async fn restore(
    state: &AppState,
    headers: &HeaderMap,
    who: &SignedIn,
    path: &str,
) -> Option<super::form::Posted> {
    let token = cookie(headers, STASH_COOKIE)?;
    match state.store.take_stash(&token, &who.customer.id, path).await {
        Ok(body) => body.map(|body| super::form::posted(body.as_bytes())),
        Err(e) => {
            // The form is then shown as the platform has it; the stash waits for the next
            // visit within its hour.
            tracing::warn!(error = %e, "a stashed form");
            None
        }
    }
}

/// `response` with the stash cookie dropped (its form was given back).
pub fn forget_stash(state: &AppState, mut response: Response) -> Response {
    let gone = format!(
        "{STASH_COOKIE}=; Max-Age=0; SameSite=Lax{}",
        super::guard::cookie_attributes(state)
    );
    if let Ok(value) = HeaderValue::from_str(&gone) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// Where the page answering `parts` is, for its language switch: the address itself for a
/// page that was asked for; for the answer to a form posted to an action (an upload
/// refused, `/orders/HN…/voucher`), the page the form is on — the action's own address
/// answers only its form (405 to a link).
fn here(parts: &Parts) -> String {
    let path = parts.uri.path();
    let posted_to_action = parts.method == axum::http::Method::POST
        && !path.starts_with("/m/")
        && path != "/login"
        && path != "/apply";
    if posted_to_action {
        page_of_form(path)
    } else {
        parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| "/".into())
    }
}

/// The page a form posted to `path` is on: an order's actions (`/orders/HN…/transfer`)
/// are on the order's page, a step of the application on `/apply`, the account's on
/// `/account`; anything else on the home page.
pub(super) fn page_of_form(path: &str) -> String {
    let mut segments = path.trim_start_matches('/').split('/');
    match (segments.next(), segments.next(), segments.next()) {
        // The correction form is a page of its own.
        (Some("orders"), Some(no), Some("edit")) if !no.is_empty() => format!("/orders/{no}/edit"),
        (Some("orders"), Some(no), _) if !no.is_empty() => format!("/orders/{no}"),
        (Some(first @ ("apply" | "account" | "login")), _, _) => format!("/{first}"),
        _ => "/".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::page_of_form;

    #[test]
    fn a_form_is_on_the_page_it_was_posted_from() {
        for (action, page) in [
            (
                "/orders/HN20261205000004/transfer",
                "/orders/HN20261205000004",
            ),
            (
                "/orders/HN20261205000004/voucher",
                "/orders/HN20261205000004",
            ),
            ("/apply/scan", "/apply"),
            (
                "/orders/HN20261205000004/edit",
                "/orders/HN20261205000004/edit",
            ),
            ("/apply", "/apply"),
            ("/account/sessions/abc/end", "/account"),
            ("/logout", "/"),
            ("/login", "/login"),
            ("/orders", "/"),
        ] {
            assert_eq!(page_of_form(action), page, "{action}");
        }
    }
}
