//! Live events, from the table to every subscriber of this instance:
//!
//! ```text
//!  a write ─ insert_event, commit_with_event ─► EventHub::written ─┐
//!  another instance ─ sequencer NOTIFY ─► listen_postgres ─────────┤ wake-ups
//!  every RESCAN ───────────────────────────────────────────────────┘
//!                                   │
//!                                   ▼
//!  reader (one per instance): number new events (PostgreSQL), read them once, render
//!  each once (JSON with the order's summary row, then the whole SSE frame)
//!                                   │
//!                                   ▼  Feed: a broadcast of Arc'd, rendered events
//!  each GET /api/v1/events stream: skips what it may not see, forwards the frame's bytes
//! ```
//!
//! The events table is the source of truth (see `store/events.rs` for how events are
//! numbered). The reader is the only part that reads new events; a stream reads the table
//! itself only to catch up after `Last-Event-ID`. A stream that falls more than the
//! broadcast's capacity behind is ended (the client resumes with `Last-Event-ID`), so a
//! slow client never slows the reader or the others.

mod listen;
mod reader;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

use axum::body::Bytes;
use tokio::sync::{Notify, broadcast};

pub use listen::{SERVING_LOCK, first_listener, listen_postgres};
pub use reader::run as reader;

use super::present::{self, StreamEvent};
use super::store::{EventRow, Store, StoreResult};
use crate::domain::Permission;

/// The `NOTIFY` channel the sequencer announces new numbers on.
pub const CHANNEL: &str = "ca_counter_events";

/// What wakes this instance's event reader; held by the store, so a commit can wake it.
#[derive(Debug, Clone, Default)]
pub struct EventHub {
    inner: Arc<HubInner>,
}

#[derive(Debug, Default)]
struct HubInner {
    /// Something may be new in the table.
    wake: Notify,
    /// A commit of this instance wrote an event the sequencer has not numbered yet.
    unnumbered: AtomicBool,
    /// The newest number the reader has read or is about to read (a notification of it
    /// need not wake the reader).
    known: AtomicI64,
    /// A reader runs in this process.
    reader: AtomicBool,
}

impl EventHub {
    /// A hub with no reader yet.
    pub fn new() -> EventHub {
        EventHub::default()
    }

    /// A commit of this instance wrote an event: the reader numbers it and reads it.
    pub fn written(&self) {
        self.inner.unnumbered.store(true, Ordering::SeqCst);
        self.inner.wake.notify_one();
    }

    /// Another instance's sequencer numbered events up to `seq`: the reader reads them,
    /// unless it has already.
    pub fn notified(&self, seq: i64) {
        if seq > self.inner.known.load(Ordering::SeqCst) {
            self.inner.wake.notify_one();
        }
    }

    /// Wakes the reader to look again, e.g. after the listener lost its connection and
    /// may have missed notifications.
    pub fn poke(&self) {
        self.inner.wake.notify_one();
    }

    /// True while a reader runs in this process (it numbers what this process writes).
    pub fn has_reader(&self) -> bool {
        self.inner.reader.load(Ordering::SeqCst)
    }

    fn attach_reader(&self, known: i64) {
        self.inner.known.store(known, Ordering::SeqCst);
        self.inner.reader.store(true, Ordering::SeqCst);
    }

    fn detach_reader(&self) {
        self.inner.reader.store(false, Ordering::SeqCst);
    }

    /// Whether a local commit is waiting to be numbered; clears it.
    fn take_unnumbered(&self) -> bool {
        self.inner.unnumbered.swap(false, Ordering::SeqCst)
    }

    fn read_up_to(&self, seq: i64) {
        self.inner.known.fetch_max(seq, Ordering::SeqCst);
    }

    async fn woken(&self) {
        self.inner.wake.notified().await;
    }
}

/// An event as every subscriber gets it: rendered once by the reader.
#[derive(Debug)]
pub struct Published {
    /// Its number (the `id:` on the stream).
    pub seq: i64,
    /// What it means for a stream.
    pub body: Delivery,
}

/// What a published event means for one stream.
#[derive(Debug)]
pub enum Delivery {
    /// A whole server-sent-event frame, for streams whose operator has `needs`.
    Frame {
        /// The permission a subscriber needs to see it.
        needs: Permission,
        /// `event: …\nid: …\ndata: …\n\n`.
        bytes: Bytes,
    },
    /// The operator was revoked, or their roles changed: their streams end here (never
    /// sent), and every instance stops taking their tokens from memory (a client
    /// reconnects and is known by its roles as they are now).
    Revoked {
        /// Whose.
        operator_id: String,
    },
    /// Nothing any client sees (a row this version does not know).
    Nothing,
}

