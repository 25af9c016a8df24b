//! Request and response bodies of API v1. Requests carry what a person typed as plain
//! strings so the platform can answer every bad field with its own message.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::{Action, ActionNeeds, OrderStatus, Role, UserType};

/// `GET /api/v1/health`
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Health {
    /// Always `ok` when the platform answers.
    pub status: String,
    /// The platform's version.
    pub version: String,
    /// `sqlite` or `postgres`.
    pub database: String,
    /// The largest accepted upload, in bytes (clients check before sending).
    #[serde(default)]
    pub max_upload_bytes: u64,
    /// Where phones reach the platform (the base of every QR code's URL).
    #[serde(default)]
    pub public_base_url: String,
    /// QR payment is set up (`alipay` or `sandbox`); without it, bank transfer only.
    #[serde(default)]
    pub qr_payment: bool,
}

/// `GET /api/v1/me`: who the token belongs to.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Me {
    /// Operator id.
    pub id: String,
    /// Operator name.
    pub name: String,
    /// The operator's roles.
    pub roles: Vec<Role>,
    /// Whether the operator may see personal data in full (audited).
    pub may_reveal: bool,
}

/// A certificate product of a project.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Product {
    /// Product id.
    pub id: String,
    /// Stable code from the catalog.
    pub code: String,
    /// Name, e.g. 个人证书（1年）.
    pub name: String,
    /// Who the certificate is for.
    pub user_type: UserType,
    /// Validity in years.
    pub validity_years: i64,
    /// Price in fen.
    pub price_fen: i64,
}

/// A platform the certificate is used to log in to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Project {
    /// Project id.
    pub id: String,
    /// Stable code from the catalog.
    pub code: String,
    /// Name, e.g. 湘潭市公共资源交易系统.
    pub name: String,
    /// Region, e.g. 湘潭市.
    pub region: String,
    /// Pinyin initials of the name, for quick search (`xt…`).
    pub initials: String,
    /// The products on sale, cheapest first.
    pub products: Vec<Product>,
}

/// `POST /api/v1/customers`
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NewCustomer {
    /// Mobile number as typed.
    pub phone: String,
    /// Name as the customer gives it.
    pub name: String,
}

/// A customer, found by mobile number.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Customer {
    /// Customer id.
    pub id: String,
    /// Mobile number (masked for roles that may not reveal).
    pub phone: String,
    /// Name.
    pub name: String,
    /// Whether real-name verification has succeeded.
    pub realname_verified: bool,
    /// When the customer was first seen (RFC 3339).
    pub created_at: String,
    /// How many orders the customer has.
    pub order_count: i64,
}

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

/// Carrier and tracking number of a mailed order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Shipment {
    /// Carrier, e.g. EMS.
    pub carrier: String,
    /// Tracking number.
    pub tracking_no: String,
    /// When it was shipped (RFC 3339).
    pub shipped_at: String,
}

/// The customer's verified identity, for the reviewer to hold the application against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RealnameCheck {
    /// The verified name.
    pub name: String,
    /// The verified ID number (masked unless revealed).
    pub id_number: String,
    /// When it was verified (RFC 3339).
    pub verified_at: String,
    /// The applicant's name and ID number on the order are exactly these.
    pub matches_applicant: bool,
}

/// A reviewer's hold on an order in 待审核.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Claim {
    /// The reviewer.
    pub by: Actor,
    /// When the hold ends unless renewed (RFC 3339).
    pub expires_at: String,
}

/// `POST /api/v1/orders/{order_no}/claim`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ClaimRequest {
    /// Take the claim over from whoever holds it (administrators; recorded).
    #[serde(default)]
    pub takeover: bool,
}

/// A text message to a customer, as sent (or kept by the `log` provider).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SmsMessage {
    /// Id.
    pub id: String,
    /// The order it is about.
    pub order_no: Option<String>,
    /// The customer's mobile number.
    pub phone: String,
    /// The text.
    pub body: String,
    /// Which provider took it (`log`).
    pub provider: String,
    /// `logged`, `sent` or `failed`.
    pub status: String,
    /// Why it failed, if it did.
    pub detail: Option<String>,
    /// When (RFC 3339).
    pub created_at: String,
}

