//! The sandbox cashier: what a demo payment QR code opens. Paying here sends the platform a
//! notification signed with the sandbox's key, through the same checks as Alipay's.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::{escape, gone, page, unavailable};
use crate::domain::Money;
use crate::i18n::{Lang, T};
use crate::server::AppState;
use crate::server::payments::notify::{self, Outcome};
use crate::server::store::{PaymentRow, now_ms};

const LANG: Lang = Lang::ZhCn;

async fn live_payment(state: &AppState, token: &str) -> Result<PaymentRow, Response> {
    if state.sandbox.is_none() {
        return Err(gone(LANG, &state.config.hotline));
    }
    match state.store.payment_by_token(token).await {
        Ok(Some(p)) if p.status == "paid" => Err(paid()),
        Ok(Some(p)) if p.status == "pending" && p.expires_at > now_ms() => Ok(p),
        Ok(_) => Err(gone(LANG, &state.config.hotline)),
        Err(e) => {
            tracing::error!(error = %e, "cashier page");
            Err(unavailable(LANG))
        }
    }
}

/// `GET /m/pay/{token}`
pub(super) async fn cashier(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let payment = match live_payment(&state, &token).await {
        Ok(p) => p,
        Err(page) => return page,
    };
    let amount = Money::from_fen(payment.amount_fen)
        .unwrap_or_default()
        .to_string();
    let body = format!(
        "<h1>{title}</h1><dl><dt>{order}</dt><dd>{no}</dd><dt>{product}</dt><dd>{product_name}</dd>\
         <dt>{amount_label}</dt><dd class=\"amount\">{amount}</dd></dl>\
         <form method=\"post\"><button type=\"submit\">{button}</button></form>",
        title = escape(T::PagePayTitle.get(LANG)),
        order = escape(T::PageOrder.get(LANG)),
        no = escape(&payment.order_no),
        product = escape(T::PageProduct.get(LANG)),
        product_name = escape(&format!(
            "{} {}",
            payment.project_name, payment.product_name
        )),
        amount_label = escape(T::PageAmount.get(LANG)),
        amount = escape(&amount),
        button = escape(T::PagePayButton.get(LANG)),
    );
    page(StatusCode::OK, T::PagePayTitle.get(LANG), &body)
}

/// `POST /m/pay/{token}`: the customer pays.
pub(super) async fn pay(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let payment = match live_payment(&state, &token).await {
        Ok(p) => p,
        Err(page) => return page,
    };
    let Some(sandbox) = state.sandbox.clone() else {
        return gone(LANG, &state.config.hotline);
    };
    let amount = Money::from_fen(payment.amount_fen)
        .unwrap_or_default()
        .yuan_string();
    let params = sandbox.paid_notify(&payment.out_trade_no, &amount, &payment.product_name);
    match notify::process(&state.store, sandbox.as_ref(), &params).await {
        Ok(Outcome::Paid | Outcome::Repeat) => paid(),
        Ok(other) => {
            tracing::warn!(?other, order = %payment.order_no, "sandbox payment not applied");
            let text = T::ProblemPaymentClosed.get(LANG);
            page(
                StatusCode::CONFLICT,
                text,
                &format!("<h1 class=\"bad\">{}</h1>", escape(text)),
            )
        }
        Err(e) => {
            tracing::error!(error = %e, "sandbox payment");
            unavailable(LANG)
        }
    }
}

fn paid() -> Response {
    let text = T::PagePayDone.get(LANG);
    page(
        StatusCode::OK,
        text,
        &format!("<h1 class=\"ok\">✓ {}</h1>", escape(text)),
    )
}
