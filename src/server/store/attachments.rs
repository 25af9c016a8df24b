//! Attachments: bytes with their SHA-256, size and sniffed type. Names given by users are
//! kept for display only, never used as paths.

use sha2::{Digest, Sha256};

use sqlx::{Any, Transaction};

use super::orders::{Actor, OrderRow};
use super::{Store, StoreResult, new_id, now_ms};

/// A file to store.
#[derive(Debug, Clone)]
pub struct NewAttachment {
    /// The order.
    pub order_id: String,
    /// `signed_form`, `voucher`, …
    pub kind: String,
    /// Sniffed content type.
    pub content_type: String,
    /// Display name.
    pub filename: String,
    /// The bytes.
    pub data: Vec<u8>,
    /// Operator id.
    pub uploaded_by: String,
    /// What the QR code check of a scan found (`api::ScanCheck` as JSON); `None` for
    /// kinds that are not checked.
    pub scan_json: Option<String>,
}

/// A stored attachment without its bytes.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttachmentRow {
    pub id: String,
    pub order_id: String,
    pub order_no: String,
    pub kind: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub filename: String,
    pub uploaded_by: String,
    pub uploaded_by_name: String,
    pub uploaded_at: i64,
    pub scan_json: Option<String>,
}

const SELECT: &str = "SELECT a.id, a.order_id, o.order_no, a.kind, a.content_type, a.size, a.sha256, \
    a.filename, a.uploaded_by, op.name AS uploaded_by_name, a.uploaded_at, a.scan_json FROM attachments a \
    JOIN orders o ON o.id = a.order_id JOIN operators op ON op.id = a.uploaded_by";

impl Store {
    /// Stores an attachment of `order` with its audit row and event, in one transaction;
    /// returns its id, and whether it was stored now. The same bytes uploaded again as the
    /// same kind (a retry after a lost answer) are not stored twice: the first upload's id
    /// comes back, with `false`.
    ///
    /// `still`: for a file judged by the order's status (a voucher, a correction), that
    /// rule, asked again of the status in the transaction that keeps it — an order that
    /// moved meanwhile where the file is no longer taken keeps nothing
    /// ([`Attached::Moved`]).
    pub async fn attach(
        &self,
        order: &OrderRow,
        attachment: NewAttachment,
        actor: &Actor,
        request_id: Option<&str>,
        still: Option<&(dyn Fn(crate::domain::OrderStatus) -> bool + Send + Sync)>,
    ) -> StoreResult<Attached> {
        let sha256 = hex::encode(Sha256::digest(&attachment.data));
        let mut tx = self.begin_write().await?;
        // The order's row first (the lock order): two uploads of the same file at once
        // then find one another.
        self.lock_order(&mut tx, &order.id).await?;
        let existing: Option<String> = sqlx::query_scalar(
            "SELECT id FROM attachments WHERE order_id = $1 AND kind = $2 AND sha256 = $3",
        )
        .bind(&order.id)
        .bind(&attachment.kind)
        .bind(&sha256)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(id) = existing {
            tx.rollback().await?;
            return Ok(Attached::Stored(id, false));
        }
        // Judged for the order's status as read (a correction for a returned order, a
        // voucher for one not past review): one that moved meanwhile where the file is no
        // longer taken (sent back to review from a phone while a clerk's scan was
        // checked) keeps nothing.
        if let Some(still) = still {
            let (status, version): (String, i64) =
                sqlx::query_as("SELECT status, version FROM orders WHERE id = $1")
                    .bind(&order.id)
                    .fetch_one(&mut *tx)
                    .await?;
            let status = crate::domain::OrderStatus::parse(&status)
                .ok_or_else(|| super::StoreError::Corrupt(format!("status {status}")))?;
            if !still(status) {
                tx.rollback().await?;
                return Ok(Attached::Moved { status, version });
            }
        }
        // A file added while the order waits for a decision changes what is decided on:
        // its version moves (the order's row first, the lock order), so a decision sent
        // with the version read before is refused as stale, not taken on files its
        // reviewer never saw. Before review the action that sends the files on moves it.
        sqlx::query(
            "UPDATE orders SET version = version + 1 WHERE id = $1 AND status = 'pending_review'",
        )
        .bind(&order.id)
        .execute(&mut *tx)
        .await?;
        let reason = format!("{} {}", attachment.kind, attachment.filename);
        let id = insert_attachment_in(&mut tx, attachment, &sha256).await?;
        self.commit_attached(tx, order, actor, &reason, request_id)
            .await?;
        Ok(Attached::Stored(id, true))
    }
}

