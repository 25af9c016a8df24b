//! Starting a payment at the counter. The order is paid when the provider confirms it
//! (for the sandbox: the cashier page on the phone), never by this route.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;

use crate::api::{NewPayment, Payment, Problem};
use crate::domain::{Action, Permission, next_status};
use crate::i18n::{Arg, Msg, T};
use crate::server::AppState;
use crate::server::error::ApiError;
use crate::server::extract::{ApiJson, Caller};
use crate::server::present::rfc3339;
use crate::server::store::PaymentRow;

use super::orders::find_order;

/// Opens a payment attempt for an order in 待支付 and returns the URL to show as a QR
/// code. Methods: `sandbox` (the built-in demo cashier).
#[utoipa::path(post, path = "/api/v1/orders/{order_no}/payments", params(("order_no" = String, Path)),
    request_body = NewPayment,
    responses((status = 201, body = Payment), (status = 409, body = Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(order_no): Path<String>,
    ApiJson(body): ApiJson<NewPayment>,
) -> Result<(StatusCode, Json<Payment>), ApiError> {
    caller.require(Permission::CreateOrders)?;
    if body.method.trim() != "sandbox" {
        return Err(ApiError::field(
            "method",
            Msg::with(T::ErrOneOf, ["sandbox"]),
        ));
    }
    let order = find_order(&state, &order_no).await?;
    let status = order.status()?;
    if next_status(Action::Pay, status).is_none() {
        return Err(ApiError::Conflict {
            code: "invalid_transition",
            detail: Msg::with(
                T::ProblemInvalidTransition,
                [
                    Arg::from(&order.order_no),
                    Arg::Text(status.text()),
                    Arg::Text(Action::Pay.text()),
                ],
            ),
            status: Some(status),
            version: Some(order.version),
        });
    }
    if state.config.payment_provider != "sandbox" {
        return Err(ApiError::field("method", Msg::with(T::ErrOneOf, ["—"])));
    }
    // One live QR code per order: asking again (a retry, a second press) shows the same one.
    if let Some(open) = state.store.open_payment(&order.id).await? {
        return Ok((StatusCode::OK, Json(wire_payment(&state, open))));
    }
    let valid_ms = state.config.payment_qr_minutes.max(1) * 60_000;

    let payment = state
        .store
        .create_payment(
            &order.id,
            &order.order_no,
            "sandbox",
            order.amount_fen,
            valid_ms,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(wire_payment(&state, payment))))
}

fn wire_payment(state: &AppState, payment: PaymentRow) -> Payment {
    Payment {
        pay_url: format!("{}/m/pay/{}", state.public_base, payment.token),
        id: payment.id,
        order_no: payment.order_no,
        method: payment.method,
        amount_fen: payment.amount_fen,
        status: payment.status,
        expires_at: rfc3339(payment.expires_at),
    }
}
