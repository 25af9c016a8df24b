//! What the 待办订单 tab asks the platform, and what comes back.

use futures_util::future::BoxFuture;

use crate::api::{
    ActionRequest, ClientError, Customer, CustomerOnline, HistoryEntry, NewTrackingStep, Order, OrderPage, OrderQuery,
    OrderSummary, OrderUpdate, Tracking,
};
use crate::domain::Action;
use crate::tui::files::{ActFailure, Upload, upload_and_act};
use crate::tui::net::Net;
use crate::tui::print::{PrintError, Printed, fetch_and_print};

/// A request of the tab.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// A page of the list; `seq` lets answers to an older query be dropped.
    Page {
        /// The query's number.
        seq: u64,
        /// The query.
        query: OrderQuery,
        /// Add to the rows (the next page) instead of replacing them.
        append: bool,
    },
    /// One order's row, after an event about it.
    Row {
        /// The order.
        order_no: String,
    },
    /// An order in full with its history.
    Detail {
        /// The order.
        order_no: String,
        /// Personal data in full (audited).
        reveal: bool,
    },
    /// An order action, uploading a file first when it needs one.
    Act {
        /// The order.
        order_no: String,
        /// The action.
        action: Action,
        /// Its fields.
        body: ActionRequest,
        /// A file to upload first.
        upload: Option<Upload>,
    },
    /// A note.
    Note {
        /// The order.
        order_no: String,
        /// The note.
        text: String,
    },
    /// A correction of the order's address or organisation.
    Update {
        /// The order.
        order_no: String,
        /// The correction.
        update: OrderUpdate,
    },
    /// Where the order's parcel is.
    Tracking {
        /// The order.
        order_no: String,
    },
    /// A tracking event typed by staff.
    TrackingStep {
        /// The order.
        order_no: String,
        /// The event.
        step: NewTrackingStep,
    },
    /// Texts the customer the link to pay.
    SendPaymentLink {
        /// The order.
        order_no: String,
    },
    /// Texts the customer a fresh login code.
    SendLoginCode {
        /// The order the agent has open.
        order_no: String,
        /// Its customer.
        customer_id: String,
    },
    /// The customer with this mobile number and where they stand on their own platform,
    /// asked when a search for the number found no order.
    Caller {
        /// The list query's number it answers.
        seq: u64,
        /// The number searched for.
        phone: String,
    },
    /// Print the one-time correction notice of a returned order.
    PrintNotice {
        /// The order.
        order_no: String,
    },
    /// Print the order's application form as it stands.
    PrintForm {
        /// The order.
        order_no: String,
    },
    /// Print the order's acceptance receipt as it stands.
    PrintReceipt {
        /// The order.
        order_no: String,
    },
    /// Print the order's issued e-invoice (its attachment).
    PrintInvoice {
        /// The order.
        order_no: String,
        /// The invoice's attachment.
        attachment_id: String,
        /// Its file name, as the platform named it.
        file_name: String,
    },
}

/// What came back.
#[derive(Debug)]
pub enum Answer {
    /// Answer to [`Request::SendPaymentLink`] and [`Request::SendLoginCode`].
    Reminded {
        /// The order.
        order_no: String,
        /// A payment link (else a login code).
        payment_link: bool,
        /// What became of the text.
        result: Result<crate::api::Reminder, ClientError>,
    },
    /// Answer to [`Request::Page`].
    Page {
        /// The query's number.
        seq: u64,
        /// Appending.
        append: bool,
        /// The page.
        result: Result<OrderPage, ClientError>,
    },
    /// Answer to [`Request::Row`]: the row, or `None` when the order is gone.
    Row {
        /// The order.
        order_no: String,
        /// Its row.
        result: Result<Option<OrderSummary>, ClientError>,
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
        result: Result<Order, ActFailure>,
    },
    /// Answer to [`Request::Update`].
    Updated {
        /// The order.
        order_no: String,
        /// The version the correction was made from.
        from_version: i64,
        /// The order after it.
        result: Result<Order, ClientError>,
    },
    /// Answer to [`Request::Note`].
    Noted {
        /// The order.
        order_no: String,
        /// The note's row.
        result: Result<HistoryEntry, ClientError>,
    },
    /// Answer to [`Request::Tracking`].
    Tracking {
        /// The order.
        order_no: String,
        /// Where the parcel is.
        result: Result<Tracking, ClientError>,
    },
    /// Answer to [`Request::TrackingStep`].
    TrackingStepAdded {
        /// The order.
        order_no: String,
        /// The tracking now.
        result: Result<Tracking, ClientError>,
    },
    /// Answer to [`Request::PrintNotice`], [`Request::PrintForm`] and
    /// [`Request::PrintInvoice`].
    PrintedNotice(Result<Printed, PrintError>),
    /// Answer to [`Request::Caller`].
    Caller {
        /// The list query's number it answers.
        seq: u64,
        /// The customer and where they stand.
        result: Result<CallerCard, ClientError>,
    },
}

