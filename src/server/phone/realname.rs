//! The real-name page the counter's QR code opens on the customer's phone: the customer
//! types their full name and ID number, consents, and the identity provider answers.
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
use crate::server::identity::{Claim, Verdict};
use crate::server::store::{Attempt, MAX_ATTEMPTS, RealnameRow, now_ms};

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

/// The page for a code in any state but pending.
fn finished(status: RealnameStatus) -> Response {
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
        &format!(
            "<h1 class=\"{class}\">{mark}{}</h1><p>{}</p>",
            t(text),
            t(T::PageRealnameBackToCounter)
        ),
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
        RealnameStatus::Pending => form(
            &state.config.ca_name,
            &session,
            &RealnameForm::default(),
            None,
        ),
        other => finished(other),
    }
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
        return finished(status);
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
    let attempt = match state.identity.verify(&claim).await {
        Ok(Verdict::Verified { name, id_number }) => Attempt::Verified {
            name,
            id_number: id_number.to_string(),
        },
        Ok(Verdict::Refused { reason }) => Attempt::Failed {
            reason: reason.to_owned(),
            counts: true,
        },
        Err(e) => {
            tracing::warn!(error = %e, provider = state.identity.name(), "identity provider unavailable");
            Attempt::Failed {
                reason: "provider_unavailable".into(),
                counts: false,
            }
        }
    };
    let updated = match state
        .store
        .record_realname_attempt(&session, &attempt)
        .await
    {
        Ok(Some(updated)) => updated,
        // Another try (or the clock) moved the session on: show where it stands.
        Ok(None) => match state.store.realname(&session.id).await {
            Ok(Some(now)) => return finished(now.status_at(now_ms())),
            _ => return gone(LANG, &state.config.hotline),
        },
        Err(e) => {
            tracing::error!(error = %e, "recording a real-name try");
            return unavailable(LANG);
        }
    };
    match updated.status_at(now_ms()) {
        RealnameStatus::Pending => {
            let reason = match updated.last_error.as_deref() {
                Some("id_number_invalid") => T::RealnameIdInvalid,
                Some("name_mismatch") => T::RealnameNameMismatch,
                _ => T::RealnameUnavailable,
            };
            // Everything typed stays: a phone keyboard makes 18 digits costly to retype.
            form(
                &state.config.ca_name,
                &updated,
                &typed,
                Some(reason.get(LANG).to_owned()),
            )
        }
        other => finished(other),
    }
}
