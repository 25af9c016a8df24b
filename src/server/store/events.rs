//! The events table: one row per order change, numbered by `seq` in one order every reader
//! shares, with no gaps.
//!
//! **Numbering.** Clients see `seq` as the event id (`id:` on the stream, `Last-Event-ID`).
//! - *SQLite:* writers hold the database's write lock from `BEGIN IMMEDIATE`, so an event
//!   takes `MAX(seq) + 1` as it is inserted; numbers become visible in order.
//! - *PostgreSQL:* a writer inserts its event with `seq` NULL: a plain insert that waits
//!   for no other writer (no table lock). After commit, the **sequencer**
//!   ([`Store::sequence_events`], one call of a PL/pgSQL function, [`SEQUENCER_RUN`])
//!   numbers committed, unnumbered events in id order, in its own short transaction under
//!   a transaction-scoped advisory lock, so one runs at a time across every instance, and
//!   `NOTIFY`s the instances. Each instance's event reader runs it after a local commit
//!   and on its rescan tick; a store with no reader (a command-line process) runs it right
//!   after its own commit.
//!
//! **Why every reader sees every event once, in one order.** Readers read
//! `seq > position ORDER BY seq`.
//! 1. *No gap:* sequencer runs are serialized by the advisory lock and each starts its
//!    statement after the previous run committed (the lock is released only after the
//!    commit is visible); a run numbers from the `MAX(seq)` it sees. So the numbers of one
//!    run become visible together, after every smaller number: a reader that sees `seq` N
//!    sees every number below N.
//! 2. *Nothing passed over:* an event is numbered only once its transaction has committed
//!    (the sequencer cannot see it before), so it is numbered above every number readers
//!    may already have passed. A transaction that commits late is numbered late; it is
//!    never skipped.
//! 3. *Causal order kept:* if transaction A committed before transaction B wrote its
//!    event, then A's event is numbered below B's: A's id is smaller (taken before A's
//!    commit), and any sequencer run that sees B committed sees A committed too, so A is
//!    numbered in the same run (in id order) or an earlier one. Two changes of one order
//!    are such a pair: each writer holds the order's row lock when it writes the event
//!    (lock order, step 1), so the later one writes after the earlier one committed.
//!
//! The proof test is `tests/api/event_order.rs` (16 concurrent writers on two instances).

use sqlx::{Any, Transaction};

use super::orders::{OrderRow, order_columns, order_joins};
use super::params::Params;
use super::{Backend, Store, StoreResult, now_ms};
use crate::domain::OrderStatus;

/// How many events one sequencer transaction numbers at most.
const SEQUENCE_BATCH: i64 = 5000;

/// The sequencer's run (PostgreSQL): the function `ca_counter_sequence` of migration
/// `0012_sequencer_function.sql`, one round trip with its plan kept by the session. It
/// takes the sequencer's advisory lock, then — in a statement whose snapshot is taken
/// after the lock is held, so after the previous run committed — numbers at most `$1`
/// committed, unnumbered events in id order after the highest number and `NOTIFY`s the
/// new highest on [`crate::server::events::CHANNEL`]. Rows `(k, v)`: `("", highest
/// number now)`, `("+", how many it numbered)`, `("!", whether it notified; there so
/// that the notification is made)`, and with `$2` the per-status order counts of the
/// same snapshot.
const SEQUENCER_RUN: &str = "SELECT k, v FROM ca_counter_sequence($1, $2)";

/// The value of row `key` of a sequencer run.
fn sequencer_value(rows: &[(String, i64)], key: &str) -> i64 {
    rows.iter().find(|(k, _)| k == key).map_or(0, |(_, v)| *v)
}

/// A stored event.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRow {
    /// Its number, the id clients see.
    pub seq: i64,
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
    /// The status the order left (transitions only).
    pub from_status: Option<String>,
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
    pub from_status: Option<&'a str>,
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
            from_status: None,
            version: attempts,
        }
    }

    /// An operator's roles changed: like a revocation, streams opened with their tokens
    /// end (to be opened again under the new roles) and instances forget them.
    pub fn operator_roles_changed(operator_id: &'a str) -> Self {
        NewEvent {
            topic: "operator",
            subject_id: operator_id,
            subject_no: "",
            kind: "roles",
            action: None,
            status: "roles",
            from_status: None,
            version: 0,
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
            from_status: None,
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
            from_status: None,
            version,
        }
    }

    /// The order moved here from `from` (a transition).
    pub fn moved_from(self, from: OrderStatus) -> Self {
        NewEvent {
            from_status: Some(from.as_str()),
            ..self
        }
    }
}

