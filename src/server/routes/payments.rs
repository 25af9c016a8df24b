//! QR payments at the counter and the provider's notifications. The order is paid when the
//! provider confirms it — a signed notification, or its answer to a query — never by
//! this API.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::api::{NewPayment, Payment, Problem};
use crate::domain::{Action, Money, OrderStatus, Permission, next_status};
use crate::i18n::{Arg, Msg, T};
use crate::server::AppState;
use crate::server::error::ApiError;
use crate::server::extract::{Caller, JsonBody, parse_json};
use crate::server::payments::Charge;
use crate::server::payments::notify;
use crate::server::present::rfc3339;
use crate::server::store::{Actor, Opened, OrderRow, PaymentRow};
use crate::server::validate::Errors;

use super::orders::find_order;

/// Opens a QR payment for an order in 待支付 with the configured provider (Alipay
/// face-to-face, or the sandbox cashier) and returns what the QR code encodes. Asking
/// again while a code is live returns the same code.
#[utoipa::path(post, operation_id = "create_payment", path = "/api/v1/orders/{order_no}/payments", params(("order_no" = String, Path)),
    request_body = NewPayment,
    responses(
        (status = 201, body = Payment),
        (status = 200, description = "the live code opened earlier", body = Payment),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "`code` says why: `not_awaiting_payment` (the order waits for no money: paid, cancelled or completed; its `current_status` and `current_version` are in the problem), `transfer_chosen` (the customer chose to pay by bank transfer: `choose_online_payment` first), `qr_payment_off` (this platform takes bank transfers only), `payment_in_progress` (another request is opening this order's code this moment: ask again in a second, and get that code)"),
        (status = 503, body = Problem, content_type = "application/problem+json", description = "`payment_provider_unavailable`: the provider did not answer; nothing was opened"),
    ))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    Path(order_no): Path<String>,
    body: JsonBody,
) -> Result<(StatusCode, Json<Payment>), ApiError> {
    caller.require(Permission::CreateOrders)?;
    let body: NewPayment = parse_json(&body)?;
    if !matches!(body.method.as_str(), "" | "qr" | "alipay" | "sandbox") {
        return Err(ApiError::field(
            "method",
            Msg::with(T::ErrOneOf, ["qr, alipay, sandbox"]),
        ));
    }
    let order = find_order(&state, &order_no).await?;
    let (fresh, payment) = open_qr(&state, &order, &caller.actor()).await?;
    let status = if fresh {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, Json(wire(&state, payment))))
}

/// The configured provider, or why there is none.
fn provider_of(state: &AppState) -> Result<crate::server::payments::SharedProvider, ApiError> {
    state.payments.clone().ok_or(ApiError::Conflict {
        code: "qr_payment_off",
        detail: Msg::new(T::ProblemNoQrPayment),
        status: None,
        version: None,
    })
}

/// Refuses unless the transition table lets `order` be paid now: one paid, cancelled or
/// completed waits for no money (`not_awaiting_payment`); one whose customer chose to pay
/// by transfer is told how to take a code instead (`transfer_chosen`).
fn payable(order: &OrderRow) -> Result<(), ApiError> {
    let status = order.status()?;
    if next_status(Action::Pay, status).is_some() {
        return Ok(());
    }
    let (code, text) = if status == OrderStatus::PendingVoucher {
        ("transfer_chosen", T::ProblemTransferChosen)
    } else {
        ("not_awaiting_payment", T::ProblemNotAwaitingPayment)
    };
    Err(ApiError::Conflict {
        code,
        detail: Msg::with(text, [Arg::from(&order.order_no), Arg::Text(status.text())]),
        status: Some(status),
        version: Some(order.version),
    })
}

