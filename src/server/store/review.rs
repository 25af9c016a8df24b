//! The review queue and reviewers' claims. A claim is a lease on an order in 待审核: the
//! holder alone may decide it until the lease ends; it is renewed while they work, freed
//! when they leave or it lapses, and an administrator may take it over (audited). Claims
//! are compare-and-set like transitions: the order's row is locked, the holder read, then
//! written, so two reviewers pressing at once get one winner.

use super::orders::SELECT_ORDER;
use super::orders::{Actor, OrderRow};
use super::params::Params;
use super::{Store, StoreError, StoreResult, now_ms};
use crate::api::AttachmentKind;
use crate::domain::OrderStatus;

/// The review queue's condition and order — the longest waiting first, counted as
/// [`crate::server::paper::promise_start`] counts — as the partial index `orders_review`
/// holds it (migration 0032).
pub const REVIEW_QUEUE: &str = concat!(
    "o.status = 'pending_review' ORDER BY ",
    waiting_since!(),
    ", o.order_no"
);

/// What asking for a claim came to.
#[derive(Debug, Clone)]
pub enum Claimed {
    /// The caller holds the order until `until` (unix ms).
    Held {
        /// When the lease ends.
        until: i64,
    },
    /// Someone else holds it.
    ByOther {
        /// Their name.
        name: String,
        /// Until when.
        until: i64,
    },
    /// The order is not waiting for review.
    NotInReview {
        /// Status now.
        status: OrderStatus,
        /// Version now.
        version: i64,
    },
}

#[derive(sqlx::FromRow)]
struct Holder {
    status: String,
    version: i64,
    claimed_by: Option<String>,
    claimed_by_name: Option<String>,
    claim_expires_at: Option<i64>,
}

impl Store {
    /// Claims (or renews the claim on) an order for review for `lease_ms`. With
    /// `takeover`, a claim someone else holds passes to the caller, recorded in the
    /// order's history with whom it was taken from.
    pub async fn claim(
        &self,
        order: &OrderRow,
        operator_id: &str,
        operator_name: &str,
        lease_ms: i64,
        takeover: bool,
        request_id: Option<&str>,
    ) -> StoreResult<Claimed> {
        let mut tx = self.begin_write().await?;
        // Lock the row first (the store's lock order), then read the holder.
        self.lock_order(&mut tx, &order.id).await?;
        let now_holder: Holder = sqlx::query_as(
            "SELECT status, version, claimed_by, claimed_by_name, claim_expires_at FROM orders WHERE id = $1",
        )
        .bind(&order.id)
        .fetch_one(&mut *tx)
        .await?;
        let status = OrderStatus::parse(&now_holder.status)
            .ok_or_else(|| StoreError::Corrupt(format!("status {}", now_holder.status)))?;
        if status != OrderStatus::PendingReview {
            tx.commit().await?;
            return Ok(Claimed::NotInReview {
                status,
                version: now_holder.version,
            });
        }
        let now = now_ms();
        let other = match (
            &now_holder.claimed_by,
            &now_holder.claimed_by_name,
            now_holder.claim_expires_at,
        ) {
            (Some(id), Some(name), Some(until)) if until > now && id != operator_id => {
                Some((name.clone(), until))
            }
            _ => None,
        };
        if let Some((name, until)) = &other
            && !takeover
        {
            tx.commit().await?;
            return Ok(Claimed::ByOther {
                name: name.clone(),
                until: *until,
            });
        }
        let renewing = now_holder.claimed_by.as_deref() == Some(operator_id)
            && now_holder.claim_expires_at.is_some_and(|t| t > now);
        let until = now + lease_ms;
        sqlx::query(
            "UPDATE orders SET claimed_by = $1, claimed_by_name = $2, claim_expires_at = $3 WHERE id = $4",
        )
        .bind(operator_id)
        .bind(operator_name)
        .bind(until)
        .bind(&order.id)
        .execute(&mut *tx)
        .await?;
        if renewing {
            tx.commit().await?;
            return Ok(Claimed::Held { until });
        }
        // A new holder: others' queues show it now, and the history says who looked.
        let actor = Actor::Operator {
            id: operator_id.to_owned(),
            name: operator_name.to_owned(),
        };
        let (action, reason) = match other {
            Some((name, _)) => ("takeover", Some(name)),
            None => ("claim", None),
        };
        let (_, event) = self
            .record_in(
                &mut tx,
                order,
                &actor,
                action,
                reason.as_deref(),
                request_id,
                Some("claim"),
            )
            .await?;
        match event {
            Some(event) => self.commit_with_event(tx, event).await?,
            None => tx.commit().await?,
        }
        Ok(Claimed::Held { until })
    }

