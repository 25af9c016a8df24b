//! The customer's own platform: sign-in codes (hashed, limited, locking), sessions, the
//! application in progress, and the audit of what staff did for a customer outside an
//! order. Orders customers submit are the same orders, with `channel = 'online'` and
//! the built-in `online` operator as submitter.

use sha2::{Digest, Sha256};

use super::{Store, StoreError, StoreResult, new_id, new_token, now_ms};

/// The built-in operator that submits and uploads for the customer platform (disabled: it
/// has no token and can never sign in).
pub const ONLINE_OPERATOR_ID: &str = "00000000-0000-7000-8000-0000000c0de1";

/// How long a sign-in code works.
pub const CODE_MS: i64 = 5 * 60 * 1000;
/// At most one code per number this often.
pub const RESEND_MS: i64 = 60 * 1000;
/// At most this many codes per number per day (China time).
pub const CODES_PER_DAY: i64 = 10;
/// The window of the per-address limit on sign-in codes.
pub const HOUR_MS: i64 = 60 * 60 * 1000;
/// Wrong codes before the number is locked.
pub const WRONG_CODES: i64 = 5;
/// How long a locked number stays locked.
pub const LOCK_MS: i64 = 15 * 60 * 1000;
/// A session unused this long ends.
pub const SESSION_IDLE_MS: i64 = 14 * 24 * 60 * 60 * 1000;
/// How long a form sent after its sign-in ended is kept for the customer to sign in again.
pub const STASH_MS: i64 = 60 * 60 * 1000;

/// Whether a code may be sent now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeIssue {
    /// Stored; send it.
    Send,
    /// One was sent less than a minute ago; the next may go at this time.
    TooSoon(i64),
    /// Ten today already.
    DailyLimit,
    /// Too many wrong codes: locked until this time.
    Locked(i64),
    /// The client address asked for its hour's codes already; the next may go at this time.
    AddressLimit(i64),
}

/// Who asks for a sign-in code.
#[derive(Debug, Clone, Copy)]
pub enum CodeAsker<'a> {
    /// A client: its address and how many codes an address may ask for in an hour (0 for
    /// no limit), when known.
    Client(Option<(&'a str, u32)>),
    /// Staff, for a customer they are speaking to (support's `K`): neither the number's
    /// lock nor its ten a day stop it, and it lifts the lock — wrong codes or requests a
    /// stranger made must not shut the customer out for the day with nobody able to help.
    Staff,
}

/// What a typed code turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeCheck {
    /// Right, and now used up.
    Right,
    /// Wrong; this many tries left before the lock.
    Wrong(i64),
    /// No live code (never sent, used, or expired).
    NoCode,
    /// Locked until this time.
    Locked(i64),
}

/// A customer's signed-in session.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    /// Session id (shown in the list, never the token).
    pub id: String,
    /// Whose.
    pub customer_id: String,
    /// Unix ms.
    pub created_at: i64,
    /// Unix ms.
    pub last_seen_at: i64,
    /// The browser it was opened in, as it said.
    pub user_agent: String,
}

/// The application a customer is filling in.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DraftRow {
    /// The draft's id: the order's idempotency key.
    pub id: String,
    /// Bumped by every save: a stale page is told, not overwritten.
    pub version: i64,
    /// What was typed, as JSON (see `web::apply::Draft`).
    pub data_json: String,
    /// The signed scan's type, if one is uploaded.
    pub scan_type: Option<String>,
    /// Its file name.
    pub scan_name: Option<String>,
    /// Its QR check, as JSON.
    pub scan_json: Option<String>,
    /// The reference whose form was last downloaded to print.
    pub printed_ref: Option<String>,
    /// The price that form showed (fen).
    pub printed_amount_fen: Option<i64>,
    /// When it last changed (unix ms).
    pub updated_at: i64,
}

impl DraftRow {
    /// The price the form of `reference` was printed at, when that paper was the last
    /// printed and its price noted.
    pub fn printed_price(&self, reference: &str) -> Option<i64> {
        self.printed_amount_fen
            .filter(|_| self.printed_ref.as_deref() == Some(reference))
    }
}

/// A code's stored form (a code is only six digits: the pepper is the row's own number so
/// two rows never share a hash).
fn hash_code(phone: &str, code: &str) -> String {
    hex::encode(Sha256::digest(format!("{phone}:{code}").as_bytes()))
}

