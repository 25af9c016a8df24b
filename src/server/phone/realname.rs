//! The real-name page the counter's QR code opens on the customer's phone: the customer
//! types their full name and ID number, consents, and the identity provider answers —
//! at once (the built-in demo check), or after the customer has been to the provider:
//! Alipay's face check is opened from a page of links (a GET, so the page's
//! `form-action 'self'` never meets Alipay's address), and Alipay sends the customer back
//! to `/m/realname/{token}/return`, where the platform asks Alipay how it went.
//! Five failed tries lock the code; used, expired or replaced codes get a clear page.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;
use serde::Deserialize;

use super::{Page, gone, hotline_link, unavailable};
use crate::api::RealnameStatus;
use crate::i18n::T;
use crate::server::AppState;
use crate::server::identity::checks::{self, Settled};
use crate::server::identity::{CheckRequest, Claim, Started, Verdict, alipay::app_link, precheck};
use crate::server::store::{Attempt, DayTries, MAX_ATTEMPTS, NewCheck, RealnameRow, now_ms};
use crate::server::web::form::{self, Field};
use crate::server::web::page::{Ctx, page};

/// What the phone posts.
#[derive(Debug, Default, Deserialize)]
pub(super) struct RealnameForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    consent: Option<String>,
    /// `lang`: the language switch was pressed (what was typed comes back, nothing is
    /// checked and no try is spent).
    #[serde(default)]
    keep: Option<String>,
}

/// What went wrong: with a field (shown by it and listed at the top), or with the check
/// as a whole (the provider's answer).
#[derive(Debug, Default)]
struct Problems {
    name: Option<String>,
    id_number: Option<String>,
    consent: Option<String>,
    check: Option<String>,
}

impl Problems {
    /// The last try's refusal, on a form shown afresh (opened again, or back from the
    /// provider) with its fields empty: said of the try, above the form — not by an empty
    /// field, as if what is there now were wrong.
    fn last_try(ctx: &Ctx, code: Option<&str>) -> Problems {
        Problems {
            check: code.map(|code| {
                ctx.fill(
                    T::PageRealnameLastTry,
                    &[ctx.t(crate::server::identity::reason_text(Some(code)))],
                )
            }),
            ..Problems::default()
        }
    }

    /// The problem a provider's reason code names, by the field it is about.
    fn of_reason(ctx: &Ctx, code: Option<&str>) -> Problems {
        let text = Some(ctx.t(crate::server::identity::reason_text(code)).to_owned());
        match code {
            Some("id_number_invalid" | "order_id_mismatch") => Problems {
                id_number: text,
                ..Problems::default()
            },
            Some("name_mismatch") => Problems {
                name: text,
                ..Problems::default()
            },
            _ => Problems {
                check: text,
                ..Problems::default()
            },
        }
    }
}

