//! Customers, found by mobile number.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `POST /api/v1/customers`
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NewCustomer {
    /// Mobile number as typed.
    #[schema(schema_with = crate::api::schemas::phone)]
    pub phone: String,
    /// Name as the customer gives it.
    #[schema(schema_with = crate::api::schemas::name)]
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

/// One entry of a customer's audit trail (`GET /api/v1/customers/{id}/audit`): who read or
/// did what about the customer outside any one order — their verified identity read for a
/// new application, a login code texted for them, their own sign-ins and changes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CustomerAuditEntry {
    /// When (RFC 3339).
    pub at: String,
    /// Who: an operator (with their id), the customer, or the platform.
    pub actor: super::orders::Actor,
    /// What, e.g. `identity_read`, `login_code_sent`, `sign_in`.
    pub action: String,
    /// More about it, when there is more (never a code or a full ID number).
    pub detail: Option<String>,
}

/// `GET /api/v1/customers/{id}/identity`: who a verified customer's real-name verification
/// said they are, for the forms of their next application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct VerifiedIdentity {
    /// The verified name.
    pub name: String,
    /// The verified ID number, in full (the caller may reveal personal data; the read is
    /// recorded in the customer's audit trail).
    pub id_number: String,
    /// When the verification passed (RFC 3339).
    pub verified_at: String,
    /// What the customer's latest order (not a cancelled one) said, for a form that asks
    /// again for what has not changed; the clerk checks it with the customer. `null` for
    /// a customer with no such order.
    #[serde(default)]
    pub last_order: Option<LastOrderDetails>,
}

/// What a customer's latest order said about them, for the form of their next one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LastOrderDetails {
    /// The order's number.
    pub order_no: String,
    /// The e-mail it gave, if any.
    #[serde(default)]
    pub email: Option<String>,
    /// The organisation, for an organisation's order.
    #[serde(default)]
    pub organization: Option<super::Organization>,
    /// Where it was mailed (as last corrected).
    pub mailing: super::MailingAddress,
}

/// `PATCH /api/v1/customers/{id}`: correct the registered name before verification.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CustomerUpdate {
    /// The name as the customer spells it.
    #[schema(schema_with = crate::api::schemas::name)]
    pub name: String,
}

/// What became of a text a staff member sent a customer (a login code, a reminder to pay).
/// The text itself — a login code above all — is never in the answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Reminder {
    /// `queued` (on its way through the SMS outbox), or why not: `too_soon` (one login
    /// code a minute per number, one payment link every 10 minutes per order),
    /// `daily_limit` (ten login codes a day, three payment links), `locked` (too many
    /// wrong codes).
    pub outcome: String,
    /// When another may be asked for (RFC 3339), with `too_soon` and `locked`.
    pub retry_at: Option<String>,
}

/// `GET /api/v1/customers/{id}/online`: where a customer stands on their own platform — for
/// a support agent on the phone with a customer who has no order to look at yet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CustomerOnline {
    /// When the customer was last seen signed in (RFC 3339); `null` if never.
    #[serde(default)]
    pub last_seen_at: Option<String>,
    /// Their application in progress, if they began one.
    #[serde(default)]
    pub application: Option<OnlineApplication>,
    /// Their latest real-name verification (at the counter or from their phone), masked.
    #[serde(default)]
    pub realname: Option<super::RealnameSession>,
    /// Tries spent in the last 24 hours on the real-name codes they opened on their own
    /// pages (each a question to the provider; a face check counts once).
    #[serde(default)]
    pub realname_tries_today: i64,
    /// Those tries are spent (ten in 24 hours): their pages open no new code until the
    /// oldest counted is a day old; the counter still can.
    #[serde(default)]
    pub realname_tries_spent: bool,
}

/// A customer's application in progress on their own platform.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OnlineApplication {
    /// The step it is at: `realname`, `project`, `terms`, `form`, `print`, `scan` or `review`.
    pub step: String,
    /// The step as the customer's page names it, in the caller's language.
    pub step_label: String,
    /// The step's number of seven.
    pub step_no: i64,
    /// The certificate chosen (project · product), if chosen.
    #[serde(default)]
    pub product: Option<String>,
    /// What the platform last refused on the step the customer is on, in words (the
    /// caller's language), while nothing has changed since; `null` otherwise.
    #[serde(default)]
    pub refused: Option<String>,
    /// When it last changed (RFC 3339).
    pub updated_at: String,
}

/// How a mobile number's sign-in to the customer's pages stands now:
/// `GET /api/v1/sign-ins?phone=` — for a support agent with a caller whose code "does not
/// work" (the number need not be a customer's yet: one becomes a customer by signing in).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SignInStanding {
    /// Codes sent to it today (China's day; ten at most).
    pub codes_today: i64,
    /// When the last code was sent (RFC 3339).
    #[serde(default)]
    pub last_code_at: Option<String>,
    /// Wrong codes typed since the last one was sent (five lock the number; while it is
    /// locked, the five that locked it).
    pub wrong_tries: i64,
    /// Locked until then (RFC 3339): no code signs in before, and none is sent.
    #[serde(default)]
    pub locked_until: Option<String>,
}
