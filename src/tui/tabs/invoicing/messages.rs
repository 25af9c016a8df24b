//! What the 开票 tab asks the platform, and what comes back.

use futures_util::future::BoxFuture;

use crate::api::{ActionRequest, ClientError, InvoicingQueue, IssueInvoice, Order};
use crate::domain::Action;
use crate::tui::net::Net;

/// A request of the tab.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// The orders waiting for their invoice.
    Queue {
        /// The question's number.
        seq: u64,
    },
    /// Issue an order's invoice.
    Issue {
        /// The order.
        order_no: String,
        /// Version and request.
        body: IssueInvoice,
    },
    /// The customer wants no invoice.
    Decline {
        /// The order.
        order_no: String,
        /// Version and note.
        body: ActionRequest,
    },
}

/// What came back.
#[derive(Debug)]
pub enum Answer {
    /// Answer to [`Request::Queue`].
    Queue {
        /// The question's number.
        seq: u64,
        /// The queue.
        result: Result<InvoicingQueue, ClientError>,
    },
    /// Answer to [`Request::Issue`].
    Issued {
        /// The order.
        order_no: String,
        /// It now, or why not.
        result: Result<Order, ClientError>,
    },
    /// Answer to [`Request::Decline`].
    Declined {
        /// The order.
        order_no: String,
        /// It now, or why not.
        result: Result<Order, ClientError>,
    },
}

/// Runs a request.
pub fn run(request: Request, net: &Net) -> Option<BoxFuture<'static, Answer>> {
    let client = net.client.clone();
    Some(Box::pin(async move {
        match request {
            Request::Queue { seq } => Answer::Queue {
                seq,
                result: client.invoicing_queue().await,
            },
            Request::Issue { order_no, body } => Answer::Issued {
                result: client.issue_invoice(&order_no, &body).await,
                order_no,
            },
            Request::Decline { order_no, body } => Answer::Declined {
                result: client.act(&order_no, Action::DeclineInvoice, &body).await,
                order_no,
            },
        }
    }))
}
