//! Health, the caller, problems (RFC 9457), the transition table, terms and the bank account.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::{Action, ActionNeeds, OrderStatus, Role};

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
    /// The built-in stand-ins this platform runs with: each is a demo, not the real
    /// service, and clients say so.
    #[serde(default)]
    pub demo_parts: Vec<DemoPart>,
    /// The CA's own tax number (printed as the seller on every invoice): a counter's form
    /// refuses it as a buyer's or an applicant organisation's as the field is left.
    #[serde(default)]
    pub seller_tax_number: String,
}

/// A built-in stand-in in place of a real service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DemoPart {
    /// Identities checked by ID-number checksum and name only.
    Identity,
    /// Payments at the sandbox cashier.
    Cashier,
    /// Invoice numbers from the platform's own sequence, not a tax authority's.
    Invoices,
    /// Text messages only logged.
    Sms,
    /// E-mail only kept in the outbox.
    Mail,
    /// The example configuration's placeholder seller.
    Seller,
    /// The example configuration's placeholder bank account.
    Bank,
    /// Payments or identity checks at Alipay's sandbox gateway.
    AlipaySandbox,
    /// Products of the demo catalog on sale (example projects and prices).
    Catalog,
}

impl DemoPart {
    /// What it is called in `lang`.
    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        use crate::i18n::T;
        match self {
            DemoPart::Identity => T::DemoPartIdentity,
            DemoPart::Cashier => T::DemoPartCashier,
            DemoPart::Invoices => T::DemoPartInvoices,
            DemoPart::Sms => T::DemoPartSms,
            DemoPart::Mail => T::DemoPartMail,
            DemoPart::Seller => T::DemoPartSeller,
            DemoPart::Bank => T::DemoPartBank,
            DemoPart::AlipaySandbox => T::DemoPartAlipaySandbox,
            DemoPart::Catalog => T::DemoPartCatalog,
        }
        .get(lang)
    }

    /// What it is called on a customer's page: the operator's instructions (import your
    /// catalog, fill in the account) left out, and what the customer must not do said.
    pub fn customer_label(self, lang: crate::i18n::Lang) -> &'static str {
        use crate::i18n::T;
        match self {
            DemoPart::Seller => T::DemoPartSellerCustomer.get(lang),
            DemoPart::Bank => T::DemoPartBankCustomer.get(lang),
            DemoPart::Catalog => T::DemoPartCatalogCustomer.get(lang),
            other => other.label(lang),
        }
    }
}

/// `GET /api/v1/health/ready`: the platform can serve (its database answers and takes
/// writes).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Readiness {
    /// Always `true` in a 200 answer.
    pub ready: bool,
    /// `sqlite` or `postgres`.
    pub database: String,
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
    /// Whether the operator may see phones and addresses in full (audited).
    pub may_reveal: bool,
    /// Whether that reveal shows the ID number too (and the operator may open scans and
    /// print application forms): not for the mailroom.
    #[serde(default)]
    pub may_reveal_id_number: bool,
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
    /// The field, as a path into the request: members joined by dots, a list's item by
    /// its index in brackets (`applicant.id_number`, `reasons[0]`,
    /// `attachment_ids[1]`); a query or path parameter, or a header, by its name
    /// (`from`, `If-Match`).
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
    /// For `no_preview`: the attachment's pages, when they were counted (the other pages
    /// may have a preview).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_count: Option<usize>,
}

/// A warning on a field: accepted, but worth a second look.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FieldWarning {
    /// The field.
    pub field: String,
    /// The message.
    pub message: String,
}

/// The first event of a fresh subscription to `GET /api/v1/events` (event `hello`, `id:` =
/// `last_event_id`): where the stream starts. A client that held lists reloads them, then
/// follows the `order` and `realname` events after it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct EventHello {
    /// The newest event now (0 on an empty platform).
    pub last_event_id: i64,
}
