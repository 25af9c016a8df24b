//! Real-name verification sessions: a single-use, expiring token bound to one customer,
//! five tries, and on success the customer marked verified — each change in one
//! transaction with its event. A session may have one outside check in flight (Alipay's
//! face check); every change to it is a compare-and-set on the session's status, tries and
//! check, so a customer's return and another instance's timer finish a check once. Every
//! finished check leaves its facts in `identity_checks` (provider, transaction id, verdict,
//! time).

use base64::Engine;
use rand::RngCore;

use super::events::{NewEvent, insert_event};
use super::operators::hash_token;
use super::{Store, StoreResult, new_id, now_ms};
use crate::api::RealnameStatus;

/// Tries before a session locks.
pub const MAX_ATTEMPTS: i64 = 5;

/// Tries a customer may spend on their own in 24 hours, over every code they open: a
/// code locks after [`MAX_ATTEMPTS`], and a new one would otherwise give as many again
/// without end — each try a question to the provider, paid for, and a guess at someone's
/// ID number. The counter, with the customer and their ID card in front of it, is not
/// held to it.
pub const ONLINE_TRIES_A_DAY: i64 = 2 * MAX_ATTEMPTS;

/// A customer's real-name tries over the last 24 hours on the codes they opened on their
/// own pages ([`Store::online_realname_tries`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayTries {
    /// Tries spent (each a question to the provider).
    pub tries: i64,
    /// A check at the provider is in flight now: it may still pass.
    pub in_flight: bool,
}

impl DayTries {
    /// Spent: no new code, no question to the provider — unless a check in flight may
    /// still pass (the customer is not told their tries are spent while it may).
    pub fn spent(self) -> bool {
        self.tries >= ONLINE_TRIES_A_DAY && !self.in_flight
    }

    /// Tries left of the day's.
    pub fn left(self) -> i64 {
        (ONLINE_TRIES_A_DAY - self.tries).max(0)
    }
}

/// A stored session.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RealnameRow {
    pub id: String,
    pub customer_id: String,
    pub expected_name: String,
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub verified_name: Option<String>,
    pub verified_id_number: Option<String>,
    pub created_by: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub finished_at: Option<i64>,
    /// The provider of the outside check in flight, or of the last one.
    pub provider: Option<String>,
    /// The outside check in flight (Alipay's `certify_id`).
    pub certify_id: Option<String>,
    /// Our number for it.
    pub outer_order_no: Option<String>,
    /// What the phone opens for it.
    pub certify_url: Option<String>,
    /// The name typed for it.
    pub claimed_name: Option<String>,
    /// The ID number typed for it.
    pub claimed_id_number: Option<String>,
    /// When it was last asked about.
    pub checked_at: Option<i64>,
    /// Opened from a returned order: the keyed hash of its applicant's ID number, which
    /// the number typed must match.
    pub expected_id_hash: Option<String>,
    /// The mobile number of the customer it verifies (their account's): the phone's page
    /// says whose account it is, masked, so that nobody verifies into someone else's.
    pub customer_phone: Option<String>,
}

/// The facts of one finished check.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct IdentityCheckRow {
    /// `builtin`, `alipay`.
    pub provider: String,
    /// The provider's id of the check (the session id for the built-in check).
    pub transaction_id: String,
    /// The name checked.
    pub name: String,
    /// The ID number checked.
    pub id_number: String,
    /// `passed`, `failed`, `abandoned`.
    pub verdict: String,
    /// Why it did not pass.
    pub reason: Option<String>,
    /// Unix ms.
    pub checked_at: i64,
}

/// A check's facts to keep with a change of its session.
#[derive(Debug, Clone)]
pub struct NewCheck<'a> {
    /// `builtin`, `alipay`.
    pub provider: &'a str,
    /// The provider's id of the check.
    pub transaction_id: &'a str,
    /// The name checked.
    pub name: &'a str,
    /// The ID number checked.
    pub id_number: &'a str,
    /// `passed`, `failed`, `abandoned`.
    pub verdict: &'a str,
    /// Why it did not pass.
    pub reason: Option<&'a str>,
    /// Hex SHA-256 of the material the provider returned.
    pub material_sha256: Option<&'a str>,
}

impl RealnameRow {
    /// Opened by the customer on their own pages (not at a counter): held to the day's
    /// tries ([`ONLINE_TRIES_A_DAY`]).
    pub fn is_customers_own(&self) -> bool {
        self.created_by == super::self_service::ONLINE_OPERATOR_ID
    }

