//! Mailing, tracking and invoicing: the mailroom's and finance's queues, the cached
//! answers of the tracking provider (one number is asked at most once per period, decided
//! by compare-and-set so several instances agree), events typed by staff, the customer's
//! invoice request, issued invoices, and the e-mail outbox.

use super::orders::{Actor, OrderRow, SELECT_ORDER};
use super::{Store, StoreResult, new_id, now_ms};
use crate::domain::OrderStatus;

/// The last provider answer for a parcel.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TrackingRow {
    pub state: Option<String>,
    pub events_json: String,
    pub fetched_at: Option<i64>,
    pub checked_at: Option<i64>,
    pub error: Option<String>,
}

/// An event typed by staff.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TrackingEventRow {
    pub at: i64,
    pub state: String,
    pub context: String,
}

/// An issued invoice: blue (the sale's), or red (红字, cancelling a blue one in full).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InvoiceRow {
    pub order_id: String,
    pub invoice_no: String,
    pub invoice_kind: String,
    pub request_json: String,
    pub net_fen: i64,
    pub tax_fen: i64,
    pub total_fen: i64,
    pub provider: String,
    pub attachment_id: Option<String>,
    pub issued_by: Option<String>,
    pub issued_at: i64,
    /// The check code (校验码) the provider gave, if it gives one.
    pub check_code: Option<String>,
    /// A red invoice: the number of the blue invoice it cancels.
    pub reverses: Option<String>,
    /// A red invoice: its confirmation's number (红字发票信息确认单编号).
    pub confirmation_no: Option<String>,
    /// A red invoice: why the blue one was reversed, as finance said it.
    pub reason: Option<String>,
    /// A blue invoice reversed: its red invoice's number.
    pub reversed_by: Option<String>,
    /// A red invoice: the operator who asked for it, if one did.
    pub issuer_id: Option<String>,
    /// The seller, item and tax rate it was drawn with (`invoicing::Seller` as JSON), kept
    /// so that a red invoice repeats its blue one's; `None` before migration 0024.
    pub seller_json: Option<String>,
}

impl InvoiceRow {
    /// True for a red-letter invoice.
    pub fn is_red(&self) -> bool {
        self.reverses.is_some()
    }

    /// Among an order's `invoices`, the red-letter invoice that reversed this one.
    pub fn red_in<'a>(&self, invoices: &'a [InvoiceRow]) -> Option<&'a InvoiceRow> {
        let red_no = self.reversed_by.as_deref()?;
        invoices.iter().find(|i| i.invoice_no == red_no)
    }

    /// Of an order's `invoices`, the blue invoice reversed last (by when it was issued,
    /// as finance's queue orders them).
    pub fn latest_reversed(invoices: &[InvoiceRow]) -> Option<&InvoiceRow> {
        invoices
            .iter()
            .filter(|i| i.reversed_by.is_some())
            .max_by_key(|i| i.issued_at)
    }
}

/// A blue invoice to cancel with a red one, as the provider is asked: the blue invoice is
/// the request's serial, so asking twice never makes two red invoices.
#[derive(Debug, Clone)]
pub struct NewRedInvoice<'a> {
    pub blue: &'a InvoiceRow,
    pub reason: &'a str,
    pub issued_by: &'a str,
    /// The operator asking, if one is.
    pub issuer_id: Option<&'a str>,
}

/// What an invoice is for, as the provider is asked.
#[derive(Debug, Clone)]
pub struct NewInvoice<'a> {
    pub order_id: &'a str,
    pub invoice_kind: &'a str,
    pub request_json: &'a str,
    pub net_fen: i64,
    pub tax_fen: i64,
    pub total_fen: i64,
    pub issued_by: &'a str,
    /// The seller, item and tax rate it is drawn with, as JSON.
    pub seller_json: &'a str,
}

/// A stored e-mail.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MailRow {
    pub id: String,
    pub order_no: Option<String>,
    pub to_addr: String,
    pub subject: String,
    pub body: String,
    pub attachment_id: Option<String>,
    pub provider: String,
    pub status: String,
    pub detail: Option<String>,
    pub created_at: i64,
    pub attempts: i64,
    pub retry_at: Option<i64>,
}

/// An e-mail to record.
#[derive(Debug, Clone)]
pub struct NewMail<'a> {
    pub order_id: Option<&'a str>,
    pub to: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    pub attachment_id: Option<&'a str>,
    pub provider: &'a str,
    pub status: &'a str,
    pub detail: Option<&'a str>,
}

