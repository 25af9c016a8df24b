//! Text messages to customers, through a transactional outbox: a message is written in the
//! same transaction as the change that causes it (an order returned, an order mailed) and
//! sent afterwards by a worker ([`outbox`]) with retries and backoff, never twice. Who
//! sends it is a provider: Aliyun SMS (`aliyun.rs`, `SendSms` with a template per kind of
//! message), or the built-in `log` stand-in, which sends nothing and keeps every message
//! for an administrator (`GET /api/v1/sms`).

pub mod aliyun;
pub mod outbox;

use std::collections::BTreeMap;

use futures_util::future::BoxFuture;

use crate::domain::mask_phone;

/// What a message is for; each kind has its own template at the gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmsKind {
    /// The order was returned for correction: `order_no`, `reasons`, `link`.
    Returned,
    /// The order was mailed: `order_no`, `carrier`, `tracking_no`, `link`.
    Shipped,
    /// The customer's login code: `code`.
    LoginCode,
    /// A reminder to pay, with the order's page on the customer's platform: `order_no`,
    /// `amount`, `link`.
    PaymentLink,
    /// The order's mailing address was changed (by the customer online or by staff): to the
    /// applicant, so that a change they did not ask for is caught before the certificate
    /// goes elsewhere: `order_no`, `address` (the region, the street masked).
    AddressChanged,
    /// The courier brought the parcel back (the mailroom recorded it): to the customer, so
    /// that they check the address before it goes again: `order_no`, `reason`, `link`.
    ParcelReturned,
}

impl SmsKind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            SmsKind::Returned => "returned",
            SmsKind::Shipped => "shipped",
            SmsKind::LoginCode => "login_code",
            SmsKind::PaymentLink => "payment_link",
            SmsKind::AddressChanged => "address_changed",
            SmsKind::ParcelReturned => "parcel_returned",
        }
    }

    /// Parses the stored name.
    pub fn parse(name: &str) -> Option<SmsKind> {
        [
            SmsKind::Returned,
            SmsKind::Shipped,
            SmsKind::LoginCode,
            SmsKind::PaymentLink,
            SmsKind::AddressChanged,
            SmsKind::ParcelReturned,
        ]
        .into_iter()
        .find(|k| k.as_str() == name)
    }
}

/// A message to write into the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSms {
    /// What it is for.
    pub kind: SmsKind,
    /// The mobile number.
    pub phone: String,
    /// The template's variables.
    pub params: BTreeMap<String, String>,
    /// The whole text as the customer reads it (what the `log` provider keeps, and what an
    /// administrator sees).
    pub body: String,
}

/// A message taken from the outbox to send.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// The message's id (sent as Aliyun's `OutId`).
    pub id: String,
    /// What it is for.
    pub kind: SmsKind,
    /// The mobile number.
    pub phone: String,
    /// The template's variables.
    pub params: BTreeMap<String, String>,
    /// The whole text.
    pub body: String,
}

/// What the gateway said to a message it took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivered {
    /// Accepted for delivery: the gateway's id of it (Aliyun's `BizId`) and its code.
    Sent {
        /// `BizId`.
        biz_id: String,
        /// `OK`.
        code: String,
    },
    /// Kept, not sent (the `log` provider).
    Logged,
}

/// Why a message was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotSent {
    /// Certainly not sent, and worth another try (the gateway busy or throttling, no
    /// connection made): `code`, message.
    Retry(String, String),
    /// Certainly not sent, and another try would not help (a bad number, template or key).
    Refused(String, String),
    /// Maybe sent (the answer was lost): never sent again by itself.
    Unknown(String),
}

/// Sends one message.
pub trait SmsProvider: Send + Sync {
    /// The provider's name, recorded with each message.
    fn name(&self) -> &'static str;
    /// Whether it sends messages of `kind` (a gateway sends only the kinds it has a
    /// template for; a message it cannot send is not written).
    fn sends(&self, _kind: SmsKind) -> bool {
        true
    }
    /// Hands `message` to the gateway.
    fn send<'a>(&'a self, message: &'a Outgoing) -> BoxFuture<'a, Result<Delivered, NotSent>>;
}

/// The built-in stand-in: keeps messages for an administrator instead of sending them.
pub struct LogSms;

impl SmsProvider for LogSms {
    fn name(&self) -> &'static str {
        "log"
    }

    fn send<'a>(&'a self, message: &'a Outgoing) -> BoxFuture<'a, Result<Delivered, NotSent>> {
        Box::pin(async move {
            tracing::info!(phone = %mask_phone(&message.phone), kind = message.kind.as_str(), "sms kept in the log (demo)");
            Ok(Delivered::Logged)
        })
    }
}

/// The configured provider.
pub fn provider(
    config: &crate::config::PlatformConfig,
) -> Result<std::sync::Arc<dyn SmsProvider>, String> {
    match config.sms_provider {
        crate::config::SmsProvider::Log => Ok(std::sync::Arc::new(LogSms)),
        crate::config::SmsProvider::Aliyun => {
            let settings = config.sms.aliyun.as_ref().ok_or_else(|| {
                "sms_provider = \"aliyun\" needs a [platform.sms.aliyun] section".to_owned()
            })?;
            Ok(std::sync::Arc::new(aliyun::AliyunSms::new(settings)?))
        }
    }
}

/// The customer's login code (the customer's platform sends it): `【CA】您的登录验证码为
/// 123456…`, template variable `code`.
pub fn login_code(ca_name: &str, phone: &str, code: &str) -> NewSms {
    // The code goes only in the template's variables (scrubbed once sent); the kept text,
    // which an administrator can read, never shows it.
    let body = crate::i18n::T::SmsLoginCode.fill(crate::i18n::Lang::ZhCn, &[ca_name, "••••••"]);
    message(SmsKind::LoginCode, phone, body, &[("code", code)])
}

/// A message with its template variables, in the order given.
pub fn message(kind: SmsKind, phone: &str, body: String, params: &[(&str, &str)]) -> NewSms {
    NewSms {
        kind,
        phone: phone.to_owned(),
        params: params
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        body,
    }
}
