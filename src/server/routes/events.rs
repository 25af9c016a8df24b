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
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use tokio::sync::broadcast;
use tokio::time::{Instant, Sleep};

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
/// How long a stream goes on while the database cannot say whether its token is good.
const REAUTH_GRACE: Duration = Duration::from_secs(30);

/// The live stream. A fresh subscription first gets a `hello` event whose id is the
/// newest event now; then one `order` (OrderEvent) or `realname` (RealnameEvent) event
/// per change. With `Last-Event-ID` it resumes after that event — unless the number is
/// beyond the newest, which this platform never gave: then it starts with a `hello` too.
#[utoipa::path(get, path = "/api/v1/events",
    params(("Last-Event-ID" = Option<i64>, Header, description = "resume after this event")),
    responses((status = 200, description = "text/event-stream (`retry: 2000`, a `:keep-alive` comment line when 5 s pass without an event). Events: `hello` (data: EventHello, `id:` its `last_event_id`) first on a fresh subscription; then `order` (data: OrderEvent) and `realname` (data: RealnameEvent), each with `id:` = its `id`, in commit order, none missed. Ids increase; one skipped is an event this stream does not carry (a change to an operator's access), not a loss. Send the last `id:` seen as `Last-Event-ID` to resume after it.", content_type = "text/event-stream")))]
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
                || ApiError::field("Last-Event-ID", Msg::with(T::ErrEventIdValue, [text])),
            )?),
        };
    // Subscribed before anything is read: whatever is published from now on comes through.
    let (live, published) = state.feed.subscribe();
    let mut pending = VecDeque::new();
    // A number past what this instance has read may be one it has not read yet: given by
    // another instance, or by a stream's catch-up, which reads the table ahead of this
    // instance's reader. The table says.
    let given = match resume {
        Some(id) if id > published => id <= state.store.last_event_id().await?,
        _ => false,
    };
    let (after, catching_up) = match resume {
        Some(id) if id <= published || given => (id, true),
        // A number this platform never gave (kept from another database, or from before a
        // restore): the stream starts afresh with a `hello`, so the client reloads what it
        // shows instead of waiting, "online", for events that will never follow it.
        Some(_) | None => {
            pending.push_back(events::hello(published));
            (published, false)
        }
    };
    let now = Instant::now();
    let mut shutdown = state.shutdown.clone();
    let batch = Duration::from_millis(state.config.http.event_batch_ms);
    let stream = Subscriber {
        operator_id: caller.operator.id.clone(),
        roles: caller.operator.roles.clone(),
        token_hash: caller.token_hash.clone(),
        reauth: Box::pin(tokio::time::sleep_until(now + REAUTH)),
        keep_alive: Box::pin(tokio::time::sleep_until(now + KEEP_ALIVE_EVERY)),
        batch,
        hold: Box::pin(tokio::time::sleep_until(now)),
        crowded: state.feed.crowded(),
        // The hello goes at once.
        last_sent: now.checked_sub(batch).unwrap_or(now),
        stopping: Box::pin(async move {
            // Stopping, or the platform gone without saying so.
            let _ = shutdown.wait_for(|stopping| *stopping).await;
        }),
        store: state.store.clone(),
        live,
        after,
        opened_at: published,
        catching_up,
        ended: false,
        verify: false,
        unconfirmed_since: None,
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
                HeaderValue::from_static("text/event-stream; charset=utf-8"),
            ),
            // As every answer: kept by no cache or proxy (no-store covers no-cache).
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        Body::from_stream(body),
    )
        .into_response())
}

/// One open stream. Its timers and its wait for the platform to stop are made once and
/// kept: an event costs a stream no timer or waiter registration, only the frame's bytes;
/// and a burst of events costs it one write per `batch`, not one per event.
struct Subscriber {
    operator_id: String,
    roles: RoleSet,
    token_hash: String,
    /// When the token is checked again.
    reauth: Pin<Box<Sleep>>,
    /// When a keep-alive may be due (one is sent if nothing was for a while).
    keep_alive: Pin<Box<Sleep>>,
    /// The least time between two writes (`[platform.http] event_batch_ms`).
    batch: Duration,
    /// Holds a write back until `batch` after the last one.
    hold: Pin<Box<Sleep>>,
    /// Ends a hold early: the reader is publishing a burst.
    crowded: Arc<tokio::sync::Notify>,
    /// When bytes were last sent.
    last_sent: Instant,
    /// Done when the platform stops.
    stopping: Pin<Box<dyn Future<Output = ()> + Send>>,
    store: Store,
    live: broadcast::Receiver<Arc<Published>>,
    /// The number of the last event sent (or skipped as not this stream's).
    after: i64,
    /// Reading the table after `Last-Event-ID` before switching to the live feed.
    catching_up: bool,
    /// The operator was revoked or the platform stops: what is pending goes out, then the
    /// stream ends.
    ended: bool,
    /// The last event published when the stream opened (its token was checked then).
    opened_at: i64,
    /// A revocation of this operator from before the stream opened was read while
    /// catching up: the token is asked about again (it was issued since, or not).
    verify: bool,
    /// Since when the database could not say whether the token is still good.
    unconfirmed_since: Option<Instant>,
    pending: VecDeque<Bytes>,
}

