//! Payments of an order.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A payment attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Payment {
    /// Payment id.
    pub id: String,
    /// The order.
    pub order_no: String,
    /// The provider: `alipay`, or `sandbox` (the platform's demo cashier: no money moves).
    pub method: String,
    /// Amount in fen.
    pub amount_fen: i64,
    /// `pending`, `paid` or `closed`.
    pub status: String,
    /// What the customer's phone opens (shown as a QR code).
    pub pay_url: String,
    /// When the QR stops working (RFC 3339).
    pub expires_at: String,
    /// Our reference of the payment at the provider (Alipay's `out_trade_no`): what a
    /// provider's statement names it by.
    #[serde(default)]
    pub out_trade_no: String,
    /// The provider's own number of the payment (Alipay's `trade_no`), once paid.
    #[serde(default)]
    pub trade_no: Option<String>,
    /// When the attempt was opened (RFC 3339).
    #[serde(default)]
    pub created_at: String,
    /// When the provider confirmed the money (RFC 3339), once paid.
    #[serde(default)]
    pub paid_at: Option<String>,
}

/// `POST /api/v1/orders/{order_no}/payments`
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NewPayment {
    /// The QR payment: `qr` (the configured provider; `alipay` and `sandbox` are the same).
    #[schema(pattern = "^(qr|alipay|sandbox)?$")]
    pub method: String,
}
