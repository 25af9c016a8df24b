//! The PostgreSQL listener: turns the sequencer's `NOTIFY`s from every instance into
//! wake-ups of this instance's event reader, so a change made through one instance reaches
//! the clients of all of them.

use std::time::Duration;

use sqlx::postgres::PgListener;
use tokio::sync::watch;

use super::{CHANNEL, EventHub};

/// The listener an instance starts with, connected, listening and holding the serving mark
/// — before the instance serves anything: `Err` when `restored` holds the mark (it runs on
/// this database now), or the database cannot be reached.
pub async fn first_listener(url: &str) -> Result<PgListener, String> {
    let mut listener = PgListener::connect(url).await.map_err(|e| e.to_string())?;
    listener.listen(CHANNEL).await.map_err(|e| e.to_string())?;
    match try_mark(&mut listener).await {
        Ok(true) => Ok(listener),
        Ok(false) => Err(
            "`ca-counter restored` is running on this database: start again when it has finished"
                .into(),
        ),
        Err(e) => Err(e.to_string()),
    }
}

/// Listens for `NOTIFY ca_counter_events` on PostgreSQL until `shutdown`, starting with
/// `first` ([`first_listener`]) and reconnecting with backoff; every notification of a
/// number this instance has not read (and every reconnection) wakes the reader.
pub async fn listen_postgres(
    url: String,
    hub: EventHub,
    mut shutdown: watch::Receiver<bool>,
    first: PgListener,
) {
    let mut backoff = Duration::from_millis(200);
    let mut first = Some(first);
    // Since when it has been lost, to say when it is back and after how long.
    let mut lost: Option<std::time::Instant> = None;
    loop {
        let connect = async {
            let mut listener = PgListener::connect(&url).await?;
            listener.listen(CHANNEL).await?;
            Ok::<_, sqlx::Error>(listener)
        };
        // The first holds the mark already; a new connection takes it again.
        let marked = first.is_some();
        let connected = match first.take() {
            Some(listener) => Ok(listener),
            None => tokio::select! {
                result = connect => result,
                _ = shutdown.changed() => return,
            },
        };
        let mut listener = match connected {
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
        };
        if !marked {
            match keep_mark(&mut listener, &mut shutdown).await {
                Ok(true) => {}
                Ok(false) => return,
                Err(e) => {
                    tracing::warn!(error = %e, "event listener lost its connection");
                    lost.get_or_insert_with(std::time::Instant::now);
                    continue;
                }
            }
        }
        backoff = Duration::from_millis(200);
        if let Some(since) = lost.take() {
            tracing::info!(
                down_ms = since.elapsed().as_millis() as u64,
                "event listener connected again"
            );
        }
        // Anything numbered while we were not listening is in the table: look again.
        hub.poke();
        loop {
            tokio::select! {
                received = listener.try_recv() => match received {
                    Ok(Some(notification)) => match notification.payload().parse::<i64>() {
                        Ok(seq) => hub.notified(seq),
                        Err(_) => hub.poke(),
                    },
                    // The connection dropped, and the mark with it: a new one listens
                    // and takes it again (above).
                    Ok(None) => {
                        tracing::warn!("event listener lost its connection");
                        lost = Some(std::time::Instant::now());
                        break;
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "event listener lost its connection");
                        lost = Some(std::time::Instant::now());
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

/// Takes the serving mark shared, without waiting: `false` while `restored` holds it.
async fn try_mark(listener: &mut PgListener) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT pg_try_advisory_lock_shared(CAST($1 AS INTEGER), hashtext(current_schema()))",
    )
    .bind(i64::from(SERVING_LOCK))
    .fetch_one(listener)
    .await
}

/// Takes the mark again on a new connection (a dropped one dropped it), trying every second
/// while `restored` holds it, never past `shutdown`: `Ok(false)` when shut down.
async fn keep_mark(
    listener: &mut PgListener,
    shutdown: &mut watch::Receiver<bool>,
) -> Result<bool, sqlx::Error> {
    let mut said = false;
    loop {
        if try_mark(listener).await? {
            return Ok(true);
        }
        if !said {
            tracing::warn!("`ca-counter restored` holds this database: live updates wait for it");
            said = true;
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            _ = shutdown.changed() => return Ok(false),
        }
    }
}