/// The page that sends the customer on to the provider's check: links (the Alipay app,
/// and the same page in the browser), never a redirect from the form's post.
fn go_on(ctx: &Ctx, session: &RealnameRow) -> Response {
    let url = session.certify_url.as_deref().unwrap_or_default();
    page(
        ctx,
        StatusCode::OK,
        ctx.t(T::PageRealnameTitle),
        html! {
            h1 { (ctx.t(T::PageRealnameFaceTitle)) }
            p { (ctx.t(T::PageRealnameFaceIntro)) }
            p { a.button #open-alipay href=(app_link(url)) { (ctx.t(T::PageRealnameOpenAlipay)) } }
            p.small { (ctx.t(T::PageRealnameFaceFallback)) " " a #open-browser href=(url) { (ctx.t(T::PageRealnameOpenInBrowser)) } }
            p.small { (ctx.t(T::PageRealnameFaceAfter)) }
        },
    )
}

/// The page for a code in any state but pending: for a check the customer began online,
/// the way back to their order returned for it, if one waits; the day's tries, once spent.
async fn finished(
    state: &AppState,
    ctx: &Ctx,
    status: RealnameStatus,
    session: &RealnameRow,
) -> Response {
    let customer = state
        .store
        .customer(&session.customer_id)
        .await
        .ok()
        .flatten();
    let own = customer.as_ref().filter(|_| session.is_customers_own());
    // The order that waits for this very check: its applicant the account's person, as
    // the check from the application is bound to (not someone else's order on it).
    let returned = match own {
        Some(customer) => crate::server::web::orders::returned_for_the_check(state, customer)
            .await
            .ok()
            .flatten()
            .map(|o| o.order_no),
        None => None,
    };
    // Not passed, and the day's tries spent: no way to a new code today, said.
    let spent = match own.filter(|_| status != RealnameStatus::Verified) {
        Some(customer) => match state.store.online_realname_tries(&customer.id).await {
            Ok(day) => crate::server::web::apply::tries_spent_said(ctx, day),
            Err(_) => None,
        },
        None => None,
    };
    let around = Around {
        returned: returned.as_deref(),
        // Locked over the name while it is still the registered one.
        locked_over_name: customer
            .as_ref()
            .is_some_and(|customer| session.locked_over_the_name(&customer.name)),
        spent,
    };
    finished_page(state, ctx, status, session, &around)
}

/// What a finished code's page says beside its state.
#[derive(Debug, Default)]
struct Around<'a> {
    /// The customer's order returned and waiting for this check.
    returned: Option<&'a str>,
    /// Locked over a name that is not the registered one (which it still is).
    locked_over_name: bool,
    /// The day's tries spent, in words.
    spent: Option<String>,
}

/// [`finished`]'s page.
fn finished_page(
    state: &AppState,
    ctx: &Ctx,
    status: RealnameStatus,
    session: &RealnameRow,
    around: &Around<'_>,
) -> Response {
    // A session the customer started on their own platform leads back to their application.
    let online = session.is_customers_own();
    let (code, class, text) = match status {
        RealnameStatus::Verified => (StatusCode::OK, Some("ok"), T::PageRealnameDone),
        // On their own phone there was no code to scan: the check is what locked.
        RealnameStatus::Locked if online => {
            (StatusCode::GONE, Some("bad"), T::PageRealnameLockedOnline)
        }
        RealnameStatus::Locked => (StatusCode::GONE, Some("bad"), T::PageRealnameLocked),
        RealnameStatus::Expired if online => {
            (StatusCode::GONE, Some("bad"), T::PageRealnameExpiredOnline)
        }
        RealnameStatus::Expired => (StatusCode::GONE, Some("bad"), T::PageRealnameExpired),
        // Replaced by a newer code: where it was shown (their PC, or a counter's screen).
        RealnameStatus::Superseded if online => (
            StatusCode::GONE,
            Some("bad"),
            T::PageRealnameSupersededOnline,
        ),
        RealnameStatus::Superseded => (StatusCode::GONE, Some("bad"), T::PageRealnameSuperseded),
        RealnameStatus::Pending => (StatusCode::OK, None, T::PageRealnameTitle),
    };
    // Why it locked: the last try's refusal.
    let why = (status == RealnameStatus::Locked && !around.locked_over_name)
        .then_some(session.last_error.as_deref())
        .flatten()
        .map(|code| ctx.t(crate::server::identity::reason_text(Some(code))));
    page(
        ctx,
        code,
        ctx.t(T::PageRealnameTitle),
        html! {
            h1 class=[class] { @if class == Some("ok") { "✓ " } (ctx.t(text)) }
            // Locked over a name that is not the registered one: which name is, and where
            // it is corrected when the ID card says otherwise.
            @if around.locked_over_name {
                p.bad { (ctx.fill(T::PageRealnameLockedName, &[&crate::domain::mask_name(&session.expected_name)])) }
            } @else if let Some(why) = why {
                p.bad { (ctx.fill(T::PageRealnameLockedWhy, &[why])) }
            }
            // The built-in check is a stand-in: a screenshot of this page must not pass for
            // a real verification.
            @if class == Some("ok") && state.demo.identity {
                p.demo role="note" { (ctx.t(T::PageRealnameDemoDone)) }
            }
            @if online {
                @if class == Some("ok") {
                    // A returned order waits for the check: back to it, to send it for
                    // review (not into a new application, to be paid twice).
                    @if let Some(order_no) = around.returned {
                        p { a.button href=(format!("/orders/{order_no}")) { (ctx.fill(T::PageRealnameBackToOrder, &[order_no])) } }
                        // Begun on a computer (its code scanned with this phone): the way
                        // on is there; or for an application after all.
                        p { (ctx.t(T::PageRealnameBackToPcOrder)) }
                        p { a href="/apply" { (ctx.t(T::PageRealnameBackToApply)) } }
                    } @else {
                        p { (ctx.t(T::PageRealnameBackToPc)) }
                        p { a.button href="/apply" { (ctx.t(T::PageRealnameBackToApply)) } }
                    }
                } @else {
                    // The day's tries spent: said, with no way to a code that cannot be
                    // tried; else a new check from the order that waits for it, or from
                    // the application.
                    @if let Some(said) = &around.spent {
                        p.bad role="status" { (said) }
                        @if let Some(order_no) = around.returned {
                            p { a href=(format!("/orders/{order_no}")) { (ctx.fill(T::PageRealnameToOrder, &[order_no])) } }
                        }
                    } @else if let Some(order_no) = around.returned {
                        p { a.button href=(format!("/orders/{order_no}")) { (ctx.fill(T::PageRealnameToOrder, &[order_no])) } }
                    } @else {
                        p { a.button href="/apply" { (ctx.t(T::PageRealnameBackToApply)) } }
                        // Begun on a computer (its code scanned with this phone): a new
                        // code is shown there.
                        p.small { (ctx.t(T::PageRealnameAgainOnPc)) }
                    }
                    @if status == RealnameStatus::Locked { (hotline_link(ctx)) }
                }
                p { a href="/" { (ctx.t(T::WebMyOrders)) } }
            } @else {
                p { (ctx.t(T::PageRealnameBackToCounter)) }
                @if class == Some("bad") { (hotline_link(ctx)) }
            }
        },
    )
}

/// The real-name form's `action`: the code's own page, also when the form is drawn again
/// at the address the provider sends the customer back to (`…/return`, which takes no
/// post).
fn form_action(ctx: &Ctx) -> String {
    let path = ctx.here.split(['?', '#']).next().unwrap_or_default();
    path.strip_suffix("/return").unwrap_or(path).to_owned()
}

/// The customer's tries for the day, for a code of their own (a counter's is not held to
/// them); or the page that says the platform cannot read them now.
async fn today(
    state: &AppState,
    ctx: &Ctx,
    session: &RealnameRow,
) -> Result<Option<DayTries>, Response> {
    if !session.is_customers_own() {
        return Ok(None);
    }
    match state
        .store
        .online_realname_tries(&session.customer_id)
        .await
    {
        Ok(day) => Ok(Some(day)),
        Err(e) => {
            tracing::error!(error = ?e, "reading a customer's real-name tries");
            Err(unavailable(ctx))
        }
    }
}

/// Once the customer's tries for the day are spent: the page that says so (no form: the
/// provider is not asked again today).
fn spent_page(ctx: &Ctx, day: Option<DayTries>) -> Option<Response> {
    let said = crate::server::web::apply::tries_spent_said(ctx, day?)?;
    Some(page(
        ctx,
        StatusCode::TOO_MANY_REQUESTS,
        ctx.t(T::PageRealnameTitle),
        html! {
            h1 { (ctx.t(T::PageRealnameTitle)) }
            p.bad role="status" { (said) }
            p { a href="/" { (ctx.t(T::WebMyOrders)) } }
        },
    ))
}

/// A pending code's page as opened afresh: the form (the last try's refusal said above
/// it), or the day's tries spent.
async fn fresh_form(state: &AppState, ctx: &Ctx, session: &RealnameRow) -> Response {
    let day = match today(state, ctx, session).await {
        Ok(day) => day,
        Err(page) => return page,
    };
    if let Some(page) = spent_page(ctx, day) {
        return page;
    }
    let problems = Problems::last_try(ctx, session.last_error.as_deref());
    form(
        state,
        ctx,
        session,
        &RealnameForm::default(),
        &problems,
        day,
    )
}

/// The form, with what was typed and what is wrong; `day`, the customer's tries for the
/// day on a code of their own.
fn form(
    state: &AppState,
    ctx: &Ctx,
    session: &RealnameRow,
    typed: &RealnameForm,
    problems: &Problems,
    day: Option<DayTries>,
) -> Response {
    // On a code of their own, what is left of the day's tries too (a new code after eight
    // has two, not five).
    let left = (MAX_ATTEMPTS - session.attempts)
        .max(0)
        .min(day.map_or(MAX_ATTEMPTS, DayTries::left));
    // A verification the customer started on their own platform is not at a counter.
    let online = session.is_customers_own();
    let listed: Vec<(String, String, String)> = [
        ("name", T::PageRealnameName, &problems.name),
        ("id_number", T::PageRealnameIdNumber, &problems.id_number),
        ("consent", T::PageRealnameConsent, &problems.consent),
    ]
    .into_iter()
    .filter_map(|(field, label, problem)| {
        problem
            .as_ref()
            .map(|p| (field.to_owned(), ctx.t(label).to_owned(), p.clone()))
    })
    .collect();
    let title = ctx.t(T::PageRealnameTitle);
    // The language switch sends what was typed along (this page's own address).
    let mut ctx = ctx.clone();
    let here = ctx.here.split('?').next().unwrap_or_default().to_owned();
    ctx.switch_form = Some(("realname-form", here));
    let ctx = &ctx;
    page(
        ctx,
        StatusCode::OK,
        title,
        html! {
            h1 { (title) }
            @if online {
                p { (ctx.fill(T::PageRealnameIntroOnline, &[&ctx.ca_name])) }
            } @else {
                p { (ctx.fill(T::PageRealnameIntro, &[&ctx.ca_name])) }
            }
            @if let Some(phone) = &session.customer_phone {
                p.account {
                    (ctx.t(T::PageRealnameAccount)) " " b { (crate::domain::mask_phone(phone)) }
                    (ctx.t(T::PageRealnameAccountNotYours))
                }
            }
            @if !session.expected_name.trim().is_empty() {
                p.who {
                    (ctx.t(if online { T::PageRealnameCheckNameOnline } else { T::PageRealnameCheckName }))
                    " " b { (crate::domain::mask_name(&session.expected_name)) }
                }
            }
            // The built-in check is a stand-in: said before anything is typed, not only
            // after it passed.
            // What it compares the name with: the one the counter typed, or nothing.
            @if state.demo.identity {
                p.demo role="note" {
                    (ctx.t(if session.expected_name.trim().is_empty() {
                        T::PageRealnameDemoFormNoName
                    } else {
                        T::PageRealnameDemoForm
                    }))
                }
            }
            @if let Some(check) = &problems.check {
                p.bad role="alert" { (check) }
            }
            (form::summary(ctx, &listed))
            form #realname-form method="post" action=(form_action(ctx)) novalidate {
                (form::token(ctx))
                (form::field(&Field {
                    name: "name",
                    label: ctx.t(T::PageRealnameName),
                    value: &typed.name,
                    error: problems.name.as_deref(),
                    autocomplete: "name",
                    inputmode: "text",
                    max: 50,
                    ..Field::default()
                }))
                (form::field(&Field {
                    name: "id_number",
                    label: ctx.t(T::PageRealnameIdNumber),
                    value: &typed.id_number,
                    error: problems.id_number.as_deref(),
                    autocomplete: "off",
                    inputmode: "text",
                    max: 22,
                    ..Field::default()
                }))
                (form::checkbox(
                    "consent",
                    ctx.t(T::PageRealnameConsent),
                    typed.consent.as_deref() == Some("yes"),
                    problems.consent.as_deref(),
                ))
                div.actions { button type="submit" { (ctx.t(T::PageRealnameSubmit)) } }
            }
            p.small { (ctx.fill(T::PageRealnameTriesLeft, &[&left.to_string()])) }
        },
    )
}

