//! The worker that sends what the outbox holds. Every platform instance runs one.
//!
//! **Never sent twice.** A message is written `queued` in the transaction of the change
//! that causes it. To send it, an instance claims it by compare-and-set —
//! `UPDATE … SET status = 'sending', lease_owner = <instance>, lease_until = now + lease,
//! attempts = attempts + 1 WHERE id = ? AND status = 'queued' AND attempts = <as read>` —
//! and only the instance whose update changed a row sends; the others see zero rows and
//! move on. The same statement on SQLite and PostgreSQL (no `FOR UPDATE SKIP LOCKED`
//! needed: the claim is the lock, and it survives the transaction). The result is written
//! back under the same owner and attempt number.
//!
//! What can go wrong after the claim:
//! - the gateway answers that it did not take the message (busy, throttled, no connection
//!   made): back to `queued` with the next try after `retry_ms`, doubling each time, until
//!   `max_attempts` — then `failed`;
//! - the gateway refuses it for good (a bad number, template, key): `failed` at once;
//! - the answer is lost (a timeout after the request went out), or the instance dies
//!   mid-send so its lease lapses: the message may have been sent, so it is marked
//!   `unknown` and never sent again by itself. An administrator sees it
//!   (`GET /api/v1/sms?status=unknown`) and decides.
//!
//! The lease (`lease_seconds`) is longer than the gateway's timeout, so a live sender
//! always writes its result before anyone may call the lease lapsed.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, watch};

use super::{Delivered, NotSent, Outgoing, SmsProvider};
use crate::config::SmsConfig;
use crate::server::store::{SmsDone, Store, StoreError, now_ms};

/// Runs until `shutdown`: every `poll_ms`, or at once when `wake` is notified (this
/// instance wrote a message), sends what is due.
pub async fn run(
    store: Store,
    provider: Arc<dyn SmsProvider>,
    settings: SmsConfig,
    wake: Arc<Notify>,
    mut shutdown: watch::Receiver<bool>,
) {
    let owner = uuid::Uuid::now_v7().to_string();
    loop {
        if let Err(e) = round(&store, provider.as_ref(), &settings, &owner).await {
            tracing::warn!(error = %e, "sending text messages failed");
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(settings.poll_ms.max(10))) => {}
            _ = wake.notified() => {}
            _ = shutdown.changed() => return,
        }
    }
}

/// One round: lapsed leases become `unknown`, then every due message is claimed and sent.
pub async fn round(
    store: &Store,
    provider: &dyn SmsProvider,
    settings: &SmsConfig,
    owner: &str,
) -> Result<(), StoreError> {
    store.lapse_sms_leases().await?;
    let lease_ms = (settings.lease_seconds.max(20) * 1000) as i64;
    for due in store.due_sms(provider.name(), 50).await? {
        let Some(outgoing) = store.claim_sms(&due, owner, lease_ms).await? else {
            continue;
        };
        let attempt = due.attempts + 1;
        let done = match provider.send(&outgoing).await {
            Ok(Delivered::Sent { biz_id, code }) => SmsDone::Sent {
                biz_id: Some(biz_id),
                code: Some(code),
                status: "sent",
            },
            Ok(Delivered::Logged) => SmsDone::Sent {
                biz_id: None,
                code: None,
                status: "logged",
            },
            Err(NotSent::Retry(code, message)) if attempt < settings.max_attempts.max(1) => {
                let wait = settings
                    .retry_ms
                    .saturating_mul(1u64 << (attempt - 1).clamp(0, 16) as u32);
                SmsDone::Retry {
                    code,
                    detail: message,
                    next_at: now_ms() + wait as i64,
                }
            }
            Err(NotSent::Retry(code, message)) | Err(NotSent::Refused(code, message)) => {
                SmsDone::Failed {
                    code,
                    detail: message,
                }
            }
            Err(NotSent::Unknown(detail)) => SmsDone::Unknown { detail },
        };
        let done = scrubbed(done, &outgoing);
        if let SmsDone::Failed { code, detail } | SmsDone::Retry { code, detail, .. } = &done {
            tracing::warn!(message = %outgoing.id, %code, %detail, attempt, "sms not taken by the gateway");
        }
        store
            .finish_sms(&outgoing.id, owner, attempt, &done)
            .await?;
    }
    Ok(())
}

/// `done` with the message's number and template variables (a login code among them)
/// blanked wherever the gateway's words repeat them: what a failure says is logged and
/// listed (`GET /sms`), where a code must never be read.
fn scrubbed(done: SmsDone, outgoing: &Outgoing) -> SmsDone {
    let scrub = |detail: String| {
        let mut detail = detail;
        let secrets = outgoing
            .params
            .values()
            .map(String::as_str)
            .chain([outgoing.phone.as_str()])
            .filter(|v| v.trim().chars().count() >= 4);
        for secret in secrets {
            detail = detail.replace(secret.trim(), "••••••");
        }
        detail
    };
    match done {
        SmsDone::Failed { code, detail } => SmsDone::Failed {
            code,
            detail: scrub(detail),
        },
        SmsDone::Retry {
            code,
            detail,
            next_at,
        } => SmsDone::Retry {
            code,
            detail: scrub(detail),
            next_at,
        },
        SmsDone::Unknown { detail } => SmsDone::Unknown {
            detail: scrub(detail),
        },
        sent => sent,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whatever a gateway's answer repeats of the request (a proxy's error page quoting
    /// its address, say) loses the number and the code before it is logged or kept.
    #[test]
    fn a_failure_is_said_without_the_number_or_the_code() {
        let outgoing = Outgoing {
            id: "m1".into(),
            kind: super::super::SmsKind::LoginCode,
            phone: "13912340000".into(),
            params: [("code".to_owned(), "606392".to_owned())].into(),
            body: String::new(),
        };
        let done = SmsDone::Retry {
            code: "502".into(),
            detail: "bad gateway for PhoneNumbers=13912340000&TemplateParam={\"code\":\"606392\"}"
                .into(),
            next_at: 0,
        };
        let SmsDone::Retry { detail, .. } = scrubbed(done, &outgoing) else {
            panic!("still a retry");
        };
        assert!(
            !detail.contains("606392") && !detail.contains("13912340000"),
            "{detail}"
        );
    }
}