/// One order waiting for review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReviewItem {
    /// The order, as in lists (personal data masked).
    pub order: OrderSummary,
    /// When it was paid (or its voucher handed in), RFC 3339.
    pub paid_at: Option<String>,
    /// Working minutes since then.
    pub waited_minutes: i64,
    /// Working minutes the promise allows.
    pub promised_minutes: i64,
    /// When the promise runs out (RFC 3339).
    pub due_at: String,
    /// How it stands against the promise.
    pub deadline: crate::domain::Deadline,
    /// How often it came back corrected.
    pub resubmissions: i64,
    /// Who is reviewing it now.
    pub claim: Option<Claim>,
    /// The caller submitted it (and so may not approve it).
    pub own: bool,
}

/// `GET /api/v1/review-queue`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReviewQueue {
    /// Oldest payment first.
    pub items: Vec<ReviewItem>,
    /// The promise: mailed within this many working days of payment.
    #[serde(default)]
    pub promise_working_days: i64,
}

/// An order in full.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Order {
    /// Order number, e.g. HN20261128000001.
    pub order_no: String,
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
    pub order_no: String,
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

/// One action of the transition table, as clients should offer it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TransitionInfo {
    /// The action.
    pub action: Action,
    /// From this status.
    pub from: OrderStatus,
    /// To this status.
    pub to: OrderStatus,
    /// What it needs.
    pub needs: ActionNeeds,
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

/// What an attachment is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    /// The generated application form (申请表).
    ApplicationForm,
    /// The scan of the signed form.
    SignedForm,
    /// Bank-transfer voucher.
    Voucher,
    /// Corrected material after a return.
    Correction,
    /// The e-invoice, made by the platform when the invoice is issued.
    Invoice,
    /// Anything else.
    Other,
}

impl AttachmentKind {
    /// Every kind.
    pub const ALL: [AttachmentKind; 6] = [
        AttachmentKind::ApplicationForm,
        AttachmentKind::SignedForm,
        AttachmentKind::Voucher,
        AttachmentKind::Correction,
        AttachmentKind::Invoice,
        AttachmentKind::Other,
    ];

    /// The wire and database name.
    pub fn as_str(self) -> &'static str {
        match self {
            AttachmentKind::ApplicationForm => "application_form",
            AttachmentKind::SignedForm => "signed_form",
            AttachmentKind::Voucher => "voucher",
            AttachmentKind::Correction => "correction",
            AttachmentKind::Invoice => "invoice",
            AttachmentKind::Other => "other",
        }
    }

    /// What the kind is called in `lang`.
    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        use crate::i18n::T;
        match self {
            AttachmentKind::ApplicationForm => T::KindApplicationForm,
            AttachmentKind::SignedForm => T::KindSignedForm,
            AttachmentKind::Voucher => T::KindVoucher,
            AttachmentKind::Correction => T::KindCorrection,
            AttachmentKind::Invoice => T::KindInvoice,
            AttachmentKind::Other => T::KindOther,
        }
        .get(lang)
    }

    /// Parses the wire name.
    pub fn parse(name: &str) -> Option<AttachmentKind> {
        AttachmentKind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

/// A stored file of an order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Attachment {
    /// Attachment id.
    pub id: String,
    /// The order.
    pub order_no: String,
    /// What it is.
    pub kind: AttachmentKind,
    /// Sniffed from the content: `image/jpeg`, `image/png` or `application/pdf`.
    pub content_type: String,
    /// Size in bytes.
    pub size: i64,
    /// SHA-256 of the content, hex.
    pub sha256: String,
    /// The file name the uploader gave (display only).
    pub filename: String,
    /// Who uploaded it.
    pub uploaded_by: Actor,
    /// When (RFC 3339).
    pub uploaded_at: String,
}

/// A payment attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Payment {
    /// Payment id.
    pub id: String,
    /// The order.
    pub order_no: String,
    /// `sandbox` (demo cashier) for now.
    pub method: String,
    /// Amount in fen.
    pub amount_fen: i64,
    /// `pending`, `paid` or `closed`.
    pub status: String,
    /// What the customer's phone opens (shown as a QR code).
    pub pay_url: String,
    /// When the QR stops working (RFC 3339).
    pub expires_at: String,
}

/// `POST /api/v1/orders/{order_no}/payments`
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NewPayment {
    /// `sandbox`.
    pub method: String,
}

/// An order changed; sent on `GET /api/v1/events` with `id:` = `id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OrderEvent {
    /// Event id, increasing; resume after it with `Last-Event-ID`.
    pub id: i64,
    /// The order.
    pub order_no: String,
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

