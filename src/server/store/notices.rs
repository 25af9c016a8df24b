//! The customer's link to a correction notice on the phone: one unguessable token per
//! order, made the first time a notice is printed or texted.

use super::orders::{OrderRow, SELECT_ORDER};
use super::{Store, StoreResult, new_token, now_ms};

impl Store {
    /// The token of the order's notice link, made now if the order has none yet.
    pub async fn notice_token(&self, order_id: &str) -> StoreResult<String> {
        let existing: Option<String> =
            sqlx::query_scalar("SELECT token FROM notice_links WHERE order_id = $1")
                .bind(order_id)
                .fetch_optional(&self.pool)
                .await?;
        if let Some(token) = existing {
            return Ok(token);
        }
        // Two requests at once: the first insert wins, the second reads it back.
        sqlx::query(
            "INSERT INTO notice_links (order_id, token, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (order_id) DO NOTHING",
        )
        .bind(order_id)
        .bind(new_token())
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(
            sqlx::query_scalar("SELECT token FROM notice_links WHERE order_id = $1")
                .bind(order_id)
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// The order a notice link belongs to.
    pub async fn order_by_notice_token(&self, token: &str) -> StoreResult<Option<OrderRow>> {
        Ok(sqlx::query_as(&format!(
            "{SELECT_ORDER} JOIN notice_links n ON n.order_id = o.id WHERE n.token = $1"
        ))
        .bind(token)
        .fetch_optional(&self.pool)
        .await?)
    }
}
