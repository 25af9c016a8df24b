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
use serde::Deserialize;

use super::{escape, gone, page, unavailable};
use crate::api::RealnameStatus;
use crate::i18n::{Lang, T};
use crate::server::AppState;
use crate::server::identity::checks::{self, Settled};
use crate::server::identity::{CheckRequest, Claim, Started, Verdict, alipay::app_link, precheck};
use crate::server::store::{Attempt, MAX_ATTEMPTS, NewCheck, RealnameRow, now_ms};

/// What the phone posts.
#[derive(Debug, Default, Deserialize)]
pub(super) struct RealnameForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    id_number: String,
    #[serde(default)]
    consent: Option<String>,
}

const LANG: Lang = Lang::ZhCn;

fn t(text: T) -> String {
    escape(text.get(LANG))
}

/// The reason code's words for the customer.
fn reason_text(code: Option<&str>) -> T {
    crate::server::identity::reason_text(code)
}

/// The page that sends the customer on to the provider's check: links (the Alipay app,
/// and the same page in the browser), never a redirect from the form's post.
fn go_on(session: &RealnameRow) -> Response {
    let url = session.certify_url.as_deref().unwrap_or_default();
    let body = format!(
        "<h1>{title}</h1><p>{intro}</p>\
         <p><a class=\"button\" id=\"open-alipay\" href=\"{app}\">{open}</a></p>\
         <p class=\"small\">{fallback} <a id=\"open-browser\" href=\"{url}\">{browser}</a></p>\
         <p class=\"small\">{after}</p>",
        title = t(T::PageRealnameFaceTitle),
        intro = t(T::PageRealnameFaceIntro),
        app = escape(&app_link(url)),
        open = t(T::PageRealnameOpenAlipay),
        fallback = t(T::PageRealnameFaceFallback),
        url = escape(url),
        browser = t(T::PageRealnameOpenInBrowser),
        after = t(T::PageRealnameFaceAfter),
    );
    page(StatusCode::OK, T::PageRealnameTitle.get(LANG), &body)
}

/// The page for a code in any state but pending.
fn finished(status: RealnameStatus, session: &RealnameRow) -> Response {
    // A session the customer started on their own platform leads back to their application.
    let online = session.created_by == crate::server::store::self_service::ONLINE_OPERATOR_ID;
    let (code, class, text) = match status {
        RealnameStatus::Verified => (StatusCode::OK, "ok", T::PageRealnameDone),
        RealnameStatus::Locked => (StatusCode::GONE, "bad", T::PageRealnameLocked),
        RealnameStatus::Expired => (StatusCode::GONE, "bad", T::PageRealnameExpired),
        RealnameStatus::Superseded => (StatusCode::GONE, "bad", T::PageRealnameSuperseded),
        RealnameStatus::Pending => (StatusCode::OK, "", T::PageRealnameTitle),
    };
    let mark = if class == "ok" { "✓ " } else { "" };
    page(
        code,
        T::PageRealnameTitle.get(LANG),
        &if online {
            format!(
                "<h1 class=\"{class}\">{mark}{}</h1><p><a class=\"button\" href=\"/apply\">{}</a></p>",
                t(text),
                t(T::PageRealnameBackToApply)
            )
        } else {
            format!(
                "<h1 class=\"{class}\">{mark}{}</h1><p>{}</p>",
                t(text),
                t(T::PageRealnameBackToCounter)
            )
        },
    )
}

fn form(
    ca_name: &str,
    session: &RealnameRow,
    typed: &RealnameForm,
    error: Option<String>,
) -> Response {
    let left = (MAX_ATTEMPTS - session.attempts).max(0);
    let error = error
        .map(|e| format!("<p class=\"bad\" role=\"alert\">{}</p>", escape(&e)))
        .unwrap_or_default();
    let body = format!(
        "<h1>{title}</h1>\
         <p>{intro}</p>\
         <p class=\"who\">{check} <b>{masked}</b></p>\
         {error}\
         <form method=\"post\" autocomplete=\"off\">\
         <label for=\"name\">{name_label}</label>\
         <input id=\"name\" name=\"name\" value=\"{name}\" required maxlength=\"50\">\
         <label for=\"id_number\">{id_label}</label>\
         <input id=\"id_number\" name=\"id_number\" value=\"{id}\" required maxlength=\"22\" inputmode=\"text\" autocapitalize=\"characters\">\
         <label class=\"consent\"><input type=\"checkbox\" name=\"consent\" value=\"yes\" required{consented}> {consent}</label>\
         <button type=\"submit\">{submit}</button>\
         </form>\
         <p class=\"small\">{left}</p>",
        title = t(T::PageRealnameTitle),
        intro = escape(&T::PageRealnameIntro.fill(LANG, &[ca_name])),
        check = t(T::PageRealnameCheckName),
        masked = escape(&crate::domain::mask_name(&session.expected_name)),
        name_label = t(T::PageRealnameName),
        name = escape(&typed.name),
        id_label = t(T::PageRealnameIdNumber),
        id = escape(&typed.id_number),
        consent = t(T::PageRealnameConsent),
        consented = if typed.consent.as_deref() == Some("yes") {
            " checked"
        } else {
            ""
        },
        submit = t(T::PageRealnameSubmit),
        left = escape(&T::PageRealnameTriesLeft.fill(LANG, &[&left.to_string()])),
    );
    page(StatusCode::OK, T::PageRealnameTitle.get(LANG), &body)
}

