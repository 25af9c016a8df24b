//! Real-name verification sessions: a single-use, expiring token bound to one customer,
//! five tries, and on success the customer marked verified — each change in one
//! transaction with its event.

use base64::Engine;
use rand::RngCore;

use super::events::{NewEvent, insert_event};
use super::operators::hash_token;
use super::{Store, StoreResult, new_id, now_ms};
use crate::api::RealnameStatus;

/// Tries before a session locks.
pub const MAX_ATTEMPTS: i64 = 5;

/// A stored session.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RealnameRow {
    pub id: String,
    pub customer_id: String,
    pub expected_name: String,
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub verified_name: Option<String>,
    pub verified_id_number: Option<String>,
    pub created_by: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub finished_at: Option<i64>,
}

impl RealnameRow {
    /// Where it stands at `now` (a pending session past its time is expired).
    pub fn status_at(&self, now: i64) -> RealnameStatus {
        match RealnameStatus::parse(&self.status) {
            Some(RealnameStatus::Pending) if self.expires_at <= now => RealnameStatus::Expired,
            Some(status) => status,
            None => RealnameStatus::Expired,
        }
    }
}

/// The outcome of one try on the phone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    /// Identity confirmed.
    Verified {
        /// Full name as verified.
        name: String,
        /// ID number as verified.
        id_number: String,
    },
    /// Refused, with a stable reason code.
    Failed {
        /// `id_number_invalid`, `name_mismatch`, `provider_unavailable`.
        reason: String,
        /// Whether the try counts towards the lock (provider outages do not).
        counts: bool,
    },
}

const SELECT: &str = "SELECT id, customer_id, expected_name, status, attempts, last_error, verified_name, \
    verified_id_number, created_by, created_at, expires_at, finished_at FROM realname_sessions";

impl Store {
    /// Opens a session for a customer, replacing any pending one (its code stops working).
    /// Returns the session and its token (shown once, stored hashed).
    pub async fn create_realname_session(
        &self,
        customer_id: &str,
        expected_name: &str,
        operator_id: &str,
        valid_ms: i64,
    ) -> StoreResult<(RealnameRow, String)> {
        let mut random = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut random);
        let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random);
        let id = new_id();
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        let replaced: Vec<String> = sqlx::query_scalar(
            "UPDATE realname_sessions SET status = 'superseded', finished_at = $1 \
             WHERE customer_id = $2 AND status = 'pending' RETURNING id",
        )
        .bind(now)
        .bind(customer_id)
        .fetch_all(&mut *tx)
        .await?;
        for old in &replaced {
            let event = NewEvent::realname(old, RealnameStatus::Superseded, 0);
            insert_event(&mut tx, self.backend, event).await?;
        }
        sqlx::query(
            "INSERT INTO realname_sessions (id, token_hash, customer_id, expected_name, status, created_by, \
             created_at, expires_at) VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7)",
        )
        .bind(&id)
        .bind(hash_token(&token))
        .bind(customer_id)
        .bind(expected_name)
        .bind(operator_id)
        .bind(now)
        .bind(now + valid_ms)
        .execute(&mut *tx)
        .await?;
        let event_id = insert_event(
            &mut tx,
            self.backend,
            NewEvent::realname(&id, RealnameStatus::Pending, 0),
        )
        .await?;
        self.commit_with_event(tx, event_id).await?;
        let row = self
            .realname(&id)
            .await?
            .ok_or_else(|| super::StoreError::Corrupt("session vanished after insert".into()))?;
        Ok((row, token))
    }

    /// The session with this id.
    pub async fn realname(&self, id: &str) -> StoreResult<Option<RealnameRow>> {
        Ok(sqlx::query_as(&format!("{SELECT} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// The session whose token this is.
    pub async fn realname_by_token(&self, token: &str) -> StoreResult<Option<RealnameRow>> {
        Ok(sqlx::query_as(&format!("{SELECT} WHERE token_hash = $1"))
            .bind(hash_token(token))
            .fetch_optional(&self.pool)
            .await?)
    }

    /// Records one try on a pending, unexpired session (compare-and-set on its status and
    /// try count). `None` when the session moved on meanwhile (used, locked, expired,
    /// replaced, or another try won the race).
    pub async fn record_realname_attempt(
        &self,
        session: &RealnameRow,
        attempt: &Attempt,
    ) -> StoreResult<Option<RealnameRow>> {
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        let (status, attempts, last_error, name, id_number) = match attempt {
            Attempt::Verified { name, id_number } => (
                RealnameStatus::Verified,
                session.attempts,
                None,
                Some(name.as_str()),
                Some(id_number.as_str()),
            ),
            Attempt::Failed { reason, counts } => {
                let attempts = session.attempts + i64::from(*counts);
                let status = if attempts >= MAX_ATTEMPTS {
                    RealnameStatus::Locked
                } else {
                    RealnameStatus::Pending
                };
                (status, attempts, Some(reason.as_str()), None, None)
            }
        };
        let finished = (status != RealnameStatus::Pending).then_some(now);
        let updated = sqlx::query(
            "UPDATE realname_sessions SET status = $1, attempts = $2, last_error = $3, verified_name = $4, \
             verified_id_number = $5, finished_at = $6 \
             WHERE id = $7 AND status = 'pending' AND attempts = $8 AND expires_at > $9",
        )
        .bind(status.as_str())
        .bind(attempts)
        .bind(last_error)
        .bind(name)
        .bind(id_number)
        .bind(finished)
        .bind(&session.id)
        .bind(session.attempts)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(None);
        }
        if let (Some(name), Some(id_number)) = (name, id_number) {
            sqlx::query("UPDATE customers SET name = $1, id_number = $2, realname_verified_at = $3 WHERE id = $4")
                .bind(name)
                .bind(id_number)
                .bind(now)
                .bind(&session.customer_id)
                .execute(&mut *tx)
                .await?;
        }
        let event_id = insert_event(
            &mut tx,
            self.backend,
            NewEvent::realname(&session.id, status, attempts),
        )
        .await?;
        self.commit_with_event(tx, event_id).await?;
        self.realname(&session.id).await
    }

    /// Corrects a customer's registered name while they are not yet verified; false if
    /// there is no such unverified customer.
    pub async fn rename_unverified_customer(
        &self,
        customer_id: &str,
        name: &str,
    ) -> StoreResult<bool> {
        let updated = sqlx::query(
            "UPDATE customers SET name = $1 WHERE id = $2 AND realname_verified_at IS NULL",
        )
        .bind(name)
        .bind(customer_id)
        .execute(&self.pool)
        .await?;
        Ok(updated.rows_affected() == 1)
    }
}