/// What became of a file sent to [`Store::attach`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attached {
    /// Kept (its id), or the same bytes of the same kind found kept before (`false`: a
    /// retry).
    Stored(String, bool),
    /// Not kept: the order's status moved on since it was read.
    Moved {
        /// Status now.
        status: crate::domain::OrderStatus,
        /// Version now.
        version: i64,
    },
}

impl Store {
    /// Takes back a correction the customer uploaded on their phone to `order` (as read,
    /// its version) since its return (`returned_at`) and has not sent to review yet — the
    /// wrong page, a blurred photo: the file is deleted (nobody has reviewed it), the
    /// order's version moves on and the history says it was withdrawn, with its name. Its
    /// name, or `None` when it is not such a file or the order changed meanwhile (sent
    /// from another tab, returned again): then nothing changes.
    pub async fn withdraw_correction(
        &self,
        order: &OrderRow,
        attachment_id: &str,
        returned_at: i64,
        actor: &Actor,
    ) -> StoreResult<Option<String>> {
        let mut tx = self.begin_write().await?;
        // The order first (the lock order), still waiting for this correction as the page
        // saw it: its version moves on, so a resubmission that listed its files before
        // (another tab) is refused as stale rather than sent with a file no longer there,
        // and `returned_at` is still its last return's.
        self.lock_order(&mut tx, &order.id).await?;
        let waiting = sqlx::query(
            "UPDATE orders SET version = version + 1 \
             WHERE id = $1 AND status = $2 AND version = $3",
        )
        .bind(&order.id)
        .bind(crate::domain::OrderStatus::Rejected.as_str())
        .bind(order.version)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if waiting == 0 {
            return Ok(None);
        }
        let filename: Option<String> = sqlx::query_scalar(
            "DELETE FROM attachments WHERE id = $1 AND order_id = $2 AND kind = $3 \
             AND uploaded_by = $4 AND uploaded_at >= $5 RETURNING filename",
        )
        .bind(attachment_id)
        .bind(&order.id)
        .bind(crate::api::AttachmentKind::Correction.as_str())
        .bind(super::self_service::ONLINE_OPERATOR_ID)
        .bind(returned_at)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(filename) = filename else {
            // Dropping `tx` rolls the version back.
            return Ok(None);
        };
        let reason = format!(
            "{} {filename}",
            crate::api::AttachmentKind::Correction.as_str()
        );
        let (_, event_id) = self
            .record_in(
                &mut tx,
                order,
                actor,
                "withdraw_attachment",
                Some(&reason),
                None,
                Some("attachment"),
            )
            .await?;
        match event_id {
            Some(event_id) => self.commit_with_event(tx, event_id).await?,
            None => tx.commit().await?,
        }
        Ok(Some(filename))
    }

    /// Writes the history line of a file kept in `tx` (`reason`: its kind and name) and
    /// commits, with its event.
    async fn commit_attached(
        &self,
        mut tx: Transaction<'static, Any>,
        order: &OrderRow,
        actor: &Actor,
        reason: &str,
        request_id: Option<&str>,
    ) -> StoreResult<()> {
        let (_, event_id) = self
            .record_in(
                &mut tx,
                order,
                actor,
                "attach",
                Some(reason),
                request_id,
                Some("attachment"),
            )
            .await?;
        match event_id {
            Some(event_id) => self.commit_with_event(tx, event_id).await?,
            None => tx.commit().await?,
        }
        Ok(())
    }

    /// Keeps `attachment`, the PDF drawn for invoice `invoice_no`, as that invoice's own —
    /// unless one was kept first (two people drew it at the same moment): then nothing is
    /// written, not the file, not its line in the history, and `None` says so. The file,
    /// its history row and the invoice's link are one transaction; the invoice's row is
    /// updated only while it has no file, so of two drawings one is kept.
    pub async fn attach_invoice_pdf(
        &self,
        order: &OrderRow,
        invoice_no: &str,
        attachment: NewAttachment,
        actor: &Actor,
        request_id: Option<&str>,
    ) -> StoreResult<Option<String>> {
        let sha256 = hex::encode(Sha256::digest(&attachment.data));
        let reason = format!("{} {}", attachment.kind, attachment.filename);
        let mut tx = self.begin_write().await?;
        // The lock order: the order's row first.
        self.lock_order(&mut tx, &order.id).await?;
        let id = insert_attachment_in(&mut tx, attachment, &sha256).await?;
        let linked = sqlx::query(
            "UPDATE invoices SET attachment_id = $1 WHERE invoice_no = $2 \
             AND attachment_id IS NULL",
        )
        .bind(&id)
        .bind(invoice_no)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if linked == 0 {
            tx.rollback().await?;
            return Ok(None);
        }
        self.commit_attached(tx, order, actor, &reason, request_id)
            .await?;
        Ok(Some(id))
    }
}

