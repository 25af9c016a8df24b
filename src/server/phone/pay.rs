//! The sandbox cashier: what a demo payment QR code opens. Paying here sends the platform a
//! notification signed with the sandbox's key, through the same checks as Alipay's.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;

use super::{Page, gone, hotline_link, unavailable};
use crate::domain::Money;
use crate::i18n::T;
use crate::server::AppState;
use crate::server::payments::notify::{self, Outcome};
use crate::server::store::{PaymentRow, now_ms};
use crate::server::web::form;
use crate::server::web::page::{Ctx, page};

async fn live_payment(
    state: &AppState,
    ctx: &Ctx,
    token: &str,
    back: Option<&str>,
) -> Result<PaymentRow, Response> {
    if state.sandbox.is_none() {
        return Err(gone(ctx));
    }
    match state.store.payment_by_token(token).await {
        Ok(Some(p)) if p.status == "paid" => Err(paid(ctx, back)),
        Ok(Some(p)) if p.status == "refund_needed" => Err(refund_needed(ctx, back)),
        Ok(Some(p)) if p.status == "pending" && p.expires_at > now_ms() => Ok(p),
        // Closed (the order cancelled, another code made) or lapsed: said as what it is,
        // with the way to the order — not "this link does not exist, ask at a counter".
        Ok(Some(p)) => {
            let order = state.store.order_by_no(&p.order_no).await.ok().flatten();
            let why = match order.as_ref().and_then(|o| o.status().ok()) {
                Some(crate::domain::OrderStatus::Cancelled) => Closed::Cancelled,
                // Paid with another code (a new one made at the counter): not "pay again".
                _ if order.as_ref().is_some_and(|o| o.paid_at.is_some()) => Closed::Paid,
                _ => Closed::Lapsed,
            };
            Err(closed(ctx, &p.order_no, why, back))
        }
        Ok(None) => Err(gone(ctx)),
        Err(e) => {
            tracing::error!(error = %e, "cashier page");
            Err(unavailable(ctx))
        }
    }
}

/// `?return=`: where a mobile-site payment brings the customer back (their order's page on
/// this platform; nothing else is followed).
#[derive(Debug, Default, serde::Deserialize)]
pub(super) struct ReturnTo {
    #[serde(rename = "return")]
    back: Option<String>,
}

impl ReturnTo {
    fn on(&self, state: &AppState) -> Option<String> {
        let back = self.back.as_deref()?;
        let rest = back.strip_prefix(&*state.public_base)?;
        (rest.starts_with("/orders/") && !rest.contains("//")).then(|| back.to_owned())
    }
}

/// `GET /m/pay/{token}`
pub(super) async fn cashier(
    State(state): State<AppState>,
    Page(ctx): Page,
    Path(token): Path<String>,
    Query(back): Query<ReturnTo>,
) -> Response {
    let back = back.on(&state);
    let payment = match live_payment(&state, &ctx, &token, back.as_deref()).await {
        Ok(p) => p,
        Err(page) => return page,
    };
    let amount = Money::from_fen(payment.amount_fen)
        .unwrap_or_default()
        .to_string();
    let title = ctx.t(T::PagePayTitle);
    page(
        &ctx,
        StatusCode::OK,
        title,
        html! {
            h1 { (title) }
            dl {
                dt { (ctx.t(T::PageOrder)) } dd { (payment.order_no) }
                dt { (ctx.t(T::PageProduct)) } dd { (payment.project_name) " " (payment.product_name) }
                dt { (ctx.t(T::PageAmount)) } dd.amount { (amount) }
            }
            p.hint { (ctx.fill(T::PagePayUntil, &[&crate::server::error::china_clock_on(payment.expires_at, crate::server::store::now_ms())])) }
            // Back to this address, `?return=` included.
            form method="post" action=(super::form_action(&ctx)) {
                (form::token(&ctx))
                div.actions { button type="submit" { (ctx.t(T::PagePayButton)) } }
            }
            // Not paying now: back to the order (it waits for payment), or, opened from
            // the counter's screen or a text, to the customer's own pages.
            @if let Some(url) = &back {
                p { a href=(url) { (ctx.t(T::PagePayBackToOrder)) } }
            } @else {
                p { a href="/" { (ctx.t(T::PagePayMyOrders)) } }
            }
        },
    )
}

