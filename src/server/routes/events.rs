//! `GET /api/v1/events`: server-sent events of order changes. Each event's `id:` is its
//! number (`seq`); a client that reconnects with `Last-Event-ID` gets every event after
//! it, none twice.
//!
//! A stream reads nothing from the table while live: it forwards what this instance's
//! reader published (`server::events`), skipping what its operator may not see. Resuming,
//! it subscribes first, then catches up from the table, then skips the published events it
//! already sent: no gap, no repeat. A stream that falls more than the feed's backlog behind
//! ends; its client resumes.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use tokio::sync::{broadcast, watch};
use tokio::time::Instant;

use crate::domain::{Permission, RoleSet};
use crate::i18n::{Msg, T};
use crate::server::AppState;
use crate::server::error::ApiError;
use crate::server::events::{self, Delivery, KEEP_ALIVE, Published};
use crate::server::extract::Caller;
use crate::server::store::Store;

/// How many events one catch-up query reads.
const BATCH: i64 = 500;
/// A stream says something at least this often (a keep-alive when nothing happens).
const KEEP_ALIVE_EVERY: Duration = Duration::from_secs(5);
/// How often a stream checks that its token is still valid, for revocations it cannot see
/// as an event (made by another process on the same SQLite file before it woke).
const REAUTH: Duration = Duration::from_secs(5);

/// The live stream. A fresh subscription first gets a `hello` event whose id is the
/// newest event now; then one `order` (OrderEvent) or `realname` (RealnameEvent) event
/// per change.
#[utoipa::path(get, path = "/api/v1/events",
    params(("Last-Event-ID" = Option<i64>, Header, description = "resume after this event")),
    responses((status = 200, description = "text/event-stream of `hello`, `order` (OrderEvent) and `realname` (RealnameEvent) events", content_type = "text/event-stream")))]
pub async fn stream(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
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
    // Subscribed before anything is read: whatever is published from now on comes through.
    let (live, published) = state.feed.subscribe();
    let mut pending = VecDeque::new();
    let (after, catching_up) = match resume {
        Some(id) => (id, true),
        None => {
            pending.push_back(events::hello(published));
            (published, false)
        }
    };
    let now = Instant::now();
    let stream = Subscriber {
        operator_id: caller.operator.id.clone(),
        roles: caller.operator.roles.clone(),
        token_hash: caller.token_hash.clone(),
        reauth_at: now + REAUTH,
        quiet_until: now + KEEP_ALIVE_EVERY,
        store: state.store.clone(),
        live,
        shutdown: state.shutdown.clone(),
        after,
        catching_up,
        ended: false,
        pending,
    };
    let body = futures_util::stream::unfold(stream, |mut stream| async move {
        let bytes = stream.next().await?;
        Some((Ok::<_, Infallible>(bytes), stream))
    });
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/event-stream"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        Body::from_stream(body),
    )
        .into_response())
}

/// One open stream.
struct Subscriber {
    operator_id: String,
    roles: RoleSet,
    token_hash: String,
    reauth_at: Instant,
    /// When a keep-alive is due if nothing else is sent.
    quiet_until: Instant,
    store: Store,
    live: broadcast::Receiver<Arc<Published>>,
    shutdown: watch::Receiver<bool>,
    /// The number of the last event sent (or skipped as not this stream's).
    after: i64,
    /// Reading the table after `Last-Event-ID` before switching to the live feed.
    catching_up: bool,
    /// The operator was revoked: what is pending goes out, then the stream ends.
    ended: bool,
    pending: VecDeque<Bytes>,
}

impl Subscriber {
    /// The next bytes to send; `None` ends the stream (server stopping, the operator
    /// revoked, the stream too far behind, or the database failing — the client then
    /// reconnects with `Last-Event-ID`).
    async fn next(&mut self) -> Option<Bytes> {
        loop {
            if let Some(bytes) = self.pending.pop_front() {
                self.quiet_until = Instant::now() + KEEP_ALIVE_EVERY;
                return Some(bytes);
            }
            if self.ended || *self.shutdown.borrow() {
                return None;
            }
            if Instant::now() >= self.reauth_at {
                if !self.still_valid().await {
                    return None;
                }
                self.reauth_at = Instant::now() + REAUTH;
            }
            if self.catching_up {
                match events::read(&self.store, self.after, BATCH).await {
                    Ok(batch) => {
                        self.catching_up = batch.len() as i64 == BATCH;
                        for event in &batch {
                            self.take(event);
                        }
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "event stream cannot catch up; closing it");
                        return None;
                    }
                }
                continue;
            }
            tokio::select! {
                received = self.live.recv() => match received {
                    Ok(event) if event.seq <= self.after => {}
                    Ok(event) if event.seq == self.after + 1 => self.take(&event),
                    Ok(event) => {
                        // Cannot happen while the reader publishes every number in turn;
                        // should it, the table has what is missing.
                        tracing::warn!(after = self.after, seq = event.seq, "a gap in the live feed; catching up");
                        self.catching_up = true;
                    }
                    Err(broadcast::error::RecvError::Lagged(missed)) => {
                        tracing::info!(missed, operator = %self.operator_id, "an event stream fell behind; ending it");
                        return None;
                    }
                    Err(broadcast::error::RecvError::Closed) => return None,
                },
                _ = tokio::time::sleep_until(self.quiet_until) => {
                    self.quiet_until = Instant::now() + KEEP_ALIVE_EVERY;
                    return Some(Bytes::from_static(KEEP_ALIVE));
                }
                _ = tokio::time::sleep_until(self.reauth_at) => {}
                changed = self.shutdown.changed() => if changed.is_err() { return None },
            }
        }
    }

    /// Queues what `event` means for this stream and moves past it.
    fn take(&mut self, event: &Published) {
        if event.seq <= self.after || self.ended {
            return;
        }
        self.after = event.seq;
        match &event.body {
            Delivery::Frame { needs, bytes } => {
                if self.roles.permits(*needs) {
                    self.pending.push_back(bytes.clone());
                }
            }
            // What came before is theirs, nothing after.
            Delivery::Revoked { operator_id } if *operator_id == self.operator_id => {
                self.ended = true;
            }
            Delivery::Revoked { .. } | Delivery::Nothing => {}
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
