//! The sandbox cashier: what a demo payment QR code opens.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::{escape, gone, page};
use crate::domain::Money;
use crate::i18n::{Lang, T};
use crate::server::AppState;
use crate::server::store::now_ms;

pub(super) async fn cashier(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let lang = Lang::ZhCn;
    if state.config.payment_provider != "sandbox" {
        return gone(lang);
    }

    let payment = match state.store.payment_by_token(&token).await {
        Ok(Some(p)) if p.status == "pending" && p.expires_at > now_ms() => p,
        Ok(_) => return gone(lang),
        Err(e) => {
            tracing::error!(error = %e, "cashier page");
            return page(
                StatusCode::SERVICE_UNAVAILABLE,
                T::ProblemUnavailableTitle.get(lang),
                "",
            );
        }
    };
    let amount = Money::from_fen(payment.amount_fen)
        .unwrap_or_default()
        .to_string();
    let body = format!(
        "<h1>{title}</h1><dl><dt>{order}</dt><dd>{no}</dd><dt>{product}</dt><dd>{product_name}</dd>\
         <dt>{amount_label}</dt><dd class=\"amount\">{amount}</dd></dl>\
         <form method=\"post\"><button type=\"submit\">{button}</button></form>",
        title = escape(T::PagePayTitle.get(lang)),
        order = escape(T::PageOrder.get(lang)),
        no = escape(&payment.order_no),
        product = escape(T::PageProduct.get(lang)),
        product_name = escape(&payment.product_name),
        amount_label = escape(T::PageAmount.get(lang)),
        amount = escape(&amount),
        button = escape(T::PagePayButton.get(lang)),
    );
    page(StatusCode::OK, T::PagePayTitle.get(lang), &body)
}

pub(super) async fn pay(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let lang = Lang::ZhCn;
    if state.config.payment_provider != "sandbox" {
        return gone(lang);
    }
    let payment = match state.store.payment_by_token(&token).await {
        Ok(Some(p)) if p.status == "paid" => return paid(lang),
        Ok(Some(p)) if p.status == "pending" && p.expires_at > now_ms() => p,
        Ok(_) => return gone(lang),
        Err(e) => {
            tracing::error!(error = %e, "cashier payment");
            return page(
                StatusCode::SERVICE_UNAVAILABLE,
                T::ProblemUnavailableTitle.get(lang),
                "",
            );
        }
    };
    match state.store.confirm_payment(&payment, "sandbox").await {
        Ok(_) => paid(lang),
        Err(e) => {
            tracing::warn!(error = %e, order = %payment.order_no, "sandbox payment refused");
            let text = T::ProblemPaymentClosed.get(lang);
            page(
                StatusCode::CONFLICT,
                text,
                &format!("<h1 class=\"bad\">{}</h1>", escape(text)),
            )
        }
    }
}

fn paid(lang: Lang) -> Response {
    let text = T::PagePayDone.get(lang);
    page(
        StatusCode::OK,
        text,
        &format!("<h1 class=\"ok\">✓ {}</h1>", escape(text)),
    )
}