async fn session(state: &AppState, ctx: &Ctx, token: &str) -> Result<RealnameRow, Response> {
    match state.store.realname_by_token(token).await {
        Ok(Some(row)) => Ok(row),
        Ok(None) => Err(gone(ctx)),
        Err(e) => {
            tracing::error!(error = %e, "real-name page");
            Err(unavailable(ctx))
        }
    }
}

/// `GET /m/realname/{token}`
pub(super) async fn page_for(
    State(state): State<AppState>,
    Page(ctx): Page,
    Path(token): Path<String>,
) -> Response {
    let session = match session(&state, &ctx, &token).await {
        Ok(s) => s,
        Err(page) => return page,
    };
    match session.status_at(now_ms()) {
        RealnameStatus::Pending if session.certify_id.is_some() => go_on(&ctx, &session),
        RealnameStatus::Pending => fresh_form(&state, &ctx, &session).await,
        other => finished(&state, &ctx, other, &session).await,
    }
}

/// `GET /m/realname/{token}/return`: where the provider sends the customer back. The
/// platform asks the provider at once how the check went.
pub(super) async fn returned(
    State(state): State<AppState>,
    Page(ctx): Page,
    Path(token): Path<String>,
) -> Response {
    let session = match session(&state, &ctx, &token).await {
        Ok(s) => s,
        Err(page) => return page,
    };
    if session.certify_id.is_some() {
        match checks::settle(&state.store, state.identity.as_ref(), &session, true).await {
            Ok(Settled::Unavailable(_)) => return checking(&ctx),
            Ok(_) => {}
            Err(e) => {
                tracing::error!(error = %e, "settling a real-name check");
                return unavailable(&ctx);
            }
        }
    }
    match state.store.realname(&session.id).await {
        Ok(Some(now)) => page_of(&state, &ctx, &now).await,
        _ => gone(&ctx),
    }
}

