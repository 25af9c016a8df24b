//! The live event stream: one task for the life of the app keeps `GET /events` open,
//! resumes after the last event it saw, backs off between attempts, and tells the app
//! where the link stands. "Online" means the platform spoke recently: it sends a
//! keep-alive every few seconds, so a stream silent for longer than [`QUIET`] is a stall
//! and is dropped and reconnected — the status line says so within seconds.

use std::time::Duration;

use futures_util::StreamExt;
use tokio::sync::mpsc::UnboundedSender;

use super::Msg;
use crate::api::{Client, ServerEvent};

/// Silence after which the link counts as stalled: two keep-alives missed (the platform
/// sends one every 5 s) and a second to spare.
pub const QUIET: Duration = Duration::from_secs(11);

/// Keeps one event subscription open; a stream silent for `quiet` is reconnected.
pub fn spawn(client: Client, tx: UnboundedSender<Msg>, quiet: Duration) {
    tokio::spawn(async move {
        let mut last: Option<i64> = None;
        let mut attempt: u32 = 0;
        loop {
            // A platform that accepts the connection and then says nothing is as good as
            // gone: the attempt itself is bounded too.
            let opened = tokio::time::timeout(quiet, client.events_within(last, quiet)).await;
            let reason = match opened {
                Ok(Ok(mut stream)) => {
                    // The log says when the link came (back), for whoever is asked later
                    // why a counter showed 离线.
                    if attempt > 0 || last.is_none() {
                        tracing::info!(after_event = ?last, attempts = attempt, "event stream connected");
                    }
                    attempt = 0;
                    if tx.send(Msg::Online).is_err() {
                        return;
                    }
                    loop {
                        match stream.next().await {
                            Some(Ok(ServerEvent::Hello { last_event_id })) => {
                                last = Some(last_event_id)
                            }
                            Some(Ok(ServerEvent::Order(event))) => {
                                last = Some(event.id);
                                if tx.send(Msg::Event(event)).is_err() {
                                    return;
                                }
                            }
                            Some(Ok(ServerEvent::Realname(event))) => {
                                last = Some(event.id);
                                if tx.send(Msg::RealnameEvent(event)).is_err() {
                                    return;
                                }
                            }
                            Some(Err(e)) => break e.to_string(),
                            None => break String::from("closed"),
                        }
                    }
                }
                Ok(Err(e)) if e.problem().is_some_and(|p| p.status == 401) => {
                    tracing::warn!(
                        "the platform refused this operator's token (revoked or replaced)"
                    );
                    if tx.send(Msg::Refused).is_err() {
                        return;
                    }
                    tokio::time::sleep(Duration::from_secs(15)).await;
                    continue;
                }
                Ok(Err(e)) => e.to_string(),
                Err(_) => format!("no answer within {} ms", quiet.as_millis()),
            };
            attempt += 1;
            tracing::warn!(attempt, %reason, "event stream lost; reconnecting");
            if tx.send(Msg::Reconnecting { attempt, reason }).is_err() {
                return;
            }
            let backoff =
                Duration::from_millis(500u64 << (attempt - 1).min(5)).min(Duration::from_secs(15));
            tokio::time::sleep(backoff).await;
        }
    });
}
