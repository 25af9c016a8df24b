//! Operators and their access tokens. Tokens are 256 random bits shown once; only their
//! SHA-256 is stored (a slow hash buys nothing for secrets this long, and every request
//! checks one).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::events::{NewEvent, insert_event};
use super::{Store, StoreError, StoreResult, new_id, now_ms};
use crate::domain::RoleSet;

/// An authenticated operator.
#[derive(Debug, Clone, PartialEq)]
pub struct Operator {
    /// Operator id.
    pub id: String,
    /// Unique name.
    pub name: String,
    /// Roles.
    pub roles: RoleSet,
}

/// An operator as `operator list` shows it.
#[derive(Debug, Clone)]
pub struct OperatorSummary {
    /// The operator.
    pub operator: Operator,
    /// Unix ms.
    pub created_at: i64,
    /// Unix ms, when revoked.
    pub disabled_at: Option<i64>,
    /// Tokens still valid.
    pub active_tokens: i64,
}

/// The stored form of a token.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.trim().as_bytes()))
}

/// How far [`Store::after_restore`] moves today's order numbers on: more than a province
/// takes in a day.
pub const RESTORE_ORDER_MARGIN: i64 = 10_000;

/// How far [`Store::after_restore`] moves this year's invoice numbers on.
pub const RESTORE_INVOICE_MARGIN: i64 = 100_000;

/// Numbers [`Store::after_restore`] leaves room for per second of the day (orders) or the
/// year (invoices) since the last restore: the same backup restored twice puts the
/// numbers past those the first restore led to, given out in between (the backup itself
/// cannot know of them). Ten a second is more than a province gives out; a day's
/// 86,400 seconds stay within an order number's six digits.
pub const RESTORE_ROOM_PER_SECOND: i64 = 10;

/// What [`Store::after_restore`] did.
#[derive(Debug)]
pub struct Restored {
    /// Today's order number that new orders follow (`HN…`).
    pub orders_after: String,
    /// The day's numbers could not move on by the whole margin ([`RESTORE_ORDER_CAP`]).
    pub orders_capped: bool,
    /// This year's invoice sequence number that new invoices follow.
    pub invoices_after: i64,
    /// Each active operator's name and new token.
    pub tokens: Vec<(String, String)>,
}

/// The seconds since `local`'s day began, and since its year began.
fn seconds_into(local: time::OffsetDateTime) -> (i64, i64) {
    let of_day =
        i64::from(local.hour()) * 3600 + i64::from(local.minute()) * 60 + i64::from(local.second());
    (of_day, i64::from(local.ordinal() - 1) * 86_400 + of_day)
}

/// The counter a restore leaves: `last` moved on by `margin`, and at least `margin` plus
/// [`RESTORE_ROOM_PER_SECOND`] for each of the `seconds` since the day (or year) began — so
/// that a second restore of the same backup later the same day passes whatever the first
/// one's numbers reached meanwhile.
fn restored_counter(last: i64, margin: i64, seconds: i64) -> i64 {
    (last + margin).max(margin + seconds.max(0) * RESTORE_ROOM_PER_SECOND)
}

/// The furthest a restore moves today's order numbers: an order number has six digits for
/// the day's, and this leaves the rest of the day 9,999 (run again and again on one
/// database, `restored` moved them past 999,999, and every order after failed).
pub const RESTORE_ORDER_CAP: i64 = 990_000;

/// Today's order counter after a restore: [`restored_counter`], but never past
/// [`RESTORE_ORDER_CAP`] (nor back); `true` when the cap cut the margin short.
fn restored_order_counter(last: i64, seconds: i64) -> (i64, bool) {
    let wanted = restored_counter(last, RESTORE_ORDER_MARGIN, seconds);
    if wanted <= RESTORE_ORDER_CAP {
        (wanted, false)
    } else {
        (last.max(RESTORE_ORDER_CAP), true)
    }
}

fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!(
        "cac_{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// How long a token's operator is taken from memory before the database is asked again:
/// the bound on a revocation that this instance has not heard of (its event reader hears
/// of one within milliseconds, or at its rescan for another process on the same SQLite
/// file; see [`AuthCache`]).
const AUTH_TTL: Duration = Duration::from_secs(5);
/// Tokens remembered at most (a platform has hundreds of operators, each with a token or
/// two); past it, the stale ones are dropped, then all.
const AUTH_CACHE_MAX: usize = 4096;

/// The operators of tokens seen in the last [`AUTH_TTL`], so a request does not ask the
/// database whose token it is every time (one statement and round trip less per API
/// request). Only valid tokens are remembered. Revoking an operator forgets their tokens
/// at once on the instance that revoked, and on every other instance when its event
/// reader reads the revocation's event ([`Store::forget_operator`]). A lookup that was
/// already under way when a revocation was forgotten does not put its answer back (the
/// generation it started in is checked).
#[derive(Clone, Default)]
pub(super) struct AuthCache(Arc<Mutex<AuthEntries>>);

#[derive(Default)]
struct AuthEntries {
    generation: u64,
    by_token_hash: HashMap<String, (Operator, Instant)>,
}

impl AuthCache {
    /// The operator of `token_hash` if seen valid within the TTL; and the generation to
    /// hand to [`AuthCache::remember`] after asking the database.
    fn get(&self, token_hash: &str) -> (Option<Operator>, u64) {
        let entries = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let operator = entries
            .by_token_hash
            .get(token_hash)
            .filter(|(_, at)| at.elapsed() < AUTH_TTL)
            .map(|(operator, _)| operator.clone());
        (operator, entries.generation)
    }

    fn remember(&self, token_hash: &str, operator: &Operator, generation: u64) {
        let mut entries = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if entries.generation != generation {
            return;
        }
        if entries.by_token_hash.len() >= AUTH_CACHE_MAX {
            entries
                .by_token_hash
                .retain(|_, (_, at)| at.elapsed() < AUTH_TTL);
            if entries.by_token_hash.len() >= AUTH_CACHE_MAX {
                entries.by_token_hash.clear();
            }
        }
        entries
            .by_token_hash
            .insert(token_hash.to_owned(), (operator.clone(), Instant::now()));
    }

    fn forget(&self, operator_id: &str) {
        let mut entries = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        entries.generation += 1;
        entries
            .by_token_hash
            .retain(|_, (operator, _)| operator.id != operator_id);
    }
}

#[derive(sqlx::FromRow)]
struct OperatorRecord {
    id: String,
    name: String,
    roles: String,
}

impl OperatorRecord {
    fn into_operator(self) -> StoreResult<Operator> {
        let roles =
            RoleSet::parse(&self.roles).map_err(|r| StoreError::Corrupt(format!("role {r}")))?;
        Ok(Operator {
            id: self.id,
            name: self.name,
            roles,
        })
    }
}

/// Keeps `token` (its hash only) as one of the operator's.
async fn insert_token<'c, E: sqlx::Executor<'c, Database = sqlx::Any>>(
    executor: E,
    token: &str,
    operator_id: &str,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO operator_tokens (token_hash, operator_id, created_at) VALUES ($1, $2, $3)",
    )
    .bind(hash_token(token))
    .bind(operator_id)
    .bind(now_ms())
    .execute(executor)
    .await?;
    Ok(())
}

/// One line of the operator log: a change to an operator's access.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OperatorLogRow {
    /// When (unix ms).
    pub at: i64,
    /// The operator changed, by name (as then).
    pub operator_name: String,
    /// `add`, `revoke`, `restore`, `token`, `replace_tokens` or `roles`.
    pub action: String,
    /// The roles given, where the change gave some.
    pub detail: Option<String>,
    /// Who made the change.
    pub by_whom: String,
}