/// The day in China, `20261203`, for the daily limit.
fn china_day(ms: i64) -> String {
    let at = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .to_offset(crate::domain::CHINA);
    format!("{:04}{:02}{:02}", at.year(), u8::from(at.month()), at.day())
}

#[derive(sqlx::FromRow)]
struct CodeRow {
    code_hash: Option<String>,
    sent_at: Option<i64>,
    expires_at: Option<i64>,
    wrong: i64,
    locked_until: Option<i64>,
    day: String,
    sent_today: i64,
}

/// How a mobile number's sign-in stands ([`Store::sign_in_standing`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignInStanding {
    /// Codes sent today (China's day).
    pub codes_today: i64,
    /// When the last code was sent (unix ms).
    pub last_code_at: Option<i64>,
    /// Wrong codes typed since it was sent; while locked, the ones that locked it.
    pub wrong_tries: i64,
    /// Locked until then (unix ms), when locked now.
    pub locked_until: Option<i64>,
}

/// Where a customer stands on their own platform, for a support agent on the phone with
/// them ([`Store::online_standing`]).
#[derive(Debug, Clone, Default)]
pub struct OnlineStanding {
    /// When they last signed in, or were last seen signed in (unix ms).
    pub last_seen_at: Option<i64>,
    /// Their application in progress.
    pub draft: Option<DraftRow>,
    /// Their latest real-name verification.
    pub realname: Option<super::RealnameRow>,
}

