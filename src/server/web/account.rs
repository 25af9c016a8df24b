//! The customer's account: where they are signed in (each session, ended one by one or
//! all at once), and signing out.

use axum::Form;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use maud::html;
use serde::Deserialize;

use super::form;
use super::page;
use super::session::{SESSION_COOKIE, SignedIn, unavailable};
use crate::domain::mask_phone;
use crate::i18n::T;
use crate::server::AppState;

/// `GET /account`
pub async fn page(State(state): State<AppState>, who: SignedIn) -> Response {
    let ctx = &who.ctx;
    let sessions = match state.store.sessions_of(&who.customer.id).await {
        Ok(sessions) => sessions,
        Err(e) => {
            tracing::warn!(error = %e, "sessions");
            return unavailable(ctx);
        }
    };
    let clock = crate::server::error::china_clock;
    let body = html! {
        h1 { (ctx.t(T::WebAccount)) }
        dl {
            dt { (ctx.t(T::WebPhoneLabel)) }
            dd { (mask_phone(&who.customer.phone)) }
            @if !who.customer.name.is_empty() {
                dt { (ctx.t(T::FieldApplicant)) }
                dd { (crate::domain::mask_name(&who.customer.name)) }
            }
            dt { (ctx.t(T::SectionRealname)) }
            dd {
                @if who.customer.realname_verified_at.is_some() {
                    span.ok { "✓ " (ctx.t(T::WebVerified)) }
                } @else {
                    (ctx.t(T::WebNotVerified))
                }
            }
        }
        h2 { (ctx.t(T::WebSessions)) }
        table {
            thead { tr { th { (ctx.t(T::WebSessionDevice)) } th { (ctx.t(T::WebSessionSince)) } th { span.small { (ctx.t(T::WebSessionAction)) } } } }
            tbody {
                @for session in &sessions {
                    tr {
                        td { (session.user_agent.chars().take(60).collect::<String>()) }
                        td { (clock(session.created_at)) }
                        td {
                            @if session.id == who.session_id {
                                (ctx.t(T::WebThisSession))
                            } @else {
                                form method="post" action="/account/sessions/end" {
                                    (form::token(ctx))
                                    input type="hidden" name="session" value=(session.id);
                                    button.secondary type="submit" { (ctx.t(T::WebEndSession)) }
                                }
                            }
                        }
                    }
                }
            }
        }
        div.actions {
            form method="post" action="/logout" {
                (form::token(ctx))
                button type="submit" { (ctx.t(T::WebSignOut)) }
            }
            form method="post" action="/account/sessions/end" {
                (form::token(ctx))
                input type="hidden" name="session" value="all";
                button.secondary type="submit" { (ctx.t(T::WebEndAllSessions)) }
            }
        }
    };
    page::page(ctx, StatusCode::OK, ctx.t(T::WebAccount), body)
}

/// Which session to end.
#[derive(Debug, Deserialize)]
pub struct EndSession {
    #[serde(default)]
    session: String,
}

/// `POST /account/sessions/end`: one session (another device), or every one.
pub async fn end_session(
    State(state): State<AppState>,
    who: SignedIn,
    Form(form): Form<EndSession>,
) -> Response {
    let which = (form.session != "all").then_some(form.session.as_str());
    match state.store.end_sessions(&who.customer.id, which).await {
        Ok(_) if which.is_none() => signed_out(&state),
        Ok(_) => page::see_other("/account"),
        Err(e) => {
            tracing::warn!(error = %e, "ending a session");
            unavailable(&who.ctx)
        }
    }
}

/// `POST /logout`
pub async fn sign_out(State(state): State<AppState>, who: SignedIn) -> Response {
    match state
        .store
        .end_sessions(&who.customer.id, Some(&who.session_id))
        .await
    {
        Ok(_) => signed_out(&state),
        Err(e) => {
            tracing::warn!(error = %e, "signing out");
            unavailable(&who.ctx)
        }
    }
}

fn signed_out(state: &AppState) -> Response {
    let mut response = page::see_other("/login");
    let cookie = format!(
        "{SESSION_COOKIE}=; Max-Age=0; SameSite=Lax{}",
        super::guard::cookie_attributes(state)
    );
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}