/// Appends a line to the operator log, in the change's own transaction.
async fn log_change(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    by: &str,
    operator_id: &str,
    operator_name: &str,
    action: &str,
    detail: Option<&str>,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO operator_log (at, operator_id, operator_name, action, detail, by_whom) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(now_ms())
    .bind(operator_id)
    .bind(operator_name)
    .bind(action)
    .bind(detail)
    .bind(by)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// This store, its changes to operators logged as made by `who` (e.g.
    /// `root@counter-01 (ca-counter operator)`).
    pub fn acting_as(&self, who: &str) -> Store {
        Store {
            acting: std::sync::Arc::from(who),
            ..self.clone()
        }
    }

    /// The operator log, newest first, at most `limit` lines.
    pub async fn operator_log(&self, limit: i64) -> StoreResult<Vec<OperatorLogRow>> {
        Ok(sqlx::query_as(
            "SELECT at, operator_name, action, detail, by_whom FROM operator_log \
             ORDER BY id DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Adds an operator and returns it with its first token (shown once, never stored).
    /// A taken name is a unique violation (see [`StoreError::is_unique_violation`]).
    pub async fn add_operator(
        &self,
        name: &str,
        roles: &RoleSet,
    ) -> StoreResult<(Operator, String)> {
        let operator = Operator {
            id: new_id(),
            name: name.trim().to_owned(),
            roles: roles.clone(),
        };
        let token = new_token();
        let mut tx = self.begin_write().await?;
        sqlx::query("INSERT INTO operators (id, name, roles, created_at) VALUES ($1, $2, $3, $4)")
            .bind(&operator.id)
            .bind(&operator.name)
            .bind(roles.to_list())
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
        insert_token(&mut *tx, &token, &operator.id).await?;
        let roles = roles.to_list();
        log_change(
            &mut tx,
            &self.acting,
            &operator.id,
            &operator.name,
            "add",
            Some(&roles),
        )
        .await?;
        tx.commit().await?;
        Ok((operator, token))
    }

    /// Issues another token for an active operator; `None` if there is no such operator.
    pub async fn issue_token(&self, name: &str) -> StoreResult<Option<String>> {
        let Some(operator) = self.operator_by_name(name).await? else {
            return Ok(None);
        };
        let token = new_token();
        let mut tx = self.begin_write().await?;
        insert_token(&mut *tx, &token, &operator.id).await?;
        log_change(
            &mut tx,
            &self.acting,
            &operator.id,
            &operator.name,
            "token",
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(Some(token))
    }

    /// The active operator called `name`.
    pub async fn operator_by_name(&self, name: &str) -> StoreResult<Option<Operator>> {
        let record: Option<OperatorRecord> = sqlx::query_as(
            "SELECT id, name, roles FROM operators WHERE name = $1 AND disabled_at IS NULL",
        )
        .bind(name.trim())
        .fetch_optional(&self.pool)
        .await?;
        record.map(OperatorRecord::into_operator).transpose()
    }

    /// Disables an operator and revokes all their tokens; false if there was no such
    /// active operator.
    pub async fn revoke_operator(&self, name: &str) -> StoreResult<bool> {
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        let id: Option<String> =
            sqlx::query_scalar("UPDATE operators SET disabled_at = $1 WHERE name = $2 AND disabled_at IS NULL RETURNING id")
                .bind(now)
                .bind(name.trim())
                .fetch_optional(&mut *tx)
                .await?;
        let Some(id) = id else {
            return Ok(false);
        };
        sqlx::query("UPDATE operator_tokens SET revoked_at = $1 WHERE operator_id = $2 AND revoked_at IS NULL")
            .bind(now)
            .bind(&id)
            .execute(&mut *tx)
            .await?;
        log_change(&mut tx, &self.acting, &id, name.trim(), "revoke", None).await?;
        // Streams opened with the revoked tokens read this in order with everything else and
        // end before delivering anything committed after it.
        let event = insert_event(&mut tx, self.backend, NewEvent::operator_revoked(&id)).await?;
        self.commit_with_event(tx, event).await?;
        self.forget_operator(&id);
        // The orders they held for review go back to the queue now, not when the lease runs
        // out (another reviewer was told "held by" someone gone). Each on its own, under
        // its order's lock, after the revocation: the one lock order.
        // Claims are on orders awaiting review: read from the review queue's index.
        let held: Vec<String> = sqlx::query_scalar(
            "SELECT order_no FROM orders WHERE status = 'pending_review' AND claimed_by = $1",
        )
        .bind(&id)
        .fetch_all(&self.pool)
        .await?;
        for order_no in held {
            if let Some(row) = self.order_by_no(&order_no).await? {
                self.release(&row, &id, false, None).await?;
            }
        }
        Ok(true)
    }

    /// Enables a disabled operator again with a new token (the old ones stay revoked);
    /// `None` if there is no disabled operator called `name`.
    pub async fn restore_operator(&self, name: &str) -> StoreResult<Option<String>> {
        let token = new_token();
        let mut tx = self.begin_write().await?;
        let id: Option<String> = sqlx::query_scalar(
            "UPDATE operators SET disabled_at = NULL WHERE name = $1 AND disabled_at IS NOT NULL RETURNING id",
        )
        .bind(name.trim())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(id) = id else {
            return Ok(None);
        };
        insert_token(&mut *tx, &token, &id).await?;
        log_change(&mut tx, &self.acting, &id, name.trim(), "restore", None).await?;
        tx.commit().await?;
        Ok(Some(token))
    }

    /// Whether the database holds any order or any operator's token (a fresh one holds only
    /// the platform's own operators, which have none): one that holds neither was not
    /// restored into (a `pg_restore` forgotten or failed), and `restored` refuses it.
    pub async fn holds_anything(&self) -> StoreResult<bool> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT CAST(1 AS BIGINT) FROM operator_tokens UNION ALL SELECT 1 FROM orders LIMIT 1",
        )
        .fetch_optional(&self.pool)
        .await?;
        Ok(found.is_some())
    }

    /// Brings a database restored from a backup past what was given out since the backup:
    /// today's order numbers move on by [`RESTORE_ORDER_MARGIN`] and this year's invoice
    /// numbers by [`RESTORE_INVOICE_MARGIN`], and at least to a floor that grows with the
    /// time of day (year), [`restored_counter`] (customers hold papers with those given
    /// since, which would be given again — also after a second restore of the same
    /// backup), and every token is revoked, those revoked since the backup among them,
    /// each active operator getting one new token. One transaction: run with every
    /// instance stopped.
    pub async fn after_restore(&self) -> StoreResult<Restored> {
        let now = now_ms();
        let local = time::OffsetDateTime::now_utc().to_offset(crate::domain::CHINA);
        let today = local.date();
        let day = format!(
            "{:04}{:02}{:02}",
            today.year(),
            u8::from(today.month()),
            today.day()
        );
        let (of_day, of_year) = seconds_into(local);
        let operators: Vec<(String, String)> = sqlx::query_as(
            "SELECT id, name FROM operators WHERE disabled_at IS NULL ORDER BY name",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut tx = self.begin_write().await?;
        let orders_last: Option<i64> =
            sqlx::query_scalar("SELECT last FROM order_counters WHERE day = $1")
                .bind(&day)
                .fetch_optional(&mut *tx)
                .await?;
        let (orders_after, orders_capped) =
            restored_order_counter(orders_last.unwrap_or(0), of_day);
        sqlx::query(
            "INSERT INTO order_counters (day, last) VALUES ($1, $2) \
             ON CONFLICT (day) DO UPDATE SET last = $2",
        )
        .bind(&day)
        .bind(orders_after)
        .execute(&mut *tx)
        .await?;
        let year = i64::from(today.year());
        let invoices_last: Option<i64> =
            sqlx::query_scalar("SELECT last FROM invoice_counters WHERE year = $1")
                .bind(year)
                .fetch_optional(&mut *tx)
                .await?;
        let invoices_after =
            restored_counter(invoices_last.unwrap_or(0), RESTORE_INVOICE_MARGIN, of_year);
        sqlx::query(
            "INSERT INTO invoice_counters (year, last) VALUES ($1, $2) \
             ON CONFLICT (year) DO UPDATE SET last = $2",
        )
        .bind(year)
        .bind(invoices_after)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE operator_tokens SET revoked_at = $1 WHERE revoked_at IS NULL")
            .bind(now)
            .execute(&mut *tx)
            .await?;
        let mut tokens = Vec::with_capacity(operators.len());
        for (id, name) in operators {
            let token = new_token();
            insert_token(&mut *tx, &token, &id).await?;
            log_change(&mut tx, &self.acting, &id, &name, "restored", None).await?;
            tokens.push((name, token));
        }
        tx.commit().await?;
        Ok(Restored {
            orders_after: format!("HN{day}{orders_after:06}"),
            orders_capped,
            invoices_after,
            tokens,
        })
    }

    /// Revokes every token of the active operator `name` and issues one new one (a token
    /// that leaked): open streams of the old ones end as with [`Store::revoke_operator`].
    /// `None` if there is no such active operator.
    pub async fn replace_tokens(&self, name: &str) -> StoreResult<Option<String>> {
        let Some(operator) = self.operator_by_name(name).await? else {
            return Ok(None);
        };
        let token = new_token();
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE operator_tokens SET revoked_at = $1 WHERE operator_id = $2 AND revoked_at IS NULL")
            .bind(now)
            .bind(&operator.id)
            .execute(&mut *tx)
            .await?;
        insert_token(&mut *tx, &token, &operator.id).await?;
        log_change(
            &mut tx,
            &self.acting,
            &operator.id,
            &operator.name,
            "replace_tokens",
            None,
        )
        .await?;
        let event = insert_event(
            &mut tx,
            self.backend,
            NewEvent::operator_revoked(&operator.id),
        )
        .await?;
        self.commit_with_event(tx, event).await?;
        self.forget_operator(&operator.id);
        Ok(Some(token))
    }

    /// Gives the active operator `name` these roles; false if there is no such operator.
    /// Every instance takes them at once (as its event reader reads the change), and the
    /// operator's open event streams end, to be opened again under them.
    pub async fn set_roles(&self, name: &str, roles: &RoleSet) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let id: Option<String> = sqlx::query_scalar(
            "UPDATE operators SET roles = $1 WHERE name = $2 AND disabled_at IS NULL RETURNING id",
        )
        .bind(roles.to_list())
        .bind(name.trim())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(id) = id else {
            return Ok(false);
        };
        let listed = roles.to_list();
        log_change(
            &mut tx,
            &self.acting,
            &id,
            name.trim(),
            "roles",
            Some(&listed),
        )
        .await?;
        // Every instance, as its event reader reads this, stops taking the operator's tokens
        // from memory (a demotion takes effect at once, as a revocation does), and their
        // open streams end, to be opened again under the new roles.
        let event =
            insert_event(&mut tx, self.backend, NewEvent::operator_roles_changed(&id)).await?;
        self.commit_with_event(tx, event).await?;
        self.forget_operator(&id);
        Ok(true)
    }

    /// Every staff operator, by name (not the built-in one the online orders go under).
    pub async fn list_operators(&self) -> StoreResult<Vec<OperatorSummary>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            id: String,
            name: String,
            roles: String,
            created_at: i64,
            disabled_at: Option<i64>,
            active_tokens: i64,
        }
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT o.id, o.name, o.roles, o.created_at, o.disabled_at, \
             (SELECT COUNT(*) FROM operator_tokens t WHERE t.operator_id = o.id AND t.revoked_at IS NULL) AS active_tokens \
             FROM operators o WHERE o.id <> $1 ORDER BY o.name",
        )
        // The customers' own platform records its orders under a built-in operator that
        // nobody signs in as: it is not staff.
        .bind(super::self_service::ONLINE_OPERATOR_ID)
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                let operator = OperatorRecord {
                    id: r.id,
                    name: r.name,
                    roles: r.roles,
                }
                .into_operator()?;
                Ok(OperatorSummary {
                    operator,
                    created_at: r.created_at,
                    disabled_at: r.disabled_at,
                    active_tokens: r.active_tokens,
                })
            })
            .collect()
    }

    /// The operator a bearer token belongs to, if the token is valid.
    pub async fn authenticate(&self, token: &str) -> StoreResult<Option<Operator>> {
        self.authenticate_hash(&hash_token(token)).await
    }

    /// The operator of the token stored as `token_hash` (see [`hash_token`]), if it is still
    /// valid: long-lived streams ask again with it.
    pub async fn authenticate_hash(&self, token_hash: &str) -> StoreResult<Option<Operator>> {
        let (remembered, generation) = self.auth.get(token_hash);
        if remembered.is_some() {
            return Ok(remembered);
        }
        let record: Option<OperatorRecord> = sqlx::query_as(
            "SELECT o.id, o.name, o.roles FROM operator_tokens t JOIN operators o ON o.id = t.operator_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND o.disabled_at IS NULL",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        let operator = record.map(OperatorRecord::into_operator).transpose()?;
        if let Some(operator) = &operator {
            self.auth.remember(token_hash, operator, generation);
        }
        Ok(operator)
    }

    /// Why a token [`Store::authenticate_hash`] did not take was refused, for the log: no
    /// such token, one revoked (replaced, or its operator's tokens all revoked), or its
    /// operator disabled — each naming whose it was.
    pub async fn why_refused(&self, token_hash: &str) -> StoreResult<String> {
        let found: Option<(String, String, Option<i64>, Option<i64>)> = sqlx::query_as(
            "SELECT o.name, o.id, t.revoked_at, o.disabled_at \
             FROM operator_tokens t JOIN operators o ON o.id = t.operator_id \
             WHERE t.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        Ok(match found {
            None => "no such token".into(),
            Some((name, id, _, Some(_))) => format!("operator {name} ({id}) is disabled"),
            Some((name, id, Some(_), _)) => format!("a revoked token of {name} ({id})"),
            Some((name, id, _, _)) => format!("a token of {name} ({id}), not taken"),
        })
    }

    /// Forgets what this instance remembers of `operator_id`'s tokens: they were revoked
    /// (here, or by another instance or process, as the event reader read).
    pub fn forget_operator(&self, operator_id: &str) {
        self.auth.forget(operator_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn operator(id: &str) -> Operator {
        Operator {
            id: id.into(),
            name: id.into(),
            roles: RoleSet::parse("clerk").expect("roles"),
        }
    }

    #[test]
    fn a_second_restore_of_the_same_backup_passes_the_numbers_the_first_led_to() {
        // The backup's day had 120 orders; restored at 09:00.
        let first = restored_counter(120, RESTORE_ORDER_MARGIN, 9 * 3600);
        assert!(first >= 120 + RESTORE_ORDER_MARGIN);
        // 300 orders given out in the next 10 minutes, then the same backup restored again.
        let given = first + 300;
        let second = restored_counter(120, RESTORE_ORDER_MARGIN, 9 * 3600 + 600);
        assert!(second > given, "{second} after {given}");
        // A backup with more orders than the floor: moved on by the margin as before.
        assert_eq!(
            restored_counter(500_000, RESTORE_ORDER_MARGIN, 60),
            500_000 + RESTORE_ORDER_MARGIN
        );
        // The day's last second still leaves room in an order number's six digits.
        assert!(restored_counter(0, RESTORE_ORDER_MARGIN, 86_399) < 900_000);
        // Run again and again on one database: never past the cap, never back.
        assert_eq!(restored_order_counter(120, 3600), (46_000, false));
        assert_eq!(restored_order_counter(985_000, 3600), (990_000, true));
        assert_eq!(restored_order_counter(995_000, 3600), (995_000, true));
        // Seconds into the day and the year, as the floors count them (China time).
        let at = time::macros::datetime!(2026-02-01 00:00:10 +08:00);
        assert_eq!(seconds_into(at), (10, 31 * 86_400 + 10));
        let at = time::macros::datetime!(2026-12-31 23:59:59 +08:00);
        assert_eq!(seconds_into(at), (86_399, 364 * 86_400 + 86_399));
        // Restored again an hour later in the year: the invoices' floor passes what an
        // hour could issue at ten a second.
        let year = 200 * 86_400;
        let first = restored_counter(5_000, RESTORE_INVOICE_MARGIN, year);
        let second = restored_counter(5_000, RESTORE_INVOICE_MARGIN, year + 3600);
        assert!(second >= first + 3600 * RESTORE_ROOM_PER_SECOND);
    }

    #[test]
    fn the_auth_cache_forgets_a_revoked_operator_and_a_lookup_that_raced_the_revocation() {
        let cache = AuthCache::default();
        let (none, generation) = cache.get("h1");
        assert_eq!(none, None);
        cache.remember("h1", &operator("a"), generation);
        cache.remember("h2", &operator("b"), generation);
        assert_eq!(cache.get("h1").0, Some(operator("a")));
        cache.forget("a");
        assert_eq!(cache.get("h1").0, None, "revoked");
        assert_eq!(
            cache.get("h2").0,
            Some(operator("b")),
            "another operator kept"
        );
        // A lookup begun before the revocation must not put its answer back.
        cache.remember("h1", &operator("a"), generation);
        assert_eq!(cache.get("h1").0, None);
        let (_, now) = cache.get("h1");
        cache.remember("h1", &operator("a"), now);
        assert_eq!(cache.get("h1").0, Some(operator("a")));
    }

    #[test]
    fn the_auth_cache_stays_bounded() {
        let cache = AuthCache::default();
        for i in 0..AUTH_CACHE_MAX + 10 {
            let (_, generation) = cache.get("");
            cache.remember(&format!("h{i}"), &operator("a"), generation);
        }
        let entries = cache.0.lock().expect("lock").by_token_hash.len();
        assert!(entries <= AUTH_CACHE_MAX, "{entries}");
        assert!(cache.get(&format!("h{}", AUTH_CACHE_MAX + 9)).0.is_some());
    }

    #[test]
    fn tokens_are_long_random_and_hashed() {
        let a = new_token();
        let b = new_token();
        assert_ne!(a, b);
        assert!(a.len() >= 4 + 43, "{a}");
        assert_eq!(hash_token(&a).len(), 64);
        assert_eq!(hash_token(&a), hash_token(&format!(" {a}\n")));
    }
}
