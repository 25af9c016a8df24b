//! Real-name verification sessions.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

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
    #[schema(schema_with = crate::api::schemas::id)]
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
    /// Why the last try failed, or why the session ended: `id_number_invalid`,
    /// `name_mismatch`, `order_id_mismatch` (begun from a returned order: not its applicant's),
    /// `provider_unavailable`, `face_failed`, `face_abandoned`.
    pub reason: Option<String>,
    /// The same, in the operator's language.
    pub reason_text: Option<String>,
    /// The verified full name.
    pub verified_name: Option<String>,
    /// The verified ID number (for the form; operators who may not reveal see it masked).
    pub verified_id_number: Option<String>,
    /// When it succeeded (RFC 3339).
    pub verified_at: Option<String>,
    /// The customer has gone on to the provider's check (Alipay's face check) and the
    /// platform waits for its answer.
    #[serde(default)]
    pub at_provider: bool,
    /// Who checks: `builtin` (the demo check) or `alipay`.
    #[serde(default)]
    pub provider: Option<String>,
    /// The provider's id of the check that verified the customer (Alipay's `certify_id`).
    #[serde(default)]
    pub transaction_id: Option<String>,
    /// Other names the verified ID number was verified or applied under: a warning for the
    /// clerk.
    #[serde(default)]
    pub other_names: Vec<String>,
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