/// Opens (or finds the live) payment attempt of `order`: `(true, new)` or `(false, live)`.
/// `by_address`: for the mobile cashier (see [`crate::server::store::Store::open_payment_attempt`]).
async fn attempt(
    state: &AppState,
    order: &OrderRow,
    provider: &dyn crate::server::payments::Provider,
    by_address: bool,
) -> Result<(bool, PaymentRow), ApiError> {
    let minutes = state.config.payment_qr_minutes.max(1);
    let in_flight = || -> Result<(bool, PaymentRow), ApiError> {
        Err(ApiError::Conflict {
            code: "payment_in_progress",
            detail: Msg::new(T::ProblemPaymentInProgress),
            status: Some(order.status()?),
            version: Some(order.version),
        })
    };
    // At most twice: once more after closing an attempt that has no code.
    for _ in 0..2 {
        match state
            .store
            .open_payment_attempt(order, provider.name(), minutes * 60_000, by_address)
            .await?
        {
            Opened::New(payment) => return Ok((true, payment)),
            Opened::Live(open) => return Ok((false, open)),
            Opened::InFlight => return in_flight(),
            // The customer's mobile cashier is open (or a code never came): closed at the
            // provider first, so only the new code can be paid. If the provider cannot
            // close it (paid meanwhile, or unreachable), no second attempt is opened.
            Opened::Uncoded(open) => {
                if let Err(e) = provider.close(&open.out_trade_no).await {
                    // Its words (an address, a library's) are the operator's, in the log.
                    tracing::warn!(order = %order.order_no, why = %e, "payment provider: close");
                    return Err(ApiError::Missing {
                        code: "payment_provider_unavailable",
                        detail: Msg::new(T::ProblemProviderUnavailable),
                    });
                }
                state
                    .store
                    .payment_event(Some(&open.id), "close", "ok", "for a QR code", None)
                    .await?;
                state
                    .store
                    .close_payment(
                        &open,
                        provider.name(),
                        T::PaymentClosedForQr.get(crate::i18n::Lang::ZhCn),
                    )
                    .await?;
            }
        }
    }
    in_flight()
}

fn charge_of(state: &AppState, order: &OrderRow, payment: &PaymentRow) -> Charge {
    Charge {
        out_trade_no: payment.out_trade_no.clone(),
        amount: Money::from_fen(payment.amount_fen).unwrap_or_default(),
        subject: format!("{} {}", order.project_name, order.product_name),
        minutes: state.config.payment_qr_minutes.max(1),
        token: payment.token.clone(),
    }
}

/// Opens a QR payment (face-to-face `precreate`) for `order`, or answers the live one:
/// `(true, new)` or `(false, live)`. `by` is who asked (the operator, with their id; or the customer), for the order's history. The
/// counter's API and the customer's PC page both come here.
pub(crate) async fn open_qr(
    state: &AppState,
    order: &OrderRow,
    by: &Actor,
) -> Result<(bool, PaymentRow), ApiError> {
    let provider = provider_of(state)?;
    payable(order)?;
    let (fresh, payment) = attempt(state, order, provider.as_ref(), false).await?;
    if !fresh && payment.qr_code.is_some() {
        return Ok((false, payment));
    }
    let charge = charge_of(state, order, &payment);
    match provider.precreate(&charge).await {
        Ok(qr_code) => {
            state.store.set_payment_qr(&payment.id, &qr_code).await?;
            state
                .store
                .payment_event(Some(&payment.id), "precreate", "ok", &qr_code, None)
                .await?;
            let reason = format!(
                "{} {} ¥{}",
                provider.name(),
                payment.out_trade_no,
                charge.amount.yuan_string()
            );
            state
                .store
                .record_payment_created(&order.order_no, by, &reason)
                .await?;
            let mut payment = payment;
            payment.qr_code = Some(qr_code);
            Ok((true, payment))
        }
        Err(e) => {
            state
                .store
                .payment_event(
                    Some(&payment.id),
                    "precreate",
                    "error",
                    &e.to_string(),
                    None,
                )
                .await?;
            state
                .store
                // The order's history in words; the provider's own, with its address,
                // stay in the payment's events and the log.
                .close_payment(
                    &payment,
                    provider.name(),
                    T::PaymentClosedUnreachable.get(crate::i18n::Lang::ZhCn),
                )
                .await?;
            tracing::warn!(order = %order.order_no, why = %e, "payment provider: precreate");
            Err(ApiError::Missing {
                code: "payment_provider_unavailable",
                detail: Msg::new(T::ProblemProviderUnavailable),
            })
        }
    }
}