/// Appends an event inside `tx`; returns its row id (not its number: on PostgreSQL the
/// sequencer numbers it after commit). Commit with [`Store::commit_with_event`], which
/// wakes this instance's event reader.
///
/// The insert waits for no other writer on either database: on SQLite the writer already
/// holds the write lock, on PostgreSQL the row is unnumbered until the sequencer runs.
pub(crate) async fn insert_event(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    event: NewEvent<'_>,
) -> StoreResult<i64> {
    let mut p = Params::default();
    let sql = event_insert(&mut p, backend, &event, now_ms());
    Ok(p.query_scalar(&sql).fetch_one(&mut **tx).await?)
}

/// The statement that appends `event` at `at` (for a statement built in pieces); it
/// returns the row's id.
pub(super) fn event_insert(
    p: &mut Params,
    backend: Backend,
    event: &NewEvent<'_>,
    at: i64,
) -> String {
    let seq = match backend {
        Backend::Sqlite => "(SELECT COALESCE(MAX(seq), 0) + 1 FROM events)",
        Backend::Postgres => "NULL",
    };
    format!(
        "INSERT INTO events (seq, topic, subject_id, subject_no, kind, action, status, from_status, \
         version, at) VALUES ({seq}, {}, {}, {}, {}, {}, {}, {}, {}, {}) RETURNING id",
        p.add(event.topic),
        p.add(event.subject_id),
        p.add(event.subject_no),
        p.add(event.kind),
        p.add(event.action),
        p.add(event.status),
        p.add(event.from_status),
        p.add(event.version),
        p.add(at),
    )
}

impl Store {
    /// Commits `tx`, which wrote event row `_event` with [`insert_event`], and wakes this
    /// instance's event reader. On PostgreSQL with no reader running in this process (a
    /// command-line command), numbers the event at once instead; if that fails, the next
    /// reader's rescan numbers it.
    pub(crate) async fn commit_with_event(
        &self,
        tx: Transaction<'static, Any>,
        _event: i64,
    ) -> StoreResult<()> {
        tx.commit().await?;
        self.event_committed().await;
        Ok(())
    }

    /// An event was committed: wakes this instance's event reader, or (PostgreSQL, no
    /// reader in this process) numbers it at once; if that fails, the next reader's
    /// rescan numbers it.
    pub(crate) async fn event_committed(&self) {
        self.hub.written();
        if self.backend == Backend::Postgres
            && !self.hub.has_reader()
            && let Err(e) = self.sequence_events().await
        {
            tracing::warn!(error = %e, "cannot number the event just written; a reader will");
        }
    }

    /// The sequencer (PostgreSQL; nothing to do on SQLite, where events are numbered as
    /// they are inserted): numbers every committed, unnumbered event in id order after the
    /// highest number given, one run at a time across instances, and `NOTIFY`s every
    /// instance of the new highest number. Returns it, or `None` when there was nothing
    /// to number.
    pub async fn sequence_events(&self) -> StoreResult<Option<i64>> {
        if self.backend != Backend::Postgres {
            return Ok(None);
        }
        let mut newest = None;
        loop {
            let rows: Vec<(String, i64)> = sqlx::query_as(SEQUENCER_RUN)
                .bind(SEQUENCE_BATCH)
                .bind(false)
                .fetch_all(&self.pool)
                .await?;
            let numbered = sequencer_value(&rows, "+");
            if numbered > 0 {
                newest = Some(sequencer_value(&rows, ""));
            }
            if numbered < SEQUENCE_BATCH {
                return Ok(newest);
            }
        }
    }

