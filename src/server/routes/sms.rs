//! `GET /api/v1/sms`: the text messages to customers, as the outbox holds them — for an
//! administrator to read what the `log` provider kept, and to see what failed.

use axum::Json;
use axum::extract::{RawQuery, State};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::SmsMessage;
use crate::domain::Permission;
use crate::i18n::{Msg, T};
use crate::server::AppState;
use crate::server::error::ApiError;
use crate::server::extract::{Caller, parse_query};
use crate::server::present::rfc3339;

/// What a message can be: `queued` (waiting for its first or next try), `sending`, `sent`
/// (taken by the gateway), `logged` (kept by the `log` provider), `failed` (refused, or
/// out of tries), `unknown` (maybe sent: never sent again by itself).
const STATUSES: [&str; 6] = ["queued", "sending", "sent", "logged", "failed", "unknown"];

/// `?status=`
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SmsQuery {
    /// Only messages in this status: `queued`, `sending`, `sent`, `logged`, `failed` or
    /// `unknown`.
    #[param(pattern = "^(queued|sending|sent|logged|failed|unknown)$")]
    status: Option<String>,
}

/// Text messages to customers, newest first, with how sending them went (the gateway's
/// code and id, tries, the next try). `?status=failed` and `?status=unknown` are what
/// needs an administrator.
#[utoipa::path(get, operation_id = "list_sms", path = "/api/v1/sms", params(SmsQuery), responses((status = 200, body = [SmsMessage])))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(query): RawQuery,
) -> Result<Json<Vec<SmsMessage>>, ApiError> {
    caller.require(Permission::Administer)?;
    let query: SmsQuery = parse_query(query.as_deref().unwrap_or_default())?;
    if let Some(status) = query.status.as_deref()
        && !STATUSES.contains(&status)
    {
        return Err(ApiError::field(
            "status",
            Msg::with(T::ErrOneOf, [STATUSES.join(", ")]),
        ));
    }
    let rows = state
        .store
        .sms_messages(query.status.as_deref(), 200)
        .await?;
    Ok(Json(
        rows.into_iter()
            .map(|row| SmsMessage {
                id: row.id,
                order_no: row.order_no,
                phone: row.phone,
                body: row.body,
                provider: row.provider,
                status: row.status,
                detail: row.detail,
                created_at: rfc3339(row.created_at),
                kind: row.kind,
                attempts: row.attempts,
                next_attempt_at: row.next_attempt_at.map(rfc3339),
                gateway_code: row.gateway_code,
                biz_id: row.biz_id,
                sent_at: row.sent_at.map(rfc3339),
            })
            .collect(),
    ))
}
