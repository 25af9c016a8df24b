//! Payment providers: Alipay face-to-face payment (当面付) with real RSA2 signing, and the
//! built-in sandbox cashier that goes through the very same notify verification.

pub mod alipay;
pub mod jobs;
pub mod notify;
pub mod rsa2;
pub mod sandbox;

use std::collections::BTreeMap;
use std::sync::Arc;

use futures_util::future::BoxFuture;

use crate::domain::Money;

/// Where a trade stands at the provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TradeStatus {
    /// QR shown, not paid.
    WaitBuyerPay,
    /// Paid.
    Success,
    /// Paid, and can no longer be refunded by the provider.
    Finished,
    /// Closed unpaid (or fully refunded).
    Closed,
    /// The provider has never seen it (not scanned yet).
    NotFound,
}

impl TradeStatus {
    /// Alipay's name for it.
    pub fn parse(name: &str) -> Option<TradeStatus> {
        Some(match name {
            "WAIT_BUYER_PAY" => TradeStatus::WaitBuyerPay,
            "TRADE_SUCCESS" => TradeStatus::Success,
            "TRADE_FINISHED" => TradeStatus::Finished,
            "TRADE_CLOSED" => TradeStatus::Closed,
            _ => return None,
        })
    }

    /// True when money was received.
    pub fn is_paid(self) -> bool {
        matches!(self, TradeStatus::Success | TradeStatus::Finished)
    }
}

/// A provider's answer to a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trade {
    /// Where it stands.
    pub status: TradeStatus,
    /// The amount, as the provider says it (`300.00`).
    pub total_amount: Option<String>,
    /// The provider's trade number.
    pub trade_no: Option<String>,
}

/// What a QR payment is for.
#[derive(Debug, Clone)]
pub struct Charge {
    /// Unique per attempt.
    pub out_trade_no: String,
    /// The amount.
    pub amount: Money,
    /// What is bought, shown to the payer.
    pub subject: String,
    /// Minutes the QR code works.
    pub minutes: i64,
    /// The cashier token (sandbox pages).
    pub token: String,
}

/// Why a provider call failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ProviderError {
    /// The provider could not be reached or answered nonsense.
    #[error("payment provider unreachable: {0}")]
    Unreachable(String),
    /// The answer's signature did not verify.
    #[error("payment provider's answer has a bad signature")]
    BadSignature,
    /// The provider refused (`code`, `sub_code`, message).
    #[error("payment provider refused: {0} {1} {2}")]
    Refused(String, String, String),
}

/// A payment provider.
pub trait Provider: Send + Sync {
    /// `alipay` or `sandbox`.
    fn name(&self) -> &'static str;

    /// The application id notifies must carry.
    fn app_id(&self) -> &str;

    /// The seller notifies must name, when known.
    fn seller_id(&self) -> Option<&str>;

    /// Opens a trade and returns what the QR code encodes.
    fn precreate<'a>(&'a self, charge: &'a Charge) -> BoxFuture<'a, Result<String, ProviderError>>;

    /// The address of a mobile-site payment (`alipay.trade.wap.pay`) for `charge`: the
    /// customer's phone opens it, pays in Alipay, and comes back to `return_url`.
    fn wap_pay_url(&self, charge: &Charge, return_url: &str) -> String;

    /// Asks where a trade stands.
    fn query<'a>(&'a self, out_trade_no: &'a str) -> BoxFuture<'a, Result<Trade, ProviderError>>;

    /// Closes an unpaid trade.
    fn close<'a>(&'a self, out_trade_no: &'a str) -> BoxFuture<'a, Result<(), ProviderError>>;

    /// True when a notification's signature is the provider's (parameters except `sign`
    /// and `sign_type`).
    fn verify_notify(&self, params: &BTreeMap<String, String>) -> bool;
}

/// The configured provider, shared.
pub type SharedProvider = Arc<dyn Provider>;
