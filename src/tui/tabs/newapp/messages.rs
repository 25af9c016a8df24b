//! What the 新申请 tab asks the platform (and the disk), and what comes back. Every
//! answer names the draft it is for: a clerk may have moved to another draft meanwhile.

use std::path::PathBuf;

use futures_util::future::BoxFuture;

use super::draft::{self, Draft};
use crate::api::{
    ActionRequest, AttachmentKind, BankAccount, ClientError, Customer, NewCustomer, NewOrder, Order,
    Payment, Project, RealnameSession, Terms, VerifiedIdentity,
};
use crate::domain::{Action, DraftId};
use crate::tui::files::{self, ActFailure, FileInfo, FileProblem, Upload, upload_and_act};
use crate::tui::net::Net;
use crate::tui::print::{PrintError, Printed, fetch_and_print};

/// A request of the tab.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// A customer by mobile number.
    FindCustomer {
        /// The draft.
        draft: DraftId,
        /// The number.
        phone: String,
    },
    /// A new customer.
    CreateCustomer {
        /// The draft.
        draft: DraftId,
        /// The customer.
        customer: NewCustomer,
    },
    /// Correct an unverified customer's name (a fresh code follows).
    RenameCustomer {
        /// The draft.
        draft: DraftId,
        /// The customer.
        customer_id: String,
        /// The name.
        name: String,
    },
    /// A fresh real-name code.
    StartRealname {
        /// The draft.
        draft: DraftId,
        /// The customer.
        customer_id: String,
    },
    /// Where a real-name verification stands.
    RealnameStatus {
        /// The draft.
        draft: DraftId,
        /// The session.
        session_id: String,
    },
    /// Projects matching a search.
    Projects {
        /// The search's number.
        seq: u64,
        /// What is typed.
        query: String,
    },
    /// The customer's orders still under way, to say when this application repeats one.
    OpenOrders {
        /// The draft.
        draft: DraftId,
        /// The customer's mobile number.
        phone: String,
    },
    /// The application terms.
    Terms,
    /// The CA's bank account.
    BankAccount,
    /// Print (or save) the application form as typed.
    PrintForm {
        /// The draft.
        draft: DraftId,
        /// The order as typed.
        order: Box<NewOrder>,
        /// Name for the saved file.
        reference: String,
    },
    /// Print (or save) an order's acceptance receipt.
    PrintReceipt {
        /// The draft.
        draft: DraftId,
        /// The order.
        order_no: String,
    },
    /// Print (or save) the bank-transfer slip of an order.
    PrintSlip {
        /// The draft.
        draft: DraftId,
        /// The order.
        order_no: String,
    },
    /// Check a scan before submitting (its QR code too: the form of `reference`).
    CheckScan {
        /// The draft.
        draft: DraftId,
        /// The path typed.
        path: PathBuf,
        /// The platform's upload limit.
        limit: u64,
        /// The application's reference, printed in its form's code.
        reference: String,
    },
    /// Submit: create the order (idempotent on the draft id) and attach the scan.
    Submit {
        /// The draft (its id is the idempotency key).
        draft: DraftId,
        /// The order.
        order: Box<NewOrder>,
        /// The signed scan.
        scan: PathBuf,
    },
    /// An action on the draft's order (bank transfer, voucher), with a file when needed.
    Act {
        /// The draft.
        draft: DraftId,
        /// The order.
        order_no: String,
        /// The action.
        action: Action,
        /// Its fields.
        body: ActionRequest,
        /// A file to upload first.
        upload: Option<Upload>,
    },
    /// Where the draft's order stands now.
    Order {
        /// The draft.
        draft: DraftId,
        /// The order.
        order_no: String,
    },
    /// A QR payment for the draft's order.
    OpenPayment {
        /// The draft.
        draft: DraftId,
        /// The order.
        order_no: String,
    },
    /// Write a draft to the data directory (in turn with every other write).
    SaveDraft(Box<Draft>),
    /// Remove a draft from the data directory.
    DeleteDraft(DraftId),
}

/// Why a submission did not complete.
#[derive(Debug)]
pub enum SubmitError {
    /// The order was not created.
    Order(ClientError),
    /// The scan, read again as the order was about to be made, is not this application's
    /// signed form (the file changed since it was checked): no order was made.
    ScanChanged(FileProblem),
    /// The order exists but the scan did not arrive; submitting again finishes it.
    Scan(String, FileProblem),
    /// The order exists but the scan upload failed.
    Upload(String, ClientError),
}

/// A customer found: with the identity their verification established when verified,
/// else their latest real-name check (how it ended, if it did).
pub type Found = (Customer, Option<VerifiedIdentity>, Option<RealnameSession>);

