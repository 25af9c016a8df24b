//! The customer's account: where they are signed in (each session, ended one by one or
//! all at once), and signing out.

use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use maud::html;
use serde::Deserialize;

use super::form;
use super::page;
use super::session::{SESSION_COOKIE, SignedIn, WAS_COOKIE, unavailable};
use crate::domain::mask_phone;
use crate::i18n::T;
use crate::server::AppState;
use crate::server::store::self_service::STASH_MS;

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
    let body = html! {
        h1 { (ctx.t(T::WebAccount)) }
        p { a href="/orders" { (ctx.t(T::WebMyOrders)) } }
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
        // One entry per device, its words on their own lines: a table's three columns
        // broke every word on a phone.
        ul.sessions {
            @for session in &sessions {
                li {
                    strong { (device(&session.user_agent)) }
                    br;
                    span.small { (ctx.t(T::WebSessionSince)) " " (crate::server::paper::date_time_in(ctx.lang, session.created_at)) }
                    @if session.id == who.session_id {
                        br;
                        span.ok { (ctx.t(T::WebThisSession)) }
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

/// A device as its browser names itself, in a few words: `Android 10 · Redmi 9A · Chrome`,
/// `iPhone · Safari`, `Windows · Edge`; the first words of it when none is recognised.
fn device(agent: &str) -> String {
    let after = |key: &str| agent.split_once(key).map(|(_, rest)| rest);
    let mut parts: Vec<String> = Vec::new();
    if let Some(rest) = after("Android ") {
        let mut fields = rest.split([';', ')']).map(str::trim);
        if let Some(version) = fields.next() {
            parts.push(format!("Android {version}"));
        }
        if let Some(model) = fields
            .next()
            .map(|m| m.split(" Build").next().unwrap_or(m).trim())
            .filter(|m| !m.is_empty() && *m != "K" && *m != "wv")
        {
            parts.push(model.to_owned());
        }
    } else if agent.contains("iPhone") {
        parts.push("iPhone".into());
    } else if agent.contains("iPad") {
        parts.push("iPad".into());
    } else if agent.contains("Windows") {
        parts.push("Windows".into());
    } else if agent.contains("Mac OS X") {
        parts.push("Mac".into());
    } else if agent.contains("Linux") {
        parts.push("Linux".into());
    }
    let browser = [
        ("MicroMessenger", "WeChat"),
        ("AlipayClient", "Alipay"),
        ("Edg/", "Edge"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .into_iter()
    .find(|(key, _)| agent.contains(key))
    .map(|(_, name)| name);
    parts.extend(browser.map(str::to_owned));
    if parts.is_empty() {
        return agent.chars().take(40).collect();
    }
    parts.join(" · ")
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
    headers: HeaderMap,
    Form(form): Form<EndSession>,
) -> Response {
    let which = (form.session != "all").then_some(form.session.as_str());
    let ended = async {
        state.store.end_sessions(&who.customer.id, which).await?;
        // Everywhere: the texts' invoice links too (they open without signing in).
        if which.is_none() {
            state.store.renew_invoice_links(&who.customer.id).await?;
        }
        Ok::<_, crate::server::store::StoreError>(())
    };
    match ended.await {
        Ok(_) if which.is_none() => signed_out(&state, &headers),
        Ok(_) => page::see_other("/account"),
        Err(e) => {
            tracing::warn!(error = %e, "ending a session");
            unavailable(&who.ctx)
        }
    }
}

/// `POST /logout`
pub async fn sign_out(
    State(state): State<AppState>,
    who: SignedIn,
    headers: HeaderMap,
) -> Response {
    match state
        .store
        .end_sessions(&who.customer.id, Some(&who.session_id))
        .await
    {
        Ok(_) => signed_out(&state, &headers),
        Err(e) => {
            tracing::warn!(error = %e, "signing out");
            unavailable(&who.ctx)
        }
    }
}

/// To the sign-in page, the session cookie gone. Its token is kept an hour as
/// [`WAS_COOKIE`]: a form another tab of this browser sends after the sign-out is then
/// still known as this customer's, and kept for them ([`super::session::FormPost`]).
fn signed_out(state: &AppState, headers: &HeaderMap) -> Response {
    let mut response = page::see_other("/login?out=1");
    let attributes = super::guard::cookie_attributes(state);
    let mut cookies = vec![format!(
        "{SESSION_COOKIE}=; Max-Age=0; SameSite=Lax{attributes}"
    )];
    if let Some(token) = super::guard::cookie(headers, SESSION_COOKIE) {
        cookies.push(format!(
            "{WAS_COOKIE}={token}; Max-Age={}; SameSite=Lax{attributes}",
            STASH_MS / 1000
        ));
    }
    for cookie in cookies {
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::device;

    #[test]
    fn a_device_is_named_in_a_few_words() {
        for (agent, named) in [
            (
                "Mozilla/5.0 (Linux; Android 10; Redmi 9A) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36",
                "Android 10 · Redmi 9A · Chrome",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
                "iPhone · Safari",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 Edg/120.0",
                "Windows · Edge",
            ),
            ("curl/8.0", "curl/8.0"),
        ] {
            assert_eq!(device(agent), named, "{agent}");
        }
    }
}
