//! What the platform does on its own: asks the provider about QR payments no notification
//! has settled (and closes the expired ones), and closes orders left unpaid too long. Every
//! instance runs it; compare-and-set keeps them from doing anything twice.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use super::notify::apply_paid;
use super::{Provider, TradeStatus};
use crate::domain::Action;
use crate::i18n::{Lang, T};
use crate::server::store::{Actor, Store, Transition, now_ms};

/// Runs until `shutdown`, every `every`.
pub async fn run(
    store: Store,
    provider: Option<Arc<dyn Provider>>,
    unpaid_close_hours: i64,
    every: Duration,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = shutdown.changed() => return,
        }
        if let Some(provider) = &provider
            && let Err(e) = check_payments(&store, provider.as_ref(), every).await
        {
            tracing::warn!(error = %e, "checking payments failed");
        }
        if let Err(e) = close_unpaid(&store, unpaid_close_hours).await {
            tracing::warn!(error = %e, "closing unpaid orders failed");
        }
    }
}

/// Queries pending payments not heard of lately; pays the paid, closes the expired.
pub async fn check_payments(
    store: &Store,
    provider: &dyn Provider,
    every: Duration,
) -> Result<(), crate::server::store::StoreError> {
    let now = now_ms();
    let stale = now - every.as_millis() as i64;
    for payment in store.payments_to_check(stale, 50).await? {
        store.payment_checked(&payment.id).await?;
        match provider.query(&payment.out_trade_no).await {
            Ok(trade) if trade.status.is_paid() => {
                let detail = format!(
                    "{:?} {}",
                    trade.status,
                    trade.total_amount.clone().unwrap_or_default()
                );
                store
                    .payment_event(Some(&payment.id), "query", "paid", &detail, None)
                    .await?;
                // A query answer is signed by the provider like its notifications; the
                // amount still has to match.
                let amount_ok = trade.total_amount.as_deref().is_none_or(|a| {
                    crate::domain::Money::parse_yuan(a).map(|m| m.fen()) == Ok(payment.amount_fen)
                });
                if amount_ok {
                    // What the query found goes in the history first: once the order shows
                    // paid, the history already says how that became known.
                    store
                        .payment_note(
                            &payment.order_no,
                            provider.name(),
                            "payment_query",
                            "paid (found by query)",
                        )
                        .await?;
                    apply_paid(store, provider.name(), &payment, trade.trade_no.as_deref()).await?;
                } else {
                    let why = format!("query amount {:?} differs", trade.total_amount);
                    store
                        .payment_note(&payment.order_no, provider.name(), "payment_query", &why)
                        .await?;
                }
            }
            Ok(trade) if payment.expires_at <= now && trade.status != TradeStatus::Success => {
                match provider.close(&payment.out_trade_no).await {
                    Ok(()) => {
                        store
                            .payment_event(Some(&payment.id), "close", "ok", "expired", None)
                            .await?;
                        store
                            .close_payment(
                                &payment,
                                provider.name(),
                                T::PaymentClosedExpired.get(Lang::ZhCn),
                            )
                            .await?;
                    }
                    Err(e) => {
                        store
                            .payment_event(
                                Some(&payment.id),
                                "close",
                                "error",
                                &e.to_string(),
                                None,
                            )
                            .await?;
                    }
                }
            }
            Ok(trade) => {
                store
                    .payment_event(
                        Some(&payment.id),
                        "query",
                        "ok",
                        &format!("{:?}", trade.status),
                        None,
                    )
                    .await?;
            }
            Err(e) => {
                store
                    .payment_event(Some(&payment.id), "query", "error", &e.to_string(), None)
                    .await?;
            }
        }
    }
    Ok(())
}

/// Cancels orders unpaid for longer than `hours`, through the transition table, with a
/// history row saying so.
pub async fn close_unpaid(
    store: &Store,
    hours: i64,
) -> Result<(), crate::server::store::StoreError> {
    let before = now_ms() - hours.max(0) * 3_600_000;
    for (order_no, version) in store.unpaid_orders_before(before, 100).await? {
        let step = Transition {
            sms: None,
            claimed_by: None,
            action: Action::Cancel,
            expected_version: Some(version),
            actor: Actor::System(T::SystemAutoClose.get(Lang::ZhCn).to_owned()),
            reason: Some(T::AutoCloseReason.fill(Lang::ZhCn, &[&hours.to_string()])),
            request_id: None,
            set: vec![],
        };
        // Someone acting on the order meanwhile wins; it is looked at again next round.
        let _ = store.transition(&order_no, step).await;
    }
    Ok(())
}