/// Where a session stands, as its page.
async fn page_of(state: &AppState, ctx: &Ctx, session: &RealnameRow) -> Response {
    match session.status_at(now_ms()) {
        RealnameStatus::Pending if session.certify_id.is_some() => go_on(ctx, session),
        RealnameStatus::Pending => fresh_form(state, ctx, session).await,
        other => finished(state, ctx, other, session).await,
    }
}

/// A check the provider opened for the customer.
struct OutsideCheck<'a> {
    certify_id: &'a str,
    outer_order_no: &'a str,
    url: &'a str,
    name: &'a str,
    id_number: &'a str,
}

/// Records the check in flight and sends the customer on to it.
async fn begin_check(
    state: &AppState,
    ctx: &Ctx,
    session: &RealnameRow,
    check: &OutsideCheck<'_>,
) -> Response {
    match state
        .store
        .begin_outside_check(
            session,
            state.identity.name(),
            check.certify_id,
            check.outer_order_no,
            check.url,
            check.name,
            check.id_number,
        )
        .await
    {
        Ok(Some(going)) => go_on(ctx, &going),
        Ok(None) => match state.store.realname(&session.id).await {
            Ok(Some(now)) => page_of(state, ctx, &now).await,
            _ => gone(ctx),
        },
        Err(e) => {
            tracing::error!(error = %e, "recording an identity check");
            unavailable(ctx)
        }
    }
}

