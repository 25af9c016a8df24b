//! The events table: one row per order change, ids increasing in commit order.

use sqlx::{Any, Transaction};

use super::{Backend, Store, StoreResult, now_ms};
use crate::domain::OrderStatus;
use crate::server::events::CHANNEL;

/// A stored event.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRow {
    /// Event id.
    pub id: i64,
    /// `order`, `realname` or `operator` (an operator revoked; never sent to clients).
    pub topic: String,
    /// Order id or verification session id.
    pub subject_id: String,
    /// Order number (empty for other topics).
    pub subject_no: String,
    /// `created`, `transition`, `attachment`, `note`.
    pub kind: String,
    /// Action name for transitions.
    pub action: Option<String>,
    /// Status after the change.
    pub status: String,
    /// Version after the change.
    pub version: i64,
    /// Unix ms.
    pub at: i64,
}

/// What an event says; written by [`insert_event`].
pub(crate) struct NewEvent<'a> {
    pub topic: &'a str,
    pub subject_id: &'a str,
    pub subject_no: &'a str,
    pub kind: &'a str,
    pub action: Option<&'a str>,
    pub status: &'a str,
    pub version: i64,
}

impl<'a> NewEvent<'a> {
    /// An event about a real-name verification session; `version` carries the try count.
    pub fn realname(
        session_id: &'a str,
        status: crate::api::RealnameStatus,
        attempts: i64,
    ) -> Self {
        NewEvent {
            topic: "realname",
            subject_id: session_id,
            subject_no: "",
            kind: "realname",
            action: None,
            status: status.as_str(),
            version: attempts,
        }
    }

    /// An operator was disabled and their tokens revoked: streams opened with them end.
    pub fn operator_revoked(operator_id: &'a str) -> Self {
        NewEvent {
            topic: "operator",
            subject_id: operator_id,
            subject_no: "",
            kind: "revoked",
            action: None,
            status: "revoked",
            version: 0,
        }
    }

    /// An event about an order.
    pub fn order(
        order_id: &'a str,
        order_no: &'a str,
        kind: &'a str,
        action: Option<&'a str>,
        status: OrderStatus,
        version: i64,
    ) -> Self {
        NewEvent {
            topic: "order",
            subject_id: order_id,
            subject_no: order_no,
            kind,
            action,
            status: status.as_str(),
            version,
        }
    }
}

/// Appends an event inside `tx` and announces it on commit (PostgreSQL `NOTIFY` is
/// transactional). Returns its id.
///
/// On PostgreSQL the events table is locked against other writers until commit, so ids
/// become visible in increasing order: a reader that has seen id N will never later find
/// a committed id below N. SQLite writers are serialized already.
pub(crate) async fn insert_event(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    event: NewEvent<'_>,
) -> StoreResult<i64> {
    lock_events(tx, backend).await?;

    let id: i64 = sqlx::query_scalar(
        "INSERT INTO events (topic, subject_id, subject_no, kind, action, status, version, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(event.topic)
    .bind(event.subject_id)
    .bind(event.subject_no)
    .bind(event.kind)
    .bind(event.action)
    .bind(event.status)
    .bind(event.version)
    .bind(now_ms())
    .fetch_one(&mut **tx)
    .await?;
    if backend == Backend::Postgres {
        // The id is an integer we just read back: safe to put in the statement.
        sqlx::query(&format!("NOTIFY {CHANNEL}, '{id}'"))
            .persistent(false)
            .execute(&mut **tx)
            .await?;
    }
    Ok(id)
}

/// Takes the events lock for the rest of the transaction (PostgreSQL; SQLite writers are
/// serialized by `BEGIN IMMEDIATE` already). Taking it twice is harmless.
pub(crate) async fn lock_events(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
) -> StoreResult<()> {
    if backend == Backend::Postgres {
        sqlx::query("LOCK TABLE events IN EXCLUSIVE MODE")
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

impl Store {
    /// Commits `tx` and wakes this instance's event streams for `event_id`.
    pub(crate) async fn commit_with_event(
        &self,
        tx: Transaction<'static, Any>,
        event_id: i64,
    ) -> StoreResult<()> {
        tx.commit().await?;
        self.hub.announce(event_id);
        Ok(())
    }

    /// Events after `after`, oldest first, at most `limit`.
    pub async fn events_after(&self, after: i64, limit: i64) -> StoreResult<Vec<EventRow>> {
        Ok(sqlx::query_as(
            "SELECT id, topic, subject_id, subject_no, kind, action, status, version, at FROM events \
             WHERE id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The newest event id, 0 when there is none.
    pub async fn last_event_id(&self) -> StoreResult<i64> {
        let id: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM events")
            .fetch_one(&self.pool)
            .await?;
        Ok(id.unwrap_or(0))
    }
}
