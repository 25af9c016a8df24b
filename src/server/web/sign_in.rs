//! Signing in with a mobile number (seed step 1): a six-digit code by SMS, valid five
//! minutes, used once; one code a minute and ten a day per number; five wrong codes lock
//! the number for fifteen minutes. Every number gets the same answer, customer or not.

use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use maud::html;
use rand::Rng;
use serde::Deserialize;

use super::form::{self, Field};
use super::page::{self, Ctx};
use super::session::{SESSION_COOKIE, Visit, unavailable};
use crate::domain::{Phone, mask_phone};
use crate::i18n::T;
use crate::server::AppState;
use crate::server::store::self_service::{CodeCheck, CodeIssue, SESSION_IDLE_MS};

/// Where to go after signing in: a path on this platform, nothing else (no other site, no
/// control character that would end the redirect's header line).
fn local(next: Option<&str>) -> String {
    match next {
        Some(next)
            if next.starts_with('/')
                && !next.starts_with("//")
                && !next.contains('\\')
                && !next.chars().any(char::is_control) =>
        {
            next.to_owned()
        }
        _ => "/".into(),
    }
}

/// `?next=`, `ended` when the browser's session had ended, and `kept` when the form it
/// sent was kept for after signing in again.
#[derive(Debug, Deserialize)]
pub struct Next {
    next: Option<String>,
    /// The number typed before ("use another number" from the code page): shown again in
    /// the field, to correct one digit rather than type all eleven.
    phone: Option<String>,
    ended: Option<String>,
    kept: Option<String>,
    /// Just signed out.
    out: Option<String>,
}

/// The phone-number form.
#[derive(Debug, Deserialize)]
pub struct PhoneForm {
    #[serde(default)]
    phone: String,
    next: Option<String>,
    /// The demo's code still valid, from the code page's "send again" (built-in SMS log
    /// only): a resend refused as too soon keeps showing it.
    demo: Option<String>,
}

/// The code form.
#[derive(Debug, Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    phone: String,
    #[serde(default)]
    code: String,
    next: Option<String>,
    /// The demo's code, shown again after a mistyped one (built-in SMS log only).
    #[serde(default)]
    demo: Option<String>,
    /// `lang`: the language switch, pressed on the code page; nothing is checked.
    keep: Option<String>,
}

fn phone_form(ctx: &Ctx, typed: &str, next: &str, error: Option<&str>) -> maud::Markup {
    let errors: Vec<(String, String, String)> = error
        .map(|e| ("phone".into(), ctx.t(T::WebPhoneLabel).into(), e.into()))
        .into_iter()
        .collect();
    html! {
        h1 { (ctx.t(T::WebSignInTitle)) }
        p { (ctx.t(T::WebSignInIntro)) }
        // No text is sent by the demo: said before the number is given, not after.
        @if ctx.demo_sms { p.demo role="note" { (ctx.t(T::WebDemoNoText)) } }
        (form::summary(ctx, &errors))
        form method="post" action="/login" novalidate {
            (form::token(ctx))
            input type="hidden" name="next" value=(next);
            (form::field(&Field {
                name: "phone",
                label: ctx.t(T::WebPhoneLabel),
                value: typed,
                error,
                hint: Some(ctx.t(T::WebPhoneHint)),
                kind: "tel",
                autocomplete: "tel-national",
                inputmode: "tel",
                max: 20,
                ..Field::default()
            }))
            div.actions { button type="submit" { (ctx.t(T::WebSendCode)) } }
        }
    }
}

/// `GET /login`
pub async fn phone_page(visit: Visit, Query(query): Query<Next>) -> Response {
    let next = local(query.next.as_deref());
    if visit.customer.is_some() {
        return page::see_other(&next);
    }
    let ctx = &visit.ctx;
    let typed: String = query
        .phone
        .as_deref()
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-'))
        .take(20)
        .collect();
    let form = phone_form(ctx, &typed, &next, None);
    let ended = match (&query.ended, &query.kept) {
        (_, Some(_)) => Some(T::WebSessionEndedKept),
        (Some(_), None) => Some(T::WebSessionEnded),
        (None, None) => None,
    };
    let body = match (ended, query.out.is_some()) {
        (Some(said), _) => html! { p.bad role="status" { (ctx.t(said)) } (form) },
        (None, true) => html! { p.ok role="status" { (ctx.t(T::WebSignedOut)) } (form) },
        (None, false) => form,
    };
    page::page(ctx, StatusCode::OK, ctx.t(T::WebSignInTitle), body)
}