/// Opens a mobile-site payment (`alipay.trade.wap.pay`) for `order`: the address the
/// customer's phone is sent to, which brings them back to `return_url`. No call is made
/// here (a page method: the signed request is the address); the one notify path says when
/// it is paid.
pub(crate) async fn open_wap(
    state: &AppState,
    order: &OrderRow,
    by: &Actor,
    return_url: &str,
) -> Result<String, ApiError> {
    let provider = provider_of(state)?;
    payable(order)?;
    // Pressed again (back from the cashier without paying): the same attempt, at the same
    // address, not a second one that could be paid too.
    let (fresh, payment) = attempt(state, order, provider.as_ref(), true).await?;
    let charge = charge_of(state, order, &payment);
    let url = provider.wap_pay_url(&charge, return_url);
    if fresh {
        state
            .store
            .payment_event(
                Some(&payment.id),
                "wap_pay",
                "ok",
                &charge.out_trade_no,
                None,
            )
            .await?;
        let reason = format!(
            "{} {} ¥{} (wap)",
            provider.name(),
            payment.out_trade_no,
            charge.amount.yuan_string()
        );
        state
            .store
            .record_payment_created(&order.order_no, by, &reason)
            .await?;
    }
    Ok(url)
}

/// The wire form of a payment.
pub(crate) fn wire(state: &AppState, payment: PaymentRow) -> Payment {
    // The sandbox cashier is on this platform: its address as phones reach it now (the
    // embedded platform's port changes between runs).
    let pay_url = if payment.method == "sandbox" {
        format!("{}/m/pay/{}", state.public_base, payment.token)
    } else {
        payment.qr_code.unwrap_or_default()
    };
    Payment {
        pay_url,
        id: payment.id,
        order_no: payment.order_no,
        method: payment.method,
        amount_fen: payment.amount_fen,
        status: payment.status,
        expires_at: rfc3339(payment.expires_at),
        out_trade_no: payment.out_trade_no,
        trade_no: payment.trade_no,
        created_at: rfc3339(payment.created_at),
        paid_at: payment.paid_at.map(rfc3339),
    }
}

/// Where Alipay posts its notifications (no token: the signature is the credential).
/// Answers the bare text `success` once handled — also for repeats — and `failure` when
/// refused.
#[utoipa::path(post, path = "/api/v1/payments/alipay/notify", security(()),
    request_body(content_type = "application/x-www-form-urlencoded", description = "Alipay's notification parameters", content = std::collections::BTreeMap<String, String>),
    responses(
        (status = 200, description = "`success` or `failure`", content_type = "text/plain"),
        (status = 413, body = Problem, content_type = "application/problem+json", description = "a body over 64 KB"),
        (status = 415, body = Problem, content_type = "application/problem+json", description = "not sent as a form"),
    ))]
pub async fn alipay_notify(
    State(state): State<AppState>,
    request: axum::extract::Request,
) -> Result<&'static str, axum::response::Response> {
    use axum::response::IntoResponse;
    // A notification is a form, as Alipay posts it: anything else is said so, unread.
    let sent = request
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default();
    let essence = sent.split(';').next().unwrap_or_default().trim();
    if !essence.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
        let shown = crate::server::extract::header_shown(&sent);
        // Said in the log: a proxy rewriting the type would otherwise lose Alipay's
        // notifications without a trace (Alipay keeps sending them).
        tracing::warn!(content_type = %shown, "an Alipay notify not sent as a form: refused");
        return Err(ApiError::NotForm(shown).into_response());
    }
    // Anyone may post here (no token): no more is read than a notification holds, a few
    // kilobytes, not the ten megabytes an upload may be.
    let bytes = crate::server::extract::read_limited(request, NOTIFY_LIMIT).await?;
    let params: BTreeMap<String, String> = form_urlencoded::parse(&bytes).into_owned().collect();
    let Some(provider) = state.payments.clone().filter(|p| p.name() == "alipay") else {
        // Not Alipay's to answer here (another provider is configured): refused, and the
        // log says so, with what it claimed to be about.
        tracing::warn!(
            out_trade_no = params.get("out_trade_no").map(String::as_str),
            "an Alipay notify while payments are not Alipay's: refused"
        );
        return Ok("failure");
    };
    let outcome = notify::process(&state.store, provider.as_ref(), &params)
        .await
        .map_err(|e| ApiError::from(e).into_response())?;
    tracing::info!(
        ?outcome,
        out_trade_no = params.get("out_trade_no").map(String::as_str),
        "alipay notify"
    );
    Ok(outcome.answer())
}

