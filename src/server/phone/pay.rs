//! The sandbox cashier: what a demo payment QR code opens. Paying here sends the platform a
//! notification signed with the sandbox's key, through the same checks as Alipay's.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::{escape, gone, page, unavailable};
use crate::domain::Money;
use crate::i18n::{Lang, T};
use crate::server::AppState;
use crate::server::payments::notify::{self, Outcome};
use crate::server::store::{PaymentRow, now_ms};

const LANG: Lang = Lang::ZhCn;

async fn live_payment(
    state: &AppState,
    token: &str,
    back: Option<&str>,
) -> Result<PaymentRow, Response> {
    if state.sandbox.is_none() {
        return Err(gone(LANG, &state.config.hotline));
    }
    match state.store.payment_by_token(token).await {
        Ok(Some(p)) if p.status == "paid" => Err(paid(back)),
        Ok(Some(p)) if p.status == "pending" && p.expires_at > now_ms() => Ok(p),
        Ok(_) => Err(gone(LANG, &state.config.hotline)),
        Err(e) => {
            tracing::error!(error = %e, "cashier page");
            Err(unavailable(LANG))
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
    Path(token): Path<String>,
    Query(back): Query<ReturnTo>,
) -> Response {
    let back = back.on(&state);
    let payment = match live_payment(&state, &token, back.as_deref()).await {
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
pub(super) async fn pay(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Query(back): Query<ReturnTo>,
) -> Response {
    let back = back.on(&state);
    let payment = match live_payment(&state, &token, back.as_deref()).await {
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
        Ok(Outcome::Paid | Outcome::Repeat) => paid(back.as_deref()),
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

fn paid(back: Option<&str>) -> Response {
    let text = if back.is_some() {
        T::PagePayDoneOnline.get(LANG)
    } else {
        T::PagePayDone.get(LANG)
    };
    let back = back
        .map(|url| {
            format!(
                "<p><a class=\"button\" href=\"{}\">{}</a></p>",
                escape(url),
                escape(T::PagePayBackToOrder.get(LANG))
            )
        })
        .unwrap_or_default();
    page(
        StatusCode::OK,
        text,
        &format!("<h1 class=\"ok\">✓ {}</h1>{back}", escape(text)),
    )
}
