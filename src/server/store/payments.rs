//! Payment attempts. Each attempt has its own `out_trade_no`; a confirmed payment moves the
//! order along the table in the same transaction; money that arrives for an order that
//! can no longer take it is kept as `refund_needed` for finance. Everything a provider
//! says is kept in `payment_events`.

use base64::Engine;
use rand::RngCore;

use super::orders::{Actor, OrderRow, SetColumn, Transition, TransitionError};
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
    pub qr_code: Option<String>,
    pub amount_fen: i64,
    pub status: String,
    pub trade_no: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
    pub paid_at: Option<i64>,
    pub checked_at: Option<i64>,
    pub product_name: String,
    pub project_name: String,
}

/// What asking for a payment code found.
#[derive(Debug, Clone)]
pub enum Opened {
    /// A new attempt: ask the provider for its code.
    New(PaymentRow),
    /// The order's code that still works.
    Live(PaymentRow),
    /// Another request is getting the order's code from the provider right now.
    InFlight,
    /// A live attempt without a code, for a QR code: the customer's mobile cashier (which
    /// has none), or a code the provider never gave. Close it first, at the provider and
    /// here ([`Store::close_payment`]), then ask again: two open attempts could both be
    /// paid.
    Uncoded(PaymentRow),
}

/// How long an attempt may wait for the provider's code before another may be opened.
const PRECREATE_GRACE_MS: i64 = 60_000;

/// What confirming a payment did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirmed {
    /// The order is paid now (待支付 → 待审核).
    Paid,
    /// It was already; nothing changed (a repeated notification).
    AlreadyPaid,
    /// The order could no longer take money (cancelled, or paid another way): kept for a
    /// refund.
    RefundNeeded,
}

const SELECT: &str = "SELECT p.id, p.order_id, o.order_no, p.method, p.out_trade_no, p.token, p.qr_code, \
    p.amount_fen, p.status, p.trade_no, p.created_at, p.expires_at, p.paid_at, p.checked_at, \
    pr.name AS product_name, pj.name AS project_name FROM payments p \
    JOIN orders o ON o.id = p.order_id JOIN products pr ON pr.id = o.product_id \
    JOIN projects pj ON pj.id = o.project_id";