/// Where a real-name verification stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RealnameStatus {
    /// Waiting for the customer's phone.
    Pending,
    /// The customer is verified.
    Verified,
    /// Five failed tries: a fresh code is needed.
    Locked,
    /// Not used in time.
    Expired,
    /// A newer code was issued for the customer.
    Superseded,
}

impl RealnameStatus {
    /// The wire and database name.
    pub fn as_str(self) -> &'static str {
        match self {
            RealnameStatus::Pending => "pending",
            RealnameStatus::Verified => "verified",
            RealnameStatus::Locked => "locked",
            RealnameStatus::Expired => "expired",
            RealnameStatus::Superseded => "superseded",
        }
    }

    /// Parses the wire name.
    pub fn parse(name: &str) -> Option<RealnameStatus> {
        [
            RealnameStatus::Pending,
            RealnameStatus::Verified,
            RealnameStatus::Locked,
            RealnameStatus::Expired,
            RealnameStatus::Superseded,
        ]
        .into_iter()
        .find(|s| s.as_str() == name)
    }
}

/// `POST /api/v1/realname-sessions`
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NewRealnameSession {
    /// The customer to verify.
    pub customer_id: String,
}

/// A real-name verification by the customer's own phone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RealnameSession {
    /// Session id.
    pub id: String,
    /// The customer.
    pub customer_id: String,
    /// Where it stands.
    pub status: RealnameStatus,
    /// What the phone opens (shown as a QR code); only in the answer that created it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The name the clerk registered, masked as the phone shows it.
    pub masked_name: String,
    /// When the code stops working (RFC 3339).
    pub expires_at: String,
    /// Failed tries so far.
    pub attempts: i64,
    /// Tries left before the code locks.
    pub attempts_left: i64,
    /// Why the last try failed: `id_number_invalid`, `name_mismatch`, `provider_unavailable`.
    pub reason: Option<String>,
    /// The same, in the operator's language.
    pub reason_text: Option<String>,
    /// The verified full name.
    pub verified_name: Option<String>,
    /// The verified ID number (for the form; operators who may not reveal see it masked).
    pub verified_id_number: Option<String>,
    /// When it succeeded (RFC 3339).
    pub verified_at: Option<String>,
}

/// A verification changed; sent on `GET /api/v1/events` as event `realname`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RealnameEvent {
    /// Event id.
    pub id: i64,
    /// The session.
    pub session_id: String,
    /// Where it stands now.
    pub status: RealnameStatus,
    /// Failed tries so far.
    pub attempts: i64,
    /// When (RFC 3339).
    pub at: String,
}

/// `PATCH /api/v1/customers/{id}`: correct the registered name before verification.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CustomerUpdate {
    /// The name as the customer spells it.
    pub name: String,
}

/// `GET /api/v1/terms`: the application terms the customer accepts at the counter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Terms {
    /// Version, recorded with the order.
    pub version: String,
    /// The text, paragraphs separated by blank lines.
    pub text: String,
}

/// `GET /api/v1/bank-account`: where customers transfer to, and how.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BankAccount {
    /// Account name.
    pub account_name: String,
    /// Bank and branch.
    pub bank: String,
    /// Account number.
    pub account_no: String,
}

/// One bad field of a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FieldError {
    /// The field, as a dotted path (`applicant.id_number`).
    pub field: String,
    /// What is wrong, in the operator's language.
    pub message: String,
}

/// An error response, `application/problem+json` (RFC 9457).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Problem {
    /// A URI naming the problem type.
    #[serde(rename = "type")]
    pub type_uri: String,
    /// Short summary.
    pub title: String,
    /// HTTP status.
    pub status: u16,
    /// What happened, in the operator's language.
    pub detail: String,
    /// Stable machine-readable code, e.g. `validation_failed`, `invalid_transition`.
    pub code: String,
    /// Bad fields, for `validation_failed`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// The request id, to quote to an administrator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// For conflicts: the order's status now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_status: Option<OrderStatus>,
    /// For conflicts: the order's version now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_version: Option<i64>,
}

/// A carrier the mailroom may choose.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Carrier {
    /// The code stored on orders (快递100's company code).
    pub code: String,
    /// Chinese name.
    pub name: String,
    /// English name.
    pub name_en: String,
    /// How its tracking numbers look (checked at the counter before sending).
    #[serde(default = "any_format")]
    #[schema(value_type = String)]
    pub format: crate::domain::TrackingFormat,
}

