//! Who is visiting: the page's context (language, form token, demo notice) and, when the
//! session cookie names a live session, the signed-in customer.

use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::Response;

use super::guard::{FORM_TOKEN, cookie, request_lang};
use super::page::{self, Ctx};
use crate::domain::mask_phone;
use crate::i18n::T;
use crate::server::AppState;
use crate::server::store::CustomerRow;

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
        here: here(parts),
        signed_in: None,
        demo: state.demo.names(lang).map(str::to_owned).collect(),
        form_token: FORM_TOKEN.try_with(Clone::clone).unwrap_or_default(),
        switch_form: None,
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
                let next: String = form_urlencoded::byte_serialize(here.as_bytes()).collect();
                // Said on the sign-in page, so that a form that went nowhere is explained: a
                // session that ended, or a form sent with none (signed out in another tab).
                let posted = parts.method == axum::http::Method::POST;
                let ended = if visit.ended || posted {
                    "&ended=1"
                } else {
                    ""
                };
                Err(page::see_other(&format!("/login?next={next}{ended}")))
            }
        }
    }
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
fn page_of_form(path: &str) -> String {
    let mut segments = path.trim_start_matches('/').split('/');
    match (segments.next(), segments.next(), segments.next()) {
        // The correction form is a page of its own.
        (Some("orders"), Some(no), Some("edit")) if !no.is_empty() => format!("/orders/{no}/edit"),
        (Some("orders"), Some(no), _) if !no.is_empty() => format!("/orders/{no}"),
        (Some(first @ ("apply" | "account")), _, _) => format!("/{first}"),
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
            ("/orders", "/"),
        ] {
            assert_eq!(page_of_form(action), page, "{action}");
        }
    }
}
