//! Live order events: the events table is the source of truth, this hub only wakes the
//! server-sent-event streams of this instance when something new may be there. On
//! PostgreSQL a listener turns `NOTIFY`s from every instance into wake-ups, so a change
//! made through one instance reaches the clients of all of them.

use std::time::Duration;

use sqlx::postgres::PgListener;
use tokio::sync::watch;

/// The `NOTIFY` channel events are announced on.
pub const CHANNEL: &str = "ca_counter_events";

/// Wakes event streams: holds the newest event id this instance knows of.
#[derive(Debug, Clone)]
pub struct EventHub {
    latest: watch::Sender<i64>,
}

impl Default for EventHub {
    fn default() -> Self {
        EventHub::new()
    }
}

impl EventHub {
    /// A hub that knows of no events yet.
    pub fn new() -> EventHub {
        EventHub {
            latest: watch::Sender::new(0),
        }
    }

    /// Records that event `id` exists; wakes every stream if it is new.
    pub fn announce(&self, id: i64) {
        self.latest.send_if_modified(|latest| {
            if id > *latest {
                *latest = id;
                true
            } else {
                false
            }
        });
    }

    /// Wakes every stream to look again, e.g. after the listener lost its connection and
    /// may have missed notifications.
    pub fn poke(&self) {
        self.latest.send_modify(|_| {});
    }

    /// A receiver that changes whenever a new event may be readable.
    pub fn subscribe(&self) -> watch::Receiver<i64> {
        self.latest.subscribe()
    }
}

/// Listens for `NOTIFY ca_counter_events` on PostgreSQL until `shutdown`, reconnecting with
/// backoff; every notification (and every reconnection) wakes the local streams.
pub async fn listen_postgres(url: String, hub: EventHub, mut shutdown: watch::Receiver<bool>) {
    let mut backoff = Duration::from_millis(200);
    loop {
        let listener = async {
            let mut listener = PgListener::connect(&url).await?;
            listener.listen(CHANNEL).await?;
            Ok::<_, sqlx::Error>(listener)
        };
        let mut listener = tokio::select! {
            result = listener => match result {
                Ok(listener) => listener,
                Err(e) => {
                    tracing::warn!(error = %e, "event listener cannot connect; retrying");
                    tokio::select! {
                        _ = tokio::time::sleep(backoff) => {}
                        _ = shutdown.changed() => return,
                    }
                    backoff = (backoff * 2).min(Duration::from_secs(10));
                    continue;
                }
            },
            _ = shutdown.changed() => return,
        };
        backoff = Duration::from_millis(200);
        // Anything committed while we were not listening is in the table: look again.
        hub.poke();
        loop {
            tokio::select! {
                received = listener.try_recv() => match received {
                    Ok(Some(notification)) => match notification.payload().parse::<i64>() {
                        Ok(id) => hub.announce(id),
                        Err(_) => hub.poke(),
                    },
                    // The connection dropped; sqlx reconnects on the next call.
                    Ok(None) => hub.poke(),
                    Err(e) => {
                        tracing::warn!(error = %e, "event listener lost its connection");
                        break;
                    }
                },
                _ = shutdown.changed() => return,
            }
        }
    }
}