async fn session(state: &AppState, token: &str) -> Result<RealnameRow, Response> {
    match state.store.realname_by_token(token).await {
        Ok(Some(row)) => Ok(row),
        Ok(None) => Err(gone(LANG, &state.config.hotline)),
        Err(e) => {
            tracing::error!(error = %e, "real-name page");
            Err(unavailable(LANG))
        }
    }
}

/// `GET /m/realname/{token}`
pub(super) async fn page_for(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let session = match session(&state, &token).await {
        Ok(s) => s,
        Err(page) => return page,
    };
    match session.status_at(now_ms()) {
        RealnameStatus::Pending if session.certify_id.is_some() => go_on(&session),
        RealnameStatus::Pending => form(
            &state.config.ca_name,
            &session,
            &RealnameForm::default(),
            session
                .last_error
                .as_deref()
                .map(|code| reason_text(Some(code)).get(LANG).to_owned()),
        ),
        other => finished(other, &session),
    }
}

/// `GET /m/realname/{token}/return`: where the provider sends the customer back. The
/// platform asks the provider at once how the check went.
pub(super) async fn returned(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let session = match session(&state, &token).await {
        Ok(s) => s,
        Err(page) => return page,
    };
    if session.certify_id.is_some() {
        match checks::settle(&state.store, state.identity.as_ref(), &session, true).await {
            Ok(Settled::Unavailable(_)) => return checking(),
            Ok(_) => {}
            Err(e) => {
                tracing::error!(error = %e, "settling a real-name check");
                return unavailable(LANG);
            }
        }
    }
    match state.store.realname(&session.id).await {
        Ok(Some(now)) => page_of(&state, &now),
        _ => gone(LANG, &state.config.hotline),
    }
}

/// Where a session stands, as its page.
fn page_of(state: &AppState, session: &RealnameRow) -> Response {
    match session.status_at(now_ms()) {
        RealnameStatus::Pending if session.certify_id.is_some() => go_on(session),
        RealnameStatus::Pending => form(
            &state.config.ca_name,
            session,
            &RealnameForm::default(),
            Some(
                reason_text(session.last_error.as_deref())
                    .get(LANG)
                    .to_owned(),
            ),
        ),
        other => finished(other, session),
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
        Ok(Some(going)) => go_on(&going),
        Ok(None) => match state.store.realname(&session.id).await {
            Ok(Some(now)) => page_of(state, &now),
            _ => gone(LANG, &state.config.hotline),
        },
        Err(e) => {
            tracing::error!(error = %e, "recording an identity check");
            unavailable(LANG)
        }
    }
}

/// The page while the provider's answer is not in yet: a link to look again.
fn checking() -> Response {
    page(
        StatusCode::OK,
        T::PageRealnameTitle.get(LANG),
        &format!(
            "<h1>{}</h1><p>{}</p><p><a href=\"return\">{}</a></p>",
            t(T::PageRealnameChecking),
            t(T::PageRealnameBackToCounter),
            t(T::PageRealnameLookAgain)
        ),
    )
}

/// `POST /m/realname/{token}`
pub(super) async fn submit(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Form(typed): Form<RealnameForm>,
) -> Response {
    let session = match session(&state, &token).await {
        Ok(s) => s,
        Err(page) => return page,
    };
    let status = session.status_at(now_ms());
    if status != RealnameStatus::Pending {
        return finished(status, &session);
    }
    // Blank fields or no consent are not a try: nothing was checked.
    if typed.name.trim().is_empty() || typed.id_number.trim().is_empty() {
        return form(
            &state.config.ca_name,
            &session,
            &typed,
            Some(T::PageRealnameFillBoth.get(LANG).to_owned()),
        );
    }
    if typed.consent.as_deref() != Some("yes") {
        return form(
            &state.config.ca_name,
            &session,
            &typed,
            Some(T::PageRealnameNeedConsent.get(LANG).to_owned()),
        );
    }
    // The name passes the text rule like any name typed at the counter.
    let name = match crate::domain::RequiredText::<50>::parse(&typed.name) {
        Ok(name) => name.into_inner(),
        Err(e) => {
            return form(
                &state.config.ca_name,
                &session,
                &typed,
                Some(e.render(LANG)),
            );
        }
    };
    let claim = Claim {
        expected_name: session.expected_name.clone(),
        name,
        id_number: typed.id_number.clone(),
    };
    let provider = state.identity.name();
    let started = match precheck(&claim) {
        Err(reason) => Ok(Started::Decided(Verdict::Refused { reason })),
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
                return begin_check(&state, &session, &check).await;
            }
            started
        }
    };
    let (attempt, fact) = match started {
        Ok(Started::Redirect { .. }) => return unavailable(LANG),
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
        // Another try (or the clock) moved the session on: show where it stands.
        Ok(None) => match state.store.realname(&session.id).await {
            Ok(Some(now)) => return finished(now.status_at(now_ms()), &now),
            _ => return gone(LANG, &state.config.hotline),
        },
        Err(e) => {
            tracing::error!(error = %e, "recording a real-name try");
            return unavailable(LANG);
        }
    };
    match updated.status_at(now_ms()) {
        RealnameStatus::Pending => {
            let reason = reason_text(updated.last_error.as_deref());
            // Everything typed stays: a phone keyboard makes 18 digits costly to retype.
            form(
                &state.config.ca_name,
                &updated,
                &typed,
                Some(reason.get(LANG).to_owned()),
            )
        }
        other => finished(other, &updated),
    }
}