/// The fan-out of one instance: the reader publishes, every stream subscribes.
#[derive(Debug, Clone)]
pub struct Feed {
    sender: broadcast::Sender<Arc<Published>>,
    position: Arc<AtomicI64>,
    backlog: usize,
    /// Told when the reader publishes a whole burst: streams holding their writes back
    /// (`event_batch_ms`) take what waits for them now, before it fills their backlog.
    crowded: Arc<Notify>,
}

impl Feed {
    /// A feed whose streams may fall `backlog` events behind before they are ended, that
    /// has published everything up to `position`.
    pub fn new(backlog: usize, position: i64) -> Feed {
        let backlog = backlog.max(2);
        let (sender, _) = broadcast::channel(backlog);
        Feed {
            sender,
            position: Arc::new(AtomicI64::new(position)),
            backlog,
            crowded: Arc::new(Notify::new()),
        }
    }

    /// How many events the reader publishes at once at most: half the backlog, so a
    /// burst leaves a stream that keeps up room to take it.
    fn burst(&self) -> i64 {
        (self.backlog / 2).clamp(1, 500) as i64
    }

    /// A receiver of every event published from now on, and the newest number published
    /// before it: every event numbered above that comes through the receiver.
    pub fn subscribe(&self) -> (broadcast::Receiver<Arc<Published>>, i64) {
        let receiver = self.sender.subscribe();
        (receiver, self.position.load(Ordering::SeqCst))
    }

    /// Done when the reader has published a whole burst since this was called: a stream
    /// holding its writes back should take its events now.
    pub fn crowded(&self) -> Arc<Notify> {
        self.crowded.clone()
    }

    /// Wakes the streams that hold their writes back.
    fn crowding(&self) {
        self.crowded.notify_waiters();
    }

    /// The newest number published.
    pub fn position(&self) -> i64 {
        self.position.load(Ordering::SeqCst)
    }

    /// How many streams listen now.
    pub fn subscribers(&self) -> usize {
        self.sender.receiver_count()
    }

    /// Sends `event` to every stream. The position moves first: a stream that subscribes
    /// between the two steps skips the event as already published, and reads it in its
    /// catch-up or not at all (a fresh stream starts after it).
    fn publish(&self, event: Published) {
        self.position.store(event.seq, Ordering::SeqCst);
        // No receivers is not an error: nobody listens.
        let _ = self.sender.send(Arc::new(event));
    }
}

/// Numbered events after `after`, at most `limit`, rendered as every stream sends them:
/// one query (the events, each order event with its order as it is now).
pub async fn read(store: &Store, after: i64, limit: i64) -> StoreResult<Vec<Published>> {
    Ok(store
        .events_with_orders(after, limit)
        .await?
        .iter()
        .map(|(row, order)| render(row, order.as_ref().and_then(present::summary)))
        .collect())
}

/// One stored event as streams send it.
fn render(row: &EventRow, order: Option<crate::api::OrderSummary>) -> Published {
    let body = if row.topic == "operator" {
        Delivery::Revoked {
            operator_id: row.subject_id.clone(),
        }
    } else {
        let rendered = match present::event(row, order) {
            Some(StreamEvent::Order(e)) => serde_json::to_string(&e).map(|json| ("order", json)),
            Some(StreamEvent::Realname(e)) => {
                serde_json::to_string(&e).map(|json| ("realname", json))
            }
            None => {
                tracing::warn!(seq = row.seq, topic = %row.topic, "an event no client can read");
                return Published {
                    seq: row.seq,
                    body: Delivery::Nothing,
                };
            }
        };
        match rendered {
            Ok((name, json)) => Delivery::Frame {
                // Every order and verification event is for those who may see orders.
                needs: Permission::ViewOrders,
                bytes: frame(name, row.seq, &json),
            },
            Err(e) => {
                tracing::warn!(seq = row.seq, error = %e, "cannot render an event");
                Delivery::Nothing
            }
        }
    };
    Published { seq: row.seq, body }
}

/// A server-sent-event frame. `data` is one line (compact JSON).
fn frame(name: &str, seq: i64, data: &str) -> Bytes {
    Bytes::from(format!("event: {name}\nid: {seq}\ndata: {data}\n\n"))
}

/// The first frame of a fresh subscription: the newest event number now, and how soon a
/// client should reconnect after a drop.
pub fn hello(position: i64) -> Bytes {
    Bytes::from(format!(
        "event: hello\nid: {position}\nretry: 2000\ndata: {{\"last_event_id\":{position}}}\n\n"
    ))
}

/// A comment line that keeps the link (and the client's stall detection) alive.
pub const KEEP_ALIVE: &[u8] = b":keep-alive\n\n";