/// The page while the provider's answer is not in yet: a link to look again.
fn checking(ctx: &Ctx) -> Response {
    page(
        ctx,
        StatusCode::OK,
        ctx.t(T::PageRealnameTitle),
        html! {
            h1 { (ctx.t(T::PageRealnameChecking)) }
            p { (ctx.t(T::PageRealnameBackToCounter)) }
            // Relative: from `…/{token}/return` this is the same page, asked again.
            p { a href="return" { (ctx.t(T::PageRealnameLookAgain)) } }
        },
    )
}

/// A form sent to a code another try settled first (a second tab or phone, a second tap):
/// nothing of it is checked or used, and one page says so whatever it held — its
/// identity is not compared with the one verified (the answer would tell whoever holds
/// the link whether a guess is it). Unsettled but not pending (locked, expired): the
/// code's page as it stands.
async fn answered_before(
    state: &AppState,
    ctx: &Ctx,
    status: RealnameStatus,
    session: &RealnameRow,
) -> Response {
    if status == RealnameStatus::Verified {
        return page(
            ctx,
            StatusCode::OK,
            ctx.t(T::PageRealnameTitle),
            html! {
                h1 { (ctx.t(T::PageRealnameAlreadyDone)) }
                p role="status" { (ctx.fill(T::PageRealnameAlreadyDoneWhy, &[&ctx.hotline])) }
                p { a href="/" { (ctx.t(T::WebMyOrders)) } }
            },
        );
    }
    finished(state, ctx, status, session).await
}