/// What came back.
#[derive(Debug)]
pub enum Answer {
    /// Answer to [`Request::FindCustomer`].
    CustomerFound {
        /// The draft.
        draft: DraftId,
        /// The customer, if known, with the identity their verification established
        /// when they were verified, or else their latest real-name check.
        result: Result<Option<Found>, ClientError>,
    },
    /// Answer to [`Request::CreateCustomer`] and [`Request::RenameCustomer`].
    CustomerSaved {
        /// The draft.
        draft: DraftId,
        /// The customer.
        result: Result<Customer, ClientError>,
    },
    /// Answer to [`Request::StartRealname`] and [`Request::RealnameStatus`].
    Realname {
        /// The draft.
        draft: DraftId,
        /// The session.
        result: Result<RealnameSession, ClientError>,
    },
    /// Answer to [`Request::Projects`].
    Projects {
        /// The search's number.
        seq: u64,
        /// Matches.
        result: Result<Vec<Project>, ClientError>,
    },
    /// Answer to [`Request::OpenOrders`].
    OpenOrders {
        /// The draft.
        draft: DraftId,
        /// The orders still under way.
        result: Result<Vec<crate::api::OrderSummary>, ClientError>,
    },
    /// Answer to [`Request::Terms`].
    Terms(Result<Terms, ClientError>),
    /// Answer to [`Request::BankAccount`].
    Bank(Result<BankAccount, ClientError>),
    /// Answer to the print requests.
    Printed {
        /// The draft.
        draft: DraftId,
        /// What happened.
        result: Result<Printed, PrintError>,
    },
    /// Answer to [`Request::CheckScan`].
    ScanChecked {
        /// The draft.
        draft: DraftId,
        /// The path checked.
        path: PathBuf,
        /// Its description.
        result: Result<FileInfo, FileProblem>,
    },
    /// Answer to [`Request::Submit`].
    Submitted {
        /// The draft.
        draft: DraftId,
        /// The order, or why not.
        result: Result<Order, SubmitError>,
    },
    /// Answer to [`Request::Act`].
    Acted {
        /// The draft.
        draft: DraftId,
        /// The order after the action.
        result: Result<Order, ActFailure>,
    },
    /// Answer to [`Request::Order`].
    Order {
        /// The draft.
        draft: DraftId,
        /// The order.
        result: Result<Order, ClientError>,
    },
    /// Answer to [`Request::OpenPayment`].
    PaymentOpened {
        /// The draft.
        draft: DraftId,
        /// The payment.
        result: Result<Payment, ClientError>,
    },
    /// A draft write (nothing to show).
    Written,
}

