//! What the 审核队列 tab asks the platform, and what comes back.

use std::path::PathBuf;

use futures_util::future::BoxFuture;

use crate::api::{ActionRequest, Claim, ClientError, HistoryEntry, Order, ReviewQueue};
use crate::domain::Action;
use crate::tui::net::Net;

/// A request of the tab.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// The queue.
    Queue {
        /// The question's number.
        seq: u64,
    },
    /// An order for review: claimed (when `claim`) and fetched with its history.
    Open {
        /// The order.
        order_no: String,
        /// Claim it too.
        claim: bool,
        /// With its personal data in full (recorded by the platform).
        reveal: bool,
    },
    /// Renew the claim.
    Renew {
        /// The order.
        order_no: String,
    },
    /// Take a claim over from another reviewer (administrators).
    TakeOver {
        /// The order.
        order_no: String,
    },
    /// Give a claim up.
    Release {
        /// The order.
        order_no: String,
    },
    /// A decision (the claim is renewed first).
    Decide {
        /// The order.
        order_no: String,
        /// Approve or reject.
        action: Action,
        /// Version and reasons.
        body: ActionRequest,
    },
    /// An image attachment, or a page of a scanned PDF, scaled to fit.
    Preview {
        /// The attachment.
        id: String,
        /// The page, from 0.
        page: usize,
        /// Largest width, pixels.
        width: u32,
        /// Largest height, pixels.
        height: u32,
    },
    /// Save an attachment to a file.
    Save {
        /// The attachment.
        id: String,
        /// Where.
        path: PathBuf,
    },
}

/// Why an attachment was not saved.
#[derive(Debug)]
pub enum SaveError {
    /// Writing the file failed.
    Io(PathBuf, std::io::ErrorKind),
    /// The platform refused or could not be reached.
    Api(ClientError),
}

/// What came back.
#[derive(Debug)]
pub enum Answer {
    /// Answer to [`Request::Queue`].
    Queue {
        /// The question's number.
        seq: u64,
        /// The queue.
        result: Result<ReviewQueue, ClientError>,
    },
    /// Answer to [`Request::Open`].
    Opened {
        /// The order.
        order_no: String,
        /// The claim, when one was asked for.
        claim: Option<Result<Claim, ClientError>>,
        /// The order and its history.
        order: Result<(Order, Vec<HistoryEntry>), ClientError>,
    },
    /// Answer to [`Request::Renew`] and [`Request::TakeOver`].
    Renewed {
        /// The order.
        order_no: String,
        /// The claim, or why not.
        result: Result<Claim, ClientError>,
    },
    /// Answer to [`Request::Decide`].
    Decided {
        /// The order.
        order_no: String,
        /// What was decided.
        action: Action,
        /// The order after, or why not.
        result: Result<Order, ClientError>,
    },
    /// Answer to [`Request::Preview`].
    Preview {
        /// The attachment.
        id: String,
        /// The page, from 0.
        page: usize,
        /// The width asked for.
        width: u32,
        /// The height asked for.
        height: u32,
        /// The pixels and the file's pages, or why not (`None`: what came cannot be read
        /// as an image).
        result: Result<(image::RgbImage, usize), Option<ClientError>>,
    },
    /// Answer to [`Request::Save`].
    Saved(Result<PathBuf, SaveError>),
    /// A claim was given up, or why not.
    Released {
        /// The order.
        order_no: String,
        /// Given back, or why not.
        result: Result<(), ClientError>,
    },
}

/// Runs a request.
pub fn run(request: Request, net: &Net) -> Option<BoxFuture<'static, Answer>> {
    let client = net.client.clone();
    Some(Box::pin(async move {
        match request {
            Request::Queue { seq } => Answer::Queue {
                seq,
                result: client.review_queue().await,
            },
            Request::Open {
                order_no,
                claim,
                reveal,
            } => {
                let claim = if claim {
                    Some(client.claim(&order_no, false).await)
                } else {
                    None
                };
                let order = async {
                    let order = client.order(&order_no, reveal).await?;
                    let history = client.history(&order_no).await?;
                    Ok((order, history))
                }
                .await;
                Answer::Opened {
                    order_no,
                    claim,
                    order,
                }
            }
            Request::Renew { order_no } => Answer::Renewed {
                result: client.claim(&order_no, false).await,
                order_no,
            },
            Request::TakeOver { order_no } => Answer::Renewed {
                result: client.claim(&order_no, true).await,
                order_no,
            },
            Request::Release { order_no } => {
                let result = client.release(&order_no).await.map(|_| ());
                if let Err(e) = &result {
                    tracing::warn!(order = %order_no, error = %e, "giving a claim up");
                }
                Answer::Released { order_no, result }
            }
            Request::Decide {
                order_no,
                action,
                body,
            } => {
                // The reviewer holds the claim (renewed here); a refusal leaves it with them.
                let result = match client.claim(&order_no, false).await {
                    Ok(_) => client.act(&order_no, action, &body).await,
                    Err(e) => Err(e),
                };
                Answer::Decided {
                    order_no,
                    action,
                    result,
                }
            }
            Request::Preview {
                id,
                page,
                width,
                height,
            } => {
                let result = match client.attachment_preview(&id, page + 1, width, height).await {
                    Ok(preview) => tokio::task::spawn_blocking(move || {
                        image::load_from_memory(&preview.bytes)
                            .map(|i| (i.to_rgb8(), preview.pages))
                            .ok()
                    })
                    .await
                    .ok()
                    .flatten()
                    .ok_or(None),
                    Err(e) => Err(Some(e)),
                };
                Answer::Preview {
                    id,
                    page,
                    width,
                    height,
                    result,
                }
            }
            Request::Save { id, path } => Answer::Saved(match client.attachment(&id).await {
                Ok((_, bytes)) => {
                    let target = path.clone();
                    let written = tokio::task::spawn_blocking(move || {
                        crate::tui::files::write_private(&target, &bytes)
                    })
                    .await
                    .unwrap_or_else(|e| Err(std::io::Error::other(e)));
                    written
                        .map(|()| path.clone())
                        .map_err(|e| SaveError::Io(path, e.kind()))
                }
                Err(e) => Err(SaveError::Api(e)),
            }),
        }
    }))
}