fn any_format() -> crate::domain::TrackingFormat {
    crate::domain::TrackingFormat::Any
}

/// One order waiting to be mailed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MailingItem {
    /// The order, as in lists.
    pub order: OrderSummary,
    /// Recipient.
    pub recipient: String,
    /// Recipient's phone; in full for the mailroom, masked otherwise.
    pub phone: String,
    /// Province, city, district and street on one line; in full for the mailroom.
    pub address: String,
    /// Postal code.
    pub postal_code: String,
    /// The product.
    pub product_name: String,
    /// When it was paid (RFC 3339); the promise counts from here.
    pub paid_at: Option<String>,
    /// Working minutes since payment.
    pub waited_minutes: i64,
    /// Working minutes the promise allows.
    pub promised_minutes: i64,
    /// How it stands against the promise.
    pub deadline: crate::domain::Deadline,
    /// True when phone and address are masked for this caller.
    pub masked: bool,
}

/// `GET /api/v1/mailing`: orders in 待邮寄, oldest payment first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MailingQueue {
    /// Oldest payment first.
    pub items: Vec<MailingItem>,
    /// The promise: mailed within this many working days of payment.
    pub promise_working_days: i64,
    /// The carriers on offer, in order.
    pub carriers: Vec<Carrier>,
}

/// `POST /api/v1/documents/mailing-labels`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LabelsRequest {
    /// The orders, in the order to print them.
    pub order_nos: Vec<String>,
}

/// A parcel event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TrackingStep {
    /// When, as the carrier says it (China time).
    pub time: String,
    /// What happened.
    pub context: String,
    /// Where, if the carrier says.
    pub location: Option<String>,
    /// The state this step puts the parcel in, if known (`in_transit`, `delivered`, …).
    pub state: Option<String>,
}

/// `GET /api/v1/orders/{order_no}/tracking`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Tracking {
    /// Carrier code.
    pub carrier: String,
    /// Carrier name.
    pub carrier_name: String,
    /// Tracking number.
    pub tracking_no: String,
    /// Where tracking comes from: `kuaidi100` or `manual`.
    pub provider: String,
    /// The latest state (`in_transit`, `collected`, `delivering`, `delivered`,
    /// `returning`, …), when known.
    pub state: Option<String>,
    /// Newest first.
    pub events: Vec<TrackingStep>,
    /// When the provider last answered (RFC 3339).
    pub fetched_at: Option<String>,
    /// When the provider was last asked (RFC 3339).
    pub checked_at: Option<String>,
    /// Why the last question failed; the events are the last known ones.
    pub error: Option<String>,
    /// The provider is asked again no sooner than this (RFC 3339).
    pub next_check_at: Option<String>,
}

/// `POST /api/v1/orders/{order_no}/tracking`: an event typed by staff.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NewTrackingStep {
    /// `collected`, `in_transit`, `delivering`, `delivered`, `returning`, …
    pub state: String,
    /// What happened.
    pub context: String,
    /// When (RFC 3339); now if absent.
    pub at: Option<String>,
}

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
    /// How the e-mail went: `sent`, `kept` (outbox) or `failed`.
    #[serde(default)]
    pub mail_status: Option<String>,
    /// Why it failed.
    #[serde(default)]
    pub mail_detail: Option<String>,
    /// When (RFC 3339).
    pub issued_at: String,
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
    /// The version you saw.
    pub version: Option<i64>,
    /// The request to issue; the customer's saved request when absent.
    #[schema(value_type = Option<Object>)]
    pub request: Option<crate::domain::InvoiceRequestInput>,
}

/// `PUT /api/v1/orders/{order_no}/invoice-request`: the answer, with warnings to show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InvoiceRequestSaved {
    /// The request as kept.
    pub request: InvoiceRequestView,
    /// Per-field warnings (e.g. a legacy tax number), `field → message`.
    pub warnings: Vec<FieldWarning>,
}

/// A warning on a field: accepted, but worth a second look.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FieldWarning {
    /// The field.
    pub field: String,
    /// The message.
    pub message: String,
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
    /// `kept`, `sent` or `failed`.
    pub status: String,
    /// Why it failed.
    pub detail: Option<String>,
    /// When (RFC 3339).
    pub created_at: String,
}