/// Runs a request.
pub fn run(request: Request, net: &Net) -> Option<BoxFuture<'static, Answer>> {
    let dir = net.drafts.clone();
    match request {
        // Draft writes go one after another: a later save is never overtaken.
        Request::SaveDraft(draft) => {
            net.in_turn(Box::pin(async move {
                let result = tokio::task::spawn_blocking(move || draft::save(&dir, &draft)).await;
                log_write(result);
            }));
            return None;
        }
        Request::DeleteDraft(id) => {
            net.in_turn(Box::pin(async move {
                let result = tokio::task::spawn_blocking(move || draft::delete(&dir, &id)).await;
                log_write(result);
            }));
            return None;
        }
        _ => {}
    }
    let net = net.clone();
    Some(Box::pin(async move {
        let client = &net.client;
        match request {
            Request::FindCustomer { draft, phone } => {
                // A customer verified before: their name and ID number come from that
                // verification, for the form (nobody types them again).
                // One not verified: how their last check ended, if it failed (on their own
                // phone, say); the step goes on without it when it cannot be read.
                let result = match client.find_customer(&phone).await {
                    Ok(Some(customer)) if customer.realname_verified => client
                        .customer_identity(&customer.id)
                        .await
                        .map(|identity| Some((customer, Some(identity), None))),
                    Ok(Some(customer)) => {
                        let online = client.customer_online(&customer.id).await;
                        let last = online.ok().and_then(|online| online.realname);
                        Ok(Some((customer, None, last)))
                    }
                    Ok(None) => Ok(None),
                    Err(e) => Err(e),
                };
                Answer::CustomerFound { draft, result }
            }
            Request::CreateCustomer { draft, customer } => Answer::CustomerSaved {
                draft,
                result: client.create_customer(&customer).await,
            },
            Request::RenameCustomer {
                draft,
                customer_id,
                name,
            } => Answer::CustomerSaved {
                draft,
                result: client.rename_customer(&customer_id, &name).await,
            },
            Request::StartRealname { draft, customer_id } => Answer::Realname {
                draft,
                result: client.create_realname_session(&customer_id).await,
            },
            Request::RealnameStatus { draft, session_id } => Answer::Realname {
                draft,
                result: client.realname_session(&session_id).await,
            },
            Request::Projects { seq, query } => Answer::Projects {
                seq,
                result: client.projects(&query).await,
            },
            Request::OpenOrders { draft, phone } => {
                // Every status an order is still under way in (not completed or cancelled).
                let open = crate::domain::OrderStatus::ALL
                    .into_iter()
                    .filter(|s| !s.is_final())
                    .map(crate::domain::OrderStatus::as_str)
                    .collect::<Vec<_>>()
                    .join(",");
                let query = crate::api::OrderQuery {
                    q: Some(phone),
                    status: Some(open),
                    limit: Some(50),
                    ..Default::default()
                };
                Answer::OpenOrders {
                    draft,
                    result: client.orders(&query).await.map(|page| page.items),
                }
            }
            Request::Terms => Answer::Terms(client.terms().await),
            Request::BankAccount => Answer::Bank(client.bank_account().await),
            Request::PrintForm {
                draft,
                order,
                reference,
            } => Answer::Printed {
                draft,
                result: fetch_and_print(
                    &net,
                    &format!("{reference}-申请表.pdf"),
                    client.application_form(&order),
                )
                .await,
            },
            Request::PrintReceipt { draft, order_no } => Answer::Printed {
                draft,
                result: fetch_and_print(
                    &net,
                    &format!("{order_no}-受理回执.pdf"),
                    client.receipt(&order_no),
                )
                .await,
            },
            Request::PrintSlip { draft, order_no } => Answer::Printed {
                draft,
                result: fetch_and_print(
                    &net,
                    &format!("{order_no}-转账说明.pdf"),
                    client.transfer_slip(&order_no),
                )
                .await,
            },
            Request::CheckScan {
                draft,
                path,
                limit,
                reference,
            } => Answer::ScanChecked {
                result: files::check_signed_form(&path, limit, &reference, &net.checks).await,
                draft,
                path,
            },
            Request::Submit { draft, order, scan } => Answer::Submitted {
                result: submit(&net, &draft, &order, &scan).await,
                draft,
            },
            Request::Act {
                draft,
                order_no,
                action,
                body,
                upload,
            } => Answer::Acted {
                draft,
                result: upload_and_act(client, &net.checks, &order_no, action, body, upload).await,
            },
            Request::Order { draft, order_no } => Answer::Order {
                draft,
                result: client.order(&order_no, false).await,
            },
            Request::OpenPayment { draft, order_no } => Answer::PaymentOpened {
                draft,
                result: client.create_payment(&order_no, "qr").await,
            },
            // Written in turn above; never run as tasks.
            Request::SaveDraft(_) | Request::DeleteDraft(_) => Answer::Written,
        }
    }))
}

fn log_write(result: Result<std::io::Result<()>, tokio::task::JoinError>) {
    match result {
        Ok(Err(e)) => tracing::error!(error = %e, "cannot write a draft"),
        Err(e) => tracing::error!(error = %e, "draft writer failed"),
        Ok(Ok(())) => {}
    }
}

/// Creates the order (the draft id is the idempotency key, so a retry never makes a second
/// one) and attaches the signed scan (the platform keeps one copy of the same bytes).
async fn submit(
    net: &Net,
    draft: &DraftId,
    order: &NewOrder,
    scan: &std::path::Path,
) -> Result<Order, SubmitError> {
    let client = &net.client;
    // The file as it is now (a scanner writing the same name again, another paper saved
    // over the checked one): read again before the order is made, as it was checked.
    if let Some(reference) = order.application_ref.as_deref() {
        files::check_signed_form(scan, 0, reference, &net.checks)
            .await
            .map_err(SubmitError::ScanChanged)?;
    }
    let created = client
        .create_order(draft.as_str(), order)
        .await
        .map_err(SubmitError::Order)?;
    let no = created.order_no.to_string();
    let (_, bytes) = files::check(scan, 0, &net.checks)
        .await
        .map_err(|problem| SubmitError::Scan(no.clone(), problem))?;
    let name = scan
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    client
        .upload_attachment(&no, AttachmentKind::SignedForm, &name, bytes)
        .await
        .map_err(|e| SubmitError::Upload(no.clone(), e))?;
    client
        .order(&no, false)
        .await
        .map_err(|e| SubmitError::Upload(no.clone(), e))
}
