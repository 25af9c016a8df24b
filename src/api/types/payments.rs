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
    /// The QR payment: `qr` (the configured provider; `alipay` and `sandbox` are the same).
    #[schema(pattern = "^(qr|alipay|sandbox)?$")]
    pub method: String,
}