/// The page after a try that left the code open: its refusal beside the field it is about,
/// with everything typed kept (a phone keyboard makes 18 digits costly to retype); the
/// way on to a check in flight; or, that try the day's last, the page that says so — not a
/// form that could not be sent.
async fn still_open(
    state: &AppState,
    ctx: &Ctx,
    session: &RealnameRow,
    typed: &RealnameForm,
) -> Response {
    if session.certify_id.is_some() {
        return go_on(ctx, session);
    }
    // The day's tries as they are after it.
    let day = match today(state, ctx, session).await {
        Ok(day) => day,
        Err(page) => return page,
    };
    if let Some(page) = spent_page(ctx, day) {
        return page;
    }
    let problems = Problems::of_reason(ctx, session.last_error.as_deref());
    form(state, ctx, session, typed, &problems, day)
}

/// `POST /m/realname/{token}`
pub(super) async fn submit(
    State(state): State<AppState>,
    Page(ctx): Page,
    Path(token): Path<String>,
    Form(typed): Form<RealnameForm>,
) -> Response {
    let session = match session(&state, &ctx, &token).await {
        Ok(s) => s,
        Err(page) => return page,
    };
    let status = session.status_at(now_ms());
    if status != RealnameStatus::Pending {
        return answered_before(&state, &ctx, status, &session).await;
    }
    // A check in flight at the provider (the form sent again from a tab left open): the
    // way on to it, not a second check begun (each one asked of the provider is paid for).
    if session.certify_id.is_some() {
        return go_on(&ctx, &session);
    }
    let day = match today(&state, &ctx, &session).await {
        Ok(day) => day,
        Err(page) => return page,
    };
    // The language switch: the same form in the other language, as typed.
    if typed.keep.as_deref() == Some("lang") {
        return form(&state, &ctx, &session, &typed, &Problems::default(), day);
    }
    // Blank fields, no consent, a name that is not a name or an ID number that cannot be
    // one (its length, its date, its check character) are not a try: nothing was asked of
    // the provider. Every problem is named at once, each by its field.
    let missing = |blank: bool, text: T| blank.then(|| ctx.t(text).to_owned());
    let name = (!typed.name.trim().is_empty())
        .then(|| crate::server::validate::printable_person_name(&state.fonts, &typed.name));
    let id_shape = (!typed.id_number.trim().is_empty())
        .then(|| crate::domain::IdNumber::parse(&typed.id_number));
    let problems = Problems {
        name: missing(typed.name.trim().is_empty(), T::WebPhoneNameMissing).or_else(|| {
            name.as_ref()
                .and_then(|n| n.as_ref().err())
                .map(|e| e.render(ctx.lang))
        }),
        id_number: missing(typed.id_number.trim().is_empty(), T::WebPhoneIdMissing).or_else(|| {
            id_shape
                .as_ref()
                .and_then(|n| n.as_ref().err())
                .map(|e| e.render(ctx.lang))
        }),
        consent: missing(
            typed.consent.as_deref() != Some("yes"),
            T::PageRealnameNeedConsent,
        ),
        check: None,
    };
    if problems.name.is_some() || problems.id_number.is_some() || problems.consent.is_some() {
        // An ID number that cannot be one is said at the counter too (the clerk sees why
        // the customer is stuck), still not a try; and unsaid once one that can be is
        // typed. Written only when it changes (each write is an event to every counter).
        if let Some(typo) = id_shape.as_ref().map(Result::is_err)
            && (session.last_error.as_deref() == Some("id_number_invalid")) != typo
            && let Err(e) = state.store.note_id_typo(&session.id, typo).await
        {
            tracing::warn!(error = %e, "noting a mistyped ID number");
        }
        return form(&state, &ctx, &session, &typed, &problems, day);
    }
    // The name passes the person-name rule like any name typed at the counter.
    let Some(Ok(name)) = name else {
        return form(&state, &ctx, &session, &typed, &problems, day);
    };
    // A code the customer opened on their own asks the provider only while their tries
    // for the day are not spent (a code opened before the last tries may have some left).
    if let Some(page) = spent_page(&ctx, day) {
        return page;
    }
    let claim = Claim {
        expected_name: session.expected_name.clone(),
        name,
        id_number: typed.id_number.clone(),
    };
    let provider = state.identity.name();
    let started = match precheck(&claim) {
        Err(reason) => Ok(Started::Decided(Verdict::Refused { reason })),
        // Opened from a returned order: the ID number is its applicant's, or the check
        // would verify someone the order can never be approved for (a try, as a name
        // that is not the registered one is).
        Ok(id_number)
            if session
                .expected_id_hash
                .as_deref()
                .is_some_and(|expected| state.store.id_hash(id_number.as_str()) != expected) =>
        {
            Ok(Started::Decided(Verdict::Refused {
                reason: "order_id_mismatch",
            }))
        }
        Ok(id_number) => {
            let request = CheckRequest {
                outer_order_no: uuid::Uuid::now_v7().simple().to_string(),
                return_url: format!("{}/m/realname/{token}/return", state.public_base),
            };
            let started = state.identity.start(&claim, &id_number, &request).await;
            if let Ok(Started::Redirect {
                transaction_id,
                url,
            }) = &started
            {
                let check = OutsideCheck {
                    certify_id: transaction_id,
                    outer_order_no: &request.outer_order_no,
                    url,
                    name: &claim.name,
                    id_number: id_number.as_str(),
                };
                return begin_check(&state, &ctx, &session, &check).await;
            }
            started
        }
    };
    let (attempt, fact) = match started {
        Ok(Started::Redirect { .. }) => return unavailable(&ctx),
        Ok(Started::Decided(Verdict::Verified { name, id_number })) => (
            Attempt::Verified {
                name: name.clone(),
                id_number: id_number.to_string(),
            },
            Some(("passed", None, name, id_number.to_string())),
        ),
        Ok(Started::Decided(Verdict::Refused { reason })) => (
            Attempt::Failed {
                reason: reason.to_owned(),
                counts: true,
            },
            None,
        ),
        Err(e) => {
            tracing::warn!(error = %e, provider, "identity provider unavailable");
            (
                Attempt::Failed {
                    reason: "provider_unavailable".into(),
                    counts: false,
                },
                None,
            )
        }
    };
    let check = fact
        .as_ref()
        .map(|(verdict, reason, name, id_number)| NewCheck {
            provider,
            transaction_id: &session.id,
            name,
            id_number,
            verdict,
            reason: *reason,
            material_sha256: None,
        });
    let updated = match state
        .store
        .record_realname_attempt(&session, &attempt, check.as_ref())
        .await
    {
        Ok(Some(updated)) => updated,
        // Another try (or the clock) moved the session on: show where it stands — still
        // open (a second tap on this form, the first answered), the first's answer.
        Ok(None) => match state.store.realname(&session.id).await {
            Ok(Some(now)) if now.status_at(now_ms()) == RealnameStatus::Pending => {
                return still_open(&state, &ctx, &now, &typed).await;
            }
            Ok(Some(now)) => {
                return answered_before(&state, &ctx, now.status_at(now_ms()), &now).await;
            }
            _ => return gone(&ctx),
        },
        Err(e) => {
            tracing::error!(error = %e, "recording a real-name try");
            return unavailable(&ctx);
        }
    };
    match updated.status_at(now_ms()) {
        RealnameStatus::Pending => still_open(&state, &ctx, &updated, &typed).await,
        // Decided: the page that says so is the code's own address, so Back and reload
        // show it again rather than ask to send the form twice.
        _ => crate::server::web::page::see_other(&format!("/m/realname/{token}")),
    }
}