/// The most an Alipay notification may be: its parameters and signature are a few
/// kilobytes.
const NOTIFY_LIMIT: usize = 64 * 1024;

/// `?status=&after=&limit=`
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PaymentQuery {
    /// `refund_needed` (money that arrived for an order that could not take it),
    /// `pending`, `paid` or `closed`.
    #[param(pattern = "^(refund_needed|pending|paid|closed)$")]
    status: String,
    /// The next page: the `id` of the last payment of the page before.
    #[serde(default)]
    #[param(pattern = "^[0-9A-Za-z-]{1,64}$")]
    after: Option<String>,
    /// At most this many (1–500, 500 by default).
    #[serde(default)]
    #[param(minimum = 1, maximum = 500)]
    limit: Option<i64>,
}

/// The payment list's parameters checked, each bad one named: its page size.
fn checked(query: &PaymentQuery) -> Result<i64, ApiError> {
    let mut errors = Errors::default();
    if !matches!(
        query.status.as_str(),
        "refund_needed" | "pending" | "paid" | "closed"
    ) {
        errors.add(
            "status",
            Msg::with(T::ErrOneOf, ["refund_needed, pending, paid, closed"]),
        );
    }
    let limit = query.limit.unwrap_or(500);
    if !(1..=500).contains(&limit) {
        errors.add("limit", Msg::with(T::ErrBetween, ["1", "500"]));
    }
    if let Some(after) = query
        .after
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
    {
        let shaped = after.len() <= 64
            && after
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !shaped {
            errors.add("after", T::ErrPaymentCursor);
        }
    }
    errors.finish()?;
    Ok(limit)
}

/// Payments in a status, oldest first by when they were opened, a page at a time (`after`
/// the last one's `id`): finance looks here for refunds to make, and reconciles against the
/// provider's statement by `out_trade_no` and `trade_no`. A page is what the list holds when
/// read, not a feed: a payment opened earlier and paid later joins `paid` behind a cursor
/// already passed — reconcile by reading the list from its start (a payment confirmed is an
/// order's `pay` event on `GET /api/v1/events`).
#[utoipa::path(get, operation_id = "list_payments", path = "/api/v1/payments", params(PaymentQuery), responses(
    (status = 200, body = [Payment]),
    (status = 404, body = Problem, content_type = "application/problem+json",
        description = "`after` names no payment (a cursor from another list, mistyped): read the list again from its start"),
    (status = 422, body = Problem, content_type = "application/problem+json",
        description = "A bad `status` or `limit`, or an `after` that cannot be a payment's id"),
))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    RawQuery(query): RawQuery,
) -> Result<Json<Vec<Payment>>, ApiError> {
    caller.require(Permission::Act(Action::IssueInvoice))?;
    // Every bad parameter at once.
    let (query, limit) =
        crate::server::extract::parse_query_checked(query.as_deref().unwrap_or_default(), checked)?;
    let after = query
        .after
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty());
    // A cursor that names no payment is said, not answered with an empty page a client
    // would take for the end of the list: 422 when it cannot be an id (above), 404 when no
    // payment has it.
    if let Some(after) = after
        && !state.store.payment_exists(after).await?
    {
        return Err(ApiError::NotFound(Msg::new(T::ErrPaymentCursor)));
    }
    let rows = state.store.payments_in(&query.status, after, limit).await?;
    Ok(Json(
        rows.into_iter().map(|row| wire(&state, row)).collect(),
    ))
}
