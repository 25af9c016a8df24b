//! Orders: what is submitted, what is shown, pages, counts, actions, history and live events.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::{Action, OrderNo, OrderStatus, UserType};

use super::attachments::Attachment;
use super::invoicing::{InvoiceInfo, InvoiceRequestView};
use super::mailing::Shipment;
use super::review::{Claim, RealnameCheck};

/// The applicant (the person; for organisations, the handler 经办人).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Applicant {
    /// Full name.
    pub name: String,
    /// Resident ID number.
    pub id_number: String,
    /// Mobile number.
    pub phone: String,
    /// Email address, optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// The organisation applying, for organisation certificates.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Organization {
    /// Registered name.
    pub name: String,
    /// Unified social credit code.
    pub uscc: String,
    /// Legal representative.
    pub legal_representative: String,
}

/// Where the certificate is mailed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MailingAddress {
    /// Recipient name.
    pub recipient: String,
    /// Recipient mobile number.
    pub phone: String,
    /// Province, e.g. 湖南省.
    pub province: String,
    /// City, e.g. 长沙市.
    pub city: String,
    /// District, e.g. 岳麓区.
    pub district: String,
    /// Street and number.
    pub street: String,
    /// Six-digit postal code.
    pub postal_code: String,
}

/// `POST /api/v1/orders` (with an `Idempotency-Key` header).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NewOrder {
    /// The customer (see `/customers`).
    pub customer_id: String,
    /// The product; its user type decides whether `organization` is required.
    pub product_id: String,
    /// The applicant.
    pub applicant: Applicant,
    /// The organisation, for organisation products.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<Organization>,
    /// Mailing address.
    pub mailing: MailingAddress,
    /// A note for colleagues, optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The reference printed on the application form (申请编号), e.g. `SQ7F3K9QAB`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_ref: Option<String>,
    /// The version of the application terms the customer accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terms_version: Option<String>,
}

/// Someone who did something.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Actor {
    /// Operator id; `None` for the platform itself (payment provider, timers).
    pub id: Option<String>,
    /// Name shown.
    pub name: String,
}

/// An order in full.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Order {
    /// Order number, e.g. HN20261128000001.
    #[schema(value_type = String, example = "HN20261128000001")]
    pub order_no: OrderNo,
    /// Current status.
    pub status: OrderStatus,
    /// Version; send it back with every action.
    pub version: i64,
    /// Individual or organisation.
    pub user_type: UserType,
    /// The customer.
    pub customer_id: String,
    /// Project id.
    pub project_id: String,
    /// Project name.
    pub project_name: String,
    /// Product id.
    pub product_id: String,
    /// Product name.
    pub product_name: String,
    /// Validity in years.
    pub validity_years: i64,
    /// Amount in fen.
    pub amount_fen: i64,
    /// The applicant; personal data masked unless `revealed`.
    pub applicant: Applicant,
    /// The organisation, for organisation certificates.
    pub organization: Option<Organization>,
    /// Mailing address; phone and street masked unless `revealed`.
    pub mailing: MailingAddress,
    /// True when personal data is shown in full.
    pub revealed: bool,
    /// Note given at submission.
    pub note: Option<String>,
    /// The reference printed on the application form.
    pub application_ref: Option<String>,
    /// The version of the terms accepted.
    pub terms_version: Option<String>,
    /// `alipay`, `sandbox`, `bank_transfer`, or none yet.
    pub payment_method: Option<String>,
    /// When payment arrived (RFC 3339).
    pub paid_at: Option<String>,
    /// Reasons of the latest return for correction.
    pub rejection_reasons: Vec<String>,
    /// Shipment, once mailed.
    pub shipment: Option<Shipment>,
    /// Invoice number, once invoiced.
    pub invoice_no: Option<String>,
    /// The invoice, once issued.
    #[serde(default)]
    pub invoice: Option<InvoiceInfo>,
    /// The customer's invoice request, once made.
    #[serde(default)]
    pub invoice_request: Option<InvoiceRequestView>,
    /// Who submitted it.
    pub submitted_by: Actor,
    /// Created (RFC 3339).
    pub created_at: String,
    /// Last changed (RFC 3339).
    pub updated_at: String,
    /// The reviewer holding the order for review now, if anyone.
    #[serde(default)]
    pub claim: Option<Claim>,
    /// How often it came back corrected after being returned.
    #[serde(default)]
    pub resubmissions: i64,
    /// The payment provider's trade number, when paid by QR code.
    #[serde(default)]
    pub trade_no: Option<String>,
    /// What the customer's real-name verification established, beside what was submitted.
    #[serde(default)]
    pub realname: Option<RealnameCheck>,
    /// The actions the calling operator may take now, from the transition and role tables.
    pub allowed_actions: Vec<Action>,
    /// Attachments, oldest first.
    pub attachments: Vec<Attachment>,
}

