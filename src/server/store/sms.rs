//! Text messages to customers, as sent (or kept, by the `log` provider).

use super::{Store, StoreResult, new_id, now_ms};

/// A stored message.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SmsRow {
    pub id: String,
    pub order_no: Option<String>,
    pub phone: String,
    pub body: String,
    pub provider: String,
    pub status: String,
    pub detail: Option<String>,
    pub created_at: i64,
}

impl Store {
    /// Records a message and how sending it went.
    pub async fn record_sms(
        &self,
        order_id: Option<&str>,
        phone: &str,
        body: &str,
        provider: &str,
        status: &str,
        detail: Option<&str>,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO sms_messages (id, order_id, phone, body, provider, status, detail, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(new_id())
        .bind(order_id)
        .bind(phone)
        .bind(body)
        .bind(provider)
        .bind(status)
        .bind(detail)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The newest messages first.
    pub async fn sms_messages(&self, limit: i64) -> StoreResult<Vec<SmsRow>> {
        Ok(sqlx::query_as(
            "SELECT s.id, o.order_no, s.phone, s.body, s.provider, s.status, s.detail, s.created_at \
             FROM sms_messages s LEFT JOIN orders o ON o.id = s.order_id \
             ORDER BY s.created_at DESC, s.id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }
}