    /// Gives a claim up (the holder leaves the order, or an administrator frees it —
    /// recorded in the order's history, naming whose claim it was). Returns false when the
    /// caller did not hold it and may not free it.
    pub async fn release(
        &self,
        order: &OrderRow,
        operator_id: &str,
        any_holder: bool,
        request_id: Option<&str>,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        self.lock_order(&mut tx, &order.id).await?;
        let holder: Option<(Option<String>, Option<String>)> =
            sqlx::query_as("SELECT claimed_by, claimed_by_name FROM orders WHERE id = $1")
                .bind(&order.id)
                .fetch_optional(&mut *tx)
                .await?;
        let freed_other = holder
            .as_ref()
            .and_then(|(id, name)| Some((id.as_deref()?, name.clone()?)))
            .filter(|(id, _)| *id != operator_id)
            .map(|(_, name)| name);
        let released = sqlx::query(
            "UPDATE orders SET claimed_by = NULL, claimed_by_name = NULL, claim_expires_at = NULL \
             WHERE id = $1 AND claimed_by IS NOT NULL AND (claimed_by = $2 OR $3 = 1) \
             AND status = 'pending_review'",
        )
        .bind(&order.id)
        .bind(operator_id)
        .bind(i64::from(any_holder))
        .execute(&mut *tx)
        .await?
        .rows_affected()
            > 0;
        if !released {
            tx.commit().await?;
            return Ok(false);
        }
        if let Some(name) = freed_other {
            let admin: Option<String> =
                sqlx::query_scalar("SELECT name FROM operators WHERE id = $1")
                    .bind(operator_id)
                    .fetch_optional(&mut *tx)
                    .await?;
            let actor = Actor::Operator {
                id: operator_id.to_owned(),
                name: admin.unwrap_or_default(),
            };
            super::orders::insert_history(
                &mut tx,
                &order.id,
                &actor,
                "release",
                None,
                None,
                Some(&name),
                request_id,
            )
            .await?;
        }
        let (status, version): (String, i64) =
            sqlx::query_as("SELECT status, version FROM orders WHERE id = $1")
                .bind(&order.id)
                .fetch_one(&mut *tx)
                .await?;
        let status = OrderStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("status {status}")))?;
        let event = super::events::NewEvent::order(
            &order.id,
            &order.order_no,
            "claim",
            None,
            status,
            version,
        );
        let event = super::events::insert_event(&mut tx, self.backend, event).await?;
        self.commit_with_event(tx, event).await?;
        Ok(true)
    }

    /// Orders waiting for review, the longest waiting first: read in that order from the
    /// partial index `orders_review` (migration 0032), which holds only these orders. The
    /// status is written into the statement, not bound: a plan made for any status (a
    /// generic plan) could not use an index of one.
    pub async fn review_queue(&self, limit: i64) -> StoreResult<Vec<OrderRow>> {
        Ok(
            sqlx::query_as(&format!("{SELECT_ORDER} WHERE {REVIEW_QUEUE} LIMIT $1"))
                .bind(limit)
                .fetch_all(&self.pool)
                .await?,
        )
    }

    /// The scan check of the newest checked scan of each order waiting for review, by
    /// order id (`api::ScanCheck` as JSON).
    pub async fn queue_scan_checks(
        &self,
    ) -> StoreResult<std::collections::HashMap<String, String>> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT a.order_id, a.scan_json FROM attachments a JOIN orders o ON o.id = a.order_id \
             WHERE o.status = $1 AND a.scan_json IS NOT NULL ORDER BY a.uploaded_at, a.id",
        )
        .bind(OrderStatus::PendingReview.as_str())
        .fetch_all(&self.pool)
        .await?;
        // Oldest first: the newest of each order is the one kept.
        Ok(rows.into_iter().collect())
    }

    /// Of the orders `ids`, those whose material `operator_id` put before review: a file
    /// they attached (a scan, a voucher, a correction — whoever then sent it on), an
    /// action that sends material on (`Action::prepares_review`), or a correction of its
    /// details.
    pub async fn prepared_by(
        &self,
        operator_id: &str,
        ids: &[String],
    ) -> StoreResult<std::collections::HashSet<String>> {
        if ids.is_empty() {
            return Ok(std::collections::HashSet::new());
        }
        let mut params = Params::default();
        let operator = params.add(operator_id);
        let actions = params.add_all(
            crate::domain::Action::ALL
                .into_iter()
                .filter(|a| a.prepares_review())
                .map(crate::domain::Action::as_str),
        );
        let edit = params.add(super::EDIT_ACTION);
        let orders = params.add_all(ids);
        let sql = format!(
            "SELECT order_id FROM order_history WHERE actor_id = {operator} \
             AND action IN ({actions}, {edit}) AND order_id IN ({orders}) \
             UNION SELECT order_id FROM attachments WHERE uploaded_by = {operator} \
             AND order_id IN ({orders})"
        );
        let query = params.query_scalar::<String>(&sql);
        Ok(query.fetch_all(&self.pool).await?.into_iter().collect())
    }

    /// What approval asks of the orders `ids` (those the review queue lists), by order
    /// id: the identity its customer was verified with, if any, and whether a scan of the
    /// signed form (or a correction sent for it) is attached
    /// (`AttachmentKind::carries_signed_form`); and whether a file supplied for it is on
    /// another order too.
    pub async fn queue_approval_facts(
        &self,
        ids: &[String],
    ) -> StoreResult<std::collections::HashMap<String, ApprovalFacts>> {
        if ids.is_empty() {
            return Ok(std::collections::HashMap::new());
        }
        #[derive(sqlx::FromRow)]
        struct Row {
            id: String,
            name: String,
            id_number: Option<String>,
            realname_verified_at: Option<i64>,
            signed_forms: i64,
            files_elsewhere: i64,
        }
        let mut params = Params::default();
        let kinds = params.add_all(
            AttachmentKind::ALL
                .into_iter()
                .filter(|k| k.carries_signed_form())
                .map(AttachmentKind::as_str),
        );
        let orders = params.add_all(ids);
        let supplied = super::attachments::SUPPLIED_KINDS;
        let sql = format!(
            "SELECT o.id, c.name, c.id_number, c.realname_verified_at, \
             (SELECT COUNT(*) FROM attachments a WHERE a.order_id = o.id \
              AND a.kind IN ({kinds})) AS signed_forms, \
             (SELECT COUNT(*) FROM attachments a JOIN attachments b ON b.sha256 = a.sha256 \
              AND b.order_id <> a.order_id AND b.kind IN {supplied} \
              WHERE a.order_id = o.id AND a.kind IN {supplied}) AS files_elsewhere \
             FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.id IN ({orders})"
        );
        let query = params.query_as::<Row>(&sql);
        let rows = query.fetch_all(&self.pool).await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let verified = row
                    .id_number
                    .filter(|_| row.realname_verified_at.is_some())
                    .map(|n| (row.name, n));
                let facts = ApprovalFacts {
                    verified,
                    signed_form: row.signed_forms > 0,
                    file_elsewhere: row.files_elsewhere > 0,
                };
                (row.id, facts)
            })
            .collect())
    }
}

/// What approval asks of an order awaiting review ([`Store::queue_approval_facts`]).
#[derive(Debug, Clone, Default)]
pub struct ApprovalFacts {
    /// The name and ID number its customer was verified with.
    pub verified: Option<(String, String)>,
    /// A scan of the signed form (or its correction) is attached.
    pub signed_form: bool,
    /// A file supplied for it is on another order too ([`Store::files_elsewhere`]).
    pub file_elsewhere: bool,
}