/// The code page's context: its language switch sends the code form along (`keep=lang`),
/// so the page comes back in the other language for the same number, nothing sent again.
fn code_ctx(ctx: &Ctx) -> Ctx {
    let mut ctx = ctx.clone();
    ctx.switch_form = Some(("code-form", "/login/code".into()));
    ctx
}

/// The demo's code as the code page's forms carry it: with the platform's signature for
/// this number, so that a form can only bring back a code the platform showed
/// ([`demo_from`]).
fn demo_token(store: &crate::server::store::Store, phone: &Phone, code: &str) -> String {
    let mac = store.page_mac(&format!("demo-code\u{0}{}\u{0}{code}", phone.as_str()));
    format!("{code}.{mac}")
}

/// The demo's code a form brought back, if the platform signed it for this number and the
/// texts are the demo's log (nothing reaches a phone, so the page is where it is shown).
fn demo_from(state: &AppState, phone: &Phone, sent: Option<&str>) -> Option<String> {
    let (code, _) = sent?.split_once('.')?;
    let genuine = code.len() == 6
        && code.bytes().all(|b| b.is_ascii_digit())
        && state.sms.name() == "log"
        && sent == Some(demo_token(&state.store, phone, code).as_str());
    genuine.then(|| code.to_owned())
}

/// The sign-in page for another number, going on to `next` afterwards.
/// The number form again, with the number typed before in it.
fn other_number(next: &str, phone: Option<&Phone>) -> String {
    let target: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
    match phone {
        Some(phone) => format!("/login?next={target}&phone={}", phone.as_str()),
        None => format!("/login?next={target}"),
    }
}

fn code_page_markup(
    state: &AppState,
    ctx: &Ctx,
    phone: &Phone,
    next: &str,
    error: Option<&str>,
    notice: Option<String>,
    demo_code: Option<&str>,
) -> maud::Markup {
    let demo_field = demo_code.map(|code| demo_token(&state.store, phone, code));
    let errors: Vec<(String, String, String)> = error
        .map(|e| ("code".into(), ctx.t(T::WebCodeLabel).into(), e.into()))
        .into_iter()
        .collect();
    html! {
        h1 { (ctx.t(T::WebCodeTitle)) }
        // A notice says why no code went this time: then none is said to have been sent.
        // On a demo platform no text goes at all: the code below is the one, not one
        // said to have been sent.
        @if let Some(notice) = notice {
            p.bad role="status" { (notice) }
        } @else if demo_code.is_none() && !state.demo.sms {
            p { (ctx.fill(T::WebCodeSent, &[&mask_phone(phone.as_str())])) }
        }
        @if let Some(code) = demo_code {
            p.demo role="note" { (ctx.fill(T::WebDemoCode, &[code])) }
        }
        (form::summary(ctx, &errors))
        form #code-form method="post" action="/login/code" novalidate {
            (form::token(ctx))
            input type="hidden" name="phone" value=(phone.as_str());
            input type="hidden" name="next" value=(next);
            @if let Some(token) = &demo_field {
                input type="hidden" name="demo" value=(token);
            }
            (form::field(&Field {
                name: "code",
                label: ctx.t(T::WebCodeLabel),
                value: "",
                error,
                hint: Some(ctx.t(T::WebCodeHint)),
                kind: "text",
                autocomplete: "one-time-code",
                inputmode: "numeric",
                max: 6,
                ..Field::default()
            }))
            div.actions { button type="submit" { (ctx.t(T::WebSignIn)) } }
        }
        form method="post" action="/login" {
            (form::token(ctx))
            input type="hidden" name="phone" value=(phone.as_str());
            input type="hidden" name="next" value=(next);
            @if let Some(token) = &demo_field {
                input type="hidden" name="demo" value=(token);
            }
            div.actions { button.secondary type="submit" { (ctx.t(T::WebResendCode)) } }
        }
        // A mistyped number: back to the number, not only by the browser's Back.
        p { a href=(other_number(next, Some(phone))) { (ctx.t(T::WebSignInOtherNumber)) } }
    }
}