/// One row of an order list; personal data always masked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OrderSummary {
    /// Order number.
    #[schema(value_type = String, example = "HN20261128000001")]
    pub order_no: OrderNo,
    /// Current status.
    pub status: OrderStatus,
    /// Version.
    pub version: i64,
    /// Applicant name (organisation name for organisations).
    pub customer_name: String,
    /// Masked mobile number.
    pub phone: String,
    /// Project name.
    pub project_name: String,
    /// Product name.
    pub product_name: String,
    /// Amount in fen.
    pub amount_fen: i64,
    /// Created (RFC 3339).
    pub created_at: String,
    /// Last changed (RFC 3339).
    pub updated_at: String,
}

/// A page of orders.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OrderPage {
    /// The orders of this page.
    pub items: Vec<OrderSummary>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// How many orders are in each status.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StatusCount {
    /// The status.
    pub status: OrderStatus,
    /// Orders in it.
    pub count: i64,
}

/// `POST /api/v1/orders/{order_no}/actions/{action}`: what the action needs (see
/// [`ActionNeeds`]) plus the version the person saw.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ActionRequest {
    /// The order version the person acted on (or send `If-Match`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    /// Free-text reason (cancel) or note (decline invoice).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Reasons for returning an order for correction.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
    /// Attachments the action is about (voucher, corrected materials).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachment_ids: Vec<String>,
    /// Carrier, for `ship`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carrier: Option<String>,
    /// Tracking number, for `ship`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_no: Option<String>,
    /// Invoice number, for `issue_invoice`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice_no: Option<String>,
}

/// `POST /api/v1/orders/{order_no}/notes`
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NewNote {
    /// The note.
    pub text: String,
}

/// A row of an order's audit trail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HistoryEntry {
    /// Row id, increasing.
    pub id: i64,
    /// When (RFC 3339).
    pub at: String,
    /// Who.
    pub actor: Actor,
    /// `submit`, an action name, `note`, `attach`, `reveal`, or a payment event.
    pub action: String,
    /// Status before, for transitions.
    pub from_status: Option<OrderStatus>,
    /// Status after, for transitions.
    pub to_status: Option<OrderStatus>,
    /// Reason, note or detail.
    pub reason: Option<String>,
    /// The request that made the change.
    pub request_id: Option<String>,
}

/// An order changed; sent on `GET /api/v1/events` with `id:` = `id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OrderEvent {
    /// Event id, increasing; resume after it with `Last-Event-ID`.
    pub id: i64,
    /// The order.
    #[schema(value_type = String, example = "HN20261128000001")]
    pub order_no: OrderNo,
    /// `created`, `transition`, `attachment`, `note`.
    pub kind: String,
    /// The action, for transitions.
    pub action: Option<String>,
    /// Status after the change.
    pub status: OrderStatus,
    /// Version after the change.
    pub version: i64,
    /// When (RFC 3339).
    pub at: String,
}
