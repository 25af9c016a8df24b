//! Orders: what is submitted, what is shown, pages, counts, actions, history and live events.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::{Action, OrderNo, OrderPart, OrderStatus, UserType};

use super::attachments::Attachment;
use super::invoicing::{InvoiceInfo, InvoiceRequestView};
use super::mailing::Shipment;
use super::review::{Claim, RealnameCheck};

/// The applicant (the person; for organisations, the handler 经办人).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Applicant {
    /// Full name.
    #[schema(schema_with = crate::api::schemas::name)]
    pub name: String,
    /// Resident ID number.
    #[schema(schema_with = crate::api::schemas::id_number)]
    pub id_number: String,
    /// Mobile number.
    #[schema(schema_with = crate::api::schemas::phone)]
    pub phone: String,
    /// Email address, optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(schema_with = crate::api::schemas::optional_email)]
    pub email: Option<String>,
}

/// The organisation applying, for organisation certificates.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Organization {
    /// Registered name.
    #[schema(schema_with = crate::api::schemas::long_name)]
    pub name: String,
    /// Unified social credit code.
    #[schema(schema_with = crate::api::schemas::uscc)]
    pub uscc: String,
    /// Legal representative.
    #[schema(schema_with = crate::api::schemas::name)]
    pub legal_representative: String,
}

/// Where the certificate is mailed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MailingAddress {
    /// Recipient name.
    #[schema(schema_with = crate::api::schemas::name)]
    pub recipient: String,
    /// The number the courier calls: a mobile, or a landline with its area code.
    #[schema(schema_with = crate::api::schemas::recipient_phone)]
    pub phone: String,
    /// Province, e.g. 湖南省 (or 湖南, or Hunan: kept in full).
    #[schema(schema_with = crate::api::schemas::province)]
    pub province: String,
    /// City, e.g. 长沙市.
    #[schema(schema_with = crate::api::schemas::place)]
    pub city: String,
    /// District, e.g. 岳麓区.
    #[schema(schema_with = crate::api::schemas::place)]
    pub district: String,
    /// Street and number.
    #[schema(schema_with = crate::api::schemas::street)]
    pub street: String,
    /// Six-digit postal code.
    #[schema(schema_with = crate::api::schemas::postal_code)]
    pub postal_code: String,
}

/// `POST /api/v1/orders` (with an `Idempotency-Key` header).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NewOrder {
    /// The customer (see `/customers`).
    #[schema(schema_with = crate::api::schemas::id)]
    pub customer_id: String,
    /// The product; its user type decides whether `organization` is required.
    #[schema(schema_with = crate::api::schemas::id)]
    pub product_id: String,
    /// The applicant.
    pub applicant: Applicant,
    /// The organisation: required for an organisation's product, refused (`422` on
    /// `organization`) for an individual's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<Organization>,
    /// Mailing address.
    pub mailing: MailingAddress,
    /// A note for colleagues, optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(schema_with = crate::api::schemas::optional_reason)]
    pub note: Option<String>,
    /// The reference printed on the application form (申请编号), e.g. `SQ7F3K9QAB`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(schema_with = crate::api::schemas::optional_reference)]
    pub application_ref: Option<String>,
    /// The version of the application terms the customer accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(schema_with = crate::api::schemas::optional_reference)]
    pub terms_version: Option<String>,
    /// The amount in fen the customer agreed to, as the form they signed shows it:
    /// refused (`422` on `amount_fen`, naming the price now) when the product's price is
    /// another now — changed since the form was printed. Optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(minimum = 1)]
    pub amount_fen: Option<i64>,
}

/// The applicant as an order shows it: masked (`1101**********002X`, `138****5678`) unless
/// revealed. Only the contract's description; the Rust type is [`Applicant`].
#[derive(ToSchema)]
#[allow(dead_code)]
pub(super) struct ApplicantShown {
    /// Full name, or masked (`*三`).
    name: String,
    /// Resident ID number, or masked.
    id_number: String,
    /// Mobile number, or masked.
    phone: String,
    /// Email address.
    email: Option<String>,
}

/// The organisation as an order shows it.
#[derive(ToSchema)]
#[allow(dead_code)]
pub(super) struct OrganizationShown {
    /// Registered name.
    name: String,
    /// Unified social credit code.
    uscc: String,
    /// Legal representative.
    legal_representative: String,
}