async fn insert_attachment_in(
    tx: &mut Transaction<'static, Any>,
    attachment: NewAttachment,
    sha256: &str,
) -> StoreResult<String> {
    let id = new_id();
    sqlx::query(
        "INSERT INTO attachments (id, order_id, kind, content_type, size, sha256, filename, data, uploaded_by, \
         uploaded_at, scan_json) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(&id)
    .bind(&attachment.order_id)
    .bind(&attachment.kind)
    .bind(&attachment.content_type)
    .bind(attachment.data.len() as i64)
    .bind(sha256)
    .bind(&attachment.filename)
    .bind(attachment.data)
    .bind(&attachment.uploaded_by)
    .bind(now_ms())
    .bind(&attachment.scan_json)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

impl Store {
    /// The attachments of an order, oldest first.
    pub async fn attachments_of(&self, order_id: &str) -> StoreResult<Vec<AttachmentRow>> {
        Ok(sqlx::query_as(&format!(
            "{SELECT} WHERE a.order_id = $1 ORDER BY a.uploaded_at, a.id"
        ))
        .bind(order_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// One attachment's metadata.
    pub async fn attachment(&self, id: &str) -> StoreResult<Option<AttachmentRow>> {
        Ok(sqlx::query_as(&format!("{SELECT} WHERE a.id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// One attachment's bytes.
    pub async fn attachment_data(&self, id: &str) -> StoreResult<Option<Vec<u8>>> {
        Ok(
            sqlx::query_scalar("SELECT data FROM attachments WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await?,
        )
    }
}

/// The kinds of file customers and clerks supply (`AttachmentKind::supplied`), as the SQL
/// the partial index `attachments_supplied` (migration 0020) is written with: SQLite uses a
/// partial index only for a query whose condition repeats the index's own.
pub(crate) const SUPPLIED_KINDS: &str = "('signed_form', 'voucher', 'correction', 'other')";

impl Store {
    /// For each supplied file of `order_id` whose bytes another order carries too (as a
    /// supplied file): the file's id and that order's number, by order number. One
    /// transfer voucher sent for two orders, one order's signed scan sent for another.
    pub async fn files_elsewhere(&self, order_id: &str) -> StoreResult<Vec<(String, String)>> {
        let sql = format!(
            "SELECT DISTINCT a.id, o.order_no FROM attachments a \
             JOIN attachments b ON b.sha256 = a.sha256 AND b.order_id <> a.order_id \
             AND b.kind IN {SUPPLIED_KINDS} \
             JOIN orders o ON o.id = b.order_id \
             WHERE a.order_id = $1 AND a.kind IN {SUPPLIED_KINDS} ORDER BY o.order_no"
        );
        Ok(sqlx::query_as::<_, (String, String)>(&sql)
            .bind(order_id)
            .fetch_all(&self.pool)
            .await?)
    }
}

impl Store {
    /// The name of a file of `order` with exactly these bytes, uploaded before the order was
    /// last returned: a "correction" that is the file it was returned over corrects nothing.
    pub async fn sent_before_return(
        &self,
        order: &OrderRow,
        data: &[u8],
    ) -> StoreResult<Option<String>> {
        let returned_at = self.returned_at(order).await?;
        self.sent_before(order, data, returned_at).await
    }

    /// [`Store::sent_before_return`] with when the order was returned already read.
    pub async fn sent_before(
        &self,
        order: &OrderRow,
        data: &[u8],
        returned_at: i64,
    ) -> StoreResult<Option<String>> {
        let sha256 = hex::encode(Sha256::digest(data));
        Ok(self
            .attachments_of(&order.id)
            .await?
            .into_iter()
            .find(|a| a.sha256 == sha256 && a.uploaded_at < returned_at)
            .map(|a| a.filename))
    }
}

#[cfg(test)]
mod tests {
    use crate::api::AttachmentKind;

    /// The SQL list of supplied kinds (written out for SQLite's partial index) is the one
    /// rule `AttachmentKind::supplied` gives.
    #[test]
    fn the_supplied_kinds_in_sql_are_the_rules() {
        let rule: Vec<String> = AttachmentKind::ALL
            .into_iter()
            .filter(|k| k.supplied())
            .map(|k| format!("'{}'", k.as_str()))
            .collect();
        assert_eq!(super::SUPPLIED_KINDS, format!("({})", rule.join(", ")));
    }
}
