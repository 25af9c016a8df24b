//! Invoicing: requests, the queue, issued invoices and the e-mail log.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::UserType;

use super::orders::OrderSummary;
use super::system::FieldWarning;

/// An invoice request as the customer or the counter made it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InvoiceRequestView {
    /// The request (checked).
    #[schema(value_type = Object)]
    pub request: crate::domain::InvoiceRequest,
    /// `counter` or `phone`.
    pub via: String,
    /// When (RFC 3339).
    pub requested_at: String,
}

/// An issued invoice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InvoiceInfo {
    /// The invoice number (20 digits).
    pub invoice_no: String,
    /// `normal` (普通发票) or `special` (专用发票).
    pub invoice_kind: String,
    /// Buyer.
    pub buyer_name: String,
    /// The buyer's tax number as printed on the invoice: an organisation's in full (a
    /// registration anyone may look up), an individual's masked (it may be their ID
    /// number). None when the invoice carries none.
    #[serde(default)]
    pub buyer_tax_number: Option<String>,
    /// Amount before tax, in fen.
    pub net_fen: i64,
    /// Tax, in fen.
    pub tax_fen: i64,
    /// Total, in fen.
    pub total_fen: i64,
    /// The e-invoice PDF (an attachment of the order).
    pub attachment_id: Option<String>,
    /// Where it was e-mailed (masked).
    pub email: String,
    /// How the e-mail went: `sent`, `kept` (outbox) or `failed`; `sending` while it is on
    /// its way, `waiting` while the platform is to try again (the mail server refused it
    /// for now).
    #[serde(default)]
    pub mail_status: Option<String>,
    /// Why it failed.
    #[serde(default)]
    pub mail_detail: Option<String>,
    /// When (RFC 3339).
    pub issued_at: String,
}

/// An invoice reversed (红冲): the blue invoice and the red-letter one that cancelled it
/// in full.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReversedInvoice {
    /// The blue invoice's number.
    pub invoice_no: String,
    /// The buyer it named.
    pub buyer_name: String,
    /// Its total, in fen (the red invoice's is the same, negative).
    pub total_fen: i64,
    /// Its PDF (an attachment of the order).
    pub attachment_id: Option<String>,
    /// The red-letter invoice's number.
    pub red_invoice_no: String,
    /// The red-letter confirmation's number (红字发票信息确认单编号).
    pub confirmation_no: Option<String>,
    /// The red-letter invoice's PDF (an attachment of the order).
    pub red_attachment_id: Option<String>,
    /// Why it was reversed, as finance said it.
    pub reason: Option<String>,
    /// When (RFC 3339).
    pub reversed_at: String,
}

/// What finance is told of an order back for a new invoice after its own was reversed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReissueNote {
    /// The reversed invoice's number.
    pub invoice_no: String,
    /// Why it was reversed, as finance said it.
    pub reason: Option<String>,
    /// The buyer it named.
    pub buyer_name: String,
    /// The tax number it named, if any.
    pub tax_number: Option<String>,
    /// Its kind: `normal` (普通发票) or `special` (专用发票).
    pub invoice_kind: String,
}

/// One order waiting for its invoice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InvoicingItem {
    /// The order, as in lists.
    pub order: OrderSummary,
    /// Individual or organisation.
    pub user_type: UserType,
    /// When it was mailed (RFC 3339).
    pub shipped_at: Option<String>,
    /// The customer's request, if one was made (in full only for those who issue
    /// invoices: it holds tax, bank and contact details).
    pub request: Option<InvoiceRequestView>,
    /// Where the request came from (`phone`, `counter`), shown to everyone.
    #[serde(default)]
    pub requested_via: Option<String>,
    /// The invoice reversed (红冲) when the order came back for a new one, if it did:
    /// only for those who issue invoices (it names the buyer's tax number).
    #[serde(default)]
    pub reversed: Option<ReissueNote>,
    /// What the order suggests for a new request (buyer, tax number, e-mail).
    #[schema(value_type = Object)]
    pub suggested: crate::domain::InvoiceRequestInput,
}

/// `GET /api/v1/invoicing`: orders in 待开票, requested ones first, then oldest mailing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InvoicingQueue {
    /// The orders.
    pub items: Vec<InvoicingItem>,
}

/// `POST /api/v1/orders/{order_no}/invoice`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct IssueInvoice {
    /// The version you saw. Required here, so that a client generated from this document
    /// always says which version it saw; the server also takes the `ETag` sent back as
    /// `If-Match` in its place (`428` without either).
    #[serde(
        default,
        deserialize_with = "super::json_integer::optional",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(required = true, minimum = 1, value_type = i64)]
    pub version: Option<i64>,
    /// The request to issue; the customer's saved request when absent. A `422` names its
    /// bad fields by their path in this body (`request.tax_number`).
    pub request: Option<crate::domain::InvoiceRequestInput>,
}

/// `PUT /api/v1/orders/{order_no}/invoice-request`: the answer, with warnings to show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InvoiceRequestSaved {
    /// The request as kept.
    pub request: InvoiceRequestView,
    /// Per-field warnings (e.g. a legacy tax number), `field → message`.
    pub warnings: Vec<FieldWarning>,
    /// The order's version now: saving the request changes it, and issuing the invoice
    /// needs it.
    pub version: i64,
}

/// An e-mail to a customer, as sent (or kept by the `outbox` provider).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MailMessage {
    /// Id.
    pub id: String,
    /// The order it is about.
    pub order_no: Option<String>,
    /// Recipient.
    pub to: String,
    /// Subject.
    pub subject: String,
    /// Body.
    pub body: String,
    /// The attached file, if any.
    pub attachment_id: Option<String>,
    /// `outbox` or `smtp`.
    pub provider: String,
    /// `kept`, `sent` or `failed` (refused for good, or after its last try); `sending`
    /// while it is on its way (one that stays so for two minutes, its sender stopped, is
    /// sent again by the platform); `waiting` when the mail server refused it for now or
    /// could not be reached: the platform tries again at `next_try_at`.
    pub status: String,
    /// Why it failed, or why it waits.
    pub detail: Option<String>,
    /// When (RFC 3339).
    pub created_at: String,
    /// How many times it was tried.
    #[serde(default)]
    pub attempts: i64,
    /// When it is tried again, while `waiting` (RFC 3339).
    #[serde(default)]
    pub next_try_at: Option<String>,
}