/// The mailing address as an order shows it (the street masked unless revealed).
#[derive(ToSchema)]
#[allow(dead_code)]
pub(super) struct MailingShown {
    /// Recipient name.
    recipient: String,
    /// Recipient mobile number, or masked.
    phone: String,
    /// Province.
    province: String,
    /// City.
    city: String,
    /// District.
    district: String,
    /// Street and number, or `****`.
    street: String,
    /// Postal code.
    postal_code: String,
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
    #[schema(value_type = ApplicantShown)]
    pub applicant: Applicant,
    /// The organisation, for organisation certificates.
    #[schema(value_type = Option<OrganizationShown>)]
    pub organization: Option<Organization>,
    /// Mailing address; phone and street masked unless `revealed`.
    #[schema(value_type = MailingShown)]
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
    /// Returned for the transfer's amount (转账凭证金额不符): what its vouchers showed in all
    /// (fen), when the reviewer said; the customer is asked for `amount_fen` less this.
    /// Null otherwise, and once the order is sent back for review.
    pub voucher_total_fen: Option<i64>,
    /// Shipment, once mailed.
    pub shipment: Option<Shipment>,
    /// By when the CA promises to mail the certificate (RFC 3339), while the order waits
    /// for review or shipment: the promise in working days from payment (from the
    /// correction, for an order sent back after a return)
    /// (`[platform.review]`), the date the customer's own order page gives.
    #[serde(default)]
    pub mailed_by: Option<String>,
    /// Invoice number, once invoiced.
    pub invoice_no: Option<String>,
    /// The invoice, once issued (not one reversed).
    #[serde(default)]
    pub invoice: Option<InvoiceInfo>,
    /// Invoices reversed (红冲), oldest first, each with its red-letter invoice.
    #[serde(default)]
    pub reversed_invoices: Vec<crate::api::ReversedInvoice>,
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
    #[schema(required = true)]
    pub resubmissions: i64,
    /// The payment provider's trade number, when paid by QR code.
    #[serde(default)]
    pub trade_no: Option<String>,
    /// What the customer's real-name verification established, beside what was submitted:
    /// on `GET /orders/{order_no}`. The answer to `POST /orders` (and its replays) leaves it
    /// out — it is not "not verified"; read the order for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub realname: Option<RealnameCheck>,
    /// The actions the calling operator may take now, from the transition and role tables.
    pub allowed_actions: Vec<Action>,
    /// The parts the calling operator may correct now (`PATCH /orders/{order_no}`): the
    /// mailing address until the order is mailed, an organisation's details while it is
    /// returned for correction; none without the permission.
    #[serde(default)]
    #[schema(required = true)]
    pub editable: Vec<OrderPart>,
    /// Attachments, oldest first.
    pub attachments: Vec<Attachment>,
    /// At a counter, or on the customer's own platform.
    #[serde(default)]
    pub channel: crate::domain::Channel,
}

/// `PATCH /api/v1/orders/{order_no}`: corrects what the order says. Give at least one of
/// `mailing` and `organization`; each part given replaces that part whole, a part left out
/// stays as it is. Which parts may change depends on the order's status (`editable` on the
/// order says); the applicant never does.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OrderUpdate {
    /// The version the person saw; a stale one is a `409 version_conflict`. (The order's
    /// `ETag` sent back as `If-Match` is taken instead when this is left out.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = i64, required = true, minimum = 1)]
    pub version: Option<i64>,
    /// Not correctable: the applicant was verified (a wrong person is a new order). Sent,
    /// it is refused by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub applicant: Option<serde_json::Value>,
    /// The new mailing address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mailing: Option<MailingAddress>,
    /// The organisation's corrected details (organisation orders).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<Organization>,
    /// Why, for the audit trail (e.g. "客户来电，搬家"), optional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(schema_with = crate::api::schemas::optional_reason)]
    pub reason: Option<String>,
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
    /// At a counter, or on the customer's own platform.
    #[serde(default)]
    pub channel: crate::domain::Channel,
    /// How it was paid or is being paid: `alipay`, `sandbox` (the demo cashier: no money),
    /// `bank_transfer`; absent before a way is chosen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_method: Option<String>,
}

/// A page of orders.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OrderPage {
    /// The orders of this page.
    pub items: Vec<OrderSummary>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    /// Present on a search's answer while orders written outside the platform (a bulk
    /// import) are still being given their search terms: until then such orders may be
    /// missing from the answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search_indexing: Option<SearchIndexing>,
}