/// A mail claimed for sending ([`Store::claim_mail`]): its row, and which attempt this is
/// (a claim taken over after it lapsed, or a later try, is another one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailClaim {
    /// The mail's row.
    pub id: String,
    /// Which try this is: 1 for the first.
    pub attempt: i64,
}

/// How a claimed mail went ([`Store::finish_mail`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailOutcome<'a> {
    /// Handed over: `sent`, or `kept` by the outbox.
    Done(&'static str),
    /// Refused for now: `waiting`, tried again at this time (ms).
    Waiting { why: &'a str, retry_at: i64 },
    /// Refused for good, or too often: `failed`.
    Failed(&'a str),
}

/// An invoice's mail due for another try ([`Store::due_mail`]): its sender stopped, or the
/// mail server refused it for now.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DueMail {
    /// The mail's row.
    pub id: String,
    /// The order it is about.
    pub order_id: String,
    /// Recipient, subject and body, as first sent.
    pub to_addr: String,
    /// Subject.
    pub subject: String,
    /// Body.
    pub body: String,
    /// The invoice's PDF.
    pub attachment_id: String,
    /// The invoice's number (its file's name in the mail); `None` when no invoice has
    /// that PDF (nothing to send).
    pub invoice_no: Option<String>,
    /// 1 when the invoice was reversed since (红冲): its PDF is not sent any more.
    pub reversed: i64,
}

/// How long a mail may stay `sending` before another attempt takes it over (its sender
/// stopped before it could say how it went): beyond the longest a send may take
/// (`mail::SEND_LIMIT`), and shorter than a reversal's hold (`invoicing::REVERSAL_LEFT_AFTER`), so that the attempt
/// finishing a reversal cut short mails its red invoice.
pub const MAIL_CLAIM_LAPSES: std::time::Duration = std::time::Duration::from_secs(120);

const INVOICE_COLUMNS: &str = "order_id, invoice_no, invoice_kind, request_json, net_fen, tax_fen, total_fen, \
    provider, attachment_id, issued_by, issued_at, check_code, reverses, confirmation_no, reason, \
    reversed_by, issuer_id, seller_json";

impl Store {
    /// Orders in `status`, the longest waiting first: by `shipped_at` (invoicing), else as
    /// the promise counts (from the payment, or a correction after a return).
    pub async fn queue(&self, status: OrderStatus, limit: i64) -> StoreResult<Vec<OrderRow>> {
        let order = if status == OrderStatus::PendingInvoice {
            "COALESCE(o.shipped_at, o.updated_at)"
        } else {
            waiting_since!()
        };
        Ok(sqlx::query_as(&format!(
            "{SELECT_ORDER} WHERE o.status = $1 ORDER BY {order}, o.order_no LIMIT $2"
        ))
        .bind(status.as_str())
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The orders waiting to be mailed whose address was corrected after their label was
    /// printed (ids): their labels are wrong. One statement for the whole queue.
    pub async fn relabel_needed(&self) -> StoreResult<std::collections::HashSet<String>> {
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT h.order_id, h.action, MAX(h.id) FROM order_history h \
             JOIN orders o ON o.id = h.order_id \
             WHERE o.status = $1 AND h.action IN ('labels_printed', $2) \
             GROUP BY h.order_id, h.action",
        )
        .bind(OrderStatus::PendingShipment.as_str())
        .bind(super::EDIT_ACTION)
        .fetch_all(&self.pool)
        .await?;
        Ok(edited_after_labels(rows))
    }

    /// Why the courier brought back the parcel of each order waiting to be mailed again
    /// (its latest `return_parcel`), by order id.
    pub async fn returns_to_mail(&self) -> StoreResult<std::collections::HashMap<String, String>> {
        self.latest_to_mail("return_parcel").await
    }

    /// The latest note on each order waiting to be mailed (a caller's "send it to the front
    /// desk"), by order id: the mailroom reads it where it works.
    pub async fn notes_to_mail(&self) -> StoreResult<std::collections::HashMap<String, String>> {
        self.latest_to_mail("note").await
    }

    /// The words of the latest history row of `action` on each order waiting to be
    /// mailed, by order id (rows without words left out).
    async fn latest_to_mail(
        &self,
        action: &str,
    ) -> StoreResult<std::collections::HashMap<String, String>> {
        let rows: Vec<(String, Option<String>)> = sqlx::query_as(
            "SELECT h.order_id, h.reason FROM order_history h \
             JOIN orders o ON o.id = h.order_id \
             WHERE o.status = $1 AND h.action = $2 \
             AND h.id = (SELECT MAX(n.id) FROM order_history n \
                         WHERE n.order_id = h.order_id AND n.action = $2)",
        )
        .bind(OrderStatus::PendingShipment.as_str())
        .bind(action)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, words)| words.map(|w| (id, w)))
            .collect())
    }

    /// Whether the order's address was corrected after its label was last printed.
    pub async fn needs_relabel(&self, order_id: &str) -> StoreResult<bool> {
        let rows: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT order_id, action, MAX(id) FROM order_history WHERE order_id = $1 \
             AND action IN ('labels_printed', $2) GROUP BY order_id, action",
        )
        .bind(order_id)
        .bind(super::EDIT_ACTION)
        .fetch_all(&self.pool)
        .await?;
        Ok(!edited_after_labels(rows).is_empty())
    }

    /// Another order already shipped with this carrier and number, if any.
    pub async fn order_with_tracking(
        &self,
        carrier: &str,
        tracking_no: &str,
        except_id: &str,
    ) -> StoreResult<Option<(String, bool)>> {
        let mailed: Option<String> = sqlx::query_scalar(
            "SELECT order_no FROM orders WHERE carrier = $1 AND tracking_no = $2 AND id <> $3 \
             ORDER BY order_no LIMIT 1",
        )
        .bind(carrier)
        .bind(tracking_no)
        .bind(except_id)
        .fetch_optional(&self.pool)
        .await?;
        if let Some(order_no) = mailed {
            return Ok(Some((order_no, false)));
        }
        // A parcel that came back under it, this order's or another's: a waybill is used
        // once.
        let returned: Option<String> = sqlx::query_scalar(
            "SELECT o.order_no FROM parcel_returns r JOIN orders o ON o.id = r.order_id \
             WHERE r.carrier = $1 AND r.tracking_no = $2",
        )
        .bind(carrier)
        .bind(tracking_no)
        .fetch_optional(&self.pool)
        .await?;
        Ok(returned.map(|order_no| (order_no, true)))
    }

    /// The order a customer's invoice link belongs to.
    pub async fn order_by_invoice_token(&self, token: &str) -> StoreResult<Option<OrderRow>> {
        Ok(
            sqlx::query_as(&format!("{SELECT_ORDER} WHERE o.invoice_token = $1"))
                .bind(token)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Keeps the invoice request on an order still in 待开票 (an edit: the version moves
    /// on, so a form opened before is stale), with an audit row and an event. With
    /// `expected_version`, only if the order is still at that version. `false` when the
    /// order is no longer waiting for its invoice (or has moved on).
    pub async fn save_invoice_request(
        &self,
        order: &OrderRow,
        actor: &Actor,
        request_json: &str,
        via: &str,
        expected_version: Option<i64>,
        request_id: Option<&str>,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let updated = sqlx::query(
            "UPDATE orders SET invoice_request_json = $1, invoice_requested_at = $2, \
             invoice_requested_via = $3, updated_at = $2, version = version + 1 \
             WHERE id = $4 AND status = $5 AND version = $6",
        )
        .bind(request_json)
        .bind(now_ms())
        .bind(via)
        .bind(&order.id)
        .bind(OrderStatus::PendingInvoice.as_str())
        .bind(expected_version.unwrap_or(order.version))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if updated == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        let (_, event) = self
            .record_in(
                &mut tx,
                order,
                actor,
                "invoice_request",
                Some(via),
                request_id,
                Some("updated"),
            )
            .await?;
        match event {
            Some(event) => self.commit_with_event(tx, event).await?,
            None => tx.commit().await?,
        }
        Ok(true)
    }

    /// Holds the order for a change that takes a while (reversing its invoice: the red
    /// invoice is asked for, drawn and mailed before the order moves), in one
    /// compare-and-set: its version moves on by one and its claim is `holder`'s until
    /// `until` — only if it is still `version` in `status` and nobody else's claim is
    /// live. Of two people doing it at once, one holds it; the other is refused before
    /// anything is made in their name, and so is any other change of the order meanwhile
    /// (`store::transition` on a 已完成 order wants no live claim but its own). The
    /// change's own transition takes the claim with it. `None` when it was not held.
    pub async fn hold_version(
        &self,
        order: &OrderRow,
        status: OrderStatus,
        version: i64,
        holder: (&str, &str),
        until: i64,
    ) -> StoreResult<Option<i64>> {
        let updated = sqlx::query(
            "UPDATE orders SET version = version + 1, claimed_by = $4, claimed_by_name = $5, \
             claim_expires_at = $6 WHERE id = $1 AND status = $2 AND version = $3 \
             AND (claimed_by IS NULL OR claim_expires_at <= $7 OR claimed_by = $4)",
        )
        .bind(&order.id)
        .bind(status.as_str())
        .bind(version)
        .bind(holder.0)
        .bind(holder.1)
        .bind(until)
        .bind(now_ms())
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok((updated > 0).then_some(version + 1))
    }

    /// Lets go of `holder`'s hold on a 已完成 order (their reversal failed before the order
    /// moved), so that others need not wait for it to lapse.
    pub async fn release_hold(&self, order_id: &str, holder: &str) -> StoreResult<()> {
        sqlx::query(
            "UPDATE orders SET claimed_by = NULL, claimed_by_name = NULL, claim_expires_at = NULL \
             WHERE id = $1 AND claimed_by = $2 AND status = 'completed'",
        )
        .bind(order_id)
        .bind(holder)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// 已完成 orders held by a reversal whose hold lapsed before `now` (the partial index
    /// `orders_completed_held`), oldest first: reversals cut short, for the platform to
    /// finish.
    pub async fn lapsed_reversal_holds(&self, now: i64, limit: i64) -> StoreResult<Vec<OrderRow>> {
        Ok(sqlx::query_as(&format!(
            "{SELECT_ORDER} WHERE o.status = 'completed' AND o.claimed_by IS NOT NULL \
             AND o.claim_expires_at <= $1 ORDER BY o.claim_expires_at LIMIT $2"
        ))
        .bind(now)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Clears a lapsed hold on a 已完成 order whose reversal made nothing (nobody reversed
    /// it since: its version is still `version`).
    pub async fn clear_lapsed_hold(
        &self,
        order_id: &str,
        version: i64,
        now: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE orders SET claimed_by = NULL, claimed_by_name = NULL, claim_expires_at = NULL \
             WHERE id = $1 AND version = $2 AND status = 'completed' AND claim_expires_at <= $3 \
             AND NOT EXISTS (SELECT 1 FROM invoices WHERE reverses = orders.invoice_no)",
        )
        .bind(order_id)
        .bind(version)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The latest e-mail about an order: its status and why it failed.
    pub async fn latest_mail(
        &self,
        order_id: &str,
    ) -> StoreResult<Option<(String, Option<String>)>> {
        Ok(sqlx::query_as(
            "SELECT status, detail FROM mail_messages WHERE order_id = $1 \
             ORDER BY created_at DESC, id DESC LIMIT 1",
        )
        .bind(order_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// The invoice that counts for an order, if any: the blue invoice issued and not
    /// reversed.
    pub async fn invoice_for(&self, order_id: &str) -> StoreResult<Option<InvoiceRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {INVOICE_COLUMNS} FROM invoices WHERE order_id = $1 \
             AND reverses IS NULL AND reversed_by IS NULL"
        ))
        .bind(order_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Every invoice of an order, blue and red, in the order they were issued.
    pub async fn invoices_of(&self, order_id: &str) -> StoreResult<Vec<InvoiceRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {INVOICE_COLUMNS} FROM invoices WHERE order_id = $1 \
             ORDER BY issued_at, invoice_no"
        ))
        .bind(order_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The red-letter invoice that reverses `blue_no`, if one was made.
    pub async fn red_of(&self, blue_no: &str) -> StoreResult<Option<InvoiceRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {INVOICE_COLUMNS} FROM invoices WHERE reverses = $1"
        ))
        .bind(blue_no)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// An invoice by its number.
    pub async fn invoice_by_no(&self, invoice_no: &str) -> StoreResult<Option<InvoiceRow>> {
        Ok(sqlx::query_as(&format!(
            "SELECT {INVOICE_COLUMNS} FROM invoices WHERE invoice_no = $1"
        ))
        .bind(invoice_no)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Of `order_ids`, those whose last invoice was reversed and not issued again, with
    /// the reversed invoice's number and why it was reversed: finance's queue says an order
    /// came back for a new invoice.
    pub async fn reversed_pending(
        &self,
        order_ids: &[&str],
    ) -> StoreResult<std::collections::HashMap<String, crate::api::ReissueNote>> {
        let mut found = std::collections::HashMap::new();
        for chunk in order_ids.chunks(200) {
            if chunk.is_empty() {
                continue;
            }
            let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
            let sql = format!(
                "SELECT b.order_id, b.invoice_no, b.issued_at, r.reason, b.request_json \
                 FROM invoices b \
                 JOIN invoices r ON r.invoice_no = b.reversed_by \
                 WHERE b.reversed_by IS NOT NULL AND b.order_id IN ({}) \
                 AND NOT EXISTS (SELECT 1 FROM invoices c WHERE c.order_id = b.order_id \
                 AND c.reverses IS NULL AND c.reversed_by IS NULL)",
                marks.join(", ")
            );
            let mut query =
                sqlx::query_as::<_, (String, String, i64, Option<String>, String)>(&sql);
            for id in chunk {
                query = query.bind(*id);
            }
            let mut rows = query.fetch_all(&self.pool).await?;
            // The latest reversed one, where an order was reversed more than once.
            rows.sort_by_key(|(_, _, at, _, _)| *at);
            for (order_id, invoice_no, _, reason, request) in rows {
                let request: Option<crate::domain::InvoiceRequest> =
                    serde_json::from_str(&request).ok();
                found.insert(
                    order_id,
                    crate::api::ReissueNote {
                        invoice_no,
                        reason,
                        buyer_name: request
                            .as_ref()
                            .map(|r| r.buyer_name.clone())
                            .unwrap_or_default(),
                        invoice_kind: request
                            .as_ref()
                            .map_or("normal", |r| r.invoice_kind.as_str())
                            .to_owned(),
                        tax_number: request.and_then(|r| r.tax_number),
                    },
                );
            }
        }
        Ok(found)
    }

    /// The built-in provider's invoice for an order: the one already issued, or a new one
    /// numbered from this year's sequence — year (2), region (2), channel `0`, then 15
    /// digits: 20 digits, as electronic invoices are numbered. Asking twice for one order
    /// gives the same invoice.
    pub async fn builtin_invoice(
        &self,
        new: &NewInvoice<'_>,
        region: &str,
    ) -> StoreResult<InvoiceRow> {
        if let Some(existing) = self.invoice_for(new.order_id).await? {
            return Ok(existing);
        }
        let mut tx = self.begin_write().await?;
        let (invoice_no, _) = builtin_number(&mut tx, region).await?;
        let inserted = sqlx::query(
            "INSERT INTO invoices (order_id, invoice_no, invoice_kind, request_json, net_fen, tax_fen, \
             total_fen, provider, issued_by, issued_at, check_code, seller_json) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'builtin', $8, $9, $10, $11)",
        )
        .bind(new.order_id)
        .bind(&invoice_no)
        .bind(new.invoice_kind)
        .bind(new.request_json)
        .bind(new.net_fen)
        .bind(new.tax_fen)
        .bind(new.total_fen)
        .bind(new.issued_by)
        .bind(now_ms())
        .bind(check_code(new.order_id, &invoice_no))
        .bind(new.seller_json)
        .execute(&mut *tx)
        .await;
        match inserted.map_err(super::StoreError::from) {
            Ok(_) => tx.commit().await?,
            // Someone issued this order's invoice a moment ago: theirs is the one.
            Err(e) if e.is_unique_violation() => tx.rollback().await?,
            Err(e) => return Err(e),
        }
        self.invoice_for(new.order_id)
            .await?
            .ok_or_else(|| super::StoreError::Corrupt("invoice vanished".into()))
    }

    /// The built-in provider's red-letter invoice for a blue one: the one made before, or a
    /// new one numbered from the same yearly sequence, with negative amounts, the blue
    /// invoice's buyer, and a confirmation number (红字发票信息确认单编号) of 20 digits.
    /// The blue invoice is marked reversed in the same transaction.
    pub async fn builtin_red_invoice(
        &self,
        new: &NewRedInvoice<'_>,
        region: &str,
    ) -> StoreResult<InvoiceRow> {
        if let Some(red) = self.red_of(&new.blue.invoice_no).await? {
            return Ok(red);
        }
        let mut tx = self.begin_write().await?;
        let (invoice_no, confirmation_no) = builtin_number(&mut tx, region).await?;
        let inserted = sqlx::query(
            "INSERT INTO invoices (order_id, invoice_no, invoice_kind, request_json, net_fen, tax_fen, \
             total_fen, provider, issued_by, issued_at, check_code, reverses, confirmation_no, reason, \
             issuer_id, seller_json) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'builtin', $8, $9, $10, $11, $12, $13, $14, $15)",
        )
        .bind(&new.blue.order_id)
        .bind(&invoice_no)
        .bind(&new.blue.invoice_kind)
        .bind(&new.blue.request_json)
        .bind(-new.blue.net_fen)
        .bind(-new.blue.tax_fen)
        .bind(-new.blue.total_fen)
        .bind(new.issued_by)
        .bind(now_ms())
        .bind(check_code(&new.blue.order_id, &invoice_no))
        .bind(&new.blue.invoice_no)
        .bind(&confirmation_no)
        .bind(new.reason)
        .bind(new.issuer_id)
        // Drawn as its blue invoice was.
        .bind(&new.blue.seller_json)
        .execute(&mut *tx)
        .await;
        match inserted.map_err(super::StoreError::from) {
            Ok(_) => {
                sqlx::query(
                    "UPDATE invoices SET reversed_by = $1 WHERE invoice_no = $2 \
                     AND reversed_by IS NULL",
                )
                .bind(&invoice_no)
                .bind(&new.blue.invoice_no)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
            }
            // Someone reversed it a moment ago: theirs is the one.
            Err(e) if e.is_unique_violation() => tx.rollback().await?,
            Err(e) => return Err(e),
        }
        self.red_of(&new.blue.invoice_no)
            .await?
            .ok_or_else(|| super::StoreError::Corrupt("red invoice vanished".into()))
    }

    /// The cached provider answer for a parcel.
    pub async fn tracking(
        &self,
        carrier: &str,
        tracking_no: &str,
    ) -> StoreResult<Option<TrackingRow>> {
        Ok(sqlx::query_as(
            "SELECT state, events_json, fetched_at, checked_at, error FROM tracking \
             WHERE carrier = $1 AND tracking_no = $2",
        )
        .bind(carrier)
        .bind(tracking_no)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Takes the turn to ask the provider about a parcel: `true` when nobody has asked
    /// since `cutoff`. Compare-and-set, so of several callers (or instances) one asks.
    pub async fn take_tracking_turn(
        &self,
        carrier: &str,
        tracking_no: &str,
        cutoff: i64,
    ) -> StoreResult<bool> {
        sqlx::query(
            "INSERT INTO tracking (carrier, tracking_no, events_json) VALUES ($1, $2, '[]') \
             ON CONFLICT (carrier, tracking_no) DO NOTHING",
        )
        .bind(carrier)
        .bind(tracking_no)
        .execute(&self.pool)
        .await?;
        let taken = sqlx::query(
            "UPDATE tracking SET checked_at = $3 WHERE carrier = $1 AND tracking_no = $2 \
             AND (checked_at IS NULL OR checked_at <= $4)",
        )
        .bind(carrier)
        .bind(tracking_no)
        .bind(now_ms())
        .bind(cutoff)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(taken == 1)
    }

    /// Keeps a provider's answer.
    pub async fn save_tracking(
        &self,
        carrier: &str,
        tracking_no: &str,
        state: &str,
        events_json: &str,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE tracking SET state = $3, events_json = $4, fetched_at = $5, error = NULL \
             WHERE carrier = $1 AND tracking_no = $2",
        )
        .bind(carrier)
        .bind(tracking_no)
        .bind(state)
        .bind(events_json)
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Keeps why the provider could not answer; the last known state stays.
    pub async fn save_tracking_error(
        &self,
        carrier: &str,
        tracking_no: &str,
        error: &str,
    ) -> StoreResult<()> {
        sqlx::query("UPDATE tracking SET error = $3 WHERE carrier = $1 AND tracking_no = $2")
            .bind(carrier)
            .bind(tracking_no)
            .bind(error)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Adds an event typed by staff to an order's parcel, with an audit row and an event.
    pub async fn add_tracking_event(
        &self,
        order: &OrderRow,
        actor: &Actor,
        at: i64,
        state: &str,
        context: &str,
        request_id: Option<&str>,
    ) -> StoreResult<()> {
        let (Some(carrier), Some(tracking_no)) = (&order.carrier, &order.tracking_no) else {
            return Ok(());
        };
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO tracking_events (id, carrier, tracking_no, at, state, context, operator_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(new_id())
        .bind(carrier)
        .bind(tracking_no)
        .bind(at)
        .bind(state)
        .bind(context)
        .bind(match actor {
            Actor::Operator { id, .. } => Some(id.clone()),
            Actor::System(_) | Actor::Customer(_) => None,
        })
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        let reason = format!("{state}: {context}");
        let (_, event) = self
            .record_in(
                &mut tx,
                order,
                actor,
                "tracking_event",
                Some(&reason),
                request_id,
                Some("updated"),
            )
            .await?;
        match event {
            Some(event) => self.commit_with_event(tx, event).await?,
            None => tx.commit().await?,
        }
        Ok(())
    }

    /// Events typed by staff for a parcel, newest first.
    pub async fn manual_tracking_events(
        &self,
        carrier: &str,
        tracking_no: &str,
    ) -> StoreResult<Vec<TrackingEventRow>> {
        Ok(sqlx::query_as(
            "SELECT at, state, context FROM tracking_events WHERE carrier = $1 AND tracking_no = $2 \
             ORDER BY at DESC, created_at DESC",
        )
        .bind(carrier)
        .bind(tracking_no)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Claims the sending of `mail` (with its attachment) for this caller: its row is
    /// written `sending` first, under the order's lock, so that two overlapping attempts —
    /// a retry while the first is still on its way — mail it once. `None` when a mail with
    /// that attachment went already (sent, kept, failed for good), is being sent, or waits
    /// for its next try; one whose time came — a `sending` row whose claim lapsed after
    /// [`MAIL_CLAIM_LAPSES`] (its sender stopped), a `waiting` one at its `retry_at` — is
    /// taken over. Finished with [`Store::finish_mail`].
    pub async fn claim_mail(&self, mail: &NewMail<'_>) -> StoreResult<Option<MailClaim>> {
        let (Some(order_id), Some(attachment_id)) = (mail.order_id, mail.attachment_id) else {
            return Err(super::StoreError::Corrupt(
                "a claimed mail belongs to an order's attachment".into(),
            ));
        };
        let mut tx = self.begin_write().await?;
        self.lock_order(&mut tx, order_id).await?;
        let earlier: Vec<(String, String, Option<i64>, i64, i64)> = sqlx::query_as(
            "SELECT id, status, retry_at, attempts, created_at FROM mail_messages \
             WHERE attachment_id = $1",
        )
        .bind(attachment_id)
        .fetch_all(&mut *tx)
        .await?;
        let now = now_ms();
        let lapse = i64::try_from(MAIL_CLAIM_LAPSES.as_millis()).unwrap_or(i64::MAX / 4);
        let lapses = now + lapse;
        let claimed = match earlier.as_slice() {
            [] => {
                let id = new_id();
                sqlx::query(
                    "INSERT INTO mail_messages (id, order_id, to_addr, subject, body, attachment_id, \
                     provider, status, detail, created_at, attempts, retry_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, 'sending', NULL, $8, 1, $9)",
                )
                .bind(&id)
                .bind(order_id)
                .bind(mail.to)
                .bind(mail.subject)
                .bind(mail.body)
                .bind(attachment_id)
                .bind(mail.provider)
                .bind(now)
                .bind(lapses)
                .execute(&mut *tx)
                .await?;
                Some(MailClaim { id, attempt: 1 })
            }
            // Its time came: a waiting mail's next try, a claim whose sender stopped (one
            // claimed by an instance of an earlier version has no `retry_at`: it lapses
            // as claims did, two minutes after it was taken).
            [(id, status, due, attempts, created)]
                if (status == "sending" || status == "waiting")
                    && due.unwrap_or(created + lapse) <= now =>
            {
                sqlx::query(
                    "UPDATE mail_messages SET status = 'sending', attempts = $1, retry_at = $2, \
                     provider = $3 WHERE id = $4",
                )
                .bind(attempts + 1)
                .bind(lapses)
                .bind(mail.provider)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                Some(MailClaim {
                    id: id.clone(),
                    attempt: attempts + 1,
                })
            }
            _ => None,
        };
        tx.commit().await?;
        Ok(claimed)
    }

    /// How a claimed mail went. Only while it is still this claim's: one taken over
    /// meanwhile (after it lapsed) says how its own sending went.
    pub async fn finish_mail(
        &self,
        claim: &MailClaim,
        outcome: &MailOutcome<'_>,
    ) -> StoreResult<()> {
        let (status, detail, retry_at) = match outcome {
            MailOutcome::Done(status) => (*status, None, None),
            MailOutcome::Waiting { why, retry_at } => ("waiting", Some(*why), Some(*retry_at)),
            MailOutcome::Failed(why) => ("failed", Some(*why), None),
        };
        sqlx::query(
            "UPDATE mail_messages SET status = $1, detail = $2, retry_at = $3 \
             WHERE id = $4 AND attempts = $5 AND status = 'sending'",
        )
        .bind(status)
        .bind(detail)
        .bind(retry_at)
        .bind(&claim.id)
        .bind(claim.attempt)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Invoices' mails due for another try at `now` (the partial index `mail_messages_due`),
    /// the longest waiting first: claims whose sender stopped, mails the server refused
    /// for now.
    pub async fn due_mail(&self, now: i64, limit: i64) -> StoreResult<Vec<DueMail>> {
        Ok(sqlx::query_as(
            "SELECT m.id, m.order_id, m.to_addr, m.subject, m.body, m.attachment_id, i.invoice_no, \
               CASE WHEN i.reversed_by IS NULL THEN 0 ELSE 1 END AS reversed \
             FROM mail_messages m LEFT JOIN invoices i \
               ON i.order_id = m.order_id AND i.attachment_id = m.attachment_id \
             WHERE m.retry_at IS NOT NULL AND m.retry_at <= $1 \
               AND m.status IN ('sending', 'waiting') AND m.attachment_id IS NOT NULL \
             ORDER BY m.retry_at LIMIT $2",
        )
        .bind(now)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Gives up a mail due for another try that is not to be sent (its invoice reversed
    /// since, its PDF gone): `failed`, saying why, so that it stops coming due. Only while
    /// it is still due (not claimed meanwhile).
    pub async fn give_up_mail(&self, id: &str, why: &str, now: i64) -> StoreResult<()> {
        sqlx::query(
            "UPDATE mail_messages SET status = 'failed', detail = $1, retry_at = NULL \
             WHERE id = $2 AND status IN ('sending', 'waiting') AND retry_at <= $3",
        )
        .bind(why)
        .bind(id)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The newest e-mails first.
    pub async fn mail_messages(&self, limit: i64) -> StoreResult<Vec<MailRow>> {
        Ok(sqlx::query_as(
            "SELECT m.id, o.order_no, m.to_addr, m.subject, m.body, m.attachment_id, m.provider, \
             m.status, m.detail, m.created_at, m.attempts, m.retry_at FROM mail_messages m LEFT JOIN orders o ON o.id = m.order_id \
             ORDER BY m.created_at DESC, m.id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }
}

/// The built-in invoice's check code: 20 digits from its order and number, so a
/// checker has the field it reads (the built-in invoice is a demo, never a tax invoice).
/// The built-in provider's next number from this year's sequence — year (2), region (2),
/// channel `0`, then 15 digits: 20 digits, as electronic invoices are numbered — and the
/// confirmation number a red invoice carries with it (channel `1`, the same digits).
async fn builtin_number(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    region: &str,
) -> StoreResult<(String, String)> {
    let today = time::OffsetDateTime::now_utc()
        .to_offset(crate::domain::CHINA)
        .date();
    let year = i64::from(today.year());
    let seq: i64 = sqlx::query_scalar(
        "INSERT INTO invoice_counters (year, last) VALUES ($1, 1) \
         ON CONFLICT (year) DO UPDATE SET last = invoice_counters.last + 1 RETURNING last",
    )
    .bind(year)
    .fetch_one(&mut **tx)
    .await?;
    let region: String = region
        .chars()
        .filter(char::is_ascii_digit)
        .chain("00".chars())
        .take(2)
        .collect();
    let yy = year % 100;
    Ok((
        format!("{yy:02}{region}0{seq:015}"),
        format!("{yy:02}{region}1{seq:015}"),
    ))
}

fn check_code(order_id: &str, invoice_no: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("{order_id}/{invoice_no}").as_bytes());
    digest
        .iter()
        .take(20)
        .map(|b| char::from(b'0' + b % 10))
        .collect()
}

/// Of `(order, action, last history row)` rows, the orders whose last correction came after
/// their last label (by the history rows' ids, which follow the order they were written in).
fn edited_after_labels(rows: Vec<(String, String, i64)>) -> std::collections::HashSet<String> {
    let mut printed = std::collections::HashMap::new();
    let mut edited = std::collections::HashMap::new();
    for (order_id, action, row) in rows {
        if action == "labels_printed" {
            printed.insert(order_id, row);
        } else {
            edited.insert(order_id, row);
        }
    }
    edited
        .into_iter()
        .filter(|(id, row)| printed.get(id).is_some_and(|p| p < row))
        .map(|(id, _)| id)
        .collect()
}