impl Store {
    /// What a support agent needs to see of a customer who has no order to look at: their
    /// last visit, their application in progress, their latest real-name verification.
    pub async fn online_standing(&self, customer_id: &str) -> StoreResult<OnlineStanding> {
        let last_seen_at: Option<(Option<i64>,)> = sqlx::query_as(
            "SELECT MAX(last_seen_at) FROM customer_sessions WHERE customer_id = $1",
        )
        .bind(customer_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(OnlineStanding {
            last_seen_at: last_seen_at.and_then(|(at,)| at),
            draft: self.draft_of(customer_id).await?,
            realname: self.latest_realname(customer_id).await?,
        })
    }

    /// How `phone`'s sign-in stands now, for a support agent with a caller whose code does
    /// not work: codes sent today, the last one's time, wrong tries since, the lock's end.
    pub async fn sign_in_standing(&self, phone: &str) -> StoreResult<SignInStanding> {
        let row: Option<CodeRow> = sqlx::query_as(
            "SELECT code_hash, sent_at, expires_at, wrong, locked_until, day, sent_today \
             FROM login_codes WHERE phone = $1",
        )
        .bind(phone)
        .fetch_optional(&self.pool)
        .await?;
        let now = now_ms();
        Ok(match row {
            None => SignInStanding::default(),
            Some(row) => {
                let locked_until = row.locked_until.filter(|until| *until > now);
                SignInStanding {
                    codes_today: if row.day == china_day(now) {
                        row.sent_today
                    } else {
                        0
                    },
                    last_code_at: row.sent_at,
                    // Locked: the wrong tries that locked it (the count starts again at
                    // the lock, which is not "none wrong").
                    wrong_tries: if locked_until.is_some() {
                        WRONG_CODES
                    } else {
                        row.wrong
                    },
                    locked_until,
                }
            }
        })
    }

    async fn code_row(
        &self,
        tx: &mut sqlx::Transaction<'static, sqlx::Any>,
        phone: &str,
    ) -> StoreResult<Option<CodeRow>> {
        let lock = if self.backend == super::Backend::Postgres {
            " FOR UPDATE"
        } else {
            ""
        };
        Ok(sqlx::query_as(&format!(
            "SELECT code_hash, sent_at, expires_at, wrong, locked_until, day, sent_today \
             FROM login_codes WHERE phone = $1{lock}"
        ))
        .bind(phone)
        .fetch_optional(&mut **tx)
        .await?)
    }

    /// Keeps `code` as the live sign-in code of `phone` if the limits allow one now (one a
    /// minute, ten a day, none while locked; and, for a code a client asked for, `from`:
    /// its address and how many codes an address may ask for in an hour, 0 for no limit).
    /// Whether the number belongs to a customer plays no part: the answer is the same for
    /// every number.
    pub async fn issue_login_code(
        &self,
        phone: &str,
        code: &str,
        asker: CodeAsker<'_>,
    ) -> StoreResult<CodeIssue> {
        let (from, by_staff) = match asker {
            CodeAsker::Client(from) => (from, false),
            CodeAsker::Staff => (None, true),
        };
        let now = now_ms();
        let today = china_day(now);
        let mut tx = self.begin_write().await?;
        if self.backend == super::Backend::Postgres {
            sqlx::query(
                "INSERT INTO login_codes (phone, day, sent_today) VALUES ($1, $2, 0) \
                 ON CONFLICT (phone) DO NOTHING",
            )
            .bind(phone)
            .bind(&today)
            .execute(&mut *tx)
            .await?;
        }
        let row = self.code_row(&mut tx, phone).await?;
        if let Some(row) = &row {
            if let Some(until) = row.locked_until.filter(|u| *u > now && !by_staff) {
                tx.rollback().await?;
                return Ok(CodeIssue::Locked(until));
            }
            if let Some(sent) = row.sent_at.filter(|s| *s + RESEND_MS > now) {
                tx.rollback().await?;
                return Ok(CodeIssue::TooSoon(sent + RESEND_MS));
            }
            if row.day == today && row.sent_today >= CODES_PER_DAY && !by_staff {
                tx.rollback().await?;
                return Ok(CodeIssue::DailyLimit);
            }
        }
        if let Some((address, per_hour)) = from.filter(|(_, n)| *n > 0) {
            // One statement counts the code against the address's hour (a new hour starts
            // the count again); over the limit, the transaction is rolled back, count too.
            sqlx::query("DELETE FROM sign_in_senders WHERE window_start <= $1")
                .bind(now - HOUR_MS)
                .execute(&mut *tx)
                .await?;
            let (window_start, sent): (i64, i64) = sqlx::query_as(
                "INSERT INTO sign_in_senders (address, window_start, sent) VALUES ($1, $2, 1) \
                 ON CONFLICT (address) DO UPDATE SET \
                 window_start = CASE WHEN sign_in_senders.window_start + $3 <= $2 \
                   THEN $2 ELSE sign_in_senders.window_start END, \
                 sent = CASE WHEN sign_in_senders.window_start + $3 <= $2 \
                   THEN 1 ELSE sign_in_senders.sent + 1 END \
                 RETURNING window_start, sent",
            )
            .bind(address)
            .bind(now)
            .bind(HOUR_MS)
            .fetch_one(&mut *tx)
            .await?;
            if sent > i64::from(per_hour) {
                tx.rollback().await?;
                return Ok(CodeIssue::AddressLimit(window_start + HOUR_MS));
            }
        }
        let sent_today = match &row {
            Some(row) if row.day == today => row.sent_today + 1,
            _ => 1,
        };
        // Staff lifting a lock start the wrong tries afresh too.
        let fresh_tries = if by_staff { ", wrong = 0" } else { "" };
        let upsert = format!(
            "INSERT INTO login_codes (phone, code_hash, sent_at, expires_at, wrong, locked_until, day, sent_today) \
             VALUES ($1, $2, $3, $4, 0, NULL, $5, $6) \
             ON CONFLICT (phone) DO UPDATE SET code_hash = excluded.code_hash, sent_at = excluded.sent_at, \
             expires_at = excluded.expires_at, day = excluded.day, sent_today = excluded.sent_today, \
             locked_until = NULL{fresh_tries}"
        );
        sqlx::query(&upsert)
            .bind(phone)
            .bind(hash_code(phone, code))
            .bind(now)
            .bind(now + CODE_MS)
            .bind(&today)
            .bind(sent_today)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(CodeIssue::Send)
    }

    /// Checks a typed code: a right one is used up at once (one use); a wrong one counts
    /// towards the lock (five lock the number for fifteen minutes).
    pub async fn check_login_code(&self, phone: &str, code: &str) -> StoreResult<CodeCheck> {
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        let Some(row) = self.code_row(&mut tx, phone).await? else {
            tx.rollback().await?;
            return Ok(CodeCheck::NoCode);
        };
        if let Some(until) = row.locked_until.filter(|u| *u > now) {
            tx.rollback().await?;
            return Ok(CodeCheck::Locked(until));
        }
        let live = row.code_hash.is_some() && row.expires_at.is_some_and(|e| e > now);
        if !live {
            tx.rollback().await?;
            return Ok(CodeCheck::NoCode);
        }
        if row.code_hash.as_deref() == Some(hash_code(phone, code.trim()).as_str()) {
            sqlx::query(
                "UPDATE login_codes SET code_hash = NULL, expires_at = NULL, wrong = 0 WHERE phone = $1",
            )
            .bind(phone)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            return Ok(CodeCheck::Right);
        }
        let wrong = row.wrong + 1;
        if wrong >= WRONG_CODES {
            // Locked: the code is gone too, so the lock is not a wait for the same code.
            sqlx::query(
                "UPDATE login_codes SET wrong = 0, locked_until = $1, code_hash = NULL, expires_at = NULL \
                 WHERE phone = $2",
            )
            .bind(now + LOCK_MS)
            .bind(phone)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            return Ok(CodeCheck::Locked(now + LOCK_MS));
        }
        sqlx::query("UPDATE login_codes SET wrong = $1 WHERE phone = $2")
            .bind(wrong)
            .bind(phone)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(CodeCheck::Wrong(WRONG_CODES - wrong))
    }

    /// Opens a session for `customer_id`; returns the token for the cookie (shown once,
    /// kept hashed).
    pub async fn open_session(&self, customer_id: &str, user_agent: &str) -> StoreResult<String> {
        let token = format!("{}{}", new_token(), new_token());
        let now = now_ms();
        let agent: String = user_agent
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect();
        sqlx::query(
            "INSERT INTO customer_sessions (id, token_hash, customer_id, created_at, last_seen_at, user_agent) \
             VALUES ($1, $2, $3, $4, $4, $5)",
        )
        .bind(new_id())
        .bind(super::hash_token(&token))
        .bind(customer_id)
        .bind(now)
        .bind(agent)
        .execute(&self.pool)
        .await?;
        Ok(token)
    }

    /// The live session of `token`, if any; marks it seen (at most once a minute).
    pub async fn session(&self, token: &str) -> StoreResult<Option<SessionRow>> {
        let now = now_ms();
        let row: Option<SessionRow> = sqlx::query_as(
            "SELECT id, customer_id, created_at, last_seen_at, user_agent FROM customer_sessions \
             WHERE token_hash = $1 AND revoked_at IS NULL AND last_seen_at > $2",
        )
        .bind(super::hash_token(token))
        .bind(now - SESSION_IDLE_MS)
        .fetch_optional(&self.pool)
        .await?;
        if let Some(row) = &row
            && row.last_seen_at + 60_000 < now
        {
            sqlx::query("UPDATE customer_sessions SET last_seen_at = $1 WHERE id = $2")
                .bind(now)
                .bind(&row.id)
                .execute(&self.pool)
                .await?;
        }
        Ok(row)
    }

    /// A customer's live sessions, newest first.
    pub async fn sessions_of(&self, customer_id: &str) -> StoreResult<Vec<SessionRow>> {
        Ok(sqlx::query_as(
            "SELECT id, customer_id, created_at, last_seen_at, user_agent FROM customer_sessions \
             WHERE customer_id = $1 AND revoked_at IS NULL AND last_seen_at > $2 ORDER BY created_at DESC",
        )
        .bind(customer_id)
        .bind(now_ms() - SESSION_IDLE_MS)
        .fetch_all(&self.pool)
        .await?)
    }

    /// New addresses for the invoice links the customer's texts carry (`/m/invoice/…`,
    /// which open without signing in): signed out everywhere — a phone lost —, the links
    /// in its texts no longer choose, issue or download an invoice. Their order pages
    /// link the new ones.
    pub async fn renew_invoice_links(&self, customer_id: &str) -> StoreResult<()> {
        let ids: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM orders WHERE customer_id = $1 AND invoice_token IS NOT NULL",
        )
        .bind(customer_id)
        .fetch_all(&self.pool)
        .await?;
        for id in ids {
            sqlx::query("UPDATE orders SET invoice_token = $1 WHERE id = $2")
                .bind(new_token())
                .bind(&id)
                .execute(&self.pool)
                .await?;
        }
        Ok(())
    }