/// `GET /login/code`: the code form for the number a code was asked for (the answer to
/// `POST /login`); without a number, there is nothing to show: start again.
pub async fn code_page(
    State(state): State<AppState>,
    visit: Visit,
    Query(query): Query<CodeQuery>,
) -> Response {
    let ctx = &visit.ctx;
    let next = local(query.next.as_deref());
    // Signed in already (Back to this page after signing in): on to where they were going,
    // not a code form whose code is spent and whose old mistakes still show.
    if visit.customer.is_some() {
        return page::see_other(&next);
    }
    // Only an address the platform wrote (after sending a code, or refusing one) is a code
    // page: one written by anyone else would say a code was sent, or show a "code", that
    // the platform never did. Without a number, or without the platform's signature:
    // start again.
    let signed = query.sig.as_deref().is_some_and(|sig| {
        let expected = state.store.page_mac(&query.signed_text());
        // Compared in constant time: how long a refusal takes says nothing of the signature.
        !expected.is_empty()
            && sig.len() == expected.len()
            && sig
                .bytes()
                .zip(expected.bytes())
                .fold(0u8, |differ, (a, b)| differ | (a ^ b))
                == 0
    });
    let phone = query.phone.as_deref().and_then(|p| Phone::parse(p).ok());
    let Some(phone) = phone.filter(|_| signed) else {
        return page::see_other(&other_number(&next, None));
    };
    // What the last step said: why no code was sent (a notice), or why the code typed
    // did not sign in (under the field).
    let (notice, error) = match (query.said.as_deref(), query.at, query.left) {
        (Some("soon"), Some(at), _) => {
            (Some(ctx.fill(T::WebCodeTooSoon, &[&until_clock(at)])), None)
        }
        (Some("daily"), _, _) => (Some(ctx.fill(T::WebCodeDailyLimit, &[&ctx.hotline])), None),
        (Some("wrong"), _, Some(left)) => {
            (None, Some(ctx.fill(T::WebCodeWrong, &[&left.to_string()])))
        }
        (Some("expired"), _, _) => (None, Some(ctx.t(T::WebCodeExpired).to_owned())),
        (Some("locked"), Some(at), _) => {
            (None, Some(ctx.fill(T::WebCodeLocked, &[&until_clock(at)])))
        }
        _ => (None, None),
    };
    // Locked: no code signs in until then, so none is asked for, and none sent again.
    if let (Some("locked"), Some(at)) = (query.said.as_deref(), query.at) {
        let title = ctx.t(T::WebCodeLockedTitle);
        return page::page(
            &code_ctx(ctx),
            StatusCode::OK,
            title,
            html! {
                h1.bad { (title) }
                p role="status" { (ctx.fill(T::WebCodeLockedNext, &[&until_clock(at), &ctx.hotline])) }
                p { a.button href=(other_number(&next, Some(&phone))) { (ctx.t(T::WebSignInOtherNumber)) } }
            },
        );
    }
    // Only the demo's built-in SMS log shows a code on the page — not one that ran out
    // (shown above "the code has expired", it offered a code the page then refused).
    let demo_code = query.demo.filter(|d| {
        state.sms.name() == "log"
            && d.len() == 6
            && d.bytes().all(|b| b.is_ascii_digit())
            && query.said.as_deref() != Some("expired")
    });
    page::page(
        &code_ctx(ctx),
        StatusCode::OK,
        ctx.t(T::WebCodeTitle),
        code_page_markup(
            &state,
            ctx,
            &phone,
            &next,
            error.as_deref(),
            notice,
            demo_code.as_deref(),
        ),
    )
}

