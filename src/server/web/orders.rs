//! My orders (seed steps 8–11): every order of the signed-in customer — also those made at a
//! counter — with its status and the one next step it allows ([`NextStep`], the rule the
//! support agents' screen uses too): pay (Alipay on a phone, a QR code on a PC, or bank
//! transfer), upload the transfer voucher, read why it was returned and upload the
//! corrected scan, follow the parcel, ask for the invoice and download it. Every change
//! goes through the same transition door as the counter's.

use axum::Form;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use maud::{Markup, html};
use serde::Deserialize;

use super::apply::{self, failed, is_phone, read_upload};
use super::page::{self, Ctx};
use super::session::{SignedIn, Visit};
use crate::api::{ActionRequest, AttachmentKind};
use crate::domain::{Action, Money, NextStep, OrderStatus, UserType, mask_phone};
use crate::i18n::T;
use crate::server::AppState;
use crate::server::error::ApiError;
use crate::server::routes::actions::{Performer, perform};
use crate::server::store::self_service::ONLINE_OPERATOR_ID;
use crate::server::store::{Actor, Attached, CustomerRow, NewAttachment, OrderRow};

/// The most orders listed (a customer with more sees the newest).
const LIST_LIMIT: i64 = 100;

/// How the customer is named in an order's history: `线上 138****0000`.
pub fn customer_label(phone: &str) -> String {
    format!(
        "{} {}",
        T::ChannelOnline.get(crate::i18n::Lang::ZhCn),
        mask_phone(phone)
    )
}

/// The customer as the actor of a change.
pub fn customer_actor(phone: &str) -> Actor {
    Actor::Customer(customer_label(phone))
}

/// `GET /`: a signed-in customer's orders, else the way in.
pub async fn home(State(state): State<AppState>, visit: Visit) -> Response {
    match visit.customer {
        Some(customer) => {
            let who = SignedIn {
                ctx: visit.ctx,
                customer,
                session_id: visit.session_id.unwrap_or_default(),
            };
            list_page(&state, &who).await
        }
        None => {
            let ctx = &visit.ctx;
            page::page(
                ctx,
                StatusCode::OK,
                ctx.t(T::WebSiteName),
                html! {
                    h1 { (ctx.t(T::WebWelcomeTitle)) }
                    p { (ctx.t(T::WebWelcomeIntro)) }
                    p { a.button href="/login" { (ctx.t(T::WebSignInTitle)) } }
                },
            )
        }
    }
}

/// `GET /orders`
pub async fn list(State(state): State<AppState>, who: SignedIn) -> Response {
    list_page(&state, &who).await
}

fn next_of(row: &OrderRow) -> NextStep {
    let status = row.status().unwrap_or(OrderStatus::PendingPayment);
    NextStep::of(
        status,
        row.invoice_request_json.is_some() || row.invoice_requested_at.is_some(),
        row.invoice_no.is_some(),
    )
}

/// The next step in words ([`NextStep::text_after_return`]).
fn next_label(ctx: &Ctx, row: &OrderRow, next: NextStep, verified: bool) -> &'static str {
    ctx.t(next.text_after_return(&row.return_reasons(), verified))
}

fn status_label(ctx: &Ctx, row: &OrderRow) -> &'static str {
    row.status()
        .map(|s| s.customer_label(ctx.lang))
        .unwrap_or_default()
}

