//! The SMS outbox: messages written with the change that causes them, claimed by one
//! sender at a time (compare-and-set with a lease, see `server::sms::outbox`), and what the
//! gateway said to each.

use sqlx::{Any, Transaction};

use super::{Store, StoreResult, new_id, now_ms};
use crate::server::sms::{NewSms, Outgoing, SmsKind};

/// A stored message.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SmsRow {
    pub id: String,
    pub order_no: Option<String>,
    pub phone: String,
    pub body: String,
    pub provider: String,
    pub status: String,
    pub detail: Option<String>,
    pub created_at: i64,
    pub kind: Option<String>,
    pub params_json: Option<String>,
    pub attempts: i64,
    pub next_attempt_at: Option<i64>,
    pub biz_id: Option<String>,
    pub gateway_code: Option<String>,
    pub sent_at: Option<i64>,
}

/// How a claimed message's sending ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SmsDone {
    /// Taken (`sent`, with the gateway's id and code) or kept (`logged`).
    Sent {
        /// Aliyun's `BizId`.
        biz_id: Option<String>,
        /// The gateway's code.
        code: Option<String>,
        /// `sent` or `logged`.
        status: &'static str,
    },
    /// Not taken; try again at `next_at`.
    Retry {
        /// The gateway's code.
        code: String,
        /// Its message.
        detail: String,
        /// Unix ms.
        next_at: i64,
    },
    /// Not taken, for good.
    Failed {
        /// The gateway's code.
        code: String,
        /// Its message.
        detail: String,
    },
    /// Maybe taken: never sent again by itself.
    Unknown {
        /// What happened.
        detail: String,
    },
}

const SELECT: &str = "SELECT s.id, o.order_no, s.phone, s.body, s.provider, s.status, s.detail, \
    s.created_at, s.kind, s.params_json, s.attempts, s.next_attempt_at, s.biz_id, s.gateway_code, \
    s.sent_at FROM sms_messages s LEFT JOIN orders o ON o.id = s.order_id";

