//! Mailing: carriers, the queue, shipments and tracking.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::orders::OrderSummary;

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
    /// The address was corrected after its label was printed: the label on the parcel is
    /// wrong, print it again.
    #[serde(default)]
    pub relabel: bool,
    /// The order's latest note (a caller's instructions for the parcel), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Why the courier brought its last parcel back (`return_parcel`), when it was mailed
    /// before: check the address before mailing it again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returned: Option<String>,
}

/// `GET /api/v1/mailing`: orders in 待邮寄, the longest waiting first (since payment, or
/// since the correction after a return).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MailingQueue {
    /// The longest waiting first (since payment, or the correction after a return).
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
    #[schema(schema_with = crate::api::schemas::order_nos)]
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
    /// The state the parcel is in after it (`collected`, `in_transit`, `delivering`,
    /// `delivered`, `returning`, …).
    #[schema(schema_with = crate::api::schemas::tracking_states)]
    pub state: String,
    /// What happened.
    #[schema(schema_with = crate::api::schemas::short_line)]
    pub context: String,
    /// When (RFC 3339); now if absent.
    #[schema(format = DateTime, nullable)]
    pub at: Option<String>,
}
