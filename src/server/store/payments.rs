//! Payment attempts. Each attempt has its own `out_trade_no`; confirming one moves the
//! order along the table in the same transaction.

use base64::Engine;
use rand::RngCore;

use super::orders::{Actor, SetColumn, Transition, TransitionError};
use super::{Store, StoreResult, new_id, now_ms};
use crate::domain::Action;

/// A stored payment attempt.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PaymentRow {
    pub id: String,
    pub order_id: String,
    pub order_no: String,
    pub method: String,
    pub out_trade_no: String,
    pub token: String,
    pub amount_fen: i64,
    pub status: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub paid_at: Option<i64>,
    pub product_name: String,
}

const SELECT: &str = "SELECT p.id, p.order_id, o.order_no, p.method, p.out_trade_no, p.token, p.amount_fen, \
    p.status, p.created_at, p.expires_at, p.paid_at, pr.name AS product_name FROM payments p \
    JOIN orders o ON o.id = p.order_id JOIN products pr ON pr.id = o.product_id";

impl Store {
    /// Opens a payment attempt for an order; its token (128 random bits) names the cashier
    /// page.
    pub async fn create_payment(
        &self,
        order_id: &str,
        order_no: &str,
        method: &str,
        amount_fen: i64,
        valid_ms: i64,
    ) -> StoreResult<PaymentRow> {
        let id = new_id();
        let mut random = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut random);
        let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random);
        let now = now_ms();
        let out_trade_no = format!("{order_no}-{}", &id[id.len() - 8..]);
        sqlx::query(
            "INSERT INTO payments (id, order_id, method, out_trade_no, token, amount_fen, status, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8)",
        )
        .bind(&id)
        .bind(order_id)
        .bind(method)
        .bind(&out_trade_no)
        .bind(&token)
        .bind(amount_fen)
        .bind(now)
        .bind(now + valid_ms)
        .execute(&self.pool)
        .await?;
        self.payment_by("p.id", &id)
            .await?
            .ok_or_else(|| super::StoreError::Corrupt("payment vanished after insert".into()))
    }

    /// The order's pending payment whose QR code still works, if any.
    pub async fn open_payment(&self, order_id: &str) -> StoreResult<Option<PaymentRow>> {
        Ok(sqlx::query_as(&format!(
            "{SELECT} WHERE p.order_id = $1 AND p.status = 'pending' AND p.expires_at > $2 ORDER BY p.created_at DESC LIMIT 1"
        ))
        .bind(order_id)
        .bind(now_ms())
        .fetch_optional(&self.pool)
        .await?)
    }

    /// The payment whose cashier token is `token`.
    pub async fn payment_by_token(&self, token: &str) -> StoreResult<Option<PaymentRow>> {
        self.payment_by("p.token", token).await
    }

    async fn payment_by(
        &self,
        column: &'static str,
        value: &str,
    ) -> StoreResult<Option<PaymentRow>> {
        Ok(sqlx::query_as(&format!("{SELECT} WHERE {column} = $1"))
            .bind(value)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// Marks a pending payment paid and the order paid (待支付 → 待审核) in one
    /// transaction. A payment already paid changes nothing and is not an error: providers
    /// repeat their notifications.
    pub async fn confirm_payment(
        &self,
        payment: &PaymentRow,
        provider: &str,
    ) -> Result<bool, TransitionError> {
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        let updated = sqlx::query("UPDATE payments SET status = 'paid', paid_at = $1 WHERE id = $2 AND status = 'pending'")
            .bind(now)
            .bind(&payment.id)
            .execute(&mut *tx)
            .await?;
        if updated.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        let step = Transition {
            action: Action::Pay,
            expected_version: None,
            actor: Actor::System(provider.to_owned()),
            reason: Some(format!("{} {}", payment.method, payment.out_trade_no)),
            request_id: None,
            set: vec![
                SetColumn::Text("payment_method", Some(payment.method.clone())),
                SetColumn::Int("paid_at", Some(now)),
            ],
        };
        let event_id = self
            .transition_in(&mut tx, &payment.order_no, &step)
            .await?;
        self.commit_with_event(tx, event_id).await?;
        Ok(true)
    }
}
