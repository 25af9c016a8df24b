//! Customers, known by their mobile number.

use super::{Store, StoreResult, new_id, now_ms};
use crate::domain::Phone;

/// A stored customer.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CustomerRow {
    /// Customer id.
    pub id: String,
    /// Normalised mobile number.
    pub phone: String,
    /// Name.
    pub name: String,
    /// Unix ms of successful real-name verification.
    pub realname_verified_at: Option<i64>,
    /// Unix ms.
    pub created_at: i64,
    /// Orders of this customer.
    pub order_count: i64,
}

const SELECT: &str = "SELECT c.id, c.phone, c.name, c.realname_verified_at, c.created_at, \
    (SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.id) AS order_count FROM customers c";

impl Store {
    /// Adds a customer; a phone already known is a unique violation.
    pub async fn add_customer(
        &self,
        phone: &Phone,
        name: &str,
        operator_id: &str,
    ) -> StoreResult<CustomerRow> {
        let id = new_id();
        sqlx::query("INSERT INTO customers (id, phone, name, created_at, created_by) VALUES ($1, $2, $3, $4, $5)")
            .bind(&id)
            .bind(phone.as_str())
            .bind(name)
            .bind(now_ms())
            .bind(operator_id)
            .execute(&self.pool)
            .await?;
        self.customer(&id)
            .await?
            .ok_or_else(|| super::StoreError::Corrupt("customer vanished after insert".into()))
    }

    /// The customer with this mobile number.
    pub async fn customer_by_phone(&self, phone: &Phone) -> StoreResult<Option<CustomerRow>> {
        Ok(sqlx::query_as(&format!("{SELECT} WHERE c.phone = $1"))
            .bind(phone.as_str())
            .fetch_optional(&self.pool)
            .await?)
    }

    /// The customer with this id.
    /// The identity a customer's real-name verification established: name, ID number and
    /// when, if they were verified.
    pub async fn verified_identity(&self, id: &str) -> StoreResult<Option<(String, String, i64)>> {
        let row: Option<(String, Option<String>, Option<i64>)> = sqlx::query_as(
            "SELECT name, id_number, realname_verified_at FROM customers WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.and_then(|(name, id_number, at)| Some((name, id_number?, at?))))
    }

    pub async fn customer(&self, id: &str) -> StoreResult<Option<CustomerRow>> {
        Ok(sqlx::query_as(&format!("{SELECT} WHERE c.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?)
    }
}