    /// Ends one of a customer's sessions (or all of them, `None`); false if none was live.
    pub async fn end_sessions(&self, customer_id: &str, id: Option<&str>) -> StoreResult<bool> {
        let ended = match id {
            Some(id) => sqlx::query(
                "UPDATE customer_sessions SET revoked_at = $1 WHERE customer_id = $2 AND id = $3 \
                 AND revoked_at IS NULL",
            )
            .bind(now_ms())
            .bind(customer_id)
            .bind(id)
            .execute(&self.pool)
            .await?,
            None => sqlx::query(
                "UPDATE customer_sessions SET revoked_at = $1 WHERE customer_id = $2 AND revoked_at IS NULL",
            )
            .bind(now_ms())
            .bind(customer_id)
            .execute(&self.pool)
            .await?,
        };
        Ok(ended.rows_affected() > 0)
    }

    /// Whose session `token` was, live or ended (expired, or signed out), if the platform
    /// ever opened it.
    pub async fn session_owner(&self, token: &str) -> StoreResult<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT customer_id FROM customer_sessions WHERE token_hash = $1")
                .bind(super::hash_token(token))
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Keeps `body`, a form `customer_id` sent to `path` after their sign-in had ended,
    /// for [`STASH_MS`]; returns the token that gives it back ([`Store::take_stash`]).
    /// Stashes past their time go, and so does the customer's earlier one: a customer has
    /// one at most (the form they sent last), however many pages a script posts to.
    pub async fn stash_form(
        &self,
        customer_id: &str,
        path: &str,
        body: &str,
    ) -> StoreResult<String> {
        let token = new_token();
        let now = now_ms();
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM form_stashes WHERE created_at <= $1 OR customer_id = $2")
            .bind(now - STASH_MS)
            .bind(customer_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO form_stashes (token_hash, customer_id, path, body, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(super::hash_token(&token))
        .bind(customer_id)
        .bind(path)
        .bind(body)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    /// The form stashed under `token`, if it is `customer_id`'s, was sent to `path` and is
    /// not past its time; given once (it is gone after).
    pub async fn take_stash(
        &self,
        token: &str,
        customer_id: &str,
        path: &str,
    ) -> StoreResult<Option<String>> {
        Ok(sqlx::query_scalar(
            "DELETE FROM form_stashes WHERE token_hash = $1 AND customer_id = $2 AND path = $3 \
             AND created_at > $4 RETURNING body",
        )
        .bind(super::hash_token(token))
        .bind(customer_id)
        .bind(path)
        .bind(now_ms() - STASH_MS)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// The customer's application in progress.
    pub async fn draft_of(&self, customer_id: &str) -> StoreResult<Option<DraftRow>> {
        Ok(sqlx::query_as(
            "SELECT id, version, data_json, scan_type, scan_name, scan_json, printed_ref, \
             printed_amount_fen, updated_at \
             FROM customer_drafts \
             WHERE customer_id = $1",
        )
        .bind(customer_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Notes that the form of `reference` was downloaded to print, showing `amount_fen`
    /// (`None`: not known — an earlier paper's, come back). The draft's version stays: see
    /// migration 0016.
    pub async fn draft_printed(
        &self,
        customer_id: &str,
        reference: &str,
        amount_fen: Option<i64>,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE customer_drafts SET printed_ref = $1, printed_amount_fen = $2 \
             WHERE customer_id = $3",
        )
        .bind(reference)
        .bind(amount_fen)
        .bind(customer_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The signed scan kept with the draft.
    pub async fn draft_scan(&self, customer_id: &str) -> StoreResult<Option<Vec<u8>>> {
        let scan: Option<Option<Vec<u8>>> =
            sqlx::query_scalar("SELECT scan FROM customer_drafts WHERE customer_id = $1")
                .bind(customer_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(scan.flatten())
    }

    /// Saves what was typed, if the page saw version `seen` (`None`: a new draft); returns
    /// the new version, or `None` when another tab saved first. `drop_scan` drops the
    /// signed scan in the same write (the form it was of has changed).
    pub async fn save_draft(
        &self,
        customer_id: &str,
        seen: Option<i64>,
        data_json: &str,
        drop_scan: bool,
    ) -> StoreResult<Option<i64>> {
        let now = now_ms();
        let saved = match seen {
            None => {
                sqlx::query(
                    "INSERT INTO customer_drafts (customer_id, id, version, data_json, updated_at) \
                 VALUES ($1, $2, 1, $3, $4) ON CONFLICT (customer_id) DO NOTHING",
                )
                .bind(customer_id)
                .bind(new_id())
                .bind(data_json)
                .bind(now)
                .execute(&self.pool)
                .await?
                .rows_affected()
                    > 0
            }
            Some(version) => sqlx::query(if drop_scan {
                "UPDATE customer_drafts SET data_json = $1, version = version + 1, updated_at = $2, \
                     scan = NULL, scan_type = NULL, scan_name = NULL, scan_json = NULL \
                     WHERE customer_id = $3 AND version = $4"
            } else {
                "UPDATE customer_drafts SET data_json = $1, version = version + 1, updated_at = $2 \
                     WHERE customer_id = $3 AND version = $4"
            })
            .bind(data_json)
            .bind(now)
            .bind(customer_id)
            .bind(version)
            .execute(&self.pool)
            .await?
            .rows_affected()
                > 0,
        };
        if !saved {
            return Ok(None);
        }
        Ok(Some(seen.map_or(1, |v| v + 1)))
    }

    /// Keeps the signed scan with the draft at version `seen`; the new version, or `None`
    /// when another tab moved the draft on.
    #[allow(clippy::too_many_arguments)]
    pub async fn save_draft_scan(
        &self,
        customer_id: &str,
        seen: i64,
        data: &[u8],
        content_type: &str,
        filename: &str,
        scan_json: Option<&str>,
    ) -> StoreResult<Option<i64>> {
        let updated = sqlx::query(
            "UPDATE customer_drafts SET scan = $1, scan_type = $2, scan_name = $3, scan_json = $4, \
             version = version + 1, updated_at = $5 WHERE customer_id = $6 AND version = $7",
        )
        .bind(data)
        .bind(content_type)
        .bind(filename)
        .bind(scan_json)
        .bind(now_ms())
        .bind(customer_id)
        .bind(seen)
        .execute(&self.pool)
        .await?;
        Ok((updated.rows_affected() > 0).then_some(seen + 1))
    }

    /// Ends the draft `id` (submitted, or thrown away).
    pub async fn drop_draft(&self, customer_id: &str, id: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM customer_drafts WHERE customer_id = $1 AND id = $2")
            .bind(customer_id)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Records what staff did for a customer outside any one order.
    pub async fn customer_audit(
        &self,
        customer_id: &str,
        actor: &super::Actor,
        action: &str,
        detail: Option<&str>,
    ) -> StoreResult<()> {
        let (id, name) = match actor {
            super::Actor::Operator { id, name } => (Some(id.clone()), name.clone()),
            other => (None, other.display_name().to_owned()),
        };
        sqlx::query(
            "INSERT INTO customer_audit (customer_id, at, actor_id, actor_name, action, detail) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(customer_id)
        .bind(now_ms())
        .bind(id)
        .bind(name)
        .bind(action)
        .bind(detail)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The newest `limit` entries of a customer's audit trail, newest first: (at, operator
    /// id, who, action, detail).
    pub async fn customer_trail(
        &self,
        customer_id: &str,
        limit: i64,
    ) -> StoreResult<Vec<(i64, Option<String>, String, String, Option<String>)>> {
        Ok(sqlx::query_as(
            "SELECT at, actor_id, actor_name, action, detail FROM customer_audit \
             WHERE customer_id = $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(customer_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The customer with this mobile number, made on their first sign-in (no name yet: the
    /// real-name step gives it).
    pub async fn customer_for_sign_in(
        &self,
        phone: &crate::domain::Phone,
    ) -> StoreResult<super::CustomerRow> {
        if let Some(found) = self.customer_by_phone(phone).await? {
            return Ok(found);
        }
        sqlx::query(
            "INSERT INTO customers (id, phone, name, created_at) VALUES ($1, $2, '', $3) \
             ON CONFLICT (phone) DO NOTHING",
        )
        .bind(new_id())
        .bind(phone.as_str())
        .bind(now_ms())
        .execute(&self.pool)
        .await?;
        self.customer_by_phone(phone)
            .await?
            .ok_or_else(|| StoreError::Corrupt("customer vanished after sign-in".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_kept_hashed_per_number() {
        assert_ne!(
            hash_code("13800000000", "123456"),
            hash_code("13900000000", "123456")
        );
        assert_eq!(hash_code("13800000000", "123456").len(), 64);
    }

    #[test]
    fn the_day_is_chinas() {
        // 2026-12-02 17:00 UTC is 2026-12-03 01:00 in China.
        assert_eq!(china_day(1_796_230_800_000), "20261203");
    }
}