impl Subscriber {
    /// The next bytes to send; `None` ends the stream (server stopping, the operator
    /// revoked, the stream too far behind, or the database failing — the client then
    /// reconnects with `Last-Event-ID`).
    async fn next(&mut self) -> Option<Bytes> {
        loop {
            if std::mem::take(&mut self.verify)
                && still_valid(&self.store, &self.token_hash, &self.operator_id).await != Some(true)
            {
                self.ended = true;
            }
            if !self.pending.is_empty() {
                return self.flush().await;
            }
            if self.ended {
                return None;
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
                biased;
                () = &mut self.stopping => return None,
                received = self.live.recv() => match received {
                    Ok(event) => self.live_event(&event),
                    Err(broadcast::error::RecvError::Lagged(missed)) => {
                        self.fell_behind(missed);
                        return None;
                    }
                    Err(broadcast::error::RecvError::Closed) => return None,
                },
                () = &mut self.keep_alive => {
                    let due = self.last_sent + KEEP_ALIVE_EVERY;
                    if Instant::now() >= due {
                        self.pending.push_back(Bytes::from_static(KEEP_ALIVE));
                        self.keep_alive.as_mut().reset(Instant::now() + KEEP_ALIVE_EVERY);
                    } else {
                        self.keep_alive.as_mut().reset(due);
                    }
                }
                () = &mut self.reauth => {
                    match still_valid(&self.store, &self.token_hash, &self.operator_id).await {
                        Some(true) => self.unconfirmed_since = None,
                        Some(false) => return None,
                        // The database cannot say now (a busy pool, a blip): the token was
                        // good when last asked, and a revocation made through the
                        // platform reaches the stream as an event once the database
                        // answers, so the stream goes on a while rather than every stream
                        // of the instance ending and coming back at once to catch up.
                        // Not for ever: unconfirmed for `REAUTH_GRACE`, it ends.
                        None => {
                            let since = *self.unconfirmed_since.get_or_insert_with(Instant::now);
                            if since.elapsed() >= REAUTH_GRACE {
                                return None;
                            }
                        }
                    }
                    self.reauth.as_mut().reset(Instant::now() + REAUTH);
                }
            }
        }
    }

    /// What is pending, as one write. If the stream wrote less than `batch` ago, it first
    /// waits out the rest of that time (or until the reader publishes a whole burst); then
    /// it takes every event published meanwhile (the feed holds them: the stream is not
    /// woken for each). `None`: the stream ends (the platform stops, or it fell behind;
    /// what was pending is not lost, the client resumes after the last event it got).
    async fn flush(&mut self) -> Option<Bytes> {
        if !self.catching_up && !self.ended {
            let due = self.last_sent + self.batch;
            if Instant::now() < due {
                self.hold.as_mut().reset(due);
                tokio::select! {
                    biased;
                    () = &mut self.stopping => return None,
                    () = self.crowded.notified() => {}
                    () = &mut self.hold => {}
                }
            }
            while !self.catching_up && !self.ended {
                match self.live.try_recv() {
                    Ok(event) => self.live_event(&event),
                    Err(broadcast::error::TryRecvError::Lagged(missed)) => {
                        self.fell_behind(missed);
                        return None;
                    }
                    // Closed: the next wait says so.
                    Err(
                        broadcast::error::TryRecvError::Empty
                        | broadcast::error::TryRecvError::Closed,
                    ) => break,
                }
            }
        }
        self.last_sent = Instant::now();
        if self.pending.len() == 1 {
            return self.pending.pop_front();
        }
        let mut bytes = Vec::with_capacity(self.pending.iter().map(Bytes::len).sum());
        for frame in self.pending.drain(..) {
            bytes.extend_from_slice(&frame);
        }
        Some(Bytes::from(bytes))
    }

    /// An event from the live feed: taken if it is the next, skipped if already sent.
    fn live_event(&mut self, event: &Published) {
        if event.seq == self.after + 1 {
            self.take(event);
        } else if event.seq > self.after {
            // Cannot happen while the reader publishes every number in turn; should it,
            // the table has what is missing.
            tracing::warn!(
                after = self.after,
                seq = event.seq,
                "a gap in the live feed; catching up"
            );
            self.catching_up = true;
        }
    }

    fn fell_behind(&self, missed: u64) {
        tracing::info!(missed, operator = %self.operator_id, "an event stream fell behind; ending it");
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
            // What came before is theirs, nothing after. A revocation from before the
            // stream opened (read again after `Last-Event-ID`) ended an earlier token,
            // or this one in the moment before it opened: the token is asked about.
            Delivery::Revoked { operator_id } if *operator_id == self.operator_id => {
                if event.seq <= self.opened_at {
                    self.verify = true;
                } else {
                    self.ended = true;
                }
            }
            Delivery::Revoked { .. } | Delivery::Nothing => {}
        }
    }
}

/// Whether a stream's token is still valid for its operator; `None` when the database
/// cannot say.
async fn still_valid(store: &Store, token_hash: &str, operator_id: &str) -> Option<bool> {
    match store.authenticate_hash(token_hash).await {
        Ok(found) => Some(found.is_some_and(|operator| operator.id == operator_id)),
        Err(e) => {
            // Every stream asks: the event reader says the database's trouble once.
            tracing::debug!(error = %e, "event stream cannot check its token now");
            None
        }
    }
}