async fn list_page(state: &AppState, who: &SignedIn) -> Response {
    let ctx = &who.ctx;
    let orders = match state
        .store
        .orders_of_customer(&who.customer.id, LIST_LIMIT)
        .await
    {
        Ok(orders) => orders,
        Err(e) => return failed(ctx, e.into()),
    };
    // An application begun and not submitted is offered to go on with, not as a new one.
    let begun = match state.store.draft_of(&who.customer.id).await {
        Ok(draft) => draft.is_some_and(|row| {
            apply::Draft::read(&row.data_json, &state.config.terms_version)
                .product_id
                .is_some()
        }),
        Err(e) => return failed(ctx, e.into()),
    };
    // An order waiting for the customer keeps the page's one big button (its step).
    let waiting = orders.iter().any(|row| next_of(row).is_customers_turn());
    let apply = html! {
        @if begun && waiting {
            p { (ctx.t(T::WebApplicationBegun)) " " a href="/apply" { (ctx.t(T::WebApplyContinue)) } }
        } @else if begun {
            p { (ctx.t(T::WebApplicationBegun)) }
            p { a.button href="/apply" { (ctx.t(T::WebApplyContinue)) } }
        } @else {
            p { a.button href="/apply" { (ctx.t(T::WebApplyNew)) } }
        }
    };
    let listed = html! {
        @if orders.is_empty() {
            p { (ctx.t(T::WebNoOrders)) }
        } @else {
            ul.orders {
                @for row in &orders {
                    @let next = next_of(row);
                    li {
                        a href=(format!("/orders/{}", row.order_no)) {
                            span.order-no { (row.order_no) }
                            " "
                            span { (row.project_name) " · " (row.product_name) }
                        }
                        p.status {
                            (status_label(ctx, row))
                            // The customer's next step is a link to where it is taken (it
                            // looked like a button and did nothing).
                            @if next.is_customers_turn() {
                                " — " a href=(format!("/orders/{}#next-step", row.order_no)) {
                                    strong { (next_label(ctx, row, next, who.customer.realname_verified_at.is_some())) }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    // An order waiting for the customer (to pay, to correct) comes before an application
    // begun beside it: a second application for the same certificate is most often one
    // begun by mistake, and the order is what was paid or is to be paid.
    let body = html! {
        h1 { (ctx.t(T::WebMyOrders)) }
        @if waiting { (listed) (apply) } @else { (apply) (listed) }
    };
    page::page(ctx, StatusCode::OK, ctx.t(T::WebMyOrders), body)
}

/// The customer's own order, or the page that says there is no such order.
pub(super) async fn own_order(
    state: &AppState,
    who: &SignedIn,
    order_no: &str,
) -> Result<OrderRow, Response> {
    let ctx = &who.ctx;
    match state.store.order_by_no(order_no).await {
        Ok(Some(row)) if row.customer_id == who.customer.id => Ok(row),
        Ok(_) => Err(page::message(
            ctx,
            StatusCode::NOT_FOUND,
            ctx.t(T::WebOrderNotFound),
            ctx.t(T::WebOrderNotFoundNext),
        )),
        Err(e) => Err(failed(ctx, e.into())),
    }
}

/// `?submitted=1`: the application was sent again from a page left over from before it
/// became this order (the browser's back button).
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct Opened {
    submitted: Option<String>,
    /// `saved`, `unchanged` or `reprint`: back from the correction form.
    edited: Option<String>,
    /// `submitted`, `voucher`, `resubmit` or `cancelled`: what the customer just did.
    done: Option<String>,
    /// "I have paid" pressed on a PC's payment page: said so when no payment came in.
    paid: Option<String>,
    /// A PC's payment code ran out: said so, with the way to a new one.
    expired: Option<String>,
    /// Back from a voucher or a correction over the upload limit (refused before anything
    /// read it): the limit said beside the file field.
    too_large: Option<String>,
}

/// `GET /orders/{order_no}/form.pdf`: the order's application form, to print again, sign
/// and upload (an order returned for correction asks for it). Recorded in the order's
/// history as the customer's print.
pub async fn form_pdf(
    State(state): State<AppState>,
    who: SignedIn,
    Path(order_no): Path<String>,
) -> Response {
    let ctx = &who.ctx;
    let row = match own_order(&state, &who, &order_no).await {
        Ok(row) => row,
        Err(page) => return page,
    };
    // A cancelled order's form, signed, would read as a live application: its page says
    // where it stands.
    if row.status().ok() == Some(OrderStatus::Cancelled) {
        return page::see_other(&format!("/orders/{}", row.order_no));
    }
    let printed = async {
        let actor = customer_actor(&who.customer.phone);
        state
            .store
            .record(&row, &actor, "print", Some("application_form"), None, None)
            .await?;
        crate::server::routes::documents::stored_application_form(&state, &row).await
    };
    match printed.await {
        Ok(pdf) => apply::pdf_download(pdf.bytes, &format!("{}-application-form", row.order_no)),
        Err(e) => failed(ctx, e),
    }
}

/// Which of the order's papers the customer downloads from its page.
#[derive(Debug, Clone, Copy)]
enum Paper {
    /// The acceptance receipt (their proof of payment once paid).
    Receipt,
    /// The one-time correction notice of a returned order.
    Notice,
    /// The transfer slip, while the order waits for a transfer.
    Slip,
}

/// `GET /orders/{order_no}/receipt.pdf`, `…/notice.pdf`, `…/slip.pdf`: the order's papers
/// as the counter prints them, for the customer to keep or print; each download is in the
/// order's history.
async fn paper_pdf(state: &AppState, who: &SignedIn, order_no: &str, paper: Paper) -> Response {
    let ctx = &who.ctx;
    let row = match own_order(state, who, order_no).await {
        Ok(row) => row,
        Err(page) => return page,
    };
    let status = row.status().ok();
    // A slip only while the order waits for its money (one for an order paid would have
    // it paid twice); a notice only while it is returned.
    let available = match paper {
        Paper::Receipt => true,
        Paper::Notice => status == Some(OrderStatus::Rejected),
        Paper::Slip => matches!(
            status,
            Some(OrderStatus::PendingPayment | OrderStatus::PendingVoucher)
        ),
    };
    if !available {
        return page::see_other(&format!("/orders/{}", row.order_no));
    }
    let (what, name) = match paper {
        Paper::Receipt => ("receipt", "receipt"),
        Paper::Notice => ("correction_notice", "correction"),
        Paper::Slip => ("transfer_slip", "transfer"),
    };
    let printed = async {
        let actor = customer_actor(&who.customer.phone);
        state
            .store
            .record(&row, &actor, "print", Some(what), None, None)
            .await?;
        use crate::server::routes::documents as papers;
        // The customer's own receipt: their address in full, for them to check.
        match paper {
            Paper::Receipt => papers::receipt_pdf(state, &row, true, true).await,
            Paper::Notice => papers::notice_pdf(state, &row).await,
            Paper::Slip => papers::slip_pdf(state, &row).await,
        }
    };
    match printed.await {
        Ok(pdf) => apply::pdf_download(pdf.bytes, &format!("{}-{name}", row.order_no)),
        Err(e) => failed(ctx, e),
    }
}

/// `GET /orders/{order_no}/receipt.pdf`
pub async fn receipt_pdf(
    State(state): State<AppState>,
    who: SignedIn,
    Path(order_no): Path<String>,
) -> Response {
    paper_pdf(&state, &who, &order_no, Paper::Receipt).await
}

/// `GET /orders/{order_no}/notice.pdf`
pub async fn notice_pdf(
    State(state): State<AppState>,
    who: SignedIn,
    Path(order_no): Path<String>,
) -> Response {
    paper_pdf(&state, &who, &order_no, Paper::Notice).await
}

/// `GET /orders/{order_no}/slip.pdf`
pub async fn slip_pdf(
    State(state): State<AppState>,
    who: SignedIn,
    Path(order_no): Path<String>,
) -> Response {
    paper_pdf(&state, &who, &order_no, Paper::Slip).await
}

/// `GET /orders/{order_no}`
pub async fn page(
    State(state): State<AppState>,
    who: SignedIn,
    Path(order_no): Path<String>,
    axum::extract::Query(opened): axum::extract::Query<Opened>,
) -> Response {
    let row = match own_order(&state, &who, &order_no).await {
        Ok(row) => row,
        Err(page) => return page,
    };
    let notice = match (opened.submitted.is_some(), opened.edited.as_deref()) {
        (true, _) => Some(T::WebAlreadySubmitted),
        (false, Some("saved")) => Some(T::WebEditSaved),
        (false, Some("unchanged")) => Some(T::WebEditUnchanged),
        (false, Some("reprint")) => Some(T::WebEditSavedReprint),
        // Said only while the order stands as the step leaves it (an address written by
        // anyone else says nothing that is not so).
        _ => match (opened.done.as_deref(), row.status().ok()) {
            (Some("submitted"), Some(OrderStatus::PendingPayment)) => Some(T::WebJustSubmitted),
            (Some("cancelled"), Some(OrderStatus::Cancelled)) => Some(T::WebCancelled),
            (Some("withdrawn"), Some(OrderStatus::Rejected)) => Some(T::WebCorrectionWithdrawn),
            (Some("voucher" | "resubmit"), Some(OrderStatus::PendingReview)) => {
                Some(if opened.done.as_deref() == Some("voucher") {
                    T::WebVoucherIn
                } else {
                    T::WebResubmitted
                })
            }
            _ if opened.paid.is_some()
                && row.status().ok() == Some(OrderStatus::PendingPayment) =>
            {
                Some(T::WebNotPaidYet)
            }
            _ if opened.expired.is_some()
                && row.status().ok() == Some(OrderStatus::PendingPayment) =>
            {
                Some(T::WebPayCodeExpired)
            }
            _ => None,
        },
    };
    // Said only while the order still takes a file (a link kept from then says nothing
    // on an order that has moved on).
    let status = row.status().ok();
    let takes = |action| status.is_some_and(|s| crate::domain::next_status(action, s).is_some());
    let upload = if takes(Action::UploadVoucher) {
        Some(T::WebVoucherLabel)
    } else if takes(Action::Resubmit) {
        Some(correction_label(&row))
    } else {
        None
    };
    let errors = match (opened.too_large, upload) {
        (Some(_), Some(label)) => {
            let ctx = &who.ctx;
            let limit = crate::server::error::human_bytes(state.config.max_upload_bytes);
            vec![(
                "scan".to_owned(),
                ctx.t(label).to_owned(),
                T::WebFileTooLargeField.fill(ctx.lang, &[&limit]),
            )]
        }
        _ => Vec::new(),
    };
    order_page(&state, &who, &row, StatusCode::OK, &errors, notice).await
}

/// What a page shows about the order, then its next step (with `errors` of a form sent).
async fn order_page(
    state: &AppState,
    who: &SignedIn,
    row: &OrderRow,
    status: StatusCode,
    errors: &[(String, String, String)],
    notice: Option<T>,
) -> Response {
    let ctx = &who.ctx;
    let next = next_of(row);
    let verified = who.customer.realname_verified_at.is_some();
    let step = match next_step(state, ctx, row, next, errors, verified).await {
        Ok(step) => step,
        Err(e) => return failed(ctx, e),
    };
    // To be mailed again after the courier brought the parcel back: said, with why, so
    // the customer checks the address (it is open to correction until it goes).
    let returned = if row.status().ok() == Some(OrderStatus::PendingShipment) {
        match state.store.history(&row.id).await {
            Ok(history) => {
                // The last return (not shipped since), and whether the address was
                // corrected after it: then the page no longer asks to check it.
                let last = history
                    .iter()
                    .rposition(|h| matches!(h.action.as_str(), "return_parcel" | "ship"))
                    .filter(|&i| history[i].action == "return_parcel");
                last.map(|i| {
                    let corrected = crate::server::store::corrected_in(&history[i + 1..])
                        .iter()
                        .any(|field| field.starts_with("mailing."));
                    (history[i].reason.clone().unwrap_or_default(), corrected)
                })
            }
            Err(e) => return failed(ctx, e.into()),
        }
    } else {
        None
    };
    // Invoices reversed (红冲): the customer may have booked one, and needs the red one.
    let reversed = match state.store.invoices_of(&row.id).await {
        Ok(invoices) => crate::server::present::reversed_invoices(&invoices),
        Err(e) => return failed(ctx, e.into()),
    };
    let tracking = if row.tracking_no.is_some() {
        match crate::server::tracking::tracking(state, row).await {
            Ok(tracking) => Some(tracking),
            Err(e) => {
                tracing::warn!(error = ?e, "tracking on the customer's page");
                None
            }
        }
    } else {
        None
    };
    let amount = Money::from_fen(row.amount_fen)
        .unwrap_or_default()
        .to_string();
    let organization: Option<crate::api::Organization> = row
        .organization_json
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok());
    let mailing: Option<crate::api::MailingAddress> = serde_json::from_str(&row.mailing_json).ok();
    let body = html! {
        h1 { (ctx.fill(T::WebOrderTitle, &[&row.order_no])) }
        @if let Some(notice) = notice {
            p.ok role="status" { (ctx.t(notice)) }
        }
        @if let Some((why, corrected)) = &returned {
            p.bad role="status" {
                (ctx.fill(if *corrected { T::WebParcelReturnedCorrected } else { T::WebParcelReturned }, &[why]))
            }
        }
        (super::form::summary(ctx, errors))
        dl {
            dt { (ctx.t(T::PageProduct)) } dd { (row.project_name) " · " (row.product_name) }
            dt { (ctx.t(T::PageAmount)) } dd { (amount) }
            dt { (ctx.t(T::WebOrderStatus)) } dd.status { (status_label(ctx, row)) }
            // What the order says, as the reviewer reads it: a reason to correct it names
            // these.
            @if let Some(org) = &organization {
                dt { (ctx.t(T::WebOrgName)) } dd { (org.name) }
                dt { (ctx.t(T::WebOrgUscc)) } dd { (org.uscc) }
                dt { (ctx.t(T::WebOrgLegal)) } dd { (org.legal_representative) }
            }
            // An organisation's applicant is its handler, as the form says.
            dt { (ctx.t(if row.organization_json.is_some() { T::WebHandler } else { T::FieldApplicant })) }
            dd { (row.applicant_name) " " (crate::domain::mask_id_number(&row.id_number)) " " (row.phone) }
            @if let Some(m) = &mailing {
                dt { (ctx.t(T::WebMailing)) }
                dd {
                    (m.recipient) " " (m.phone) br;
                    (crate::domain::address(&m.province, &m.city, &m.district, &m.street)) br;
                    (ctx.t(T::FormPostalCode)) " " (m.postal_code)
                }
            }
        }
        (super::edit::link(ctx, row))
        // A cancelled order's receipt is no proof of a payment to come.
        @let receipt = if next == NextStep::Cancelled { T::WebReceiptDownloadCancelled } else { T::WebReceiptDownload };
        p { a href=(format!("/orders/{}/receipt.pdf", row.order_no)) download { (ctx.t(receipt)) } }
        section aria-labelledby="next-step" {
            h2 #next-step { (ctx.t(T::WebNextStep)) " " (next_label(ctx, row, next, verified)) }
            (step)
        }
        @if let Some(tracking) = tracking {
            section aria-labelledby="parcel" {
                h2 #parcel { (ctx.t(T::WebParcel)) }
                // Where it is, in a word (揽收, 运输中, 派件中, 已签收), before the timeline.
                @let label = |name: &str| crate::domain::TrackingState::parse(name).map(|s| ctx.t(s.label()));
                p {
                    (carrier_in(state, ctx, &tracking.carrier, &tracking.carrier_name)) " " span.order-no { (tracking.tracking_no) }
                    @if let Some(now) = tracking.state.as_deref().and_then(label) {
                        " · " strong { (now) }
                    }
                }
                @if tracking.events.is_empty() {
                    // Without a tracking service nobody asks the carrier: said so, with
                    // where the customer can ask themselves.
                    p { (ctx.t(if tracking.provider == "manual" { T::WebParcelNoNewsManual } else { T::WebParcelNoNews })) }
                } @else {
                    ol.timeline {
                        @for event in &tracking.events {
                            li {
                                span.small { (event.time) } " "
                                @if let Some(step) = event.state.as_deref().and_then(label) {
                                    strong { (step) } " "
                                }
                                (event.context)
                                @if let Some(place) = &event.location { " · " (place) }
                            }
                        }
                    }
                    // Typed in by the CA's staff: the carrier's own news may be newer.
                    @if tracking.provider == "manual" {
                        p.hint { (ctx.t(T::WebParcelTypedByStaff)) }
                    }
                }
            }
        }
        @if !reversed.is_empty() {
            section aria-labelledby="invoices" {
                h2 #invoices { (ctx.t(T::WebReversedInvoices)) }
                ul {
                    @for r in &reversed {
                        li {
                            (ctx.fill(T::WebInvoiceReversedLine, &[&r.invoice_no, &r.buyer_name, &r.red_invoice_no]))
                            @if let Some(why) = r.reason.as_deref().filter(|w| !w.trim().is_empty()) {
                                br; span.small { (ctx.fill(T::WebInvoiceReversedWhy, &[why])) }
                            }
                            br;
                            a href=(format!("/orders/{}/invoices/{}.pdf", row.order_no, r.red_invoice_no)) download { (ctx.fill(T::WebRedInvoiceDownload, &[&r.red_invoice_no])) }
                            " "
                            a href=(format!("/orders/{}/invoices/{}.pdf", row.order_no, r.invoice_no)) download { (ctx.fill(T::WebReversedInvoiceDownload, &[&r.invoice_no])) }
                        }
                    }
                }
            }
        }
        p { a href="/" { (ctx.t(T::WebMyOrders)) } }
    };
    page::page(ctx, status, &row.order_no, body)
}

/// Where and how much to transfer for `row`: the platform's account (said to be the
/// configuration's example when it is), the amount and the order number as the reference.
fn transfer_details(state: &AppState, ctx: &Ctx, row: &OrderRow, rest: Option<&str>) -> Markup {
    let bank = &state.config.bank;
    let amount = Money::from_fen(row.amount_fen)
        .unwrap_or_default()
        .to_string();
    // An organisation pays from its own account (as the printed slip says): a transfer
    // from someone's personal account is not the organisation's payment.
    let organisation = UserType::parse(&row.user_type) == Some(UserType::Organization);
    html! {
        @if organisation { p { strong { (ctx.t(T::WebTransferFromOrganisation)) } } }
        // The example account of the configuration: said in the page's language beside it
        // (its name says so in Chinese only), so nobody sends money there.
        @if state.demo.bank { p.demo role="note" { (ctx.t(T::WebDemoBank)) } }
        dl {
            dt { (ctx.t(T::WebBankAccountName)) } dd { (bank.account_name) }
            dt { (ctx.t(T::WebBankName)) } dd { (bank.bank) }
            dt { (ctx.t(T::WebBankAccountNo)) } dd.order-no { (bank.account_no) }
            // Returned short: the rest to transfer, said beside the order's amount.
            @if let Some(rest) = rest {
                dt { (ctx.t(T::DocStillToTransfer)) } dd { strong { (rest) } }
            } @else {
                dt { (ctx.t(T::PageAmount)) } dd { (amount) }
            }
            dt { (ctx.t(T::WebTransferReference)) } dd.order-no { (row.order_no) }
        }
    }
}

/// "Mailed by …": the promise (`[platform.review]`, working days from payment).
fn promise(state: &AppState, ctx: &Ctx, row: &OrderRow) -> String {
    let by = crate::server::paper::promised_by(state, crate::server::paper::promise_start(row));
    let date = crate::server::paper::date_in(ctx.lang, by);
    ctx.fill(
        T::WebMailedBy,
        &[&date, &format!("{:02}:{:02}", by.hour(), by.minute())],
    )
}

/// The form or the words of the order's next step.
async fn next_step(
    state: &AppState,
    ctx: &Ctx,
    row: &OrderRow,
    next: NextStep,
    errors: &[(String, String, String)],
    verified: bool,
) -> Result<Markup, ApiError> {
    let base = format!("/orders/{}", row.order_no);
    // An unpaid order is cancelled by itself after `unpaid_close_hours`: said while it waits.
    let closes = unpaid_closes(state, ctx, row);
    // Returned unverified, with the day's tries spent: said in place of the way to a code.
    let spent = if !verified && next == NextStep::Correct {
        match not_the_applicant(state, ctx, row).await? {
            Some(said) => Some(said),
            None => apply::realname_tries_spent(ctx, state, &row.customer_id).await?,
        }
    } else {
        None
    };
    Ok(match next {
        NextStep::Pay => html! {
            @if let Some(closes) = &closes { p.hint { (closes) } }
            @if state.payments.is_some() {
                form method="post" action=(format!("{base}/pay")) {
                    (super::form::token(ctx))
                    // The built-in cashier is named as what it is, not as Alipay.
                    div.actions { button type="submit" {
                        (ctx.t(if state.demo.cashier { T::WebPayDemoCashier } else { T::WebPayAlipay }))
                    } }
                }
            }
            form method="post" action=(format!("{base}/transfer")) {
                (super::form::token(ctx))
                input type="hidden" name="version" value=(row.version);
                div.actions { button.secondary type="submit" { (ctx.t(T::WebPayTransfer)) } }
            }
            @if state.payments.is_some() {
                p.hint { (ctx.t(T::WebTransferCanGoBack)) }
            }
            p { a href=(format!("{base}/cancel")) { (ctx.t(T::WebCancelLink)) } }
        },
        NextStep::UploadVoucher => {
            html! {
                p { (ctx.t(T::WebTransferIntro)) }
                p.hint { (ctx.t(T::WebTransferChecked)) }
                @if let Some(closes) = &closes { p.hint { (closes) } }
                (transfer_details(state, ctx, row, None))
                p { a href=(format!("{base}/slip.pdf")) download { (ctx.t(T::WebSlipDownload)) } }
                (upload_form(ctx, &format!("{base}/voucher"), row, None, T::WebVoucherLabel, errors))
                // Not transferred after all: back to paying online.
                @if state.payments.is_some() {
                    form method="post" action=(format!("{base}/online")) {
                        (super::form::token(ctx))
                        input type="hidden" name="version" value=(row.version);
                        div.actions { button.secondary type="submit" { (ctx.t(T::WebPayOnlineInstead)) } }
                    }
                }
                p { a href=(format!("{base}/cancel")) { (ctx.t(T::WebCancelLink)) } }
            }
        }
        NextStep::Correct => {
            let reasons = row.return_reasons();
            let since = state.store.since_return(row).await?;
            let returned_at = since.at;
            let deadline = crate::server::paper::date_in(
                ctx.lang,
                crate::server::paper::correction_deadline(state, returned_at),
            );
            // Each file asked for is uploaded on its own (a re-signed form, a transfer
            // slip…); the order goes back to review when the customer says they are all in.
            let uploaded = corrections_since(state, row, returned_at).await?;
            let corrected =
                crate::server::routes::actions::may_resubmit_without_file(row, &since, verified);
            let only_the_check = crate::domain::only_the_check(&reasons);
            // Returned for the check alone, nothing uploaded: no corrections to say are
            // all in.
            let check_alone = only_the_check && uploaded.is_empty();
            // A return about the details alone is answered by correcting them: said before
            // the customer prints and signs for nothing, and after they did correct them.
            let by_editing = crate::domain::answerable_by_correction(&reasons);
            let resubmit_hint = match (uploaded.is_empty(), corrected, by_editing) {
                // Returned for the check alone, and passed: nothing more to do but send it.
                (true, true, _) if only_the_check => T::WebResubmitVerified,
                (false, _, _) => T::WebResubmitWhenAll,
                (true, true, _) => T::WebResubmitCorrected,
                (true, false, true) => T::WebResubmitByEditing,
                (true, false, false) => T::WebResubmitFirst,
            };
            let resubmit_error = errors
                .iter()
                .find(|(field, _, _)| field == "resubmit")
                .map(|(_, _, message)| message.as_str());
            html! {
                h3 { (ctx.fill(T::PageNoticeReasons, &[&reasons.len().to_string()])) }
                // The checklist's reasons in the page's language (a reviewer's own words as
                // written).
                ol.reasons { @for reason in &reasons { li {
                    (crate::domain::return_reason_in(reason, ctx.lang))
                    // Passed since: said by the reason it answers.
                    @if verified && crate::domain::is_the_check(reason) {
                        " " span.ok { "✓ " (ctx.t(T::WebVerifiedNow)) }
                    }
                } } }
                p { (ctx.fill(crate::server::paper::deadline_text(row).1, &[&deadline])) }
                // The voucher asked for again (its amount wrong, say): the amount and the
                // account, which only the step before showed.
                @if crate::domain::asks_for_a_voucher(&reasons) {
                    @let rest = crate::server::paper::still_to_transfer(row, &reasons, ctx.lang);
                    @if rest.is_some() {
                        p { (ctx.t(T::WebTransferRestIntro)) }
                    } @else {
                        p { (ctx.t(T::WebTransferAgainIntro)) }
                    }
                    (transfer_details(state, ctx, row, rest.as_deref()))
                }
                // Not verified (returned for it, or never done): the check is done here, on
                // the customer's own phone — it was a dead end, the order sent back unverified.
                @if !verified {
                    div.field.invalid #verify {
                        p { strong { (ctx.t(T::WebCorrectVerifyFirst)) } }
                        @if let Some(said) = &spent {
                            p.bad role="status" { (said) }
                        } @else {
                            form method="post" action=(format!("{base}/verify")) {
                                (super::form::token(ctx))
                                div.actions { button type="submit" { (ctx.t(T::WebRealnameStart)) } }
                            }
                        }
                    }
                }
                p { a href=(format!("{base}/notice.pdf")) download { (ctx.t(T::WebNoticeDownload)) } }
                // Returned for the check alone: nothing to print, sign or upload.
                @if crate::domain::answered_by_a_voucher(&reasons) {
                    p { (ctx.t(T::WebCorrectVoucherIntro)) }
                } @else if !only_the_check {
                    p { (ctx.t(T::WebCorrectIntro)) }
                    // The form again only when the return may ask for it (not for a
                    // voucher alone).
                    @if crate::domain::may_ask_for_the_form(&reasons) {
                        p { (ctx.t(T::WebCorrectDetails)) }
                        p { a href=(format!("{base}/form.pdf")) download { (ctx.t(T::WebFormAgain)) } }
                    }
                }
                @if !uploaded.is_empty() {
                    h3 { (ctx.fill(T::WebCorrectionsIn, &[&uploaded.len().to_string()])) }
                    ul.uploaded { @for file in &uploaded {
                        @let check = crate::server::scan_match::kept(file.scan_json.as_deref(), row);
                        li {
                            (file.filename) " · " (crate::server::paper::date_time_in(ctx.lang, file.uploaded_at))
                            // The wrong file, taken back before it is sent (only what this
                            // phone uploaded: the counter's are the counter's).
                            @if file.uploaded_by == crate::server::store::self_service::ONLINE_OPERATOR_ID {
                                form.inline method="post" action=(format!("{base}/correction/{}/withdraw", file.id)) {
                                    (super::form::token(ctx))
                                    input type="hidden" name="version" value=(row.version);
                                    button.secondary type="submit"
                                        aria-label=(ctx.fill(T::WebCorrectionWithdrawNamed, &[&file.filename])) {
                                        (ctx.t(T::WebCorrectionWithdraw))
                                    }
                                }
                            }
                            // What the form's code says, as at the application's scan step:
                            // a photo with no code of ours is not ticked off as the form.
                            @if let Some(check) = &check {
                                br;
                                @if check.outcome == crate::api::ScanOutcome::NoCode {
                                    span { (ctx.t(T::WebCorrectionNoCode)) }
                                } @else if check.outcome == crate::api::ScanOutcome::NotChecked {
                                    span { (ctx.t(T::WebScanPdfNotChecked)) }
                                } @else {
                                    span.ok[check.is_ok()] { (check.describe(row.order_no.as_str(), ctx.lang)) }
                                }
                            }
                        }
                    } }
                }
                @if !only_the_check || !uploaded.is_empty() {
                    (upload_form(ctx, &format!("{base}/correction"), row, Some(returned_at),
                        if uploaded.is_empty() { correction_label(row) } else { T::WebCorrectionMore }, errors))
                }
                // Unverified, it would only come back for the same reason: no button until
                // the check passes (a post from a page left open is refused, said here).
                @if verified {
                    form method="post" action=(format!("{base}/resubmit")) {
                        (super::form::token(ctx))
                        input type="hidden" name="version" value=(row.version);
                        div.field.invalid[resubmit_error.is_some()] #resubmit {
                            p.hint { (ctx.t(resubmit_hint)) }
                            @if let Some(error) = resubmit_error { p.field-error { (error) } }
                        }
                        div.actions { button type="submit" {
                            (ctx.t(if check_alone { T::WebResubmitCheckOnly } else { T::WebResubmit }))
                        } }
                    }
                } @else {
                    div.field.invalid[resubmit_error.is_some()] #resubmit {
                        p.hint { (ctx.t(if check_alone { T::WebResubmitAfterCheckOnly } else { T::WebResubmitAfterCheck })) }
                        @if let Some(error) = resubmit_error { p.field-error { (error) } }
                    }
                }
            }
        }
        NextStep::RequestInvoice => html! {
            p { (ctx.t(T::WebInvoiceIntro)) }
            @if let Some(token) = &row.invoice_token {
                p { a.button href=(format!("/m/invoice/{token}")) { (ctx.t(T::WebInvoiceAsk)) } }
            }
        },
        NextStep::DownloadInvoice => download_invoice(state, ctx, row).await?,
        // Nothing for the customer to do: what is happening, and how they will hear.
        // Paid and waiting: by when the certificate is mailed, as the CA promises it.
        NextStep::AwaitReview => html! {
            p { (ctx.t(T::WebNothingToDo)) }
            p { (promise(state, ctx, row)) }
            (sms_demo(state, ctx))
        },
        NextStep::AwaitShipment => {
            // Mailed again after the courier brought it back, invoiced before: the invoice
            // stays theirs to download meanwhile (a company needs it for its books).
            let invoice = match row.invoice_no {
                Some(_) => Some(download_invoice(state, ctx, row).await?),
                None => None,
            };
            html! {
                p { (ctx.t(T::WebAwaitShipment)) }
                p { (promise(state, ctx, row)) }
                (sms_demo(state, ctx))
                @if let Some(invoice) = invoice { (invoice) }
            }
        }
        NextStep::AwaitInvoice => html! {
            // "E-mailed" only when mail is sent: the demo outbox keeps it.
            p { (ctx.t(if state.mail.name() == "outbox" { T::WebAwaitInvoiceOutbox } else { T::WebAwaitInvoice })) }
            // Until it is issued, what was asked for may still be changed.
            @if let Some(token) = &row.invoice_token {
                p { a href=(format!("/m/invoice/{token}")) { (ctx.t(T::WebInvoiceChange)) } }
            }
        },
        NextStep::Done => html! {
            p { (ctx.t(T::WebAllDone)) }
            p { (ctx.fill(T::WebNoInvoiceCall, &[&ctx.hotline])) }
        },
        NextStep::Cancelled => {
            // Why, in the words it was cancelled with (a clerk's, or the payment checker's).
            let history = state.store.history(&row.id).await?;
            let why = history
                .iter()
                .rev()
                .find(|h| h.action == "cancel")
                .and_then(|h| h.reason.clone())
                .filter(|r| !r.trim().is_empty())
                // The platform's own reasons in the page's language; a clerk's as typed.
                .map(|r| crate::i18n::cancel_reason_in(&r, ctx.lang));
            html! {
                @if let Some(why) = why { p { (ctx.fill(T::WebCancelledWhy, &[&why])) } }
                p { (ctx.t(T::WebCancelledNothing)) }
            }
        }
    })
}

/// The way to the order's issued invoice, by its number; said when the platform numbered
/// it itself (as the invoice was issued, whatever the platform is set to now).
async fn download_invoice(state: &AppState, ctx: &Ctx, row: &OrderRow) -> Result<Markup, ApiError> {
    let base = format!("/orders/{}", row.order_no);
    let builtin = state
        .store
        .invoices_of(&row.id)
        .await?
        .iter()
        .any(|i| Some(&i.invoice_no) == row.invoice_no.as_ref() && i.provider == "builtin");
    Ok(html! {
        // By its number: an order whose invoice was reversed lists others below.
        p { a.button href=(format!("{base}/invoice.pdf")) {
            @match &row.invoice_no {
                Some(number) => (ctx.fill(T::WebInvoiceDownloadNo, &[number])),
                None => (ctx.t(T::WebInvoiceDownload)),
            }
        } }
        @if builtin { p.demo role="note" { (ctx.t(T::PageInvoiceDemo)) } }
    })
}

/// The carrier's name in the page's language (its configured English name, when it has
/// one), else the name the platform gave.
fn carrier_in(state: &AppState, ctx: &Ctx, code: &str, given: &str) -> String {
    match (ctx.lang, state.config.mailing.carrier(code)) {
        (crate::i18n::Lang::En, Some(c)) if !c.name_en.is_empty() => c.name_en.clone(),
        _ => given.to_owned(),
    }
}

/// When an unpaid order is cancelled by itself (`[platform] unpaid_close_hours` after it was
/// made, by the payment checker), in the page's words.
fn unpaid_closes(state: &AppState, ctx: &Ctx, row: &OrderRow) -> Option<String> {
    let at = crate::server::paper::unpaid_closes_at(state, row);
    let when = crate::server::paper::date_time_in(ctx.lang, at);
    Some(ctx.fill(T::WebUnpaidCloses, &[&when]))
}

/// The corrections uploaded since the order was returned, oldest first.
async fn corrections_since(
    state: &AppState,
    row: &OrderRow,
    returned_at: i64,
) -> Result<Vec<crate::server::store::AttachmentRow>, ApiError> {
    Ok(state
        .store
        .attachments_of(&row.id)
        .await?
        .into_iter()
        .filter(|a| a.kind == AttachmentKind::Correction.as_str() && a.uploaded_at >= returned_at)
        .collect())
}

/// For a form sent from a page left behind (or a second tap), whose order has moved on
/// since (`seen` is not its version): the order's page as it is now, saying so — nothing
/// for the customer to fix. `None` when the page was the order's as it is.
async fn left_behind(
    state: &AppState,
    who: &SignedIn,
    row: &OrderRow,
    seen: Option<i64>,
) -> Option<Response> {
    if seen == Some(row.version) {
        return None;
    }
    Some(order_page(state, who, row, StatusCode::OK, &[], Some(moved_on(row))).await)
}

/// `POST /orders/{order_no}/correction/{id}/withdraw`: a correction uploaded on this
/// phone since the return, not sent yet (the wrong page, a blurred photo), taken back.
pub async fn withdraw_correction(
    State(state): State<AppState>,
    who: SignedIn,
    Path((order_no, id)): Path<(String, String)>,
    Form(form): Form<VersionForm>,
) -> Response {
    let ctx = &who.ctx;
    let row = match own_order(&state, &who, &order_no).await {
        Ok(row) => row,
        Err(page) => return page,
    };
    let page_now = format!("/orders/{}#resubmit", row.order_no);
    // Sent for review meanwhile (another tab): too late, said so.
    if row.status().ok() != Some(OrderStatus::Rejected) {
        let late = Some(T::WebCorrectionWithdrawTooLate);
        return order_page(&state, &who, &row, StatusCode::OK, &[], late).await;
    }
    // From a page left behind (another file taken back since, a second tap): the page as
    // it is now lists what is in.
    if form.version != Some(row.version) {
        return page::see_other(&page_now);
    }
    let since = match state.store.since_return(&row).await {
        Ok(since) => since,
        Err(e) => return failed(ctx, e.into()),
    };
    let actor = customer_actor(&who.customer.phone);
    match state
        .store
        .withdraw_correction(&row, &id, since.at, &actor)
        .await
    {
        Ok(Some(_)) => {
            page::see_other(&format!("/orders/{}?done=withdrawn#resubmit", row.order_no))
        }
        // Not one of this phone's corrections, or the order moved on under it.
        Ok(None) => page::see_other(&page_now),
        Err(e) => failed(ctx, e.into()),
    }
}

/// `POST /orders/{order_no}/verify`: the real-name check of a customer whose returned order
/// waits for it — a code of the customer's own, and its page (the phone's form, or the
/// provider's). Verified already, or the order not returned: back to the order.
pub async fn verify(
    State(state): State<AppState>,
    who: SignedIn,
    headers: HeaderMap,
    Path(order_no): Path<String>,
) -> Response {
    let ctx = &who.ctx;
    let row = match own_order(&state, &who, &order_no).await {
        Ok(row) => row,
        Err(page) => return page,
    };
    if who.customer.realname_verified_at.is_some()
        || row.status().ok() != Some(OrderStatus::Rejected)
    {
        return page::see_other(&format!("/orders/{}", row.order_no));
    }
    // Someone else's application on this account (checked here, it would bind the
    // account to another person and still leave the order unapprovable), or the day's
    // tries spent: said, with the way back to the order.
    let refused = match not_the_applicant(&state, ctx, &row).await {
        Ok(Some(said)) => Some((StatusCode::CONFLICT, said)),
        Ok(None) => match apply::realname_tries_spent(ctx, &state, &who.customer.id).await {
            Ok(said) => said.map(|said| (StatusCode::TOO_MANY_REQUESTS, said)),
            Err(e) => return failed(ctx, e),
        },
        Err(e) => return failed(ctx, e),
    };
    if let Some((status, said)) = refused {
        let title = ctx.t(T::WebStepRealname);
        let back = html! {
            h1 { (title) }
            p.bad role="status" { (said) }
            p { a.button href=(format!("/orders/{}", row.order_no)) { (ctx.t(T::PagePayBackToOrder)) } }
        };
        return page::page(ctx, status, title, back);
    }
    let valid_ms = state.config.realname_valid_ms();
    match state
        .store
        .create_realname_session(
            &who.customer.id,
            // The order's applicant (an account without a registered name: theirs).
            if who.customer.name.trim().is_empty() {
                &row.applicant_name
            } else {
                &who.customer.name
            },
            // The order's applicant: verifying anyone else would leave it unapprovable.
            Some(&row.id_number),
            crate::server::store::self_service::ONLINE_OPERATOR_ID,
            valid_ms,
        )
        .await
    {
        // On a phone, its page; on a computer, a code for the phone (a provider's face
        // check runs in its app on the phone), as the application's check does.
        Ok((_, token)) if is_phone(&headers) => page::see_other(&format!("/m/realname/{token}")),
        Ok((_, token)) => {
            let url = format!("{}/m/realname/{token}", state.public_base);
            let title = ctx.t(T::WebStepRealname);
            page::page(
                ctx,
                StatusCode::OK,
                title,
                html! {
                    h1 { (title) }
                    (apply::realname_code(ctx, &url))
                    p { a.button href=(format!("/orders/{}", row.order_no)) { (ctx.t(T::PagePayBackToOrder)) } }
                },
            )
        }
        Err(e) => failed(ctx, e.into()),
    }
}

/// What the customer is told when the order's applicant is not the person registered on
/// this account: the check on their phone verifies the account's person, never the
/// applicant, so it is done by the applicant at a counter.
async fn not_the_applicant(
    state: &AppState,
    ctx: &Ctx,
    row: &OrderRow,
) -> Result<Option<String>, ApiError> {
    let Some(customer) = state.store.customer(&row.customer_id).await? else {
        return Ok(None);
    };
    let same = customer.name.trim().is_empty()
        || crate::server::identity::same_name(&row.applicant_name, &customer.name);
    Ok((!same).then(|| {
        ctx.fill(
            T::WebVerifyNotApplicant,
            &[&crate::domain::mask_name(&row.applicant_name)],
        )
    }))
}

/// The customer's order returned for the real-name check whose applicant is the account's
/// person (its registered name, or an account without one): a check the customer begins
/// anywhere is that applicant's — anyone else verified would leave the order never
/// approvable, and a verified identity is never replaced. For as long as it stays
/// returned (it is never closed by itself): one whose ID number is wrong is corrected, and
/// its customer verified, at a counter.
pub(crate) async fn returned_for_the_check(
    state: &AppState,
    customer: &CustomerRow,
) -> Result<Option<OrderRow>, ApiError> {
    let orders = state.store.orders_of_customer(&customer.id, 20).await?;
    Ok(orders.into_iter().find(|o| {
        o.status().ok() == Some(OrderStatus::Rejected)
            && crate::domain::asks_for_the_check(&o.return_reasons())
            && (customer.name.trim().is_empty()
                || crate::server::identity::same_name(&o.applicant_name, &customer.name))
    }))
}

/// `POST /orders/{order_no}/resubmit`: every correction uploaded since the return is in;
/// the order goes back to review with them.
pub async fn resubmit(
    State(state): State<AppState>,
    who: SignedIn,
    Path(order_no): Path<String>,
    Form(form): Form<VersionForm>,
) -> Response {
    let ctx = &who.ctx;
    let row = match own_order(&state, &who, &order_no).await {
        Ok(row) => row,
        Err(page) => return page,
    };
    let refused = |message: String| {
        let (state, who, row) = (&state, &who, &row);
        async move {
            let errors = vec![(
                "resubmit".to_owned(),
                ctx.t(T::WebResubmit).to_owned(),
                message,
            )];
            order_page(
                state,
                who,
                row,
                StatusCode::UNPROCESSABLE_ENTITY,
                &errors,
                None,
            )
            .await
        }
    };
    if let Some(now) = left_behind(&state, &who, &row, form.version).await {
        return now;
    }
    let since = match state.store.since_return(&row).await {
        Ok(since) => since,
        Err(e) => return failed(ctx, e.into()),
    };
    let uploaded = match corrections_since(&state, &row, since.at).await {
        Ok(uploaded) => uploaded,
        Err(e) => return failed(ctx, e),
    };
    // Back to review unverified, it could only be returned again for the same reason.
    if who.customer.realname_verified_at.is_none() {
        return refused(ctx.t(T::WebCorrectVerifyFirst).to_owned()).await;
    }
    let corrected = crate::server::routes::actions::may_resubmit_without_file(
        &row,
        &since,
        who.customer.realname_verified_at.is_some(),
    );
    // Nothing uploaded is fine when a return about the address alone was answered by
    // correcting it (`actions::may_resubmit_without_file`).
    if uploaded.is_empty() && !corrected {
        return refused(ctx.t(T::WebResubmitNothing).to_owned()).await;
    }
    let request = ActionRequest {
        attachment_ids: uploaded.into_iter().map(|a| a.id).collect(),
        ..ActionRequest::default()
    };
    act(
        &state,
        &who,
        &row,
        Action::Resubmit,
        &request,
        row.version,
        "resubmit",
    )
    .await
}

/// An upload's form; `round`, a correction's: the return it answers (see
/// [`upload`]).
fn upload_form(
    ctx: &Ctx,
    action: &str,
    row: &OrderRow,
    round: Option<i64>,
    label: T,
    errors: &[(String, String, String)],
) -> Markup {
    let error = errors
        .iter()
        .find(|(field, _, _)| field == "scan")
        .map(|(_, _, message)| message.as_str());
    let action = format!("{action}?{}={}", super::FORM_FIELD, ctx.form_token);
    html! {
        form method="post" action=(action) enctype="multipart/form-data" {
            input type="hidden" name="version" value=(row.version);
            @if let Some(round) = round { input type="hidden" name="round" value=(round); }
            div.field.invalid[error.is_some()] {
                label for="scan" { (ctx.t(label)) }
                p.hint id="scan-hint" { (ctx.fill(T::WebScanHint, &[&ctx.upload_mb.to_string()])) }
                @if let Some(error) = error { p.field-error id="scan-error" { (error) } }
                input type="file" id="scan" name="scan" accept="image/*,application/pdf"
                    aria-describedby=(if error.is_some() { "scan-hint scan-error" } else { "scan-hint" });
            }
            div.actions { button type="submit" { (ctx.t(T::WebUpload)) } }
        }
    }
}

/// `POST /orders/{order_no}/pay`: on a phone, into Alipay's mobile cashier (and back); on
/// a PC, a QR code to scan with the phone.
pub async fn pay(
    State(state): State<AppState>,
    who: SignedIn,
    Path(order_no): Path<String>,
    headers: HeaderMap,
) -> Response {
    let row = match own_order(&state, &who, &order_no).await {
        Ok(row) => row,
        Err(page) => return page,
    };
    let by = customer_actor(&who.customer.phone);
    if is_phone(&headers) {
        let back = format!("{}/orders/{}", state.public_base, row.order_no);
        return match crate::server::routes::payments::open_wap(&state, &row, &by, &back).await {
            Ok(url) => page::see_other(&url),
            Err(e) => not_now(&state, &who, &row, e, "next-step").await,
        };
    }
    // The code at an address of its own: reload and Back there show it as it stands.
    match crate::server::routes::payments::open_qr(&state, &row, &by).await {
        Ok(_) => page::see_other(&format!("/orders/{}/pay", row.order_no)),
        Err(e) => not_now(&state, &who, &row, e, "next-step").await,
    }
}

/// `GET /orders/{order_no}/pay`: on a PC, the order's live payment code to scan with the
/// phone, with the amount and how long it is good. Paid meanwhile, or its code run out:
/// the order's page (which says so, and offers to pay again).
pub async fn pay_page(
    State(state): State<AppState>,
    who: SignedIn,
    Path(order_no): Path<String>,
) -> Response {
    let ctx = &who.ctx;
    let row = match own_order(&state, &who, &order_no).await {
        Ok(row) => row,
        Err(page) => return page,
    };
    let order_page = format!("/orders/{}", row.order_no);
    if row.status().ok() != Some(OrderStatus::PendingPayment) {
        return page::see_other(&order_page);
    }
    let payment = match state.store.open_payment(&row.id).await {
        Ok(Some(payment)) => payment,
        // Its code run out: the order's page says so. None was ever shown (an address
        // typed or kept from another visit): the order's page, without a word of one.
        Ok(None) => {
            return match state.store.had_payment_code(&row.id).await {
                Ok(true) => page::see_other(&format!("{order_page}?expired=1")),
                Ok(false) => page::see_other(&format!("{order_page}#next-step")),
                Err(e) => failed(ctx, e.into()),
            };
        }
        Err(e) => return failed(ctx, e.into()),
    };
    let minutes =
        crate::server::web::page::minutes_left(payment.expires_at - crate::server::store::now_ms());
    let amount = Money::from_fen(payment.amount_fen)
        .unwrap_or_default()
        .to_string();
    let wire = crate::server::routes::payments::wire(&state, payment);
    let qr = apply::qr_data_uri(&wire.pay_url);
    page::page(
        ctx,
        StatusCode::OK,
        ctx.t(T::PagePayTitle),
        html! {
            h1 { (ctx.t(T::PagePayTitle)) }
            dl {
                dt { (ctx.t(T::PageOrder)) } dd { (row.order_no) }
                dt { (ctx.t(T::PageAmount)) } dd.amount { (amount) }
            }
            // The demo cashier's code is no Alipay code: said what it opens.
            p { (ctx.t(if state.sandbox.is_some() { T::WebPayScanDemo } else { T::WebPayScan })) }
            img.qr src=(qr) alt=(ctx.t(T::WebPayQrAlt));
            p.hint { (ctx.fill(T::WebRealnameCodeValid, &[&minutes])) }
            p { a.button href=(format!("{order_page}?paid=1")) { (ctx.t(T::WebPaidDone)) } }
        },
    )
}

/// Under a promise of text messages, when texts are only logged: none will come.
fn sms_demo(state: &AppState, ctx: &Ctx) -> Markup {
    html! {
        @if state.demo.sms {
            p.demo role="note" { (ctx.t(T::WebSmsDemo)) }
        }
    }
}

/// What the order's page says when a step was sent from a page the order has left: in
/// review, that it is (a second tap on "send for review" on a slow network is the usual
/// way here, and "the order has moved on" read as a failure); else that it moved on.
fn moved_on(row: &OrderRow) -> T {
    if row.status().ok() == Some(OrderStatus::PendingReview) {
        T::WebInReviewAlready
    } else {
        T::WebOrderMovedOn
    }
}

/// The order's page again, saying why the step could not be taken now.
/// `field` is where the message belongs: `scan` beside an upload, else the next step's
/// heading.
async fn not_now(
    state: &AppState,
    who: &SignedIn,
    row: &OrderRow,
    error: ApiError,
    field: &str,
) -> Response {
    let ctx = &who.ctx;
    // A page left behind (Back, another tab, the counter): the order has moved on since.
    // Not the customer's mistake: the order as it stands now, said so.
    let moved_on = matches!(
        &error,
        ApiError::Conflict {
            code: "invalid_transition"
                | "not_awaiting_payment"
                | "transfer_chosen"
                | "version_conflict",
            ..
        }
    );
    let message = match &error {
        ApiError::Conflict { detail, .. } | ApiError::Missing { detail, .. } => {
            detail.render(ctx.lang)
        }
        ApiError::Validation(fields) => fields
            .iter()
            .map(|(_, message)| message.render(ctx.lang))
            .collect::<Vec<_>>()
            .join("；"),
        _ => return failed(ctx, error),
    };
    // Reload: the order may have moved on (paid in the other tab).
    let row = match state.store.order_by_no(&row.order_no).await {
        Ok(Some(fresh)) => fresh,
        Ok(None) => row.clone(),
        Err(e) => return failed(ctx, e.into()),
    };
    if moved_on {
        // "In review: its material is sent" answers a second tap on sending material; a
        // cancel, a payment or a transfer confirmed on a page left behind was not done,
        // said so (a cancel read as done by a customer whose order went on to review).
        let said = if field == "next-step" && row.status().ok() == Some(OrderStatus::PendingReview)
        {
            T::WebNotDoneInReview
        } else {
            self::moved_on(&row)
        };
        return order_page(state, who, &row, StatusCode::OK, &[], Some(said)).await;
    }
    let errors = vec![(
        field.to_owned(),
        ctx.t(T::WebNextStepLabel).to_owned(),
        message,
    )];
    order_page(state, who, &row, StatusCode::CONFLICT, &errors, None).await
}

/// `version`
#[derive(Debug, Deserialize)]
pub struct VersionForm {
    version: Option<i64>,
}

/// `POST /orders/{order_no}/transfer`: the customer will pay by bank transfer.
pub async fn choose_transfer(
    State(state): State<AppState>,
    who: SignedIn,
    Path(order_no): Path<String>,
    Form(form): Form<VersionForm>,
) -> Response {
    choose_payment(&state, &who, &order_no, form, Action::ChooseBankTransfer).await
}

/// `POST /orders/{order_no}/online`: the customer who chose bank transfer pays online
/// after all (the order waits for payment again).
pub async fn choose_online(
    State(state): State<AppState>,
    who: SignedIn,
    Path(order_no): Path<String>,
    Form(form): Form<VersionForm>,
) -> Response {
    choose_payment(&state, &who, &order_no, form, Action::ChooseOnlinePayment).await
}

async fn choose_payment(
    state: &AppState,
    who: &SignedIn,
    order_no: &str,
    form: VersionForm,
    action: Action,
) -> Response {
    let row = match own_order(state, who, order_no).await {
        Ok(row) => row,
        Err(page) => return page,
    };
    // A form without the version it was made from is as stale as an old one: no order has
    // version 0, so the page says the order has moved on.
    let version = form.version.unwrap_or(0);
    let request = ActionRequest::default();
    act(state, who, &row, action, &request, version, "next-step").await
}

/// `GET /orders/{order_no}/cancel`: whether to cancel an order not paid yet, asked once
/// more (a tap on a small screen is easily a mistake); an order past paying is its page.
pub async fn cancel_page(
    State(state): State<AppState>,
    who: SignedIn,
    Path(order_no): Path<String>,
) -> Response {
    let row = match own_order(&state, &who, &order_no).await {
        Ok(row) => row,
        Err(page) => return page,
    };
    let status = row.status().ok();
    if status.is_none_or(|s| crate::domain::next_status(Action::Cancel, s).is_none()) {
        return page::see_other(&format!("/orders/{}", row.order_no));
    }
    let ctx = &who.ctx;
    let title = ctx.fill(T::WebCancelTitle, &[&row.order_no]);
    let body = html! {
        h1 { (title) }
        dl {
            dt { (ctx.t(T::PageProduct)) } dd { (row.project_name) " · " (row.product_name) }
            dt { (ctx.t(T::PageAmount)) } dd { (Money::from_fen(row.amount_fen).unwrap_or_default().to_string()) }
        }
        p { (ctx.t(T::WebCancelText)) }
        // Money may be on its way: the voucher, not a cancellation, is what it needs.
        @if status == Some(OrderStatus::PendingVoucher) {
            p { strong { (ctx.t(T::WebCancelTransferred)) } }
        }
        form method="post" action=(format!("/orders/{}/cancel", row.order_no)) {
            (super::form::token(ctx))
            input type="hidden" name="version" value=(row.version);
            div.actions { button.secondary type="submit" { (ctx.t(T::WebCancelConfirm)) } }
        }
        p { a.button href=(format!("/orders/{}", row.order_no)) { (ctx.t(T::WebCancelKeep)) } }
    };
    page::page(ctx, StatusCode::OK, &title, body)
}

/// `POST /orders/{order_no}/cancel`: the customer cancels an order not paid yet, at the
/// version the question showed (a payment that came in meanwhile wins: the page says the
/// order has moved on).
pub async fn cancel(
    State(state): State<AppState>,
    who: SignedIn,
    Path(order_no): Path<String>,
    Form(form): Form<VersionForm>,
) -> Response {
    let row = match own_order(&state, &who, &order_no).await {
        Ok(row) => row,
        Err(page) => return page,
    };
    // The history is written in the platform's language, whatever the customer reads.
    let request = ActionRequest {
        reason: Some(T::WebCancelReason.get(crate::i18n::Lang::ZhCn).to_owned()),
        ..ActionRequest::default()
    };
    let version = form.version.unwrap_or(0);
    act(
        &state,
        &who,
        &row,
        Action::Cancel,
        &request,
        version,
        "next-step",
    )
    .await
}

/// Performs `action` on the customer's order `row` as them, at the `version` their page
/// showed: to the order's page when done, else the page again saying why (by `field`).
async fn act(
    state: &AppState,
    who: &SignedIn,
    row: &OrderRow,
    action: Action,
    request: &ActionRequest,
    version: i64,
    field: &str,
) -> Response {
    let done = perform(
        state,
        row,
        action,
        request,
        Performer {
            version,
            actor: customer_actor(&who.customer.phone),
            claimant: None,
            request_id: None,
        },
    )
    .await;
    match done {
        // Back on the order's page, saying what was done (the voucher in, sent for review).
        Ok(_) => {
            let said = match action {
                Action::UploadVoucher => "?done=voucher",
                Action::Resubmit => "?done=resubmit",
                Action::Cancel => "?done=cancelled",
                _ => "",
            };
            page::see_other(&format!("/orders/{}{said}", row.order_no))
        }
        Err(e) => not_now(state, who, row, e, field).await,
    }
}

/// `POST /orders/{order_no}/voucher` (multipart `scan`): the transfer voucher.
pub async fn upload_voucher(
    State(state): State<AppState>,
    who: SignedIn,
    Path(order_no): Path<String>,
    multipart: Multipart,
) -> Response {
    upload(
        &state,
        &who,
        &order_no,
        multipart,
        AttachmentKind::Voucher,
        Action::UploadVoucher,
    )
    .await
}

/// `POST /orders/{order_no}/correction` (multipart `scan`): one of the corrections asked
/// for (a signed form is checked against the order's QR code as at the counter), kept
/// until the customer sends them all back to review (`/resubmit`).
pub async fn upload_correction(
    State(state): State<AppState>,
    who: SignedIn,
    Path(order_no): Path<String>,
    multipart: Multipart,
) -> Response {
    upload(
        &state,
        &who,
        &order_no,
        multipart,
        AttachmentKind::Correction,
        Action::Resubmit,
    )
    .await
}

async fn upload(
    state: &AppState,
    who: &SignedIn,
    order_no: &str,
    multipart: Multipart,
    kind: AttachmentKind,
    action: Action,
) -> Response {
    let ctx = &who.ctx;
    let row = match own_order(state, who, order_no).await {
        Ok(row) => row,
        Err(page) => return page,
    };
    let shown = &row;
    // The name the field has on the page, for the summary of what to fix.
    let label = match kind {
        AttachmentKind::Voucher => T::WebVoucherLabel,
        AttachmentKind::Correction => correction_label(&row),
        _ => T::WebScanLabel,
    };
    let refused = |message: String| async move {
        let errors = vec![("scan".to_owned(), ctx.t(label).to_owned(), message)];
        order_page(
            state,
            who,
            shown,
            StatusCode::UNPROCESSABLE_ENTITY,
            &errors,
            None,
        )
        .await
    };
    let received = match read_upload(state, who, multipart).await {
        Ok(received) => received,
        Err(message) => return refused(message).await,
    };
    // Without the version its form was made from, an upload is as stale as one with an
    // old version. With an older one it is judged by the step the order is at now (an
    // address corrected in another tab moves the version, not the step): the file was
    // chosen now, for a step the order still takes.
    if received.version.is_none_or(|version| version > row.version) {
        // Named, so that the customer knows the file is not on the order.
        let said = ctx.fill(
            T::WebFileNotTaken,
            &[&received.filename, ctx.t(T::WebOrderMovedOn)],
        );
        return refused(said).await;
    }
    // Nor is a file for a step the transition table does not allow the order now (a
    // crafted post: its page offers none): a voucher on an order past review would read
    // as proof of a second payment, a correction on one not returned as a change asked for.
    let allowed = row
        .status()
        .ok()
        .is_some_and(|status| crate::domain::next_status(action, status).is_some());
    if !allowed {
        let said = ctx.fill(
            T::WebFileNotTaken,
            &[&received.filename, ctx.t(T::WebFileNotNow)],
        );
        return refused(said).await;
    }
    if kind == AttachmentKind::Correction {
        // When the order was returned (one read of its history for both checks below).
        let returned_at = match state.store.returned_at(&row).await {
            Ok(at) => at,
            Err(e) => return failed(ctx, e.into()),
        };
        // A correction chosen on the page of an earlier return (the order sent back and
        // returned again since, maybe for other reasons): not taken into this one unseen.
        if received.round.is_some_and(|round| round != returned_at) {
            let said = ctx.fill(
                T::WebFileNotTaken,
                &[&received.filename, ctx.t(T::WebReturnedAgain)],
            );
            return refused(said).await;
        }
        // The very file the order was returned over (the same signed form sent again)
        // corrects nothing: said now, not found out at the next review.
        if let Ok(Some(earlier)) = state
            .store
            .sent_before(&row, &received.data, returned_at)
            .await
        {
            // A voucher sent again for a return over the voucher: it is on the order.
            let said = if crate::domain::answered_by_a_voucher(&row.return_reasons()) {
                T::WebSameVoucherAsReturned
            } else {
                T::WebSameFileAsReturned
            };
            return refused(ctx.fill(said, &[&earlier])).await;
        }
    }
    let scan_json = match crate::server::scan_match::check_upload(
        &state.uploads,
        kind,
        &received.data,
        received.content_type,
        received.pdf_codes.clone(),
        &row,
    )
    .await
    {
        Ok(scan_json) => scan_json,
        Err(why) => {
            // Another customer's paper is not named to this one.
            let said = match why {
                crate::server::scan_match::Refused::OtherOrder(_) => {
                    ctx.fill(T::WebScanOtherOrder, &[&row.order_no])
                }
                // Nor which paper of ours it is (it may be another order's).
                crate::server::scan_match::Refused::OurPaper(_) => {
                    ctx.t(T::WebVoucherIsOurPaper).to_owned()
                }
                other => other.message(&row.order_no).render(ctx.lang),
            };
            return refused(said).await;
        }
    };
    let actor = customer_actor(&who.customer.phone);
    let filename = received.filename.clone();
    let attachment = NewAttachment {
        order_id: row.id.clone(),
        kind: kind.as_str().into(),
        content_type: received.content_type.into(),
        filename: received.filename,
        data: received.data,
        uploaded_by: ONLINE_OPERATOR_ID.into(),
        scan_json,
    };
    // The step asked again as the file is kept: the order may have moved meanwhile.
    let still = move |status| crate::domain::next_status(action, status).is_some();
    let id = match state
        .store
        .attach(&row, attachment, &actor, None, Some(&still))
        .await
    {
        Ok(Attached::Stored(id, _)) => id,
        // The order moved on while the file was checked (sent from another tab): not
        // kept, said on the order as it is now.
        Ok(Attached::Moved { .. }) => {
            let said = ctx.fill(T::WebFileNotTaken, &[&filename, ctx.t(T::WebOrderMovedOn)]);
            let now = match own_order(state, who, order_no).await {
                Ok(now) => now,
                Err(page) => return page,
            };
            let errors = vec![("scan".to_owned(), ctx.t(label).to_owned(), said)];
            return order_page(
                state,
                who,
                &now,
                StatusCode::UNPROCESSABLE_ENTITY,
                &errors,
                None,
            )
            .await;
        }
        Err(e) => return failed(ctx, e.into()),
    };
    // A correction may be one of several files asked for: it is kept, and the order goes
    // back to review when the customer sends them all (`/resubmit`).
    if kind == AttachmentKind::Correction {
        return page::see_other(&format!("/orders/{}#resubmit", row.order_no));
    }
    let request = ActionRequest {
        attachment_ids: vec![id],
        ..ActionRequest::default()
    };
    act(state, who, &row, action, &request, row.version, "scan").await
}

/// The issued e-invoice of `row` as a download, `None` before it is issued: for the
/// customer's order page and for the link the shipping SMS sent (`/m/invoice/{token}`).
pub(crate) async fn invoice_file(
    state: &AppState,
    row: &OrderRow,
) -> crate::server::store::StoreResult<Option<Response>> {
    let Some(invoice) = state.store.invoice_for(&row.id).await? else {
        return Ok(None);
    };
    let Some(attachment_id) = invoice.attachment_id else {
        return Ok(None);
    };
    let Some(bytes) = state.store.attachment_data(&attachment_id).await? else {
        return Ok(None);
    };
    // A demo's file says so by its name too.
    let demo = if state.demo.invoice_mark().is_some() {
        "-DEMO"
    } else {
        ""
    };
    Ok(Some(apply::pdf_download(
        bytes,
        &format!("invoice-{}{demo}", row.order_no),
    )))
}

/// `GET /orders/{order_no}/invoices/{invoice_no}.pdf`: any invoice of the customer's
/// order by its number — one reversed, or the red-letter invoice that reversed it.
pub async fn invoice_pdf_by_no(
    State(state): State<AppState>,
    who: SignedIn,
    Path((order_no, file)): Path<(String, String)>,
) -> Response {
    let ctx = &who.ctx;
    let row = match own_order(&state, &who, &order_no).await {
        Ok(row) => row,
        Err(page) => return page,
    };
    let number = file.strip_suffix(".pdf").unwrap_or(&file);
    let found = async {
        let invoices = state.store.invoices_of(&row.id).await?;
        let Some(attachment_id) = invoices
            .into_iter()
            .find(|i| i.invoice_no == number)
            .and_then(|i| i.attachment_id)
        else {
            return Ok(None);
        };
        state.store.attachment_data(&attachment_id).await
    };
    match found.await {
        Ok(Some(bytes)) => {
            let demo = if state.demo.invoice_mark().is_some() {
                "-DEMO"
            } else {
                ""
            };
            apply::pdf_download(bytes, &format!("invoice-{number}{demo}"))
        }
        Ok(None) => page::message(
            ctx,
            StatusCode::NOT_FOUND,
            ctx.t(T::WebInvoiceNotFound),
            &ctx.fill(T::WebInvoiceNotFoundNext, &[&ctx.hotline]),
        ),
        Err(e) => failed(ctx, ApiError::from(e)),
    }
}

/// `GET /orders/{order_no}/invoice.pdf`: the issued invoice.
pub async fn invoice_pdf(
    State(state): State<AppState>,
    who: SignedIn,
    Path(order_no): Path<String>,
) -> Response {
    let ctx = &who.ctx;
    let row = match own_order(&state, &who, &order_no).await {
        Ok(row) => row,
        Err(page) => return page,
    };
    match invoice_file(&state, &row).await {
        Ok(Some(file)) => file,
        Ok(None) => page::message(
            ctx,
            StatusCode::NOT_FOUND,
            ctx.t(T::WebInvoiceNotYet),
            ctx.t(T::WebInvoiceNotYetNext),
        ),
        Err(e) => failed(ctx, ApiError::from(e)),
    }
}

/// What a returned order's upload field is called: the transfer's voucher when that is
/// all the return asked for (a form was named beside it: "申请表、转账回单等"), else the
/// corrections.
fn correction_label(row: &OrderRow) -> T {
    if crate::domain::answered_by_a_voucher(&row.return_reasons()) {
        T::WebVoucherLabel
    } else {
        T::WebCorrectionLabel
    }
}