/// `POST /login`: sends a code (if the limits allow) and sends the browser on to the code
/// page ([`to_code_page`]).
pub async fn send_code(
    State(state): State<AppState>,
    client: Option<axum::Extension<crate::server::listen::ClientAddr>>,
    visit: Visit,
    Form(typed): Form<PhoneForm>,
) -> Response {
    let ctx = &visit.ctx;
    let next = local(typed.next.as_deref());
    let phone = match Phone::parse(&typed.phone) {
        Ok(phone) => phone,
        Err(e) => {
            let message = e.render(ctx.lang);
            return page::page(
                ctx,
                StatusCode::UNPROCESSABLE_ENTITY,
                ctx.t(T::WebSignInTitle),
                phone_form(ctx, &typed.phone, &next, Some(&message)),
            );
        }
    };
    let code = format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000u32));
    // One client may have codes sent to so many numbers an hour: a script cannot have the
    // CA pay for texts to number after number. An IPv6 client counts by its /64 (it may
    // take any address in it).
    let address = client.map(|c| crate::server::listen::client_network_key(c.0.0));
    let from = address
        .as_deref()
        .map(|a| (a, state.config.sign_in_codes_per_address_hour));
    let issued = match state
        .store
        .issue_login_code(
            phone.as_str(),
            &code,
            crate::server::store::self_service::CodeAsker::Client(from),
        )
        .await
    {
        Ok(issued) => issued,
        Err(e) => {
            tracing::warn!(error = %e, "sign-in code");
            return unavailable(ctx);
        }
    };
    let clock = until_clock;
    let (notice, sent) = match issued {
        CodeIssue::Send => (None, true),
        CodeIssue::TooSoon(at) => (Some(Said::Soon(at)), false),
        CodeIssue::DailyLimit => (Some(Said::Daily), false),
        // Locked, no code works (an earlier one neither): the number's form again, saying
        // until when, not a page that says a code was sent and shows the old one.
        CodeIssue::Locked(until) => {
            let message = ctx.fill(T::WebCodeLocked, &[&clock(until)]);
            return not_now(ctx, &typed.phone, &next, &message);
        }
        CodeIssue::AddressLimit(at) => {
            tracing::warn!(
                client = address.as_deref().unwrap_or_default(),
                "sign-in codes: an address asked for its hour's codes"
            );
            let message = ctx.fill(T::WebCodeAddressLimit, &[&clock(at), &ctx.hotline]);
            return not_now(ctx, &typed.phone, &next, &message);
        }
    };
    let mut demo_code = None;
    if sent {
        // The code travels only as the template's variable; the text kept in the outbox,
        // which an administrator can read, shows it masked.
        let message = crate::server::sms::login_code(&state.config.ca_name, phone.as_str(), &code);
        match state.store.enqueue_sms(state.sms.name(), &message).await {
            Ok(_) => state.sms_wake.notify_one(),
            Err(e) => {
                tracing::warn!(error = %e, "queueing a sign-in code message");
                return unavailable(ctx);
            }
        }
        // With the built-in log nothing reaches a phone: the demo shows the code here.
        if state.sms.name() == "log" {
            demo_code = Some(code.clone());
        }
    } else if state.sms.name() == "log" {
        // Not sent again (too soon): the code shown before still works, and the page is the
        // only place the demo shows it.
        demo_code = demo_from(&state, &phone, typed.demo.as_deref());
    }
    let said: Vec<(&str, String)> = match notice {
        Some(Said::Soon(at)) => vec![("said", "soon".into()), ("at", at.to_string())],
        Some(Said::Daily) => vec![("said", "daily".into())],
        None => Vec::new(),
    };
    to_code_page(&state.store, &phone, &next, demo_code.as_deref(), &said)
}

/// The number's form again, with why no code goes now (429).
fn not_now(ctx: &Ctx, typed: &str, next: &str, message: &str) -> Response {
    page::page(
        ctx,
        StatusCode::TOO_MANY_REQUESTS,
        ctx.t(T::WebSignInTitle),
        phone_form(ctx, typed, next, Some(message)),
    )
}

