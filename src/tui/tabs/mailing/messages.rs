//! What the 邮寄 tab asks the platform, and what comes back.

use futures_util::future::BoxFuture;

use crate::api::{ActionRequest, ClientError, MailingQueue, Order};
use crate::domain::Action;
use crate::tui::net::Net;
use crate::tui::print::{PrintError, Printed, fetch_and_print, stamp};

/// A request of the tab.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// The orders waiting to be mailed.
    Queue {
        /// The question's number.
        seq: u64,
    },
    /// Ship an order (carrier and tracking number in the body).
    Ship {
        /// The order.
        order_no: String,
        /// Version, carrier and number.
        body: ActionRequest,
    },
    /// Print the mailing list and labels of these orders.
    Labels {
        /// The orders, in order.
        order_nos: Vec<String>,
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
        result: Result<MailingQueue, ClientError>,
    },
    /// Answer to [`Request::Ship`].
    Shipped {
        /// The order.
        order_no: String,
        /// It now, or why not.
        result: Result<Box<Order>, ClientError>,
    },
    /// Answer to [`Request::Labels`].
    Printed(Result<Printed, PrintError>),
}

/// Runs a request.
pub fn run(request: Request, net: &Net) -> Option<BoxFuture<'static, Answer>> {
    let net = net.clone();
    Some(Box::pin(async move {
        let client = &net.client;
        match request {
            Request::Queue { seq } => Answer::Queue {
                seq,
                result: client.mailing_queue().await,
            },
            Request::Ship { order_no, body } => Answer::Shipped {
                result: client.act(&order_no, Action::Ship, &body).await.map(Box::new),
                order_no,
            },
            Request::Labels { order_nos } => {
                // A name any system and any language keeps (the other prints are named
                // by their order number).
                let name = format!("mailing-list-{}.pdf", stamp());
                Answer::Printed(
                    fetch_and_print(&net, &name, client.mailing_labels(&order_nos)).await,
                )
            }
        }
    }))
}
