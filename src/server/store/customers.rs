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

/// What a customer's latest order said about them ([`Store::last_details`]).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LastDetailsRow {
    /// The order's number.
    pub order_no: String,
    /// `api::Applicant` as JSON.
    pub applicant_json: String,
    /// `api::Organization` as JSON, for an organisation's order.
    pub organization_json: Option<String>,
    /// `api::MailingAddress` as JSON.
    pub mailing_json: String,
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

    /// What the customer's latest order (not a cancelled one) said about them — its number,
    /// applicant, organisation and mailing address as JSON, the address as last corrected —
    /// for the form of their next application: a customer who renews is not asked again
    /// for what has not changed.
    pub async fn last_details(&self, customer_id: &str) -> StoreResult<Option<LastDetailsRow>> {
        Ok(sqlx::query_as(
            "SELECT order_no, applicant_json, organization_json, mailing_json FROM orders \
             WHERE customer_id = $1 AND status <> 'cancelled' \
             ORDER BY created_at DESC, order_no DESC LIMIT 1",
        )
        .bind(customer_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    pub async fn customer(&self, id: &str) -> StoreResult<Option<CustomerRow>> {
        Ok(sqlx::query_as(&format!("{SELECT} WHERE c.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?)
    }
}