impl Store {
    /// Writes a message into the outbox inside `tx` (the transaction of the change that
    /// causes it, after the order row is locked). `provider` is who will send it.
    pub async fn enqueue_sms_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        order_id: Option<&str>,
        provider: &str,
        message: &NewSms,
    ) -> StoreResult<String> {
        let id = new_id();
        let now = now_ms();
        sqlx::query(
            "INSERT INTO sms_messages (id, order_id, phone, body, provider, status, created_at, kind, \
             params_json, attempts, next_attempt_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, 'queued', $6, $7, $8, 0, $6, $6)",
        )
        .bind(&id)
        .bind(order_id)
        .bind(&message.phone)
        .bind(&message.body)
        .bind(provider)
        .bind(now)
        .bind(message.kind.as_str())
        .bind(serde_json::to_string(&message.params).unwrap_or_default())
        .execute(&mut **tx)
        .await?;
        Ok(id)
    }

    /// Writes a message not tied to an order change (a login code) into the outbox.
    pub async fn enqueue_sms(&self, provider: &str, message: &NewSms) -> StoreResult<String> {
        let mut tx = self.begin_write().await?;
        let id = self
            .enqueue_sms_in(&mut tx, None, provider, message)
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Queued messages for `provider` whose time has come, oldest first. An instance sends
    /// only what was written for its own provider: a demo instance never "logs" a message
    /// meant for the real gateway.
    pub async fn due_sms(&self, provider: &str, limit: i64) -> StoreResult<Vec<SmsRow>> {
        Ok(sqlx::query_as(&format!(
            "{SELECT} WHERE s.status = 'queued' AND s.next_attempt_at <= $1 AND s.provider = $3 \
             ORDER BY s.next_attempt_at, s.id LIMIT $2"
        ))
        .bind(now_ms())
        .bind(limit)
        .bind(provider)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Claims a due message for `owner` for `lease_ms`: compare-and-set on its status and
    /// try count, so exactly one instance gets it. `None` when another was first.
    pub async fn claim_sms(
        &self,
        due: &SmsRow,
        owner: &str,
        lease_ms: i64,
    ) -> StoreResult<Option<Outgoing>> {
        let now = now_ms();
        let claimed = sqlx::query(
            "UPDATE sms_messages SET status = 'sending', lease_owner = $1, lease_until = $2, \
             attempts = attempts + 1, updated_at = $3 \
             WHERE id = $4 AND status = 'queued' AND attempts = $5",
        )
        .bind(owner)
        .bind(now + lease_ms)
        .bind(now)
        .bind(&due.id)
        .bind(due.attempts)
        .execute(&self.pool)
        .await?;
        if claimed.rows_affected() != 1 {
            return Ok(None);
        }
        Ok(Some(Outgoing {
            id: due.id.clone(),
            kind: due
                .kind
                .as_deref()
                .and_then(SmsKind::parse)
                .unwrap_or(SmsKind::Returned),
            phone: due.phone.clone(),
            params: due
                .params_json
                .as_deref()
                .and_then(|json| serde_json::from_str(json).ok())
                .unwrap_or_default(),
            body: due.body.clone(),
        }))
    }

    /// Writes how sending went, if `owner` still holds the message at `attempt`.
    pub async fn finish_sms(
        &self,
        id: &str,
        owner: &str,
        attempt: i64,
        done: &SmsDone,
    ) -> StoreResult<()> {
        let now = now_ms();
        let (status, detail, biz_id, code, next_at, sent_at) = match done {
            SmsDone::Sent {
                biz_id,
                code,
                status,
            } => (*status, None, biz_id.clone(), code.clone(), None, Some(now)),
            SmsDone::Retry {
                code,
                detail,
                next_at,
            } => (
                "queued",
                Some(detail.clone()),
                None,
                Some(code.clone()),
                Some(*next_at),
                None,
            ),
            SmsDone::Failed { code, detail } => (
                "failed",
                Some(detail.clone()),
                None,
                Some(code.clone()),
                None,
                None,
            ),
            SmsDone::Unknown { detail } => {
                ("unknown", Some(detail.clone()), None, None, None, None)
            }
        };
        sqlx::query(
            "UPDATE sms_messages SET status = $1, detail = $2, biz_id = $3, gateway_code = $4, \
             next_attempt_at = COALESCE($5, next_attempt_at), sent_at = $6, lease_owner = NULL, \
             lease_until = NULL, updated_at = $7, \
             params_json = CASE WHEN kind = 'login_code' AND $1 <> 'queued' THEN '{}' \
             ELSE params_json END \
             WHERE id = $8 AND status = 'sending' AND lease_owner = $9 AND attempts = $10",
        )
        .bind(status)
        .bind(detail)
        .bind(biz_id)
        .bind(code)
        .bind(next_at)
        .bind(sent_at)
        .bind(now)
        .bind(id)
        .bind(owner)
        .bind(attempt)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Messages whose sender vanished mid-send (its lease lapsed): maybe sent, so
    /// `unknown`, never sent again by themselves.
    pub async fn lapse_sms_leases(&self) -> StoreResult<u64> {
        Ok(sqlx::query(
            "UPDATE sms_messages SET status = 'unknown', \
             detail = 'the sending instance stopped mid-send; it may have been sent', \
             lease_owner = NULL, lease_until = NULL, updated_at = $1 \
             WHERE status = 'sending' AND lease_until < $1",
        )
        .bind(now_ms())
        .execute(&self.pool)
        .await?
        .rows_affected())
    }

    /// The newest messages first, all or those in `status`.
    pub async fn sms_messages(&self, status: Option<&str>, limit: i64) -> StoreResult<Vec<SmsRow>> {
        let filter = if status.is_some() {
            "WHERE s.status = $2"
        } else {
            "WHERE $2 = ''"
        };
        Ok(sqlx::query_as(&format!(
            "{SELECT} {filter} ORDER BY s.created_at DESC, s.id DESC LIMIT $1"
        ))
        .bind(limit)
        .bind(status.unwrap_or(""))
        .fetch_all(&self.pool)
        .await?)
    }
}
