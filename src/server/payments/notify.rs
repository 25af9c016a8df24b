//! Payment notifications, from Alipay's servers or the sandbox cashier, through one path:
//! the signature, then the trade, app id, seller and amount against our records; only a
//! successful trade pays; repeats change nothing; money for an order that can no longer
//! take it is kept for a refund. Every notification is recorded, accepted or not.

use std::collections::BTreeMap;

use super::{Provider, TradeStatus};
use crate::domain::Money;
use crate::server::store::{Confirmed, PaymentRow, Store, StoreError, TransitionError};

/// What a notification did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The order is paid now.
    Paid,
    /// Already handled before; nothing changed.
    Repeat,
    /// Money arrived for an order that can no longer take it: kept for a refund.
    RefundNeeded,
    /// A valid notification that does not pay (e.g. the trade was closed).
    NoPayment(String),
    /// Refused, with why; nothing changed.
    Refused(String),
}

impl Outcome {
    /// The bare text Alipay expects back: `success` once handled (so it stops sending),
    /// `failure` when refused.
    pub fn answer(&self) -> &'static str {
        match self {
            Outcome::Refused(_) => "failure",
            _ => "success",
        }
    }
}

/// Checks and applies a notification.
pub async fn process(
    store: &Store,
    provider: &dyn Provider,
    params: &BTreeMap<String, String>,
) -> Result<Outcome, StoreError> {
    let raw = serde_json::to_string(params).unwrap_or_default();
    let out_trade_no = params.get("out_trade_no").cloned().unwrap_or_default();
    let payment = store.payment_by_trade(&out_trade_no).await?;
    let outcome = check_and_apply(store, provider, params, payment.as_ref()).await?;
    let (result, detail) = match &outcome {
        Outcome::Paid => ("accepted", "paid".to_owned()),
        Outcome::Repeat => ("accepted", "repeat".to_owned()),
        Outcome::RefundNeeded => ("accepted", "refund needed".to_owned()),
        Outcome::NoPayment(why) => ("accepted", why.clone()),
        Outcome::Refused(why) => ("refused", why.clone()),
    };
    store
        .payment_event(
            payment.as_ref().map(|p| p.id.as_str()),
            "notify",
            result,
            &detail,
            Some(&raw),
        )
        .await?;
    if let (Outcome::Refused(why), Some(payment)) = (&outcome, &payment) {
        store
            .payment_note(
                &payment.order_no,
                provider.name(),
                "payment_notify_refused",
                why,
            )
            .await?;
    }
    Ok(outcome)
}

async fn check_and_apply(
    store: &Store,
    provider: &dyn Provider,
    params: &BTreeMap<String, String>,
    payment: Option<&PaymentRow>,
) -> Result<Outcome, StoreError> {
    let field = |k: &str| params.get(k).map(String::as_str).unwrap_or("");
    if !provider.verify_notify(params) {
        return Ok(Outcome::Refused("bad signature".into()));
    }
    let Some(payment) = payment else {
        return Ok(Outcome::Refused(format!(
            "unknown out_trade_no {:?}",
            field("out_trade_no")
        )));
    };
    if field("app_id") != provider.app_id() {
        return Ok(Outcome::Refused(format!(
            "app_id {:?} is not ours",
            field("app_id")
        )));
    }
    if let Some(seller) = provider.seller_id()
        && field("seller_id") != seller
    {
        return Ok(Outcome::Refused(format!(
            "seller_id {:?} is not ours",
            field("seller_id")
        )));
    }
    let amount = Money::parse_yuan(field("total_amount")).ok();
    if amount.map(Money::fen) != Some(payment.amount_fen) {
        return Ok(Outcome::Refused(format!(
            "total_amount {:?} is not {}",
            field("total_amount"),
            Money::from_fen(payment.amount_fen)
                .unwrap_or_default()
                .yuan_string()
        )));
    }
    let status = TradeStatus::parse(field("trade_status"));
    if !status.is_some_and(TradeStatus::is_paid) {
        return Ok(Outcome::NoPayment(format!(
            "trade_status {}",
            field("trade_status")
        )));
    }
    apply_paid(
        store,
        provider.name(),
        payment,
        params.get("trade_no").map(String::as_str),
    )
    .await
}

/// Applies money received (from a notification or a query).
pub async fn apply_paid(
    store: &Store,
    provider: &str,
    payment: &PaymentRow,
    trade_no: Option<&str>,
) -> Result<Outcome, StoreError> {
    match store.confirm_payment(payment, provider, trade_no).await {
        Ok(Confirmed::Paid) => Ok(Outcome::Paid),
        Ok(Confirmed::AlreadyPaid) => Ok(Outcome::Repeat),
        Ok(Confirmed::RefundNeeded) => Ok(Outcome::RefundNeeded),
        Err(TransitionError::Store(e)) => Err(e),
        // Gone or changed between the checks: as good as a repeat.
        Err(_) => Ok(Outcome::Repeat),
    }
}