/// How far the platform is in making imported orders searchable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SearchIndexing {
    /// Orders given their search terms so far.
    pub indexed: u64,
    /// Orders that were waiting for them.
    pub total: u64,
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
    /// The order version the person acted on. Required here, so that a client generated
    /// from this document always says which version it saw; the server also takes the
    /// `ETag` sent back as `If-Match` in its place (`428` without either).
    #[serde(
        default,
        deserialize_with = "super::json_integer::optional",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(required = true, minimum = 1, value_type = i64)]
    pub version: Option<i64>,
    /// Free text: the reason (required for `cancel`, `return_parcel`, `reverse_invoice`),
    /// the note (`decline_invoice`), or an audit note for the others. Not taken by
    /// `reject`, whose words are `reasons`; a field the action does not take is `422` on
    /// that field (`carrier` on a `cancel`), never dropped without a word.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(schema_with = crate::api::schemas::optional_reason)]
    pub reason: Option<String>,
    /// Reasons for returning an order for correction (`reject` only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(inline, schema_with = crate::api::schemas::reasons)]
    pub reasons: Vec<String>,
    /// `reject` with the reason 转账凭证金额不符 only: what the order's vouchers show in all
    /// (fen), more than 0 and less than its `amount_fen`; the customer is then told the
    /// rest to transfer instead of the whole amount again. Optional.
    #[serde(
        default,
        deserialize_with = "super::json_integer::optional",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(minimum = 1, value_type = Option<i64>)]
    pub voucher_total_fen: Option<i64>,
    /// Attachments the action is about (`upload_voucher`: the voucher; `resubmit`: the
    /// corrected materials); not taken by other actions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schema(schema_with = crate::api::schemas::ids)]
    pub attachment_ids: Vec<String>,
    /// Carrier, for `ship`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(pattern = "^[a-z0-9_]{1,32}$", nullable)]
    pub carrier: Option<String>,
    /// Tracking number, for `ship`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(pattern = "^[A-Za-z0-9 -]{4,40}$", nullable)]
    pub tracking_no: Option<String>,
    /// Not taken: an invoice is issued through `POST /api/v1/orders/{order_no}/invoice`,
    /// which makes it with its number and PDF (`issue_invoice` is not an action to post).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(pattern = "^[0-9A-Za-z]{8,32}$", nullable)]
    pub invoice_no: Option<String>,
}

/// `POST /api/v1/orders/{order_no}/notes`
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NewNote {
    /// The note.
    #[schema(schema_with = crate::api::schemas::note)]
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
    /// `submit`, an action name, `note`, `attach` (`withdraw_attachment`: a correction
    /// the customer took back before sending it), `reveal`, or a payment event.
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

/// An order changed; sent on `GET /api/v1/events` with `id:` = `id`. It carries what a
/// client needs to keep its per-status counts and its list row without asking back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OrderEvent {
    /// Event id: increasing, in commit order, one order for every client (an id a stream
    /// skips is an event it does not carry, not a loss); resume after it with
    /// `Last-Event-ID`.
    pub id: i64,
    /// The order.
    #[schema(value_type = String, example = "HN20261128000001")]
    pub order_no: OrderNo,
    /// `created`, `transition`, `attachment`, `note`, `claim`, `updated`, `payment`.
    pub kind: String,
    /// The action, for transitions; `edit_details` for a correction of the order's details
    /// (kind `updated`).
    pub action: Option<String>,
    /// Status after the change.
    pub status: OrderStatus,
    /// The status the order left: set for transitions, null otherwise. A `created` event
    /// adds one order to `status`; a transition moves one from `from` to `status`; other
    /// events leave the counts alone (see [`OrderEvent::count_move`]).
    #[serde(default)]
    pub from: Option<OrderStatus>,
    /// Version after the change.
    pub version: i64,
    /// When (RFC 3339).
    pub at: String,
    /// The order's list row (as in `GET /orders`), read when the platform sent the event:
    /// it may already show a later change (its `version` says), never an earlier one.
    /// Null if the platform could not read it.
    #[serde(default)]
    pub order: Option<Box<OrderSummary>>,
}

impl Order {
    /// The other orders its newest transfer voucher is also on (empty when none is): said
    /// as it is uploaded, with the customer still at the counter.
    pub fn voucher_also_on(&self) -> &[String] {
        self.attachments
            .iter()
            .filter(|a| a.kind == super::AttachmentKind::Voucher)
            .max_by(|a, b| a.uploaded_at.cmp(&b.uploaded_at))
            .map_or(&[], |a| a.also_on.as_slice())
    }
}

impl OrderEvent {
    /// What the event does to the per-status counts: one order leaves the first status
    /// (none for a new order) and enters the second; `None` when the counts stay.
    pub fn count_move(&self) -> Option<(Option<OrderStatus>, OrderStatus)> {
        match (self.from, self.kind.as_str()) {
            (Some(from), _) if from != self.status => Some((Some(from), self.status)),
            (None, "created") => Some((None, self.status)),
            _ => None,
        }
    }
}
