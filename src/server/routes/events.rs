//! `GET /api/v1/events`: server-sent events of order changes. Each event's `id:` is its row
//! id; a client that reconnects with `Last-Event-ID` gets every event after it, none twice.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::Stream;
use tokio::sync::watch;

use crate::domain::Permission;
use crate::i18n::{Msg, T};
use crate::server::AppState;
use crate::server::error::ApiError;
use crate::server::extract::Caller;
use crate::server::present::{self, StreamEvent};
use crate::server::store::Store;

/// How many events one query reads.
const BATCH: i64 = 500;
/// How often an idle stream looks at the table anyway (a safety net under the wake-ups).
const RESCAN: Duration = Duration::from_secs(15);
/// How often a stream checks that its token is still valid, for revocations it cannot see
/// as an event (made by another process on the same SQLite file before it woke).
const REAUTH: Duration = Duration::from_secs(5);

/// The live stream. A fresh subscription first gets a `hello` event whose id is the
/// newest event now; then one `order` event per change.
#[utoipa::path(get, path = "/api/v1/events",
    params(("Last-Event-ID" = Option<i64>, Header, description = "resume after this event")),
    responses((status = 200, description = "text/event-stream of `hello` and `order` events (OrderEvent)", content_type = "text/event-stream")))]
pub async fn stream(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    caller.require(Permission::ViewOrders)?;
    let resume =
        match headers
            .get("last-event-id")
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
        {
            None | Some("") => None,
            Some(text) => Some(text.parse::<i64>().ok().filter(|id| *id >= 0).ok_or_else(
                || ApiError::field("Last-Event-ID", Msg::with(T::ErrInvalidValue, [text])),
            )?),
        };
    let mut pending = VecDeque::new();
    let after = match resume {
        Some(id) => id,
        None => {
            let last = state.store.last_event_id().await?;
            let hello = Event::default()
                .event("hello")
                .id(last.to_string())
                .retry(Duration::from_secs(2))
                .data(format!("{{\"last_event_id\":{last}}}"));
            pending.push_back(hello);
            last
        }
    };
    let cursor = Cursor {
        operator_id: caller.operator.id.clone(),
        token_hash: caller.token_hash.clone(),
        reauth_at: tokio::time::Instant::now() + REAUTH,
        revoked: false,
        store: state.store.clone(),
        wake: state.store.hub().subscribe(),
        shutdown: state.shutdown.clone(),
        after,
        pending,
    };
    let events = futures_util::stream::unfold(cursor, |mut cursor| async move {
        let event = cursor.next().await?;
        Some((Ok(event), cursor))
    });
    Ok(Sse::new(events).keep_alive(
        KeepAlive::new()
            .interval(Duration::from_secs(5))
            .text("keep-alive"),
    ))
}

struct Cursor {
    operator_id: String,
    token_hash: String,
    reauth_at: tokio::time::Instant,
    revoked: bool,
    store: Store,
    wake: watch::Receiver<i64>,
    shutdown: watch::Receiver<bool>,
    after: i64,
    pending: VecDeque<Event>,
}

impl Cursor {
    /// The next event to send; `None` ends the stream (server stopping, or the database
    /// failing — the client then reconnects with `Last-Event-ID`).
    async fn next(&mut self) -> Option<Event> {
        loop {
            if let Some(event) = self.pending.pop_front() {
                return Some(event);
            }
            if self.revoked {
                return None;
            }
            if *self.shutdown.borrow() {
                return None;
            }
            if tokio::time::Instant::now() >= self.reauth_at {
                if !self.still_valid().await {
                    return None;
                }
                self.reauth_at = tokio::time::Instant::now() + REAUTH;
            }
            // Mark the wake-up seen before reading, so one arriving during the read is not lost.
            self.wake.borrow_and_update();
            match self.store.events_after(self.after, BATCH).await {
                Ok(rows) if !rows.is_empty() => {
                    for row in &rows {
                        self.after = row.id;
                        // The operator was revoked: what came before is theirs, nothing after.
                        if row.topic == "operator" && row.subject_id == self.operator_id {
                            self.revoked = true;
                            break;
                        }
                        let (name, data) = match present::event(row) {
                            Some(StreamEvent::Order(e)) => ("order", serde_json::to_string(&e)),
                            Some(StreamEvent::Realname(e)) => {
                                ("realname", serde_json::to_string(&e))
                            }
                            None => continue,
                        };
                        self.pending.push_back(
                            Event::default()
                                .event(name)
                                .id(row.id.to_string())
                                .data(data.unwrap_or_default()),
                        );
                    }
                    continue;
                }
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "event stream cannot read events; closing it");
                    return None;
                }
            }
            tokio::select! {
                changed = self.wake.changed() => if changed.is_err() { return None },
                _ = tokio::time::sleep(RESCAN) => {}
                _ = tokio::time::sleep_until(self.reauth_at) => {}
                _ = self.shutdown.changed() => return None,
            }
        }
    }

    /// True while the stream's token is valid; a database that cannot say ends the stream
    /// too (the client reconnects and is asked again).
    async fn still_valid(&self) -> bool {
        match self.store.authenticate_hash(&self.token_hash).await {
            Ok(found) => found.is_some_and(|operator| operator.id == self.operator_id),
            Err(e) => {
                tracing::warn!(error = %e, "event stream cannot check its token; closing it");
                false
            }
        }
    }
}
