//! What a phone-support agent can do for a caller beyond reading: send them a fresh login
//! code for their own platform (the agent never sees it), or a text with the link to pay.
//! Both are recorded: the login code in the customer's audit trail, the reminder in the
//! order's history.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use rand::Rng;

use crate::api::{Problem, Reminder};
use crate::domain::{Money, NextStep, Permission};
use crate::i18n::{Lang, T};
use crate::server::AppState;
use crate::server::error::ApiError;
use crate::server::extract::Caller;
use crate::server::present::rfc3339;
use crate::server::sms::{self, SmsKind};
use crate::server::store::self_service::CodeIssue;

use super::orders::find_order;

/// Sends the customer a fresh login code for their own platform, within the same limits
/// as when they ask themselves (one a minute, ten a day, none while locked). Nobody at
/// the platform sees the code; the customer's audit trail records who sent it.
#[utoipa::path(post, path = "/api/v1/customers/{id}/login-code", params(("id" = String, Path)),
    responses(
        (status = 202, body = Reminder),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn login_code(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<Reminder>), ApiError> {
    caller.require(Permission::TextCustomers)?;
    let customer = super::customers::find_customer(&state, &id).await?;
    let code = format!("{:06}", rand::rngs::OsRng.gen_range(0..1_000_000u32));
    // Staff asking for a customer they are speaking to: a minute between codes, but a
    // lock or the day's ten (a stranger's doing, as often as the customer's) do not stop
    // it, and it lifts the lock.
    let issued = state
        .store
        .issue_login_code(
            &customer.phone,
            &code,
            crate::server::store::self_service::CodeAsker::Staff,
        )
        .await?;
    let (outcome, retry_at) = match issued {
        CodeIssue::Send => {
            let message = sms::login_code(&state.config.ca_name, &customer.phone, &code);
            state.store.enqueue_sms(state.sms.name(), &message).await?;
            state.sms_wake.notify_one();
            ("queued", None)
        }
        CodeIssue::TooSoon(at) => ("too_soon", Some(rfc3339(at))),
        CodeIssue::DailyLimit => ("daily_limit", None),
        CodeIssue::Locked(until) => ("locked", Some(rfc3339(until))),
        CodeIssue::AddressLimit(at) => ("too_soon", Some(rfc3339(at))),
    };
    state
        .store
        .customer_audit(
            &customer.id,
            &caller.actor(),
            "login_code_sent",
            Some(outcome),
        )
        .await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(Reminder {
            outcome: outcome.into(),
            retry_at,
        }),
    ))
}

/// The least time between two payment-link texts for one order.
const PAYMENT_LINK_GAP_MS: i64 = 10 * 60_000;

/// The most payment-link texts for one order in a day.
const PAYMENT_LINKS_A_DAY: i64 = 3;

/// Texts the customer the link to pay this order on their own platform (only while it
/// waits for payment), at most one every 10 minutes and three a day for an order: a
/// customer is not flooded, whoever presses the key. The order's history records who
/// sent it.
#[utoipa::path(post, path = "/api/v1/orders/{order_no}/payment-link", params(("order_no" = String, Path)),
    responses(
        (status = 202, body = Reminder),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn payment_link(
    State(state): State<AppState>,
    caller: Caller,
    Path(order_no): Path<String>,
) -> Result<(StatusCode, Json<Reminder>), ApiError> {
    caller.require(Permission::TextCustomers)?;
    let row = find_order(&state, &order_no).await?;
    let status = row.status()?;
    if NextStep::of(status, false, false) != NextStep::Pay {
        return Err(ApiError::not_awaiting_payment(
            &row,
            status,
            caller.ctx.lang,
        ));
    }
    let link = format!("{}/orders/{}", state.public_base, row.order_no);
    let amount = Money::from_fen(row.amount_fen)
        .unwrap_or_default()
        .yuan_string();
    let body = T::SmsPaymentLink.fill(
        Lang::ZhCn,
        &[&state.config.ca_name, &row.order_no, &amount, &link],
    );
    let message = sms::message(
        SmsKind::PaymentLink,
        &row.phone,
        body,
        &[
            ("order_no", row.order_no.as_str()),
            ("amount", amount.as_str()),
            ("link", link.as_str()),
        ],
    );
    let mut tx = state.store.begin_write().await?;
    // One at a time per order, so two presses at once cannot both pass the limits.
    state.store.lock_order(&mut tx, &row.id).await?;
    let now = crate::server::store::now_ms();
    let (today, last) = state
        .store
        .recorded_since(&mut tx, &row.id, "payment_link_sent", now - 86_400_000)
        .await?;
    let refused = match last {
        Some(at) if at + PAYMENT_LINK_GAP_MS > now => {
            Some(("too_soon", Some(rfc3339(at + PAYMENT_LINK_GAP_MS))))
        }
        _ if today >= PAYMENT_LINKS_A_DAY => Some(("daily_limit", None)),
        _ => None,
    };
    if let Some((outcome, retry_at)) = refused {
        drop(tx);
        return Ok((
            StatusCode::ACCEPTED,
            Json(Reminder {
                outcome: outcome.into(),
                retry_at,
            }),
        ));
    }
    state
        .store
        .enqueue_sms_in(&mut tx, Some(&row.id), state.sms.name(), &message)
        .await?;
    let (_, event) = state
        .store
        .record_in(
            &mut tx,
            &row,
            &caller.actor(),
            "payment_link_sent",
            None,
            Some(&caller.ctx.request_id),
            None,
        )
        .await?;
    match event {
        Some(event) => state.store.commit_with_event(tx, event).await?,
        None => tx
            .commit()
            .await
            .map_err(crate::server::store::StoreError::from)?,
    }
    state.sms_wake.notify_one();
    Ok((
        StatusCode::ACCEPTED,
        Json(Reminder {
            outcome: "queued".into(),
            retry_at: None,
        }),
    ))
}