/// `POST /m/pay/{token}`: the customer pays.
pub(super) async fn pay(
    State(state): State<AppState>,
    Page(ctx): Page,
    Path(token): Path<String>,
    Query(back): Query<ReturnTo>,
    uri: axum::http::Uri,
) -> Response {
    let back = back.on(&state);
    let payment = match live_payment(&state, &ctx, &token, back.as_deref()).await {
        Ok(p) => p,
        Err(page) => return page,
    };
    let Some(sandbox) = state.sandbox.clone() else {
        return gone(&ctx);
    };
    let amount = Money::from_fen(payment.amount_fen)
        .unwrap_or_default()
        .yuan_string();
    let params = sandbox.paid_notify(&payment.out_trade_no, &amount, &payment.product_name);
    match notify::process(&state.store, sandbox.as_ref(), &params).await {
        // Paid: the cashier's own address says so from now on (Back and reload show it,
        // never "send the form again?").
        // Paid as the order was cancelled: the money is kept for a refund, said at the
        // same address (it said nothing was charged).
        Ok(Outcome::Paid | Outcome::Repeat | Outcome::RefundNeeded) => {
            crate::server::web::page::see_other(
                uri.path_and_query().map_or(uri.path(), |p| p.as_str()),
            )
        }
        Ok(other) => {
            tracing::warn!(?other, order = %payment.order_no, "sandbox payment not applied");
            let title = ctx.t(T::ProblemPaymentClosed);
            page(
                &ctx,
                StatusCode::CONFLICT,
                title,
                html! {
                    h1.bad { (title) }
                    p { (ctx.t(T::WebPhonePayClosedNext)) }
                    (hotline_link(&ctx))
                },
            )
        }
        Err(e) => {
            tracing::error!(error = %e, "sandbox payment");
            unavailable(&ctx)
        }
    }
}

/// Why a payment code takes no more money.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Closed {
    /// Its order was cancelled.
    Cancelled,
    /// Its order was paid (with another code, or by transfer).
    Paid,
    /// It ran out, or another code replaced it.
    Lapsed,
}

/// A payment closed or lapsed: nothing charged by it, and where the order is.
fn closed(ctx: &Ctx, order_no: &str, why: Closed, back: Option<&str>) -> Response {
    let title = ctx.t(T::PagePayClosedTitle);
    let order = back.map_or_else(|| format!("/orders/{order_no}"), str::to_owned);
    page(
        ctx,
        StatusCode::GONE,
        title,
        html! {
            h1.bad { (title) }
            @match why {
                Closed::Cancelled => p { (ctx.fill(T::PagePayClosedCancelled, &[order_no])) },
                Closed::Paid => p { (ctx.fill(T::PagePayClosedPaid, &[order_no])) },
                Closed::Lapsed => p { (ctx.t(T::PagePayClosedLapsed)) },
            }
            p { a.button href=(order) { (ctx.t(T::PagePayClosedOrder)) } }
            (hotline_link(ctx))
        },
    )
}

/// Paid for an order cancelled meanwhile: the money is recorded and goes back.
fn refund_needed(ctx: &Ctx, back: Option<&str>) -> Response {
    let title = ctx.t(T::PagePayRefundTitle);
    page(
        ctx,
        StatusCode::OK,
        title,
        html! {
            h1.bad { (title) }
            p { (ctx.t(T::PagePayRefundNext)) }
            p.demo role="note" { (ctx.t(T::PagePayDemoPaid)) }
            (hotline_link(ctx))
            @if let Some(url) = back {
                p { a href=(url) { (ctx.t(T::PagePayBackToOrder)) } }
            } @else {
                p { a href="/" { (ctx.t(T::PagePayMyOrders)) } }
            }
        },
    )
}

/// Paid: back to the order on the customer's platform, or back to the counter.
fn paid(ctx: &Ctx, back: Option<&str>) -> Response {
    let title = ctx.t(if back.is_some() {
        T::PagePayDoneOnline
    } else {
        T::PagePayDone
    });
    page(
        ctx,
        StatusCode::OK,
        title,
        html! {
            h1.ok { "✓ " (title) }
            // This cashier is the demo's: a screenshot of this page must not pass for a
            // payment.
            p.demo role="note" { (ctx.t(T::PagePayDemoPaid)) }
            @if let Some(url) = back {
                p { a.button href=(url) { (ctx.t(T::PagePayBackToOrder)) } }
            } @else {
                // Opened from the counter's screen or from a text message: either way the
                // customer may follow the order on their own platform.
                p { (ctx.t(T::PagePayDoneNext)) }
                p { a.button.secondary href="/" { (ctx.t(T::PagePayMyOrders)) } }
            }
        },
    )
}
