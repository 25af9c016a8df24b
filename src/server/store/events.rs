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
    /// Order number.
    pub order_no: String,
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
    pub order_id: &'a str,
    pub order_no: &'a str,
    pub kind: &'a str,
    pub action: Option<&'a str>,
    pub status: OrderStatus,
    pub version: i64,
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
    if backend == Backend::Postgres {
        sqlx::query("LOCK TABLE events IN EXCLUSIVE MODE")
            .execute(&mut **tx)
            .await?;
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO events (order_id, order_no, kind, action, status, version, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(event.order_id)
    .bind(event.order_no)
    .bind(event.kind)
    .bind(event.action)
    .bind(event.status.as_str())
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
            "SELECT id, order_no, kind, action, status, version, at FROM events \
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