/// To the code page of `phone`, saying `said` (what [`code_page`] reads): the code page
/// is an address of its own (post, then redirect, then get), so Back to it or a reload
/// shows it again and never sends the number, or a code, twice.
fn to_code_page(
    store: &crate::server::store::Store,
    phone: &Phone,
    next: &str,
    demo: Option<&str>,
    said: &[(&str, String)],
) -> Response {
    let said_of = |name: &str| {
        said.iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.clone())
    };
    let page = CodeQuery {
        phone: Some(phone.as_str().to_owned()),
        next: Some(next.to_owned()),
        demo: demo.map(str::to_owned),
        said: said_of("said"),
        at: said_of("at").and_then(|v| v.parse().ok()),
        left: said_of("left").and_then(|v| v.parse().ok()),
        sig: None,
    };
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair("phone", phone.as_str());
    query.append_pair("next", next);
    if let Some(code) = demo {
        query.append_pair("demo", code);
    }
    for (name, value) in said {
        query.append_pair(name, value);
    }
    query.append_pair("sig", &store.page_mac(&page.signed_text()));
    // A code refused is said beside its field: the page opens there (on a small phone the
    // demo's banner and the notice fill the first screen).
    let at_errors = if matches!(page.said.as_deref(), Some("wrong" | "expired" | "locked")) {
        super::form::TO_ERRORS
    } else {
        ""
    };
    page::see_other(&format!("/login/code?{}{at_errors}", query.finish()))
}

/// Why no code was sent now, as the code page says it.
enum Said {
    /// One was sent less than a minute ago; the next may go at this time (unix ms).
    Soon(i64),
    /// The number had today's codes.
    Daily,
}

/// `GET /login/code?phone=…`: what the code page shows, from the redirect of
/// [`send_code`], signed by the platform (`sig`): a page that says a code was sent, shows
/// the demo's code or counts tries left says only what the platform said.
#[derive(Debug, Default, Deserialize)]
pub struct CodeQuery {
    phone: Option<String>,
    next: Option<String>,
    demo: Option<String>,
    said: Option<String>,
    at: Option<i64>,
    left: Option<i64>,
    sig: Option<String>,
}

impl CodeQuery {
    /// What the signature covers: every field, in one order.
    fn signed_text(&self) -> String {
        let text = |v: &Option<String>| v.clone().unwrap_or_default();
        let number = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
        format!(
            "login-code\u{0}{}\u{0}{}\u{0}{}\u{0}{}\u{0}{}\u{0}{}",
            text(&self.phone),
            text(&self.next),
            text(&self.demo),
            text(&self.said),
            number(self.at),
            number(self.left)
        )
    }
}