/// A number searched for with no order: the customer who has it (`None`: nobody yet) and
/// where they stand on their own platform, and how the number's sign-in stands (a caller
/// whose code "does not work" may be locked out, customer or not).
#[derive(Debug, Clone)]
pub struct CallerCard {
    /// The customer, and where they stand online.
    pub customer: Option<(Customer, CustomerOnline)>,
    /// The number's sign-in.
    pub sign_in: crate::api::SignInStanding,
}

/// Runs a request.
pub fn run(request: Request, net: &Net) -> Option<BoxFuture<'static, Answer>> {
    let net = net.clone();
    Some(Box::pin(async move {
        let client = &net.client;
        match request {
            Request::Page { seq, query, append } => Answer::Page {
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
                Answer::Row { order_no, result }
            }
            Request::Detail { order_no, reveal } => {
                let result = async {
                    let order = client.order(&order_no, reveal).await?;
                    let history = client.history(&order_no).await?;
                    Ok((order, history))
                }
                .await;
                Answer::Detail { order_no, result }
            }
            Request::Act {
                order_no,
                action,
                body,
                upload,
            } => {
                let result = act(&net, &order_no, action, body, upload).await;
                Answer::Acted {
                    order_no,
                    action,
                    result,
                }
            }
            Request::Update { order_no, update } => Answer::Updated {
                result: client.update_order(&order_no, &update).await,
                from_version: update.version.unwrap_or_default(),
                order_no,
            },
            Request::Note { order_no, text } => Answer::Noted {
                result: client.add_note(&order_no, &text).await,
                order_no,
            },
            Request::Tracking { order_no } => Answer::Tracking {
                result: client.tracking(&order_no).await,
                order_no,
            },
            Request::TrackingStep { order_no, step } => Answer::TrackingStepAdded {
                result: client.add_tracking_step(&order_no, &step).await,
                order_no,
            },
            Request::SendPaymentLink { order_no } => Answer::Reminded {
                result: client.send_payment_link(&order_no).await,
                order_no,
                payment_link: true,
            },
            Request::SendLoginCode {
                order_no,
                customer_id,
            } => Answer::Reminded {
                result: client.send_login_code(&customer_id).await,
                order_no,
                payment_link: false,
            },
            Request::Caller { seq, phone } => {
                let result = async {
                    let customer = match client.find_customer(&phone).await? {
                        Some(customer) => {
                            let online = client.customer_online(&customer.id).await?;
                            Some((customer, online))
                        }
                        None => None,
                    };
                    // A role that does not help customers sign in is not told how it stands.
                    let sign_in = match client.sign_in_standing(&phone).await {
                        Ok(standing) => standing,
                        Err(e) if e.problem().is_some_and(|p| p.status == 403) => {
                            crate::api::SignInStanding::default()
                        }
                        Err(e) => return Err(e),
                    };
                    Ok(CallerCard { customer, sign_in })
                }
                .await;
                Answer::Caller { seq, result }
            }
            Request::PrintForm { order_no } => {
                let name = format!("{order_no}-申请表.pdf");
                Answer::PrintedNotice(
                    fetch_and_print(&net, &name, client.order_application_form(&order_no)).await,
                )
            }
            Request::PrintReceipt { order_no } => {
                let name = format!("{order_no}-受理回执.pdf");
                Answer::PrintedNotice(
                    fetch_and_print(&net, &name, client.receipt(&order_no)).await,
                )
            }
            Request::PrintInvoice {
                order_no,
                attachment_id,
                file_name,
            } => {
                // The order's number first, as every print of the counter is named.
                let name = format!("{order_no}-{file_name}");
                let fetch = async {
                    client
                        .attachment(&attachment_id)
                        .await
                        .map(|(_, bytes)| crate::api::PdfFile {
                            bytes,
                            unprintable: Vec::new(),
                        })
                };
                Answer::PrintedNotice(fetch_and_print(&net, &name, fetch).await)
            }
            Request::PrintNotice { order_no } => {
                let name = format!("{order_no}-补正告知书.pdf");
                Answer::PrintedNotice(
                    fetch_and_print(&net, &name, client.correction_notice(&order_no)).await,
                )
            }
        }
    }))
}

/// An action from the order view. A review decision is the claim holder's: the claim is
/// taken (or renewed) first — if someone else holds it, that is the answer — and given
/// back when the decision is refused.
async fn act(
    net: &Net,
    order_no: &str,
    action: Action,
    body: ActionRequest,
    upload: Option<Upload>,
) -> Result<Order, ActFailure> {
    let client = &net.client;
    let decision = matches!(action, Action::Approve | Action::Reject);
    if decision {
        client
            .claim(order_no, false)
            .await
            .map_err(ActFailure::Api)?;
    }
    let result = upload_and_act(client, &net.checks, order_no, action, body, upload).await;
    if decision
        && result.is_err()
        && let Err(e) = client.release(order_no).await
    {
        tracing::warn!(order = %order_no, error = %e, "giving a claim up");
    }
    result
}
