//! Talking to the platform without blocking the screen: every request runs as a task and
//! reports back as a [`Msg`]; one task keeps the live event stream open, reconnecting with
//! backoff and resuming after the last event it saw.

use std::path::{Path, PathBuf};
use std::time::Duration;

use futures_util::StreamExt;
use tokio::sync::mpsc::UnboundedSender;

use crate::api::{
    ActionRequest, AttachmentKind, Client, ClientError, Customer, HistoryEntry, Me, NewCustomer,
    NewOrder, Order, OrderEvent, OrderPage, OrderQuery, PdfFile, Project, RealnameSession,
    ServerEvent, StatusCount,
};
use crate::config::PrintConfig;
use crate::domain::Action;

use super::newapp::draft::{Draft, ScanInfo};

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
        upload: Option<Upload>,
    },
    /// A note.
    Note {
        /// The order.
        order_no: String,
        /// The note.
        text: String,
    },
    /// The platform's health (its upload limit).
    Health,
    /// A customer by mobile number, for a draft.
    FindCustomer {
        /// The draft.
        draft: String,
        /// The number.
        phone: String,
    },
    /// A new customer, for a draft.
    CreateCustomer {
        /// The draft.
        draft: String,
        /// The customer.
        customer: NewCustomer,
    },
    /// Correct an unverified customer's name, then issue a fresh real-name code.
    RenameCustomer {
        /// The draft.
        draft: String,
        /// The customer.
        customer_id: String,
        /// The name.
        name: String,
    },
    /// A fresh real-name code.
    StartRealname {
        /// The draft.
        draft: String,
        /// The customer.
        customer_id: String,
    },
    /// Where a real-name verification stands.
    RealnameStatus {
        /// The draft.
        draft: String,
        /// The session.
        session_id: String,
    },
    /// Projects matching a search.
    Projects {
        /// Sequence number of the search.
        seq: u64,
        /// What is typed.
        query: String,
    },
    /// The application terms.
    Terms,
    /// Print (or save) the application form of a draft.
    PrintForm {
        /// The draft.
        draft: String,
        /// The order as typed.
        order: Box<NewOrder>,
        /// Name for the saved file.
        reference: String,
    },
    /// Print (or save) an order's acceptance receipt.
    PrintReceipt {
        /// The draft it came from.
        draft: String,
        /// The order.
        order_no: String,
    },
    /// Check a scan file before submitting.
    CheckScan {
        /// The draft.
        draft: String,
        /// The path typed.
        path: PathBuf,
        /// The platform's upload limit.
        limit: u64,
    },
    /// Submit a draft: create the order (idempotent on the draft id) and attach the scan.
    Submit {
        /// The draft (its id is the idempotency key).
        draft: String,
        /// The order.
        order: Box<NewOrder>,
        /// The signed scan.
        scan: PathBuf,
    },
    /// An action on a draft's submitted order (bank transfer, voucher), uploading a file
    /// first when it needs one.
    DraftAct {
        /// The draft.
        draft: String,
        /// The order.
        order_no: String,
        /// The action.
        action: Action,
        /// Its fields.
        body: ActionRequest,
        /// A file to upload first.
        upload: Option<Upload>,
    },
    /// The CA's bank account.
    BankAccount,
    /// Where a draft's submitted order stands now.
    DraftOrder {
        /// The draft.
        draft: String,
        /// The order.
        order_no: String,
    },
    /// A QR payment for a draft's order.
    OpenPayment {
        /// The draft.
        draft: String,
        /// The order.
        order_no: String,
    },
    /// Print (or save) the bank-transfer slip of an order.
    PrintSlip {
        /// The draft.
        draft: String,
        /// The order.
        order_no: String,
    },
    /// Print the one-time correction notice of a returned order.
    PrintNotice {
        /// The order.
        order_no: String,
    },
    /// The review queue.
    ReviewQueue,
    /// An order for review: claim it (when `claim`) and fetch it with its history.
    ReviewOpen {
        /// The order.
        order_no: String,
        /// Claim it too.
        claim: bool,
    },
    /// Renew the claim on an order being reviewed.
    ReviewRenew {
        /// The order.
        order_no: String,
    },
    /// Take a claim over from another reviewer (administrators).
    ReviewTakeOver {
        /// The order.
        order_no: String,
    },
    /// Give a claim up.
    ReviewRelease {
        /// The order.
        order_no: String,
    },
    /// A review decision (the claim is renewed first).
    ReviewDecide {
        /// The order.
        order_no: String,
        /// Approve or reject.
        action: Action,
        /// Version and reasons.
        body: ActionRequest,
    },
    /// An image attachment scaled to fit.
    Preview {
        /// The attachment.
        id: String,
        /// Largest width, pixels.
        width: u32,
        /// Largest height, pixels.
        height: u32,
    },
    /// Save an attachment to a file.
    SaveAttachment {
        /// The attachment.
        id: String,
        /// Where.
        path: PathBuf,
    },
    /// The orders waiting to be mailed.
    MailingQueue,
    /// Ship an order (carrier and tracking number in the body).
    Ship {
        /// The order.
        order_no: String,
        /// Version, carrier and number.
        body: ActionRequest,
    },
    /// Print the mailing list and labels of these orders.
    PrintLabels {
        /// The orders, in order.
        order_nos: Vec<String>,
    },
    /// The orders waiting for their invoice.
    InvoicingQueue,
    /// Issue an order's invoice.
    IssueInvoice {
        /// The order.
        order_no: String,
        /// Version and request.
        body: crate::api::IssueInvoice,
    },
    /// The customer wants no invoice.
    DeclineInvoice {
        /// The order.
        order_no: String,
        /// Version and note.
        body: ActionRequest,
    },
    /// Where an order's parcel is.
    Tracking {
        /// The order.
        order_no: String,
    },
    /// A tracking event typed by staff.
    TrackingStep {
        /// The order.
        order_no: String,
        /// The event.
        step: crate::api::NewTrackingStep,
    },
    /// Write a draft to the data directory.
    SaveDraft(Box<Draft>),
    /// Remove a draft from the data directory.
    DeleteDraft(String),
}

