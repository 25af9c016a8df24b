//! The PostgreSQL listener: turns the sequencer's `NOTIFY`s from every instance into
//! wake-ups of this instance's event reader, so a change made through one instance reaches
//! the clients of all of them.

use std::time::Duration;

use sqlx::postgres::PgListener;
use tokio::sync::watch;

use super::{CHANNEL, EventHub};

/// Listens for `NOTIFY ca_counter_events` on PostgreSQL until `shutdown`, reconnecting with
/// backoff; every notification of a number this instance has not read (and every
/// reconnection) wakes the reader.
pub async fn listen_postgres(url: String, hub: EventHub, mut shutdown: watch::Receiver<bool>) {
    let mut backoff = Duration::from_millis(200);
    loop {
        let listener = async {
            let mut listener = PgListener::connect(&url).await?;
            listener.listen(CHANNEL).await?;
            mark_serving(&mut listener).await?;
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
        // Anything numbered while we were not listening is in the table: look again.
        hub.poke();
        loop {
            tokio::select! {
                received = listener.try_recv() => match received {
                    Ok(Some(notification)) => match notification.payload().parse::<i64>() {
                        Ok(seq) => hub.notified(seq),
                        Err(_) => hub.poke(),
                    },
                    // The connection dropped, and the mark with it: taken again on a
                    // new one (sqlx reconnects on the next call, listening again).
                    Ok(None) => {
                        hub.poke();
                        if let Err(e) = mark_serving(&mut listener).await {
                            tracing::warn!(error = %e, "event listener lost its connection");
                            break;
                        }
                    }
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

/// The advisory lock every serving instance holds shared, on its listener's connection, for
/// as long as that connection lives, keyed by this and its schema (platforms may share a
/// database in schemas of their own): `restored` takes it exclusively, refused while any
/// instance holds it ([`crate::server::store::Store::restoring`]).
pub const SERVING_LOCK: i32 = 0x6361_636F;

async fn mark_serving(listener: &mut PgListener) -> Result<(), sqlx::Error> {
    sqlx::query("SELECT pg_advisory_lock_shared(CAST($1 AS INTEGER), hashtext(current_schema()))")
        .bind(i64::from(SERVING_LOCK))
        .execute(listener)
        .await
        .map(drop)
}
