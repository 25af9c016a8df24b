//! Talking to the platform without blocking the screen: every request runs as a task and
//! reports back as a [`Msg`]; one task keeps the live event stream open, reconnecting with
//! backoff and resuming after the last event it saw.

use std::path::PathBuf;
use std::time::Duration;

use futures_util::StreamExt;
use tokio::sync::mpsc::UnboundedSender;

use crate::api::{
    ActionRequest, AttachmentKind, Client, ClientError, HistoryEntry, Me, Order, OrderEvent,
    OrderPage, OrderQuery, ServerEvent, StatusCount,
};
use crate::domain::Action;

/// A request the app wants made.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// Who am I.
    Me,
    /// Orders per status.
    Counts,
    /// A page of the order list; `seq` lets late answers to old queries be dropped.
    Orders {
        /// Sequence number of the query.
        seq: u64,
        /// The query.
        query: OrderQuery,
        /// Append to the loaded rows (next page) instead of replacing them.
        append: bool,
    },
    /// One order's list row, after an event about it.
    Row {
        /// The order.
        order_no: String,
    },
    /// An order in full with its history.
    Detail {
        /// The order.
        order_no: String,
        /// Ask for personal data in full (audited).
        reveal: bool,
    },
    /// An order action, uploading a file first when the action needs one.
    Act {
        /// The order.
        order_no: String,
        /// The action.
        action: Action,
        /// Its fields.
        body: ActionRequest,
        /// A file to upload first, attached to the action.
        upload: Option<(AttachmentKind, PathBuf)>,
    },
    /// A note.
    Note {
        /// The order.
        order_no: String,
        /// The note.
        text: String,
    },
}

/// What came back.
#[derive(Debug)]
pub enum Msg {
    /// Answer to [`Request::Me`].
    Me(Result<Me, ClientError>),
    /// Answer to [`Request::Counts`].
    Counts(Result<Vec<StatusCount>, ClientError>),
    /// Answer to [`Request::Orders`].
    Orders {
        /// The query's sequence number.
        seq: u64,
        /// Appending.
        append: bool,
        /// The page.
        result: Result<OrderPage, ClientError>,
    },
    /// Answer to [`Request::Row`]: the row, or `None` if the order no longer exists.
    Row {
        /// The order.
        order_no: String,
        /// Its row.
        result: Result<Option<crate::api::OrderSummary>, ClientError>,
    },
    /// Answer to [`Request::Detail`].
    Detail {
        /// The order.
        order_no: String,
        /// The order and its history.
        result: Result<(Order, Vec<HistoryEntry>), ClientError>,
    },
    /// Answer to [`Request::Act`].
    Acted {
        /// The order.
        order_no: String,
        /// The action.
        action: Action,
        /// The order after it.
        result: Result<Order, ClientError>,
    },
    /// Answer to [`Request::Note`].
    Noted {
        /// The order.
        order_no: String,
        /// The note row.
        result: Result<HistoryEntry, ClientError>,
    },
    /// The event stream is connected.
    Online,
    /// The event stream dropped; retrying.
    Reconnecting {
        /// Attempt number, from 1.
        attempt: u32,
        /// Why.
        reason: String,
    },
    /// An order changed.
    Event(OrderEvent),
    /// A real-name verification changed.
    Realname(crate::api::RealnameEvent),
    /// A file to upload could not be read.
    FileError {
        /// The order.
        order_no: String,
        /// The file.
        path: PathBuf,
        /// What went wrong.
        kind: std::io::ErrorKind,
    },
}

/// Runs `request` as a task; the answer arrives on `tx`.
pub fn spawn(client: &Client, request: Request, tx: &UnboundedSender<Msg>) {
    let client = client.clone();
    let tx = tx.clone();
    tokio::spawn(async move {
        let msg = run(&client, request).await;
        let _ = tx.send(msg);
    });
}

async fn run(client: &Client, request: Request) -> Msg {
    match request {
        Request::Me => Msg::Me(client.me().await),
        Request::Counts => Msg::Counts(client.order_counts().await),
        Request::Orders { seq, query, append } => Msg::Orders {
            seq,
            append,
            result: client.orders(&query).await,
        },
        Request::Row { order_no } => {
            let query = OrderQuery {
                q: Some(order_no.clone()),
                limit: Some(1),
                ..Default::default()
            };
            let result = client
                .orders(&query)
                .await
                .map(|page| page.items.into_iter().next());
            Msg::Row { order_no, result }
        }
        Request::Detail { order_no, reveal } => {
            let result = async {
                let order = client.order(&order_no, reveal).await?;
                let history = client.history(&order_no).await?;
                Ok((order, history))
            }
            .await;
            Msg::Detail { order_no, result }
        }
        Request::Act {
            order_no,
            action,
            mut body,
            upload,
        } => {
            if let Some((kind, path)) = upload {
                let bytes = match tokio::fs::read(&path).await {
                    Ok(bytes) => bytes,
                    Err(e) => {
                        return Msg::FileError {
                            order_no,
                            path,
                            kind: e.kind(),
                        };
                    }
                };
                let name = path
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                match client
                    .upload_attachment(&order_no, kind, &name, bytes)
                    .await
                {
                    Ok(attachment) => body.attachment_ids = vec![attachment.id],
                    Err(e) => {
                        return Msg::Acted {
                            order_no,
                            action,
                            result: Err(e),
                        };
                    }
                }
            }
            let result = client.act(&order_no, action, &body).await;
            Msg::Acted {
                order_no,
                action,
                result,
            }
        }
        Request::Note { order_no, text } => {
            let result = client.add_note(&order_no, &text).await;
            Msg::Noted { order_no, result }
        }
    }
}

/// Keeps one event subscription open for the life of the app: resumes after the last
/// event seen, backs off 0.5 s → 15 s between attempts, reports its state.
pub fn spawn_events(client: Client, tx: UnboundedSender<Msg>) {
    tokio::spawn(async move {
        let mut last: Option<i64> = None;
        let mut attempt: u32 = 0;
        loop {
            let reason = match client.events(last).await {
                Ok(mut stream) => {
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
                                if tx.send(Msg::Realname(event)).is_err() {
                                    return;
                                }
                            }
                            Some(Err(e)) => break e.to_string(),
                            None => break String::from("closed"),
                        }
                    }
                }
                Err(e) => e.to_string(),
            };
            attempt += 1;
            if tx.send(Msg::Reconnecting { attempt, reason }).is_err() {
                return;
            }
            let backoff =
                Duration::from_millis(500u64 << (attempt - 1).min(5)).min(Duration::from_secs(15));
            tokio::time::sleep(backoff).await;
        }
    });
}