impl Store {
    /// Opens a payment attempt for an order — or, when one is already live, says so: one
    /// code per order at a time, however many counters press at once. Attempts for one
    /// order are serialised by a row lock on the order (SQLite's write lock does the same).
    /// Each new attempt's token (128 random bits) names the sandbox cashier page.
    /// `by_address`: an attempt paid at an address (the mobile cashier), which never gets a
    /// code from the provider — a live one without a code is that attempt, not one whose
    /// code is being asked for.
    pub async fn open_payment_attempt(
        &self,
        order: &OrderRow,
        method: &str,
        valid_ms: i64,
        by_address: bool,
    ) -> StoreResult<Opened> {
        let mut tx = self.begin_write().await?;
        self.lock_order(&mut tx, &order.id).await?;
        let now = now_ms();
        let live: Option<(String, Option<String>, i64)> = sqlx::query_as(
            "SELECT id, qr_code, created_at FROM payments WHERE order_id = $1 AND status = 'pending' \
             AND expires_at > $2 ORDER BY created_at DESC LIMIT 1",
        )
        .bind(&order.id)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        match live {
            Some((id, code, _)) if code.is_some() || by_address => {
                tx.commit().await?;
                let row = self.payment_by("p.id", &id).await?;
                return row
                    .map(Opened::Live)
                    .ok_or_else(|| super::StoreError::Corrupt("payment vanished".into()));
            }
            // Another request is asking the provider for this order's code right now.
            Some((_, None, created_at)) if created_at > now - PRECREATE_GRACE_MS => {
                tx.commit().await?;
                return Ok(Opened::InFlight);
            }
            // (A code, or the mobile cashier asking again, was answered above.)
            Some((id, _, _)) => {
                tx.commit().await?;
                let row = self.payment_by("p.id", &id).await?;
                return row
                    .map(Opened::Uncoded)
                    .ok_or_else(|| super::StoreError::Corrupt("payment vanished".into()));
            }
            None => {}
        }
        let id = new_id();
        let mut random = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut random);
        let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random);
        let out_trade_no = format!("{}-{}", order.order_no, &id[id.len() - 8..]);
        sqlx::query(
            "INSERT INTO payments (id, order_id, method, out_trade_no, token, amount_fen, status, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8)",
        )
        .bind(&id)
        .bind(&order.id)
        .bind(method)
        .bind(&out_trade_no)
        .bind(&token)
        .bind(order.amount_fen)
        .bind(now)
        .bind(now + valid_ms)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        self.payment_by("p.id", &id)
            .await?
            .map(Opened::New)
            .ok_or_else(|| super::StoreError::Corrupt("payment vanished after insert".into()))
    }

    /// The provider's trade number of the payment that paid the order, if one did.
    pub async fn paid_trade_no(&self, order_id: &str) -> StoreResult<Option<String>> {
        Ok(sqlx::query_scalar(
            "SELECT trade_no FROM payments WHERE order_id = $1 AND status = 'paid' \
             ORDER BY paid_at DESC LIMIT 1",
        )
        .bind(order_id)
        .fetch_optional(&self.pool)
        .await?
        .flatten())
    }

    /// Records what the QR code encodes, once the provider gave it.
    pub async fn set_payment_qr(&self, id: &str, qr_code: &str) -> StoreResult<()> {
        sqlx::query("UPDATE payments SET qr_code = $1 WHERE id = $2")
            .bind(qr_code)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The order's pending payment whose QR code still works, if any.
    pub async fn open_payment(&self, order_id: &str) -> StoreResult<Option<PaymentRow>> {
        Ok(sqlx::query_as(&format!(
            "{SELECT} WHERE p.order_id = $1 AND p.status = 'pending' AND p.expires_at > $2 \
             AND p.qr_code IS NOT NULL ORDER BY p.created_at DESC LIMIT 1"
        ))
        .bind(order_id)
        .bind(now_ms())
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Whether the order was ever shown a payment code (one may have run out since).
    pub async fn had_payment_code(&self, order_id: &str) -> StoreResult<bool> {
        Ok(sqlx::query_scalar::<_, i32>(
            "SELECT 1 FROM payments WHERE order_id = $1 AND qr_code IS NOT NULL LIMIT 1",
        )
        .bind(order_id)
        .fetch_optional(&self.pool)
        .await?
        .is_some())
    }

    /// The payment whose cashier token is `token`.
    pub async fn payment_by_token(&self, token: &str) -> StoreResult<Option<PaymentRow>> {
        self.payment_by("p.token", token).await
    }

    /// The payment with this `out_trade_no`.
    pub async fn payment_by_trade(&self, out_trade_no: &str) -> StoreResult<Option<PaymentRow>> {
        self.payment_by("p.out_trade_no", out_trade_no).await
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

    /// Whether a payment with this id exists (a page's cursor names one).
    pub async fn payment_exists(&self, id: &str) -> StoreResult<bool> {
        Ok(
            sqlx::query_scalar::<_, i32>("SELECT 1 FROM payments WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?
                .is_some(),
        )
    }

    /// Payments in `status`, oldest first.
    pub async fn payments_in(
        &self,
        status: &str,
        after: Option<&str>,
        limit: i64,
    ) -> StoreResult<Vec<PaymentRow>> {
        Ok(match after {
            None => {
                sqlx::query_as(&format!(
                    "{SELECT} WHERE p.status = $1 ORDER BY p.created_at, p.id LIMIT $2"
                ))
                .bind(status)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?
            }
            // The page after a payment: from the `(status, created_at)` index onwards.
            Some(after) => {
                sqlx::query_as(&format!(
                    "{SELECT} WHERE p.status = $1 AND EXISTS (SELECT 1 FROM payments a \
                     WHERE a.id = $2 AND (p.created_at > a.created_at \
                     OR (p.created_at = a.created_at AND p.id > a.id))) \
                     ORDER BY p.created_at, p.id LIMIT $3"
                ))
                .bind(status)
                .bind(after)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?
            }
        })
    }

    /// Pending payments not asked about since `before` (unix ms), oldest first.
    pub async fn payments_to_check(&self, before: i64, limit: i64) -> StoreResult<Vec<PaymentRow>> {
        Ok(sqlx::query_as(&format!(
            "{SELECT} WHERE p.status = 'pending' AND p.qr_code IS NOT NULL \
             AND (p.checked_at IS NULL OR p.checked_at < $1) ORDER BY p.created_at LIMIT $2"
        ))
        .bind(before)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Notes that a pending payment was just asked about.
    pub async fn payment_checked(&self, id: &str) -> StoreResult<()> {
        sqlx::query("UPDATE payments SET checked_at = $1 WHERE id = $2")
            .bind(now_ms())
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Keeps what a provider said or was asked (`kind`: precreate, notify, query, close).
    pub async fn payment_event(
        &self,
        payment_id: Option<&str>,
        kind: &str,
        outcome: &str,
        detail: &str,
        params: Option<&str>,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO payment_events (payment_id, at, kind, outcome, detail, params) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(payment_id)
        .bind(now_ms())
        .bind(kind)
        .bind(outcome)
        .bind(detail)
        .bind(params)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records money received for a payment: the payment is marked paid and the order
    /// moves 待支付 → 待审核 in one transaction; a repeat changes nothing; money for an
    /// order that can no longer take it is marked `refund_needed` with a history row, in the
    /// same transaction. The order row is locked first, as everywhere (see the store's
    /// lock order): a cancel racing the payment queues behind it or goes first, never
    /// deadlocks with it.
    pub async fn confirm_payment(
        &self,
        payment: &PaymentRow,
        provider: &str,
        trade_no: Option<&str>,
    ) -> Result<Confirmed, TransitionError> {
        let now = now_ms();
        let Some(order) = self.order_by_no(&payment.order_no).await? else {
            return Err(TransitionError::NotFound);
        };
        let mut tx = self.begin_write().await?;
        self.lock_order(&mut tx, &payment.order_id).await?;
        let status: Option<String> =
            sqlx::query_scalar("SELECT status FROM payments WHERE id = $1")
                .bind(&payment.id)
                .fetch_optional(&mut *tx)
                .await?;
        if matches!(status.as_deref(), Some("paid" | "refund_needed") | None) {
            tx.rollback().await?;
            return Ok(Confirmed::AlreadyPaid);
        }
        let updated = sqlx::query(
            "UPDATE payments SET status = 'paid', paid_at = $1, trade_no = $2 WHERE id = $3 AND status IN ('pending', 'closed')",
        )
        .bind(now)
        .bind(trade_no)
        .bind(&payment.id)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(Confirmed::AlreadyPaid);
        }
        let step = Transition {
            sms: None,
            claimed_by: None,
            action: Action::Pay,
            expected_version: None,
            actor: Actor::System(provider.to_owned()),
            reason: Some(format!(
                "{} {} {}",
                payment.method,
                payment.out_trade_no,
                trade_no.unwrap_or_default()
            )),
            request_id: None,
            set: vec![
                SetColumn::Text("payment_method", Some(payment.method.clone())),
                SetColumn::Int("paid_at", Some(now)),
            ],
        };
        match self.transition_in(&mut tx, &payment.order_no, &step).await {
            Ok(event_id) => {
                self.commit_with_event(tx, event_id).await?;
                Ok(Confirmed::Paid)
            }
            Err(TransitionError::NotAllowed { .. }) => {
                // The order cannot take money any more (cancelled, or paid another way):
                // keep the money on record for finance to refund.
                sqlx::query("UPDATE payments SET status = 'refund_needed' WHERE id = $1")
                    .bind(&payment.id)
                    .execute(&mut *tx)
                    .await?;
                let reason = format!(
                    "{} {} ¥{}",
                    payment.out_trade_no,
                    trade_no.unwrap_or_default(),
                    yuan(payment.amount_fen)
                );
                let (_, event_id) = self
                    .record_in(
                        &mut tx,
                        &order,
                        &Actor::System(provider.to_owned()),
                        "payment_refund_needed",
                        Some(&reason),
                        None,
                        Some("payment"),
                    )
                    .await?;
                match event_id {
                    Some(event_id) => self.commit_with_event(tx, event_id).await?,
                    None => tx.commit().await?,
                }
                Ok(Confirmed::RefundNeeded)
            }
            Err(e) => {
                tx.rollback().await?;
                Err(e)
            }
        }
    }

    /// Closes a pending payment (its QR code stops working); false if it was not pending.
    /// The order row first, then the payment, then the history row, in one transaction.
    pub async fn close_payment(
        &self,
        payment: &PaymentRow,
        provider: &str,
        why: &str,
    ) -> StoreResult<bool> {
        let Some(order) = self.order_by_no(&payment.order_no).await? else {
            return Ok(false);
        };
        let mut tx = self.begin_write().await?;
        self.lock_order(&mut tx, &payment.order_id).await?;
        let updated = sqlx::query(
            "UPDATE payments SET status = 'closed' WHERE id = $1 AND status = 'pending'",
        )
        .bind(&payment.id)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        let reason = format!("{} {why}", payment.out_trade_no);
        let (_, event_id) = self
            .record_in(
                &mut tx,
                &order,
                &Actor::System(provider.to_owned()),
                "payment_closed",
                Some(&reason),
                None,
                None,
            )
            .await?;
        match event_id {
            Some(event_id) => self.commit_with_event(tx, event_id).await?,
            None => tx.commit().await?,
        }
        Ok(true)
    }

    /// A line in an order's timeline about its payment (attempt, refused notify, query).
    pub async fn payment_note(
        &self,
        order_no: &str,
        provider: &str,
        action: &str,
        reason: &str,
    ) -> StoreResult<()> {
        if let Some(order) = self.order_by_no(order_no).await? {
            self.record(
                &order,
                &Actor::System(provider.to_owned()),
                action,
                Some(reason),
                None,
                None,
            )
            .await?;
        }
        Ok(())
    }

    /// Records in the order's history that `by` (an operator, with their id, or the
    /// customer) opened a payment.
    pub async fn record_payment_created(
        &self,
        order_no: &str,
        by: &Actor,
        reason: &str,
    ) -> StoreResult<()> {
        if let Some(order) = self.order_by_no(order_no).await? {
            self.record(&order, by, "payment_created", Some(reason), None, None)
                .await?;
        }
        Ok(())
    }

    /// The sandbox's (or another self-made) private key, made by `make` on first use. Two
    /// instances starting at once agree on one key.
    pub async fn provider_key(
        &self,
        name: &str,
        make: impl FnOnce() -> Option<String>,
    ) -> StoreResult<Option<String>> {
        let existing: Option<String> =
            sqlx::query_scalar("SELECT private_pem FROM provider_keys WHERE name = $1")
                .bind(name)
                .fetch_optional(&self.pool)
                .await?;
        if existing.is_some() {
            return Ok(existing);
        }
        let Some(pem) = make() else { return Ok(None) };
        sqlx::query(
            "INSERT INTO provider_keys (name, private_pem, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(&pem)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(
            sqlx::query_scalar("SELECT private_pem FROM provider_keys WHERE name = $1")
                .bind(name)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Orders still unpaid (待支付, 待上传凭证) created before `before` (unix ms).
    pub async fn unpaid_orders_before(
        &self,
        before: i64,
        limit: i64,
    ) -> StoreResult<Vec<(String, i64)>> {
        Ok(sqlx::query_as(
            "SELECT order_no, version FROM orders WHERE status IN ('pending_payment', 'pending_voucher') \
             AND created_at < $1 ORDER BY created_at LIMIT $2",
        )
        .bind(before)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }
}

fn yuan(fen: i64) -> String {
    crate::domain::Money::from_fen(fen)
        .map(|m| m.yuan_string())
        .unwrap_or_default()
}