/// `POST /login/code`: a right code signs in (a session cookie) and goes on.
pub async fn check_code(
    State(state): State<AppState>,
    visit: Visit,
    headers: HeaderMap,
    Form(typed): Form<CodeForm>,
) -> Response {
    let ctx = &visit.ctx;
    let next = local(typed.next.as_deref());
    let Ok(phone) = Phone::parse(&typed.phone) else {
        return phone_page_again(ctx, &next);
    };
    let demo_kept = demo_from(&state, &phone, typed.demo.as_deref());
    if typed.keep.as_deref() == Some("lang") {
        return page::page(
            &code_ctx(ctx),
            StatusCode::OK,
            ctx.t(T::WebCodeTitle),
            code_page_markup(&state, ctx, &phone, &next, None, None, demo_kept.as_deref()),
        );
    }
    let code: String = crate::domain::normalize_width(&typed.code)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    // The demo's code stays on the page after a mistyped one: nothing reaches a phone
    // there, and the page is the only place it is shown.
    let demo = demo_kept.as_deref();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        let message = ctx.t(T::WebCodeShape);
        return page::page(
            &code_ctx(ctx),
            StatusCode::UNPROCESSABLE_ENTITY,
            ctx.t(T::WebCodeTitle),
            code_page_markup(&state, ctx, &phone, &next, Some(message), None, demo),
        );
    }
    let checked = match state.store.check_login_code(phone.as_str(), &code).await {
        Ok(checked) => checked,
        Err(e) => {
            tracing::warn!(error = %e, "checking a sign-in code");
            return unavailable(ctx);
        }
    };
    // A try spent is answered at the code page's own address, saying so: a reload there
    // shows it again and never sends the same wrong code twice (which would spend another
    // try, and lock the number after four reloads).
    let refused = |said: &[(&str, String)]| to_code_page(&state.store, &phone, &next, demo, said);
    match checked {
        CodeCheck::Right => {}
        CodeCheck::Wrong(left) => {
            return refused(&[("said", "wrong".into()), ("left", left.to_string())]);
        }
        CodeCheck::NoCode => return refused(&[("said", "expired".into())]),
        CodeCheck::Locked(until) => {
            return refused(&[("said", "locked".into()), ("at", until.to_string())]);
        }
    }
    let agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let signed_in = async {
        let customer = state.store.customer_for_sign_in(&phone).await?;
        state.store.open_session(&customer.id, agent).await
    };
    let token = match signed_in.await {
        Ok(token) => token,
        Err(e) => {
            tracing::warn!(error = %e, "opening a customer session");
            return unavailable(ctx);
        }
    };
    let mut response = page::see_other(&next);
    let cookie = format!(
        "{SESSION_COOKIE}={token}; Max-Age={}; SameSite=Lax{}",
        SESSION_IDLE_MS / 1000,
        super::guard::cookie_attributes(&state)
    );
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    // A sign-out's token kept for forms sent after it is done with.
    let was = format!(
        "{}=; Max-Age=0; SameSite=Lax{}",
        super::session::WAS_COOKIE,
        super::guard::cookie_attributes(&state)
    );
    if let Ok(value) = HeaderValue::from_str(&was) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    // A new form token with the new session: one planted before sign-in is worth nothing.
    if let Ok(value) = HeaderValue::from_str(&super::guard::form_cookie(&state)) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// The minute from which something refused until `ms` is allowed, as "try after HH:MM"
/// reads it: rounded up, so that trying at that minute works.
fn until_clock(ms: i64) -> String {
    until_clock_on(ms, crate::server::store::now_ms())
}

/// [`until_clock`] read at `now_ms`: a time on another day (past midnight) with its date.
fn until_clock_on(ms: i64, now_ms: i64) -> String {
    crate::server::error::china_clock_on((ms + 59_999) / 60_000 * 60_000, now_ms)
}

fn phone_page_again(ctx: &Ctx, next: &str) -> Response {
    page::page(
        ctx,
        StatusCode::UNPROCESSABLE_ENTITY,
        ctx.t(T::WebSignInTitle),
        phone_form(ctx, "", next, Some(ctx.t(T::ErrPhone))),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn try_after_names_a_minute_when_it_works() {
        // 16:04:27 China time reads 16:05; 16:05:00 stays 16:05.
        let at = |h: i64, m: i64, s: i64| ((h - 8) * 3600 + m * 60 + s) * 1000;
        let now = at(16, 0, 0);
        assert_eq!(until_clock_on(at(16, 4, 27), now), "16:05");
        assert_eq!(until_clock_on(at(16, 5, 0), now), "16:05");
        // Locked at 23:50 until 00:05: the next day's date said.
        assert_eq!(
            until_clock_on(at(24, 4, 27), at(23, 50, 0)),
            "1970-01-02 00:05"
        );
    }

    #[test]
    fn after_signing_in_only_local_paths_are_followed() {
        assert_eq!(local(Some("/orders/HN1")), "/orders/HN1");
        assert_eq!(local(Some("//evil.example/x")), "/");
        assert_eq!(local(Some("https://evil.example")), "/");
        assert_eq!(local(Some("/\\evil")), "/");
        // A line break would end the redirect's header and leave it without a place.
        assert_eq!(local(Some("/\r\nSet-Cookie: x=1")), "/");
        assert_eq!(local(Some("/a\u{7f}")), "/");
        assert_eq!(local(None), "/");
    }
}