    /// Locked with its last try refused over a name that is not the registered one, which
    /// is `registered` still: a new code would fail the same way, so none is offered — the
    /// registered name is corrected at a counter (once it is, a new code may pass).
    pub fn locked_over_the_name(&self, registered: &str) -> bool {
        RealnameStatus::parse(&self.status) == Some(RealnameStatus::Locked)
            && self.last_error.as_deref() == Some("name_mismatch")
            && crate::server::identity::same_name(&self.expected_name, registered)
    }

    /// Where it stands at `now` (a pending session past its time is expired).
    pub fn status_at(&self, now: i64) -> RealnameStatus {
        match RealnameStatus::parse(&self.status) {
            Some(RealnameStatus::Pending) if self.expires_at <= now => RealnameStatus::Expired,
            Some(status) => status,
            None => RealnameStatus::Expired,
        }
    }
}

/// The outcome of one try on the phone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    /// Identity confirmed.
    Verified {
        /// Full name as verified.
        name: String,
        /// ID number as verified.
        id_number: String,
    },
    /// Refused, with a stable reason code.
    Failed {
        /// `id_number_invalid`, `name_mismatch`, `provider_unavailable`.
        reason: String,
        /// Whether the try counts towards the lock (provider outages do not).
        counts: bool,
    },
}

const SELECT: &str = "SELECT id, customer_id, expected_name, status, attempts, last_error, verified_name, \
    verified_id_number, created_by, created_at, expires_at, finished_at, provider, certify_id, \
    outer_order_no, certify_url, claimed_name, claimed_id_number, checked_at, expected_id_hash, \
    (SELECT c.phone FROM customers c WHERE c.id = realname_sessions.customer_id) AS customer_phone \
    FROM realname_sessions";