/// How printing went.
#[derive(Debug, Clone, PartialEq)]
pub struct Printed {
    /// Where the document went.
    pub to: PrintedTo,
    /// Characters no font had, printed as their code points: the clerk writes them in.
    pub unprintable: Vec<char>,
}

/// Where a printed document went.
#[derive(Debug, Clone, PartialEq)]
pub enum PrintedTo {
    /// Sent to this printer; the file is kept at the path.
    Printer(String, PathBuf),
    /// Saved here (no printer configured).
    Saved(PathBuf),
}

/// Why printing failed.
#[derive(Debug)]
pub enum PrintError {
    /// The platform refused (e.g. no font, bad input).
    Platform(ClientError),
    /// The file could not be saved.
    Save(PathBuf, std::io::ErrorKind),
    /// The print command failed.
    Command(String),
}

/// Why a scan file cannot be used.
#[derive(Debug, Clone, PartialEq)]
pub enum ScanProblem {
    /// Reading it failed.
    Io(std::io::ErrorKind),
    /// Not JPEG, PNG or PDF by content.
    NotAScan,
    /// Bigger than the platform takes (size, limit).
    TooLarge(u64, u64),
    /// Empty.
    Empty,
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
    RealnameEvent(crate::api::RealnameEvent),
    /// Answer to [`Request::Health`].
    Health(Result<crate::api::Health, ClientError>),
    /// Answer to [`Request::FindCustomer`].
    CustomerFound {
        /// The draft.
        draft: String,
        /// The customer, if known.
        result: Result<Option<Customer>, ClientError>,
    },
    /// Answer to [`Request::CreateCustomer`] and [`Request::RenameCustomer`].
    CustomerSaved {
        /// The draft.
        draft: String,
        /// The customer.
        result: Result<Customer, ClientError>,
    },
    /// Answer to [`Request::StartRealname`] and [`Request::RealnameStatus`].
    RealnameSession {
        /// The draft.
        draft: String,
        /// The session.
        result: Result<RealnameSession, ClientError>,
    },
    /// Answer to [`Request::Projects`].
    Projects {
        /// The search's sequence number.
        seq: u64,
        /// Matches.
        result: Result<Vec<Project>, ClientError>,
    },
    /// Answer to [`Request::Terms`].
    Terms(Result<crate::api::Terms, ClientError>),
    /// Answer to [`Request::PrintForm`] and [`Request::PrintReceipt`].
    Printed {
        /// The draft.
        draft: String,
        /// What happened.
        result: Result<Printed, PrintError>,
    },
    /// Answer to [`Request::CheckScan`].
    ScanChecked {
        /// The draft.
        draft: String,
        /// The path checked.
        path: PathBuf,
        /// Its description.
        result: Result<ScanInfo, ScanProblem>,
    },
    /// Answer to [`Request::Submit`].
    Submitted {
        /// The draft.
        draft: String,
        /// The order, or why not.
        result: Result<Order, SubmitError>,
    },
    /// Answer to [`Request::DraftAct`].
    DraftActed {
        /// The draft.
        draft: String,
        /// The order after the action.
        result: Result<Order, ActFailure>,
    },
    /// Answer to [`Request::BankAccount`].
    Bank(Result<crate::api::BankAccount, ClientError>),
    /// Answer to [`Request::DraftOrder`].
    DraftOrder {
        /// The draft.
        draft: String,
        /// The order.
        result: Result<Order, ClientError>,
    },
    /// Answer to [`Request::OpenPayment`].
    PaymentOpened {
        /// The draft.
        draft: String,
        /// The payment.
        result: Result<crate::api::Payment, ClientError>,
    },
    /// Answer to [`Request::PrintNotice`].
    PrintedNotice(Result<Printed, PrintError>),
    /// Answer to [`Request::ReviewQueue`].
    ReviewQueue(Result<crate::api::ReviewQueue, ClientError>),
    /// Answer to [`Request::MailingQueue`].
    MailingQueue(Result<crate::api::MailingQueue, ClientError>),
    /// Answer to [`Request::Ship`].
    Shipped {
        /// The order.
        order_no: String,
        /// It now, or why not.
        result: Result<Order, ClientError>,
    },
    /// Answer to [`Request::PrintLabels`].
    PrintedLabels(Result<Printed, PrintError>),
    /// Answer to [`Request::InvoicingQueue`].
    InvoicingQueue(Result<crate::api::InvoicingQueue, ClientError>),
    /// Answer to [`Request::IssueInvoice`].
    InvoiceIssued {
        /// The order.
        order_no: String,
        /// It now, or why not.
        result: Result<Order, ClientError>,
    },
    /// Answer to [`Request::DeclineInvoice`].
    InvoiceDeclined {
        /// The order.
        order_no: String,
        /// It now, or why not.
        result: Result<Order, ClientError>,
    },
    /// Answer to [`Request::TrackingStep`].
    TrackingStepAdded {
        /// The order.
        order_no: String,
        /// The tracking now, or why not.
        result: Result<crate::api::Tracking, ClientError>,
    },
    /// Answer to [`Request::Tracking`].
    Tracking {
        /// The order.
        order_no: String,
        /// Where the parcel is, or why not.
        result: Result<crate::api::Tracking, ClientError>,
    },
    /// Answer to [`Request::ReviewOpen`].
    ReviewOpened {
        /// The order.
        order_no: String,
        /// The claim, when one was asked for.
        claim: Option<Result<crate::api::Claim, ClientError>>,
        /// The order and its history.
        order: Result<(Order, Vec<HistoryEntry>), ClientError>,
    },
    /// Answer to [`Request::ReviewRenew`].
    ReviewRenewed {
        /// The order.
        order_no: String,
        /// The renewed claim, or why not.
        result: Result<crate::api::Claim, ClientError>,
    },
    /// Answer to [`Request::ReviewDecide`].
    ReviewDecided {
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
        /// The width asked for.
        width: u32,
        /// The height asked for.
        height: u32,
        /// The pixels, or why not (`None`: what came cannot be read as an image).
        result: Result<image::RgbImage, Option<ClientError>>,
    },
    /// Answer to [`Request::SaveAttachment`].
    Saved {
        /// Where it went, or why not.
        result: Result<PathBuf, SaveError>,
    },
    /// Nothing to report.
    Noop,
    /// A file to upload could not be read, or is not one the platform takes.
    FileError {
        /// The order.
        order_no: String,
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        problem: ScanProblem,
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

/// Why an action with an upload did not happen.
#[derive(Debug)]
pub enum ActFailure {
    /// The file could not be read, or is not one the platform takes.
    File(PathBuf, ScanProblem),
    /// The platform refused or could not be reached.
    Api(ClientError),
}

/// A file an action sends.
#[derive(Debug, Clone, PartialEq)]
pub struct Upload {
    /// What it is to the order.
    pub kind: AttachmentKind,
    /// Where it is.
    pub path: PathBuf,
    /// The platform's limit, checked before reading it all (0: unknown).
    pub limit: u64,
}

/// Uploads the file an action needs (if any), checked here first (there, within the limit,
/// JPEG/PNG/PDF by content), then performs the action with it.
async fn act(
    client: &Client,
    order_no: &str,
    action: Action,
    mut body: ActionRequest,
    upload: Option<Upload>,
) -> Result<Order, ActFailure> {
    if let Some(Upload { kind, path, limit }) = upload {
        let (_, bytes) = check_scan(&path, limit)
            .await
            .map_err(|problem| ActFailure::File(path.clone(), problem))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let attachment = client
            .upload_attachment(order_no, kind, &name, bytes)
            .await
            .map_err(ActFailure::Api)?;
        body.attachment_ids = vec![attachment.id];
    }
    let decision = matches!(action, Action::Approve | Action::Reject);
    if decision {
        // A review decision is the claim holder's: take (or renew) the claim first; if
        // someone else holds it, that is the answer.
        client
            .claim(order_no, false)
            .await
            .map_err(ActFailure::Api)?;
    }
    let result = client.act(order_no, action, &body).await;
    if decision && result.is_err() {
        // Taken only for this decision (from the order view): give it back.
        if let Err(e) = client.release(order_no).await {
            tracing::warn!(order = %order_no, error = %e, "giving a claim up");
        }
    }
    result.map_err(ActFailure::Api)
}

/// Why a submission did not complete.
#[derive(Debug)]
pub enum SubmitError {
    /// The order was not created.
    Order(ClientError),
    /// The order exists but the scan did not arrive; submitting again finishes it.
    Scan(String, ScanProblem),
    /// The order exists but the scan upload failed.
    Upload(String, ClientError),
}

/// Runs `request` as a task; the answer arrives on `tx`.
pub fn spawn(net: &Net, request: Request) {
    match request {
        // Draft writes go to one writer, in order: a later save must never be overtaken
        // by an earlier one.
        Request::SaveDraft(draft) => {
            let _ = net.drafts.send(DraftWrite::Save(draft));
        }
        Request::DeleteDraft(id) => {
            let _ = net.drafts.send(DraftWrite::Delete(id));
        }
        request => {
            let net = net.clone();
            tokio::spawn(async move {
                let msg = run(&net, request).await;
                let _ = net.tx.send(msg);
            });
        }
    }
}

/// What the network tasks need: the client, where answers go, where drafts and prints
/// are kept, and how to print.
#[derive(Clone)]
pub struct Net {
    /// The platform client.
    pub client: Client,
    /// Answers.
    pub tx: UnboundedSender<Msg>,
    /// The data directory (drafts, prints).
    pub data_dir: PathBuf,
    /// Printer settings.
    pub print: PrintConfig,
    drafts: UnboundedSender<DraftWrite>,
}

enum DraftWrite {
    Save(Box<Draft>),
    Delete(String),
    Flush(tokio::sync::oneshot::Sender<()>),
}

impl Net {
    /// Sets up the network side, with the task that writes drafts.
    pub fn new(
        client: Client,
        tx: UnboundedSender<Msg>,
        data_dir: PathBuf,
        print: PrintConfig,
    ) -> Net {
        let (drafts, mut queue) = tokio::sync::mpsc::unbounded_channel::<DraftWrite>();
        let dir = super::newapp::draft::dir(&data_dir);
        tokio::spawn(async move {
            while let Some(write) = queue.recv().await {
                let dir = dir.clone();
                let result = tokio::task::spawn_blocking(move || match write {
                    DraftWrite::Save(draft) => super::newapp::draft::save(&dir, &draft),
                    DraftWrite::Delete(id) => super::newapp::draft::delete(&dir, &id),
                    DraftWrite::Flush(done) => {
                        let _ = done.send(());
                        Ok(())
                    }
                })
                .await;
                match result {
                    Ok(Err(e)) => tracing::error!(error = %e, "cannot write a draft"),
                    Err(e) => tracing::error!(error = %e, "draft writer failed"),
                    Ok(Ok(())) => {}
                }
            }
        });
        Net {
            client,
            tx,
            data_dir,
            print,
            drafts,
        }
    }

    /// Waits until every draft write queued so far is on disk (before quitting).
    pub async fn flush_drafts(&self) {
        let (done, wait) = tokio::sync::oneshot::channel();
        let _ = self.drafts.send(DraftWrite::Flush(done));
        let _ = tokio::time::timeout(std::time::Duration::from_secs(5), wait).await;
    }
}

async fn run(net: &Net, request: Request) -> Msg {
    let client = &net.client;
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
            body,
            upload,
        } => match act(client, &order_no, action, body, upload).await {
            Ok(order) => Msg::Acted {
                order_no,
                action,
                result: Ok(order),
            },
            Err(ActFailure::File(path, problem)) => Msg::FileError {
                order_no,
                path,
                problem,
            },
            Err(ActFailure::Api(e)) => Msg::Acted {
                order_no,
                action,
                result: Err(e),
            },
        },
        Request::DraftAct {
            draft,
            order_no,
            action,
            body,
            upload,
        } => Msg::DraftActed {
            draft,
            result: act(client, &order_no, action, body, upload).await,
        },
        Request::BankAccount => Msg::Bank(client.bank_account().await),
        Request::ReviewQueue => Msg::ReviewQueue(client.review_queue().await),
        Request::MailingQueue => Msg::MailingQueue(client.mailing_queue().await),
        Request::Ship { order_no, body } => Msg::Shipped {
            result: client.act(&order_no, Action::Ship, &body).await,
            order_no,
        },
        Request::PrintLabels { order_nos } => {
            let stamp = time::OffsetDateTime::now_utc()
                .to_offset(crate::domain::CHINA)
                .format(time::macros::format_description!(
                    "[year][month][day]-[hour][minute][second]"
                ))
                .unwrap_or_default();
            Msg::PrintedLabels(match client.mailing_labels(&order_nos).await {
                Ok(pdf) => print(net, &format!("邮寄清单-{stamp}.pdf"), pdf).await,
                Err(e) => Err(PrintError::Platform(e)),
            })
        }
        Request::InvoicingQueue => Msg::InvoicingQueue(client.invoicing_queue().await),
        Request::IssueInvoice { order_no, body } => Msg::InvoiceIssued {
            result: client.issue_invoice(&order_no, &body).await,
            order_no,
        },
        Request::DeclineInvoice { order_no, body } => Msg::InvoiceDeclined {
            result: client.act(&order_no, Action::DeclineInvoice, &body).await,
            order_no,
        },
        Request::TrackingStep { order_no, step } => Msg::TrackingStepAdded {
            result: client.add_tracking_step(&order_no, &step).await,
            order_no,
        },
        Request::Tracking { order_no } => Msg::Tracking {
            result: client.tracking(&order_no).await,
            order_no,
        },
        Request::PrintNotice { order_no } => {
            Msg::PrintedNotice(match client.correction_notice(&order_no).await {
                Ok(pdf) => print(net, &format!("{order_no}-补正告知书.pdf"), pdf).await,
                Err(e) => Err(PrintError::Platform(e)),
            })
        }
        Request::ReviewOpen { order_no, claim } => {
            let claim = if claim {
                Some(client.claim(&order_no, false).await)
            } else {
                None
            };
            let order = async {
                let order = client.order(&order_no, false).await?;
                let history = client.history(&order_no).await?;
                Ok((order, history))
            }
            .await;
            Msg::ReviewOpened {
                order_no,
                claim,
                order,
            }
        }
        Request::ReviewRenew { order_no } => {
            let result = client.claim(&order_no, false).await;
            Msg::ReviewRenewed { order_no, result }
        }
        Request::ReviewTakeOver { order_no } => {
            let result = client.claim(&order_no, true).await;
            Msg::ReviewRenewed { order_no, result }
        }
        Request::ReviewRelease { order_no } => {
            if let Err(e) = client.release(&order_no).await {
                tracing::warn!(order = %order_no, error = %e, "giving a claim up");
            }
            Msg::Noop
        }
        Request::ReviewDecide {
            order_no,
            action,
            body,
        } => {
            // The reviewer holds the claim (renewed here); a refusal leaves it with them.
            let result = match client.claim(&order_no, false).await {
                Ok(_) => client.act(&order_no, action, &body).await,
                Err(e) => Err(e),
            };
            Msg::ReviewDecided {
                order_no,
                action,
                result,
            }
        }
        Request::Preview { id, width, height } => {
            let result = match client.attachment_preview(&id, width, height).await {
                Ok(bytes) => tokio::task::spawn_blocking(move || {
                    image::load_from_memory(&bytes).map(|i| i.to_rgb8()).ok()
                })
                .await
                .ok()
                .flatten()
                .ok_or(None),
                Err(e) => Err(Some(e)),
            };
            Msg::Preview {
                id,
                width,
                height,
                result,
            }
        }
        Request::SaveAttachment { id, path } => {
            let result = match client.attachment(&id).await {
                Ok((_, bytes)) => tokio::fs::write(&path, bytes)
                    .await
                    .map(|()| path.clone())
                    .map_err(|e| SaveError::Io(path, e.kind())),
                Err(e) => Err(SaveError::Api(e)),
            };
            Msg::Saved { result }
        }
        Request::DraftOrder { draft, order_no } => Msg::DraftOrder {
            draft,
            result: client.order(&order_no, false).await,
        },
        Request::OpenPayment { draft, order_no } => Msg::PaymentOpened {
            draft,
            result: client.create_payment(&order_no, "qr").await,
        },
        Request::PrintSlip { draft, order_no } => {
            let result = match client.transfer_slip(&order_no).await {
                Ok(pdf) => print(net, &format!("{order_no}-转账说明.pdf"), pdf).await,
                Err(e) => Err(PrintError::Platform(e)),
            };
            Msg::Printed { draft, result }
        }
        Request::Note { order_no, text } => {
            let result = client.add_note(&order_no, &text).await;
            Msg::Noted { order_no, result }
        }
        Request::Health => Msg::Health(client.health().await),
        Request::FindCustomer { draft, phone } => Msg::CustomerFound {
            draft,
            result: client.find_customer(&phone).await,
        },
        Request::CreateCustomer { draft, customer } => Msg::CustomerSaved {
            draft,
            result: client.create_customer(&customer).await,
        },
        Request::RenameCustomer {
            draft,
            customer_id,
            name,
        } => Msg::CustomerSaved {
            draft,
            result: client.rename_customer(&customer_id, &name).await,
        },
        Request::StartRealname { draft, customer_id } => Msg::RealnameSession {
            draft,
            result: client.create_realname_session(&customer_id).await,
        },
        Request::RealnameStatus { draft, session_id } => Msg::RealnameSession {
            draft,
            result: client.realname_session(&session_id).await,
        },
        Request::Projects { seq, query } => Msg::Projects {
            seq,
            result: client.projects(&query).await,
        },
        Request::Terms => Msg::Terms(client.terms().await),
        Request::PrintForm {
            draft,
            order,
            reference,
        } => {
            let result = match client.application_form(&order).await {
                Ok(pdf) => print(net, &format!("{reference}-申请表.pdf"), pdf).await,
                Err(e) => Err(PrintError::Platform(e)),
            };
            Msg::Printed { draft, result }
        }
        Request::PrintReceipt { draft, order_no } => {
            let result = match client.receipt(&order_no).await {
                Ok(pdf) => print(net, &format!("{order_no}-受理回执.pdf"), pdf).await,
                Err(e) => Err(PrintError::Platform(e)),
            };
            Msg::Printed { draft, result }
        }
        Request::CheckScan { draft, path, limit } => {
            let result = check_scan(&path, limit).await.map(|(info, _)| info);
            Msg::ScanChecked {
                draft,
                path,
                result,
            }
        }
        Request::Submit { draft, order, scan } => Msg::Submitted {
            result: submit(client, &draft, &order, &scan).await,
            draft,
        },
        // Routed to the draft writer by `spawn`; never run as tasks.
        Request::SaveDraft(_) | Request::DeleteDraft(_) => Msg::Noop,
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
                                if tx.send(Msg::RealnameEvent(event)).is_err() {
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

/// Saves a document under the data directory's `prints/`, then sends it to the printer
/// when one is configured.
async fn print(net: &Net, name: &str, pdf: PdfFile) -> Result<Printed, PrintError> {
    let PdfFile {
        bytes: pdf,
        unprintable,
    } = pdf;
    let dir = net.data_dir.join("prints");
    let path = dir.join(name.replace(['/', '\\'], "_"));
    let target = path.clone();
    let saved = tokio::task::spawn_blocking(move || {
        std::fs::create_dir_all(&dir)?;
        std::fs::write(&target, pdf)
    })
    .await
    .map_err(|_| PrintError::Save(path.clone(), std::io::ErrorKind::Other))?;
    saved.map_err(|e| PrintError::Save(path.clone(), e.kind()))?;
    let Some(printer) = net.print.printer.clone().filter(|p| !p.trim().is_empty()) else {
        return Ok(Printed {
            to: PrintedTo::Saved(path),
            unprintable,
        });
    };
    let command = net.print.command.clone().unwrap_or_else(|| "lp".into());
    let output = tokio::process::Command::new(&command)
        .arg("-d")
        .arg(&printer)
        .arg(&path)
        .output()
        .await
        .map_err(|e| PrintError::Command(format!("{command}: {e}")))?;
    if output.status.success() {
        Ok(Printed {
            to: PrintedTo::Printer(printer, path),
            unprintable,
        })
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr).trim().to_owned();
        Err(PrintError::Command(format!(
            "{command} -d {printer}: {stderr}"
        )))
    }
}

/// Reads and checks a scan: there, not empty, within the limit, JPEG/PNG/PDF by content;
/// described with its pixel size or page count. Returns the bytes too.
pub async fn check_scan(path: &Path, limit: u64) -> Result<(ScanInfo, Vec<u8>), ScanProblem> {
    let meta = tokio::fs::metadata(path)
        .await
        .map_err(|e| ScanProblem::Io(e.kind()))?;
    if meta.is_dir() {
        return Err(ScanProblem::Io(std::io::ErrorKind::IsADirectory));
    }
    if limit > 0 && meta.len() > limit {
        return Err(ScanProblem::TooLarge(meta.len(), limit));
    }
    let bytes = tokio::fs::read(path)
        .await
        .map_err(|e| ScanProblem::Io(e.kind()))?;
    if bytes.is_empty() {
        return Err(ScanProblem::Empty);
    }
    let kind = crate::domain::sniff(&bytes).ok_or(ScanProblem::NotAScan)?;
    let detail = match kind {
        crate::domain::FileType::Pdf => crate::domain::pdf_pages(&bytes).map(|n| format!("{n} p")),
        _ => crate::domain::image_size(&bytes).map(|(w, h)| format!("{w}×{h} px")),
    }
    .unwrap_or_default();
    let info = ScanInfo {
        path: path.display().to_string(),
        content_type: kind.mime().to_owned(),
        size: bytes.len() as u64,
        detail,
    };
    Ok((info, bytes))
}

/// Creates the order (the draft id is the idempotency key, so a retry never makes a second
/// one) and attaches the signed scan (the platform keeps one copy of the same bytes).
async fn submit(
    client: &Client,
    draft: &str,
    order: &NewOrder,
    scan: &Path,
) -> Result<Order, SubmitError> {
    let created = client
        .create_order(draft, order)
        .await
        .map_err(SubmitError::Order)?;
    let (_, bytes) = check_scan(scan, 0)
        .await
        .map_err(|problem| SubmitError::Scan(created.order_no.clone(), problem))?;
    let name = scan
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    client
        .upload_attachment(&created.order_no, AttachmentKind::SignedForm, &name, bytes)
        .await
        .map_err(|e| SubmitError::Upload(created.order_no.clone(), e))?;
    client
        .order(&created.order_no, false)
        .await
        .map_err(|e| SubmitError::Upload(created.order_no.clone(), e))
}
