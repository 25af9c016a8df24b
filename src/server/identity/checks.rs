//! Outside checks in flight (the customer at Alipay's face check): asked about when the
//! customer comes back to our page and on a timer until the code expires, so a customer
//! who never comes back still ends with an answer at the counter. Every instance runs the
//! timer; the store's compare-and-set lets one of them finish each check.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use super::{Checked, IdentityProvider};
use crate::server::store::{Attempt, NewCheck, RealnameRow, Store, StoreError, now_ms};

pub use crate::domain::{FACE_ABANDONED, FACE_FAILED};

/// What asking about a check did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settled {
    /// Passed: the customer is verified.
    Verified,
    /// Not passed (the customer came back, or the code ran out): counted and recorded.
    NotPassed,
    /// Not passed yet; asked again later.
    Open,
    /// Someone else finished it first, or there was nothing in flight.
    Moved,
    /// The provider could not answer; asked again later.
    Unavailable(String),
}

/// Asks the provider about the session's check in flight and records what it says.
/// `returned`: the customer is back on our page, so "not passed" is final.
pub async fn settle(
    store: &Store,
    provider: &dyn IdentityProvider,
    session: &RealnameRow,
    returned: bool,
) -> Result<Settled, StoreError> {
    let Some(certify_id) = session.certify_id.as_deref() else {
        return Ok(Settled::Moved);
    };
    let name = session.claimed_name.as_deref().unwrap_or_default();
    let id_number = session.claimed_id_number.as_deref().unwrap_or_default();
    let provider_name = session.provider.as_deref().unwrap_or(provider.name());
    let answer = provider.check(certify_id).await;
    let expired = session.expires_at <= now_ms();
    let fact = |verdict, reason, material| NewCheck {
        provider: provider_name,
        transaction_id: certify_id,
        name,
        id_number,
        verdict,
        reason,
        material_sha256: material,
    };
    match answer {
        Ok(Checked::Passed { material_sha256 }) => {
            let attempt = Attempt::Verified {
                name: name.to_owned(),
                id_number: id_number.to_owned(),
            };
            let check = fact("passed", None, material_sha256.as_deref());
            let done = store
                .record_realname_attempt(session, &attempt, Some(&check))
                .await?;
            Ok(if done.is_some() {
                Settled::Verified
            } else {
                Settled::Moved
            })
        }
        Ok(Checked::NotPassed) if expired => {
            let check = fact("abandoned", Some(FACE_ABANDONED), None);
            let done = store
                .expire_realname(session, Some(FACE_ABANDONED), Some(&check))
                .await?;
            Ok(if done {
                Settled::NotPassed
            } else {
                Settled::Moved
            })
        }
        Ok(Checked::NotPassed) if returned => {
            let attempt = Attempt::Failed {
                reason: FACE_FAILED.into(),
                counts: true,
            };
            let check = fact("failed", Some(FACE_FAILED), None);
            let done = store
                .record_realname_attempt(session, &attempt, Some(&check))
                .await?;
            Ok(if done.is_some() {
                Settled::NotPassed
            } else {
                Settled::Moved
            })
        }
        Ok(Checked::NotPassed) => {
            store.outside_check_asked(&session.id).await?;
            Ok(Settled::Open)
        }
        Err(e) => {
            tracing::warn!(error = %e, session = %session.id, "asking about an identity check failed");
            store.outside_check_asked(&session.id).await?;
            Ok(Settled::Unavailable(e.0))
        }
    }
}

/// Runs until `shutdown`: every `every`, asks about the checks in flight not asked about
/// for that long, and ends the sessions whose code ran out (telling the counter why).
pub async fn run(
    store: Store,
    provider: Arc<dyn IdentityProvider>,
    every: Duration,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = shutdown.changed() => return,
        }
        if let Err(e) = round(&store, provider.as_ref(), every).await {
            tracing::warn!(error = %e, "checking real-name sessions failed");
        }
    }
}

/// One round of [`run`].
pub async fn round(
    store: &Store,
    provider: &dyn IdentityProvider,
    every: Duration,
) -> Result<(), StoreError> {
    let before = now_ms() - every.as_millis() as i64;
    for session in store.outside_checks_due(before, 50).await? {
        settle(store, provider, &session, false).await?;
    }
    for session in store.lapsed_realname_sessions(50).await? {
        if session.certify_id.is_some() {
            settle(store, provider, &session, false).await?;
        } else {
            store.expire_realname(&session, None, None).await?;
        }
    }
    Ok(())
}