/// Writes a check's facts (append-only).
async fn insert_check(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    session: &RealnameRow,
    check: &NewCheck<'_>,
    now: i64,
) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO identity_checks (id, session_id, customer_id, provider, transaction_id, name, \
         id_number, verdict, reason, material_sha256, checked_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(new_id())
    .bind(&session.id)
    .bind(&session.customer_id)
    .bind(check.provider)
    .bind(check.transaction_id)
    .bind(check.name)
    .bind(check.id_number)
    .bind(check.verdict)
    .bind(check.reason)
    .bind(check.material_sha256)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// The tries spent in the last 24 hours on the codes `customer_id` opened on their own
    /// pages (see [`ONLINE_TRIES_A_DAY`]) — the tries answered, each check sent on to the
    /// provider and not answered yet (in flight, or left so by a newer code), and each one
    /// abandoned there until its code ran out (a failed one is counted once answered, when
    /// its `certify_id` is cleared) — and whether a check is in flight now.
    pub async fn online_realname_tries(&self, customer_id: &str) -> StoreResult<DayTries> {
        let (tries, in_flight): (i64, i64) = sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(attempts + CASE WHEN certify_id IS NOT NULL \
             OR last_error = $4 THEN 1 ELSE 0 END), 0) AS BIGINT), \
             CAST(COALESCE(MAX(CASE WHEN status = 'pending' AND certify_id IS NOT NULL \
             AND expires_at > $5 THEN 1 ELSE 0 END), 0) AS BIGINT) \
             FROM realname_sessions WHERE customer_id = $1 AND created_by = $2 AND created_at >= $3",
        )
        .bind(customer_id)
        .bind(super::self_service::ONLINE_OPERATOR_ID)
        .bind(now_ms() - 24 * 3_600_000)
        .bind(crate::server::identity::checks::FACE_ABANDONED)
        .bind(now_ms())
        .fetch_one(&self.pool)
        .await?;
        Ok(DayTries {
            tries,
            in_flight: in_flight > 0,
        })
    }

    /// Opens a session for a customer, replacing any pending one (its code stops working);
    /// with `expected_id`, the ID number typed must be that one (an order's applicant's).
    /// Returns the session and its token (shown once, stored hashed).
    pub async fn create_realname_session(
        &self,
        customer_id: &str,
        expected_name: &str,
        expected_id: Option<&str>,
        operator_id: &str,
        valid_ms: i64,
    ) -> StoreResult<(RealnameRow, String)> {
        let mut random = [0u8; 16];
        rand::rngs::OsRng.fill_bytes(&mut random);
        let token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random);
        let id = new_id();
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        let replaced: Vec<String> = sqlx::query_scalar(
            "UPDATE realname_sessions SET status = 'superseded', finished_at = $1 \
             WHERE customer_id = $2 AND status = 'pending' RETURNING id",
        )
        .bind(now)
        .bind(customer_id)
        .fetch_all(&mut *tx)
        .await?;
        for old in &replaced {
            let event = NewEvent::realname(old, RealnameStatus::Superseded, 0);
            insert_event(&mut tx, self.backend, event).await?;
        }
        sqlx::query(
            "INSERT INTO realname_sessions (id, token_hash, customer_id, expected_name, status, created_by, \
             created_at, expires_at, expected_id_hash) VALUES ($1, $2, $3, $4, 'pending', $5, $6, $7, $8)",
        )
        .bind(&id)
        .bind(hash_token(&token))
        .bind(customer_id)
        .bind(expected_name)
        .bind(operator_id)
        .bind(now)
        .bind(now + valid_ms)
        // Hashed as a typed number is (`IdNumber::parse`: an imported order's lower-case
        // `x` is the same number).
        .bind(expected_id.map(|number| {
            let number = crate::domain::IdNumber::parse(number)
                .map(|n| n.as_str().to_owned())
                .unwrap_or_else(|_| number.trim().to_ascii_uppercase());
            self.id_hash(&number)
        }))
        .execute(&mut *tx)
        .await?;
        let event_id = insert_event(
            &mut tx,
            self.backend,
            NewEvent::realname(&id, RealnameStatus::Pending, 0),
        )
        .await?;
        self.commit_with_event(tx, event_id).await?;
        let row = self
            .realname(&id)
            .await?
            .ok_or_else(|| super::StoreError::Corrupt("session vanished after insert".into()))?;
        Ok((row, token))
    }

    /// The customer's latest session, whatever became of it.
    pub async fn latest_realname(&self, customer_id: &str) -> StoreResult<Option<RealnameRow>> {
        Ok(sqlx::query_as(&format!(
            "{SELECT} WHERE customer_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1"
        ))
        .bind(customer_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// The session with this id.
    pub async fn realname(&self, id: &str) -> StoreResult<Option<RealnameRow>> {
        Ok(sqlx::query_as(&format!("{SELECT} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?)
    }

    /// The session whose token this is.
    pub async fn realname_by_token(&self, token: &str) -> StoreResult<Option<RealnameRow>> {
        Ok(sqlx::query_as(&format!("{SELECT} WHERE token_hash = $1"))
            .bind(hash_token(token))
            .fetch_optional(&self.pool)
            .await?)
    }

    /// Records one try on a pending, unexpired session (compare-and-set on its status and
    /// try count). `None` when the session moved on meanwhile (used, locked, expired,
    /// replaced, or another try won the race).
    pub async fn record_realname_attempt(
        &self,
        session: &RealnameRow,
        attempt: &Attempt,
        check: Option<&NewCheck<'_>>,
    ) -> StoreResult<Option<RealnameRow>> {
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        let (status, attempts, last_error, name, id_number) = match attempt {
            Attempt::Verified { name, id_number } => (
                RealnameStatus::Verified,
                session.attempts,
                None,
                Some(name.as_str()),
                Some(id_number.as_str()),
            ),
            Attempt::Failed { reason, counts } => {
                let attempts = session.attempts + i64::from(*counts);
                let status = if attempts >= MAX_ATTEMPTS {
                    RealnameStatus::Locked
                } else {
                    RealnameStatus::Pending
                };
                (status, attempts, Some(reason.as_str()), None, None)
            }
        };
        let finished = (status != RealnameStatus::Pending).then_some(now);
        // A check in flight is finished once: by the customer's return or by a timer, on
        // whichever instance comes first; it may finish after the code's time (the customer
        // was in Alipay), a try typed on the page may not.
        let updated = sqlx::query(
            "UPDATE realname_sessions SET status = $1, attempts = $2, last_error = $3, verified_name = $4, \
             verified_id_number = $5, finished_at = $6, certify_id = NULL, certify_url = NULL \
             WHERE id = $7 AND status = 'pending' AND attempts = $8 \
             AND COALESCE(certify_id, '') = $9 AND (expires_at > $10 OR certify_id IS NOT NULL)",
        )
        .bind(status.as_str())
        .bind(attempts)
        .bind(last_error)
        .bind(name)
        .bind(id_number)
        .bind(finished)
        .bind(&session.id)
        .bind(session.attempts)
        .bind(session.certify_id.as_deref().unwrap_or(""))
        .bind(now)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(None);
        }
        if let (Some(name), Some(id_number)) = (name, id_number) {
            // Never over a verified identity: a session opened before the customer was
            // verified another way is void, and the verified name and number stand.
            let written = sqlx::query(
                "UPDATE customers SET name = $1, id_number = $2, realname_verified_at = $3 \
                 WHERE id = $4 AND realname_verified_at IS NULL",
            )
            .bind(name)
            .bind(id_number)
            .bind(now)
            .bind(&session.customer_id)
            .execute(&mut *tx)
            .await?;
            if written.rows_affected() == 0 {
                sqlx::query(
                    "UPDATE realname_sessions SET status = 'superseded', verified_name = NULL, \
                     verified_id_number = NULL WHERE id = $1",
                )
                .bind(&session.id)
                .execute(&mut *tx)
                .await?;
                let event = NewEvent::realname(&session.id, RealnameStatus::Superseded, attempts);
                let event_id = insert_event(&mut tx, self.backend, event).await?;
                self.commit_with_event(tx, event_id).await?;
                return Ok(None);
            }
        }
        if let Some(check) = check {
            insert_check(&mut tx, session, check, now).await?;
        }
        let event_id = insert_event(
            &mut tx,
            self.backend,
            NewEvent::realname(&session.id, status, attempts),
        )
        .await?;
        self.commit_with_event(tx, event_id).await?;
        self.realname(&session.id).await
    }

    /// Notes on a pending session that the phone refused an ID number that cannot be one
    /// (`typo`), or that the last one typed could be one: the counter is told why the
    /// customer is stuck. No try is counted, a check in flight (`certify_id`) is left
    /// alone, and nothing is written (no event) when the note is already so.
    pub async fn note_id_typo(&self, session_id: &str, typo: bool) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let changed: Option<i64> = sqlx::query_scalar(if typo {
            "UPDATE realname_sessions SET last_error = 'id_number_invalid' \
             WHERE id = $1 AND status = 'pending' AND certify_id IS NULL AND expires_at > $2 \
             AND COALESCE(last_error, '') <> 'id_number_invalid' RETURNING attempts"
        } else {
            "UPDATE realname_sessions SET last_error = NULL \
             WHERE id = $1 AND status = 'pending' AND certify_id IS NULL AND expires_at > $2 \
             AND last_error = 'id_number_invalid' RETURNING attempts"
        })
        .bind(session_id)
        .bind(now_ms())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(attempts) = changed else {
            tx.rollback().await?;
            return Ok(());
        };
        let event = NewEvent::realname(session_id, RealnameStatus::Pending, attempts);
        let event_id = insert_event(&mut tx, self.backend, event).await?;
        self.commit_with_event(tx, event_id).await
    }

    /// Records that the customer went on to an outside check (`certify_id`): the session
    /// stays pending while the phone is at the provider. `None` when the session moved on.
    #[allow(clippy::too_many_arguments)]
    pub async fn begin_outside_check(
        &self,
        session: &RealnameRow,
        provider: &str,
        certify_id: &str,
        outer_order_no: &str,
        url: &str,
        name: &str,
        id_number: &str,
    ) -> StoreResult<Option<RealnameRow>> {
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        let updated = sqlx::query(
            "UPDATE realname_sessions SET provider = $1, certify_id = $2, outer_order_no = $3, \
             certify_url = $4, claimed_name = $5, claimed_id_number = $6, checked_at = $7 \
             WHERE id = $8 AND status = 'pending' AND attempts = $9 AND certify_id IS NULL \
             AND expires_at > $7",
        )
        .bind(provider)
        .bind(certify_id)
        .bind(outer_order_no)
        .bind(url)
        .bind(name)
        .bind(id_number)
        .bind(now)
        .bind(&session.id)
        .bind(session.attempts)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(None);
        }
        let event_id = insert_event(
            &mut tx,
            self.backend,
            NewEvent::realname(&session.id, RealnameStatus::Pending, session.attempts),
        )
        .await?;
        self.commit_with_event(tx, event_id).await?;
        self.realname(&session.id).await
    }

    /// Outside checks in flight last asked about before `before`, oldest first.
    pub async fn outside_checks_due(
        &self,
        before: i64,
        limit: i64,
    ) -> StoreResult<Vec<RealnameRow>> {
        Ok(sqlx::query_as(&format!(
            "{SELECT} WHERE status = 'pending' AND certify_id IS NOT NULL \
             AND COALESCE(checked_at, 0) <= $1 ORDER BY checked_at LIMIT $2"
        ))
        .bind(before)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Notes that an outside check was asked about now.
    pub async fn outside_check_asked(&self, session_id: &str) -> StoreResult<()> {
        sqlx::query("UPDATE realname_sessions SET checked_at = $1 WHERE id = $2")
            .bind(now_ms())
            .bind(session_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Pending sessions whose code has run out, oldest first.
    pub async fn lapsed_realname_sessions(&self, limit: i64) -> StoreResult<Vec<RealnameRow>> {
        Ok(sqlx::query_as(&format!(
            "{SELECT} WHERE status = 'pending' AND expires_at <= $1 ORDER BY expires_at LIMIT $2"
        ))
        .bind(now_ms())
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// Ends a pending session whose code ran out, with why (`face_abandoned` when the
    /// customer never finished a check at the provider) and the abandoned check's facts;
    /// the counter hears of it. False when someone else ended it first.
    pub async fn expire_realname(
        &self,
        session: &RealnameRow,
        reason: Option<&str>,
        check: Option<&NewCheck<'_>>,
    ) -> StoreResult<bool> {
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        let updated = sqlx::query(
            "UPDATE realname_sessions SET status = 'expired', last_error = COALESCE($1, last_error), \
             finished_at = $2, certify_id = NULL, certify_url = NULL \
             WHERE id = $3 AND status = 'pending' AND COALESCE(certify_id, '') = $4 AND expires_at <= $2",
        )
        .bind(reason)
        .bind(now)
        .bind(&session.id)
        .bind(session.certify_id.as_deref().unwrap_or(""))
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        if let Some(check) = check {
            insert_check(&mut tx, session, check, now).await?;
        }
        let event_id = insert_event(
            &mut tx,
            self.backend,
            NewEvent::realname(&session.id, RealnameStatus::Expired, session.attempts),
        )
        .await?;
        self.commit_with_event(tx, event_id).await?;
        Ok(true)
    }

    /// The check that verified a customer last, if any.
    pub async fn passed_check(&self, customer_id: &str) -> StoreResult<Option<IdentityCheckRow>> {
        Ok(sqlx::query_as(
            "SELECT provider, transaction_id, name, id_number, verdict, reason, checked_at \
             FROM identity_checks WHERE customer_id = $1 AND verdict = 'passed' \
             ORDER BY checked_at DESC LIMIT 1",
        )
        .bind(customer_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Other names this ID number was verified or applied under: a customer verified, a
    /// check passed, or an order submitted with it under a name that is not `name`. Orders
    /// are found by the number's keyed hash, and — while this instance knows of imported
    /// orders not yet given theirs (see [`Store::notice_unindexed_orders`]) — by the number
    /// itself among those (a range of the hash index; not asked otherwise, since after a
    /// big import PostgreSQL walks that range's dead entries until VACUUM: 19 ms a call).
    pub async fn other_names_of(&self, id_number: &str, name: &str) -> StoreResult<Vec<String>> {
        macro_rules! hashed {
            () => {
                "SELECT name FROM customers WHERE id_number = $1 \
                 AND realname_verified_at IS NOT NULL \
                 UNION SELECT name FROM identity_checks WHERE id_number = $1 \
                 AND verdict = 'passed' \
                 UNION SELECT applicant_name FROM orders WHERE id_hash = $2"
            };
        }
        const HASHED: &str = hashed!();
        const WITH_UNINDEXED: &str = concat!(
            hashed!(),
            " UNION SELECT applicant_name FROM orders WHERE id_hash IS NULL AND id_number = $1"
        );
        let sql = if self.search_indexing().is_some() {
            WITH_UNINDEXED
        } else {
            HASHED
        };
        let names: Vec<String> = sqlx::query_scalar(sql)
            .bind(id_number)
            .bind(super::search::id_hash(&self.search_key, id_number))
            .fetch_all(&self.pool)
            .await?;
        let mut others: Vec<String> = names
            .into_iter()
            .filter(|other| !crate::server::identity::same_name(other, name))
            .collect();
        others.sort();
        others.dedup();
        Ok(others)
    }

    /// Corrects a customer's registered name while they are not yet verified; false if
    /// there is no such unverified customer.
    pub async fn rename_unverified_customer(
        &self,
        customer_id: &str,
        name: &str,
    ) -> StoreResult<bool> {
        let updated = sqlx::query(
            "UPDATE customers SET name = $1 WHERE id = $2 AND realname_verified_at IS NULL",
        )
        .bind(name)
        .bind(customer_id)
        .execute(&self.pool)
        .await?;
        Ok(updated.rows_affected() == 1)
    }
}
