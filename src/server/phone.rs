//! Pages that QR codes open on a customer's phone: small server-rendered HTML in Chinese,
//! no JavaScript.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;

use super::AppState;
use super::store::now_ms;
use crate::domain::Money;
use crate::i18n::{Lang, T};

/// The phone pages.
pub fn router() -> Router<AppState> {
    Router::new().route("/m/pay/{token}", get(pay_page).post(pay))
}

/// Escapes text for HTML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A complete phone page around `body`.
pub fn page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><style>\
         body{{font-family:system-ui,-apple-system,\"PingFang SC\",\"Microsoft YaHei\",sans-serif;margin:0;padding:1.2em;\
         max-width:32em;line-height:1.6;color:#111;background:#fafafa}}\
         h1{{font-size:1.3em}}dl{{display:grid;grid-template-columns:auto 1fr;gap:.3em 1em}}dt{{color:#555}}\
         dd{{margin:0}}.amount{{font-size:1.8em;font-weight:bold}}\
         button{{width:100%;padding:.9em;font-size:1.1em;border:0;border-radius:.4em;background:#1677ff;color:#fff}}\
         .ok{{color:#0a7d32}}.bad{{color:#b42318}}</style></head><body>{body}</body></html>",
        title = escape(title),
    );
    (status, Html(html)).into_response()
}

fn gone(lang: Lang) -> Response {
    let text = T::PageNotFound.get(lang);
    page(
        StatusCode::NOT_FOUND,
        text,
        &format!("<h1 class=\"bad\">{}</h1>", escape(text)),
    )
}

async fn pay_page(State(state): State<AppState>, Path(token): Path<String>) -> Response {
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

async fn pay(State(state): State<AppState>, Path(token): Path<String>) -> Response {
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
