//! The review queue, claims, the real-name result beside an order, and the SMS log.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::orders::{Actor, OrderSummary};

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
    /// Who verified: `builtin` (the demo check) or `alipay` (Alipay's face check); absent
    /// for a verification older than this record.
    #[serde(default)]
    pub provider: Option<String>,
    /// The provider's id of the check (Alipay's `certify_id`).
    #[serde(default)]
    pub transaction_id: Option<String>,
    /// Other names this ID number was verified or applied under: a warning for the
    /// reviewer.
    #[serde(default)]
    pub other_names: Vec<String>,
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
    /// Which provider sends it: `log` (the demo stand-in, which only keeps it) or
    /// `aliyun`.
    pub provider: String,
    /// `queued`, `sending`, `sent`, `logged`, `failed` or `unknown` (maybe sent; never sent
    /// again by itself).
    pub status: String,
    /// The gateway's words when it did not take it.
    pub detail: Option<String>,
    /// When it was written (RFC 3339).
    pub created_at: String,
    /// `returned`, `shipped`, `login_code`, `payment_link`, `address_changed`, `parcel_returned`.
    #[serde(default)]
    pub kind: Option<String>,
    /// Tries so far.
    #[serde(default)]
    pub attempts: i64,
    /// When the next try is due, while queued (RFC 3339).
    #[serde(default)]
    pub next_attempt_at: Option<String>,
    /// The gateway's answer code (`OK`, `isv.MOBILE_NUMBER_ILLEGAL`, …).
    #[serde(default)]
    pub gateway_code: Option<String>,
    /// The gateway's id of the sent message (Aliyun's `BizId`).
    #[serde(default)]
    pub biz_id: Option<String>,
    /// When the gateway took it (RFC 3339).
    #[serde(default)]
    pub sent_at: Option<String>,
}

/// One order waiting for review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReviewItem {
    /// The order, as in lists (personal data masked).
    pub order: OrderSummary,
    /// When it was paid (or its voucher handed in), RFC 3339.
    pub paid_at: Option<String>,
    /// Working minutes since then — since the correction, for an order sent back after a
    /// return (the promise counts from it).
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
    /// The caller submitted it, or handled its material — attached a file, sent its
    /// voucher or corrections on, corrected its details — and so may not decide it.
    pub own: bool,
    /// The QR code check of its newest signed form or correction scan, if one was
    /// uploaded (`ScanCheck::describe` gives the line to show).
    #[serde(default)]
    pub scan_check: Option<super::attachments::ScanCheck>,
    /// What keeps it from approval (the customer not verified as its applicant, no scan of
    /// the signed form); empty when it may be approved.
    #[serde(default)]
    pub gaps: Vec<crate::domain::ApprovalGap>,
    /// A file supplied for it (a transfer voucher, a scan) is on another order too: the
    /// order's attachments say which (`Attachment::also_on`).
    #[serde(default)]
    pub file_elsewhere: bool,
}

/// `GET /api/v1/review-queue`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReviewQueue {
    /// The longest waiting first (since payment, or the correction after a return).
    pub items: Vec<ReviewItem>,
    /// The promise: mailed within this many working days of payment.
    #[serde(default)]
    pub promise_working_days: i64,
}
