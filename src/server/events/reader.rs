//! The event reader: one task per instance that numbers new events (PostgreSQL), reads
//! them from the table once and publishes them to the instance's streams.

use std::time::Duration;

use tokio::sync::watch;

use super::{Delivery, Feed, read};
use crate::server::store::{Backend, Store, StoreResult};

/// How often the reader looks at the table without a wake-up: events written by another
/// process on the same SQLite file, or left unnumbered by an instance that stopped between
/// its commit and its sequencer run.
const RESCAN: Duration = Duration::from_secs(2);
/// The longest wait between attempts while the database fails.
const MAX_BACKOFF: Duration = Duration::from_secs(5);
/// The least time between two rounds: under a stream of writes, one round numbers and
/// reads what several commits wrote (a few milliseconds more before an event goes out,
/// a few statements less per write).
const MIN_ROUND_GAP: Duration = Duration::from_millis(5);

/// Runs the reader of `store` into `feed` until `shutdown`.
pub async fn run(store: Store, feed: Feed, mut shutdown: watch::Receiver<bool>) {
    let hub = store.hub().clone();
    let mut position = feed.position();
    hub.attach_reader(position);
    let mut backoff = Duration::from_millis(100);
    // The first round numbers what an earlier run may have left unnumbered.
    let mut rescan = true;
    let mut last_round = tokio::time::Instant::now();
    loop {
        if *shutdown.borrow() {
            break;
        }
        let due = last_round + MIN_ROUND_GAP;
        if tokio::time::Instant::now() < due {
            tokio::select! {
                _ = tokio::time::sleep_until(due) => {}
                changed = shutdown.changed() => if changed.is_err() { break },
            }
        }
        last_round = tokio::time::Instant::now();
        let number = hub.take_unnumbered() || rescan;
        match round(&store, &feed, &mut position, number).await {
            Ok(()) => {
                backoff = Duration::from_millis(100);
                hub.read_up_to(position);
            }
            Err(e) => {
                tracing::warn!(error = %e, "the event reader cannot read events; retrying");
                // What this round should have numbered is numbered by the next.
                if number {
                    hub.written();
                }
                tokio::select! {
                    _ = tokio::time::sleep(backoff) => {}
                    changed = shutdown.changed() => if changed.is_err() { break },
                }
                backoff = (backoff * 2).min(MAX_BACKOFF);
                continue;
            }
        }
        rescan = tokio::select! {
            _ = hub.woken() => false,
            _ = tokio::time::sleep(RESCAN) => true,
            // Stopping (or the platform gone without saying so).
            changed = shutdown.changed() => if changed.is_err() { break } else { false },
        };
    }
    hub.detach_reader();
}

/// Numbers what is waiting (when asked, on PostgreSQL) and publishes everything after
/// `position`.
async fn round(store: &Store, feed: &Feed, position: &mut i64, number: bool) -> StoreResult<()> {
    if number
        && store.backend() == Backend::Postgres
        && let Some(numbered) = store.sequence_events().await?
    {
        // Read below: its own notification need not wake this reader again.
        store.hub().read_up_to(numbered);
    }
    let burst = feed.burst();
    loop {
        let events = read(store, *position, burst).await?;
        let full = events.len() as i64 == burst;
        for event in events {
            *position = event.seq;
            // A revocation, perhaps by another instance or process: this instance stops
            // taking the operator's tokens from memory before anything after it goes out.
            if let Delivery::Revoked { operator_id } = &event.body {
                store.forget_operator(operator_id);
            }
            feed.publish(event);
        }
        if !full {
            return Ok(());
        }
        // Give the streams a turn at this burst before the next one is read, those that
        // hold their writes back included.
        feed.crowding();
        tokio::task::yield_now().await;
    }
}