    /// Numbered events after `after`, oldest first, at most `limit`; an order's event with
    /// the order as it is now. One statement (the event reader's, and a stream's catching
    /// up): the event's columns are named `ev_…`, the order's as [`OrderRow`] reads them.
    pub async fn events_with_orders(
        &self,
        after: i64,
        limit: i64,
    ) -> StoreResult<Vec<(EventRow, Option<OrderRow>)>> {
        use sqlx::{FromRow, Row};
        // The limit is written into the statement (two texts in use, the reader's and a
        // stream's): with the limit a parameter, the plan PostgreSQL keeps for any value
        // after a few runs expected a third of the events and read the whole orders table
        // into a hash (1.3 ms a round at a few thousand orders, measured). There the order
        // is a lateral subquery with `LIMIT 1`: a lookup by key for each event read,
        // whatever the planner makes of the rest. SQLite joins by nested loops, looking
        // each order up by its key.
        // The event's columns, from `events e`, named apart from the order's.
        macro_rules! event_columns {
            () => {
                "e.seq AS ev_seq, e.topic AS ev_topic, e.subject_id AS ev_subject_id, \
                 e.subject_no AS ev_subject_no, e.kind AS ev_kind, e.action AS ev_action, \
                 e.status AS ev_status, e.from_status AS ev_from_status, \
                 e.version AS ev_version, e.at AS ev_at"
            };
        }
        let sql = match self.backend {
            Backend::Sqlite => format!(
                concat!(
                    "SELECT ",
                    event_columns!(),
                    ", ",
                    order_columns!(),
                    " FROM events e LEFT JOIN orders o ON e.topic = 'order' AND o.id = e.subject_id \
                     LEFT JOIN projects pj ON pj.id = o.project_id \
                     LEFT JOIN products pr ON pr.id = o.product_id \
                     LEFT JOIN operators op ON op.id = o.submitted_by \
                     WHERE e.seq > $1 ORDER BY e.seq LIMIT {limit}"
                ),
                limit = limit
            ),
            Backend::Postgres => format!(
                concat!(
                    "SELECT ev.*, ord.* FROM (SELECT ",
                    event_columns!(),
                    " FROM events e WHERE e.seq > $1 ORDER BY e.seq LIMIT {limit}) ev \
                     LEFT JOIN LATERAL (SELECT ",
                    order_columns!(),
                    " FROM orders o ",
                    order_joins!(),
                    " WHERE ev.ev_topic = 'order' AND o.id = ev.ev_subject_id LIMIT 1) ord ON true \
                     ORDER BY ev.ev_seq"
                ),
                limit = limit
            ),
        };
        let rows = sqlx::query(&sql).bind(after).fetch_all(&self.pool).await?;
        let mut read = Vec::with_capacity(rows.len());
        for row in rows {
            let event = EventRow {
                seq: row.try_get("ev_seq")?,
                topic: row.try_get("ev_topic")?,
                subject_id: row.try_get("ev_subject_id")?,
                subject_no: row.try_get("ev_subject_no")?,
                kind: row.try_get("ev_kind")?,
                action: row.try_get("ev_action")?,
                status: row.try_get("ev_status")?,
                from_status: row.try_get("ev_from_status")?,
                version: row.try_get("ev_version")?,
                at: row.try_get("ev_at")?,
            };
            let order = match row.try_get::<Option<String>, _>("id")? {
                Some(_) => Some(OrderRow::from_row(&row)?),
                None => None,
            };
            read.push((event, order));
        }
        Ok(read)
    }

    /// The per-status counts (statuses without orders omitted) and the newest event they
    /// include: every event numbered up to it is counted, none above it. A client that
    /// applies the events after that number to these counts stays exact.
    ///
    /// One statement, so one snapshot: on PostgreSQL it first numbers every committed,
    /// unnumbered event it sees (as the sequencer does, under its lock), so no change
    /// counted here can be numbered later.
    pub async fn counts_at_event(&self) -> StoreResult<(Vec<(OrderStatus, i64)>, i64)> {
        const COUNTS: &str = "SELECT status, CAST(SUM(n) AS BIGINT) AS n FROM order_counts \
                              GROUP BY status HAVING SUM(n) <> 0";
        let rows: Vec<(String, i64)> = match self.backend {
            Backend::Sqlite => {
                sqlx::query_as(&format!(
                    "SELECT '' AS status, COALESCE(MAX(seq), 0) AS n FROM events \
                     UNION ALL {COUNTS}"
                ))
                .fetch_all(&self.pool)
                .await?
            }
            Backend::Postgres => {
                // Every unnumbered event it sees, however many.
                let rows: Vec<(String, i64)> = sqlx::query_as(SEQUENCER_RUN)
                    .bind(i64::MAX)
                    .bind(true)
                    .fetch_all(&self.pool)
                    .await?;
                if sequencer_value(&rows, "+") > 0 {
                    self.hub.poke();
                }
                rows
            }
        };
        let position = rows
            .iter()
            .find(|(status, _)| status.is_empty())
            .map(|(_, n)| *n)
            .unwrap_or(0);
        let counts = rows
            .into_iter()
            .filter_map(|(s, n)| OrderStatus::parse(&s).map(|s| (s, n)))
            .collect();
        Ok((counts, position))
    }

    /// The newest event number, 0 when there is none.
    pub async fn last_event_id(&self) -> StoreResult<i64> {
        let id: Option<i64> = sqlx::query_scalar("SELECT MAX(seq) FROM events")
            .fetch_one(&self.pool)
            .await?;
        Ok(id.unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use crate::server::events::CHANNEL;

    /// The sequencer function notifies the channel the instances listen on.
    #[test]
    fn the_sequencer_function_notifies_the_channel_listened_on() {
        let function = include_str!("migrations/postgres/0012_sequencer_function.sql");
        assert!(
            function.contains(&format!("pg_notify('{CHANNEL}'")),
            "{function}"
        );
    }
}
