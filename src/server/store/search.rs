//! Order search: what a clerk types into `/` (or a customer's number after `:phone`) is
//! read as one kind of key, and every kind is answered from an index, the same way on
//! SQLite and PostgreSQL.
//!
//! | typed | read as | answered from |
//! |---|---|---|
//! | `HN20261128000042` (any case, full-width, spaces) | an order number | `orders.order_no` (unique) |
//! | `261128000042`, `20261128000042` (12–14 digits) | an order number without its `HN` / century, or a tracking number | the same, exact; and `orders.tracking_no` |
//! | 15–19 digits, or two letters and 8–30 letters and digits (`EA123456785CN`, `SF1234567890123`) | a tracking number (运单号): of a parcel mailed now, or of one the courier brought back | `orders.tracking_no` (partial index `orders_tracking_no`) and `parcel_returns.tracking_no` (`parcel_returns_number`), then the orders by their numbers |
//! | `HN202611`, `HN2026112800` | the start of order numbers | a range of `order_no` |
//! | 20 digits | an invoice number (数电票) | `invoices.invoice_no` (unique), then the order by its id |
//! | a valid ID number | its keyed hash | `orders.id_hash` (HMAC-SHA256 under the platform's search key; the plain number is never searched) |
//! | an 11-digit mobile | that phone | `orders.phone` |
//! | 4–10 digits | the end of a mobile (phones only, never order numbers) | the term `p` + its last 4 digits in `order_terms`, then the rest checked on the row |
//! | anything else, 1–3 characters | part of a name | the term `n` + the text in `order_terms` |
//! | anything else, longer | part of a name | the term of its first 3 characters, then the whole text checked on the row (`LIKE`) |
//! | a name with brackets, `(` `)` or `（` `）` | the same, either kind of bracket | as any name: terms and text hold brackets ASCII with no space beside them (`fold_brackets`), and the row's name is read so in the `LIKE` |
//!
//! `order_terms (term, order_no)` is an n-gram table written with the order: every 1-, 2-
//! and 3-character piece of the applicant's name and of the organisation's name (their first
//! [`GRAM_CHARS`] characters, lower-cased), and the phone's last four digits. Its primary
//! key is `(term, order_no)`, so a term's orders are read newest (or oldest) first, straight
//! from the index, from any cursor: a page costs one index range and one fetch of the
//! page's rows by their order numbers.
//!
//! A search that must check rows (a long name, a phone tail longer than 4, a status filter)
//! walks its term's orders in growing chunks, and stops when the page is full, when the
//! term has no more orders, or when it has looked at [`Budget::rows`] candidates or spent
//! [`Budget::time`]: then it answers what it found with a cursor to go on from, or — found
//! nothing — "范围太大，请输入更多字". No statement of a search is unbounded: each reads one
//! index range with a `LIMIT`, or a list of order numbers.
//!
//! **Plans.** The statements and their plans (SQLite `EXPLAIN QUERY PLAN`, PostgreSQL
//! `EXPLAIN` of the generic plan, which sqlx's prepared statements end up using after
//! five executions — `tests/api/search.rs` checks both never scan `orders`):
//!
//! ```text
//! SELECT order_no FROM order_terms WHERE term = $1 AND order_no < $2 ORDER BY order_no DESC LIMIT $3
//!   SQLite:     SEARCH order_terms USING PRIMARY KEY (term=? AND order_no<?)
//!   PostgreSQL: Limit -> Index Only Scan Backward using order_terms_pkey on order_terms
//!                          Index Cond: ((term = $1) AND (order_no < $2))
//! SELECT order_no FROM orders WHERE tracking_no = $1 LIMIT 20
//!   SQLite:     SEARCH orders USING INDEX orders_tracking_no (tracking_no=?)
//!   PostgreSQL: Limit -> Index Scan using orders_tracking_no on orders
//!                          Index Cond: (tracking_no = $1)
//! SELECT o.order_no FROM parcel_returns r JOIN orders o ON o.id = r.order_id WHERE r.tracking_no = $1 LIMIT 20
//!   SQLite:     SEARCH r USING INDEX parcel_returns_number (tracking_no=?)
//!               SEARCH o USING INDEX sqlite_autoindex_orders_1 (id=?)
//!   PostgreSQL: Limit -> Nested Loop -> Index Scan using parcel_returns_number on parcel_returns r
//!                                      -> Index Scan using orders_pkey on orders o
//! SELECT … FROM orders o JOIN … WHERE o.order_no IN ($1, …, $n) AND …
//!   SQLite:     SEARCH o USING INDEX sqlite_autoindex_orders_2 (order_no=?)
//!   PostgreSQL: Index Scan using orders_order_no_key on orders o
//!                 Index Cond: (order_no = ANY ('{…}'::text[]))
//! ```
//!
//! Since every term is looked up by equality on the index's first column, the generic plan
//! is the same as the custom one: a common name searched a hundred times on a connection
//! does not turn the next rare name into a walk of the whole table.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use hmac::{Hmac, Mac};
use sha2::Sha256;
use sqlx::{Any, Transaction};

use super::params::Params;
use super::{Backend, Store, StoreError, StoreResult};

use crate::domain::normalize_width;
use crate::domain::{IdNumber, ORDER_PREFIX, OrderNo, Phone};

/// How many characters of a name go into the n-gram table.
pub const GRAM_CHARS: usize = 24;
/// The longest n-gram kept.
const MAX_GRAM: usize = 3;
/// Digits of a phone's tail kept as a term.
const TAIL_DIGITS: usize = 4;
/// Digits of an invoice number (a 数电票's, as the invoice provider issues them).
const INVOICE_NO_DIGITS: usize = 20;

/// How much one search may do before it answers with what it found.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    /// Candidate orders looked at, at most.
    pub rows: usize,
    /// Time, at most (also PostgreSQL's `statement_timeout` on the search connections).
    pub time: Duration,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            rows: 4000,
            time: Duration::from_millis(1000),
        }
    }
}

/// What a search text is read as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Key {
    /// These order numbers exactly.
    OrderNos(Vec<String>),
    /// Order numbers starting with this (`HN` and some digits).
    OrderPrefix(String),
    /// The keyed hash of an ID number.
    IdHash(String),
    /// One mobile number.
    Phone(String),
    /// The order invoiced under this invoice number (20 digits).
    InvoiceNo(String),
    /// The orders mailed under this tracking number, and `orders` besides (what the same
    /// digits read as an order number are).
    Tracking {
        /// The number, as stored: capitals and digits.
        number: String,
        /// Order numbers the same text may be.
        orders: Vec<String>,
    },
    /// Orders under one term of `order_terms`; when `verify` is given, only those whose
    /// phone ends with it (`Tail`) or whose names contain it (`Name`).
    Term {
        /// The term.
        term: String,
        /// What the row must also satisfy.
        verify: Option<Verify>,
    },
    /// Nothing can match (e.g. two digits).
    Nothing,
}

/// A check on the row after its term matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verify {
    /// The phone ends with these digits.
    Tail(String),
    /// The applicant's or organisation's name contains this (lower-cased) text.
    Name(String),
}

/// Reads what was typed. `key` is the platform's search key (for ID numbers).
pub fn key(typed: &str, search_key: &[u8]) -> Key {
    let typed = typed.trim();
    if let Ok(order_no) = OrderNo::parse(typed) {
        return Key::OrderNos(vec![order_no.into()]);
    }
    if let Ok(id) = IdNumber::parse(typed) {
        return Key::IdHash(id_hash(search_key, id.as_str()));
    }
    if let Ok(phone) = Phone::parse(typed) {
        return Key::Phone(phone.into());
    }
    let compact: String = normalize_width(typed)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    if compact.chars().all(|c| c.is_ascii_digit()) && !compact.is_empty() {
        return match compact.len() {
            0..TAIL_DIGITS => Key::Nothing,
            TAIL_DIGITS..=10 => Key::Term {
                term: phone_term(&compact),
                verify: (compact.len() > TAIL_DIGITS).then(|| Verify::Tail(compact.clone())),
            },
            12..=14 => {
                // A 12- or 13-digit tail leaves out the century ("20") or its first digit;
                // the same digits may be a parcel's number (中通, 顺丰 and others write
                // 12–15 digits).
                let candidates: Vec<String> = ["20", "2", ""]
                    .iter()
                    .filter(|c| c.len() + compact.len() == 14)
                    .map(|c| format!("{}{c}{compact}", ORDER_PREFIX))
                    .filter_map(|n| OrderNo::parse(&n).ok().map(String::from))
                    .collect();
                Key::Tracking {
                    number: compact,
                    orders: candidates,
                }
            }
            15..INVOICE_NO_DIGITS => Key::Tracking {
                number: compact,
                orders: Vec::new(),
            },
            // A customer calling about an invoice quotes its number.
            INVOICE_NO_DIGITS => Key::InvoiceNo(compact),
            _ => Key::Nothing,
        };
    }
    if let Some(digits) = compact.strip_prefix(ORDER_PREFIX)
        && digits.len() >= 4
        && digits.len() < 14
        && digits.chars().all(|c| c.is_ascii_digit())
    {
        return Key::OrderPrefix(compact);
    }
    // A parcel's number with letters: two letters first (EMS's `EA…CN`, `SF…`, `JD…`,
    // `YT…`), at least eight digits, nothing but capitals and digits.
    if (10..=32).contains(&compact.len())
        && compact.chars().take(2).all(|c| c.is_ascii_uppercase())
        && compact
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        && compact.chars().filter(char::is_ascii_digit).count() >= 8
    {
        return Key::Tracking {
            number: compact,
            orders: Vec::new(),
        };
    }
    // Brackets as the index holds them (`fold_brackets`).
    let text: Vec<char> = fold_brackets(&crate::domain::name_as_searched(typed))
        .chars()
        .collect();
    if text.len() <= MAX_GRAM {
        return Key::Term {
            term: name_term(&text),
            verify: None,
        };
    }
    Key::Term {
        term: name_term(&text[..MAX_GRAM]),
        verify: Some(Verify::Name(text.into_iter().collect())),
    }
}

/// A bracket, typed either way: an organisation registered as `华为技术（湖南）有限公司`
/// is found by `华为技术(湖南)` typed on an ASCII keyboard, and one registered with ASCII
/// brackets by full-width ones.
fn is_bracket(c: char) -> bool {
    matches!(c, '(' | ')' | '（' | '）')
}

/// A name's brackets as its terms and a search hold them: ASCII, with no space beside
/// them (`华为技术 （湖南）` and `华为技术(湖南)` are one name); the index's terms of a
/// name are made of this (migration 0034 gave them to orders made before).
pub fn fold_brackets(name: &str) -> String {
    let mut folded = String::with_capacity(name.len());
    let mut chars = name.chars().peekable();
    while let Some(c) = chars.next() {
        let c = match c {
            '（' => '(',
            '）' => ')',
            c => c,
        };
        if is_bracket(c) {
            while folded.ends_with(char::is_whitespace) {
                folded.pop();
            }
            folded.push(c);
            while chars.next_if(|next| next.is_whitespace()).is_some() {}
            continue;
        }
        folded.push(c);
    }
    folded
}

/// A row's name (the SQL of its column) as a name search compares it: lower-cased, its
/// brackets as [`fold_brackets`] leaves them (a single space beside one goes).
pub fn name_as_searched_sql(column: &str) -> String {
    // Ideographic spaces as spaces first (a name imported as typed), and the spaces beside
    // a bracket taken twice: two of them go too.
    let mut sql = format!(
        "REPLACE(REPLACE(REPLACE(LOWER({column}), '（', '('), '）', ')'), '\u{3000}', ' ')"
    );
    for _ in 0..2 {
        for (from, to) in [(" (", "("), ("( ", "("), (" )", ")"), (") ", ")")] {
            sql = format!("REPLACE({sql}, '{from}', '{to}')");
        }
    }
    sql
}

/// The terms an order is found by: the n-grams of its names and its phone's tail.
pub fn terms(applicant_name: &str, display_name: &str, phone: &str) -> Vec<String> {
    let mut terms = std::collections::BTreeSet::new();
    for name in [applicant_name, display_name] {
        let chars: Vec<char> = fold_brackets(&name.to_lowercase())
            .chars()
            .take(GRAM_CHARS)
            .collect();
        for size in 1..=MAX_GRAM {
            for gram in chars.windows(size) {
                if gram.iter().all(|c| c.is_whitespace()) {
                    continue;
                }
                terms.insert(name_term(gram));
            }
        }
    }
    if phone.len() >= TAIL_DIGITS {
        terms.insert(phone_term(phone));
    }
    terms.into_iter().collect()
}

fn name_term(chars: &[char]) -> String {
    let mut term = String::with_capacity(1 + chars.len() * 3);
    term.push('n');
    term.extend(chars);
    term
}

fn phone_term(digits: &str) -> String {
    format!("p{}", &digits[digits.len().saturating_sub(TAIL_DIGITS)..])
}

/// The keyed hash an ID number is found by: HMAC-SHA256 under the platform's search key,
/// hex. The plain number is never an index.
pub fn id_hash(search_key: &[u8], id_number: &str) -> String {
    // HMAC takes a key of any length.
    let mut mac = match Hmac::<Sha256>::new_from_slice(search_key) {
        Ok(mac) => mac,
        Err(_) => return String::new(),
    };
    mac.update(id_number.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// A page's own signature of what its address says (hex, 128 bits): HMAC-SHA256 under the
/// platform's secret key, kept apart from the ID numbers' hashes by its `page:` prefix.
pub fn page_mac(search_key: &[u8], message: &str) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(search_key) {
        Ok(mac) => mac,
        Err(_) => return String::new(),
    };
    mac.update(b"page:");
    mac.update(message.as_bytes());
    hex::encode(&mac.finalize().into_bytes()[..16])
}

/// How many orders a batch gives their terms and hash, per transaction, beside the clerks'
/// writes. On PostgreSQL a batch locks only its own orders, and a bigger one rewrites the
/// same index pages fewer times: a fixed 5,000. On SQLite a batch holds the database's
/// write lock, and a clerk's save waits for it: the batch is sized to hold it about
/// [`SQLITE_BATCH_TIME`], starting small and following the measured time of the batches
/// before (a fixed 1,000 orders held it ~0.2 s on the 2-core development machine, and a
/// clerk's note waited up to a third of a second).
#[derive(Debug)]
struct BatchSize {
    backend: Backend,
    orders: i64,
}

/// How long an indexing batch may hold SQLite's write lock.
const SQLITE_BATCH_TIME: std::time::Duration = std::time::Duration::from_millis(50);

impl BatchSize {
    fn new(backend: Backend) -> Self {
        let orders = match backend {
            Backend::Sqlite => 100,
            Backend::Postgres => 5000,
        };
        BatchSize { backend, orders }
    }

    /// Sizes the next batch after one of `orders` took `took` (SQLite only): towards the
    /// target, at most doubling, within 20..=5,000 orders.
    fn took(&mut self, orders: usize, took: std::time::Duration) {
        if self.backend != Backend::Sqlite || orders == 0 {
            return;
        }
        let per_order = took.as_secs_f64() / orders as f64;
        let fits = (SQLITE_BATCH_TIME.as_secs_f64() / per_order.max(1e-7)) as i64;
        self.orders = fits.clamp(20, (self.orders * 2).clamp(20, 5000));
    }
}

/// How many orders lack their search terms and hash (a range of the hash index).
const COUNT_UNINDEXED: &str = "SELECT COUNT(*) FROM orders WHERE id_hash IS NULL";
/// The orders mailed under a tracking number (the partial index `orders_tracking_no`; the
/// plans are checked by `tests/api/search.rs`).
pub const BY_TRACKING: &str = "SELECT order_no FROM orders WHERE tracking_no = $1 LIMIT 20";
/// The orders whose parcel under a tracking number came back (`parcel_returns_number`).
pub const BY_RETURNED: &str = "SELECT o.order_no FROM parcel_returns r \
    JOIN orders o ON o.id = r.order_id WHERE r.tracking_no = $1 LIMIT 20";
/// The newest batch of orders without their terms and hash (a backward range of the hash
/// index, `orders_id_hash (id_hash, order_no)`; the plans are checked by
/// `tests/api/search.rs`).
pub const INDEX_FIRST: &str = "SELECT order_no, applicant_name, display_name, phone, id_number \
     FROM orders WHERE id_hash IS NULL ORDER BY id_hash DESC, order_no DESC LIMIT $1";
/// The next batch, older than `$1`.
pub const INDEX_NEXT: &str = "SELECT order_no, applicant_name, display_name, phone, id_number \
     FROM orders WHERE id_hash IS NULL AND order_no < $1 \
     ORDER BY id_hash DESC, order_no DESC LIMIT $2";

/// The indexer's lock (PostgreSQL): one instance gives imported orders their terms at a
/// time ("caix"; the event sequencer's is "caev"), per schema, since advisory locks are
/// per database and platforms may share one in schemas of their own.
const INDEXER_LOCK: &str =
    "SELECT pg_try_advisory_xact_lock(1667328376, hashtext(current_schema()))";

/// What this instance knows of orders that still lack their search terms (written behind
/// the platform's back, by a bulk import): how many there were when it noticed them and how
/// many it has indexed since. A search answered meanwhile says so
/// ([`Store::search_indexing`]); the counts and order numbers are right before it serves.
#[derive(Debug, Default)]
pub(super) struct Unindexed {
    waiting: AtomicU64,
    indexed: AtomicU64,
}

impl Unindexed {
    fn noticed(&self, waiting: u64) {
        self.indexed.store(0, Ordering::Relaxed);
        self.waiting.store(waiting, Ordering::Relaxed);
    }

    fn clear(&self) {
        self.waiting.store(0, Ordering::Relaxed);
        self.indexed.store(0, Ordering::Relaxed);
    }
}

impl Store {
    /// The platform's search key: made once, at random, by the first instance to start.
    pub(super) async fn load_search_key(&self) -> StoreResult<std::sync::Arc<[u8]>> {
        use rand::RngCore;
        let mut random = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut random);
        sqlx::query(
            "INSERT INTO search_key (id, secret) VALUES (1, $1) ON CONFLICT (id) DO NOTHING",
        )
        .bind(hex::encode(random))
        .execute(&self.pool)
        .await?;
        let secret: String = sqlx::query_scalar("SELECT secret FROM search_key WHERE id = 1")
            .fetch_one(&self.pool)
            .await?;
        Ok(std::sync::Arc::from(secret.into_bytes()))
    }

    /// How far this instance is in indexing orders written behind its back, as `(indexed,
    /// total)`; `None` when every order it knows of can be found.
    pub fn search_indexing(&self) -> Option<(u64, u64)> {
        let waiting = self.unindexed.waiting.load(Ordering::Relaxed);
        (waiting > 0).then(|| {
            let indexed = self.unindexed.indexed.load(Ordering::Relaxed);
            (indexed.min(waiting), waiting)
        })
    }

    /// Orders written into the tables by something other than the platform (a bulk import:
    /// no hash, no terms, not counted): if there are any, counts every order again and moves
    /// the day's order numbers past theirs, so that the counts and the next order numbers
    /// are right at once, and notes how many wait for their search terms (searches say so
    /// until [`index_job`] has made them, beside the clerks: a million take minutes). The
    /// platform calls it before it serves; one index probe when there are none. Returns how
    /// many wait.
    pub async fn notice_unindexed_orders(&self) -> StoreResult<u64> {
        let waiting: i64 = sqlx::query_scalar(COUNT_UNINDEXED)
            .fetch_one(&self.pool)
            .await?;
        if waiting > 0 {
            self.recount_orders().await?;
            self.unindexed.noticed(waiting as u64);
            tracing::warn!(
                orders = waiting,
                "orders without search terms (imported, or given new terms by an upgrade) were counted; \
                 their terms are made in the background, and searches say so until they are"
            );
        }
        Ok(waiting.max(0) as u64)
    }

    /// Gives orders that lack their search terms and hash — made before search had its
    /// index, or written into the table by something other than the platform (a bulk
    /// import) — their terms and hash, a batch per transaction, newest first, having first
    /// counted them ([`Store::notice_unindexed_orders`]) unless that was done. A no-op (one
    /// index probe) when every order is indexed; the platform runs it as it starts serving
    /// and every minute after. Returns how many orders it indexed.
    pub async fn index_unsearchable_orders(&self) -> StoreResult<u64> {
        self.index_unsearchable(None).await
    }

    /// [`Store::index_unsearchable_orders`], stopping between batches once `stop` says so.
    async fn index_unsearchable(
        &self,
        stop: Option<&tokio::sync::watch::Receiver<bool>>,
    ) -> StoreResult<u64> {
        let mut batch = BatchSize::new(self.backend);
        let mut indexed = 0_u64;
        let started = std::time::Instant::now();
        // Each batch reads one backward range of the hash index from where the last ended,
        // not again past the entries the batches before it left (PostgreSQL keeps them
        // until VACUUM); when a range runs out, the newest end is looked at once more for
        // orders written meanwhile. On PostgreSQL one instance indexes at a time: a batch
        // runs under a transaction-scoped advisory lock, and an instance that cannot take
        // it leaves the work to the one that holds it and looks again soon. (Locking the
        // batch's rows instead, `FOR UPDATE SKIP LOCKED`, doubled the time of the hash
        // updates: 8.8 → 17 s for 200,000 orders.)
        let mut before: Option<String> = None;
        loop {
            if stop.is_some_and(|stop| *stop.borrow()) {
                return Ok(indexed);
            }
            self.let_writers_go_first().await;
            let mut tx = self.begin_write().await?;
            // The time the batch holds the lock, not the wait for it.
            let began = std::time::Instant::now();
            if self.backend == Backend::Postgres {
                let ours: bool = sqlx::query_scalar(INDEXER_LOCK).fetch_one(&mut *tx).await?;
                if !ours {
                    tx.rollback().await?;
                    return Ok(indexed);
                }
            }
            let rows: Vec<(String, String, String, String, String)> = match &before {
                None => sqlx::query_as(INDEX_FIRST).bind(batch.orders),
                Some(before) => sqlx::query_as(INDEX_NEXT)
                    .bind(before.clone())
                    .bind(batch.orders),
            }
            .fetch_all(&mut *tx)
            .await?;
            let Some((last, ..)) = rows.last() else {
                // Ended here, not when the connection is next used: the indexer's lock
                // goes with it.
                tx.rollback().await?;
                if before.take().is_some() {
                    continue;
                }
                break;
            };
            if self.search_indexing().is_none() {
                // Noticed now (imported while the platform ran): counted first, as at start.
                tx.rollback().await?;
                if self.notice_unindexed_orders().await? == 0 {
                    break;
                }
                before = None;
                continue;
            }
            before = Some(last.clone());
            let mut terms_of_batch: Vec<(String, String)> = Vec::new();
            let mut hashes: Vec<(&str, String)> = Vec::with_capacity(rows.len());
            for (order_no, applicant, display, phone, id_number) in &rows {
                for term in terms(applicant, display, phone) {
                    terms_of_batch.push((term, order_no.clone()));
                }
                hashes.push((order_no, id_hash(&self.search_key, id_number)));
            }
            // The batch's hashes in one statement (a statement per order made indexing a
            // million imported orders take minutes of round trips).
            let hashes = serde_json::to_string(&hashes)
                .map_err(|e| StoreError::Corrupt(format!("an ID hash batch: {e}")))?;
            sqlx::query(&format!(
                "UPDATE orders SET id_hash = j.value ->> 1 FROM {} AS j \
                 WHERE orders.order_no = j.value ->> 0",
                json_pairs(self.backend)
            ))
            .bind(hashes)
            .execute(&mut *tx)
            .await?;
            for chunk in terms_of_batch.chunks(1000) {
                insert_terms(&mut tx, self.backend, chunk).await?;
            }
            tx.commit().await?;
            batch.took(rows.len(), began.elapsed());
            let before_batch = indexed;
            indexed += rows.len() as u64;
            self.unindexed
                .indexed
                .fetch_add(rows.len() as u64, Ordering::Relaxed);
            if indexed / 50_000 != before_batch / 50_000 {
                tracing::info!(orders = indexed, "indexing orders for search");
            }
        }
        if indexed > 0 {
            tracing::info!(
                orders = indexed,
                seconds = started.elapsed().as_secs(),
                "orders were given their search terms"
            );
        }
        // Searches stop saying so only once none is left (another instance may still be
        // indexing them, or a round failed half-way).
        if self.search_indexing().is_some() {
            let left: i64 = sqlx::query_scalar(COUNT_UNINDEXED)
                .fetch_one(&self.pool)
                .await?;
            if left == 0 {
                self.unindexed.clear();
            }
        }
        Ok(indexed)
    }

    /// Waits, between two batches of background work that holds SQLite's write lock, until
    /// the writes that queued for the lock meanwhile (clerks' saves) have had it, for at
    /// most a second. A waiting writer sleeps in steps of up to 100 ms (SQLite's busy
    /// handler) and would otherwise find the next batch holding the lock, again and again.
    pub(super) async fn let_writers_go_first(&self) {
        let until = std::time::Instant::now() + std::time::Duration::from_secs(1);
        while self.writers_waiting() > 0 && std::time::Instant::now() < until {
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
    }

    /// Counts the orders per status from the orders themselves (a scan, once), replacing
    /// the counts the transactions keep, and moves each day's order-number counter past
    /// the numbers already taken: for orders written behind the platform's back. On
    /// PostgreSQL the counts table is locked against writers for the while (orders are
    /// created and moved meanwhile; their counts wait for this to commit, then add to it),
    /// so that no order is counted twice or not at all.
    pub async fn recount_orders(&self) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        if self.backend == Backend::Postgres {
            sqlx::query("LOCK TABLE order_counts IN SHARE ROW EXCLUSIVE MODE")
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("DELETE FROM order_counts")
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO order_counts (status, shard, n) SELECT status, 0, COUNT(*) FROM orders \
             GROUP BY status",
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO order_counters (day, last) \
             SELECT SUBSTR(order_no, 3, 8), MAX(CAST(SUBSTR(order_no, 11, 6) AS INTEGER)) \
             FROM orders GROUP BY SUBSTR(order_no, 3, 8) \
             ON CONFLICT (day) DO UPDATE SET last = CASE WHEN order_counters.last > excluded.last \
             THEN order_counters.last ELSE excluded.last END",
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The keyed hash of an ID number under this platform's key.
    pub fn id_hash(&self, id_number: &str) -> String {
        id_hash(&self.search_key, id_number)
    }
}

/// The statement that writes an order's search terms (for a statement built in pieces):
/// the terms go as one JSON array, so the statement's text is the same for every order.
pub(super) fn terms_insert(
    p: &mut Params,
    backend: Backend,
    order_no: &str,
    applicant_name: &str,
    display_name: &str,
    phone: &str,
) -> String {
    let terms = serde_json::to_string(&terms(applicant_name, display_name, phone))
        .unwrap_or_else(|_| "[]".into());
    let (order_no, terms) = (p.add(order_no), p.add(terms));
    // `WHERE true`: SQLite would read `ON CONFLICT` as a join's `ON` without it.
    match backend {
        Backend::Sqlite => format!(
            "INSERT INTO order_terms (term, order_no) SELECT value, {order_no} FROM json_each({terms}) \
             WHERE true ON CONFLICT DO NOTHING"
        ),
        Backend::Postgres => format!(
            "INSERT INTO order_terms (term, order_no) SELECT t, {order_no} \
             FROM jsonb_array_elements_text(CAST({terms} AS jsonb)) AS t \
             WHERE true ON CONFLICT DO NOTHING"
        ),
    }
}

/// As the platform starts serving and every minute after (every second while some are
/// left), indexes orders written into the table by something other than the platform (see
/// [`Store::index_unsearchable_orders`]) until `shutdown`, which it heeds between batches.
pub async fn index_job(store: Store, mut shutdown: tokio::sync::watch::Receiver<bool>) {
    loop {
        // While some are left (another instance indexing them), soon again; after a
        // failure, in a minute.
        let pause = match store.index_unsearchable(Some(&shutdown)).await {
            Ok(_) if store.search_indexing().is_some() => 1,
            Ok(_) => 60,
            Err(e) => {
                tracing::warn!(error = %e, "indexing orders for search failed; trying again in a minute");
                60
            }
        };
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(pause)) => {}
            _ = shutdown.changed() => return,
        }
    }
}

/// Writes `(term, order_no)` rows in one statement (at most a few thousand), passed as one
/// JSON array: a statement with a parameter per value costs SQLite time in the square of
/// their number (it finds each numbered parameter by a walk of the list of them).
pub(super) async fn insert_terms(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    rows: &[(String, String)],
) -> StoreResult<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let rows = serde_json::to_string(rows)
        .map_err(|e| StoreError::Corrupt(format!("search terms of a batch: {e}")))?;
    // `WHERE true`: SQLite would read `ON CONFLICT` as a join's `ON` without it.
    let sql = format!(
        "INSERT INTO order_terms (term, order_no) SELECT j.value ->> 0, j.value ->> 1 \
         FROM {} AS j WHERE true ON CONFLICT DO NOTHING",
        json_pairs(backend)
    );
    sqlx::query(&sql).bind(rows).execute(&mut **tx).await?;
    Ok(())
}

/// The rows of the JSON array of pairs bound to `$1`, each as `value` (its items
/// `value ->> 0` and `value ->> 1`), for a statement's `FROM`.
fn json_pairs(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "json_each($1)",
        Backend::Postgres => "jsonb_array_elements(CAST($1 AS jsonb))",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"test key";

    #[test]
    fn an_sqlite_indexing_batch_is_sized_to_hold_the_write_lock_its_time() {
        let ms = std::time::Duration::from_millis;
        let mut batch = BatchSize::new(Backend::Sqlite);
        assert_eq!(batch.orders, 100);
        // Fast batches grow, at most doubling each time, up to 5,000.
        batch.took(100, ms(4));
        assert_eq!(batch.orders, 200);
        for _ in 0..10 {
            let orders = batch.orders as usize;
            batch.took(orders, ms(1));
        }
        assert_eq!(batch.orders, 5000);
        // A slow one shrinks the next to what fits the target: 0.2 ms an order → 250.
        batch.took(5000, ms(1000));
        assert_eq!(batch.orders, 250);
        // Never below 20, whatever a stalled batch took.
        batch.took(250, ms(60_000));
        assert_eq!(batch.orders, 20);
        // PostgreSQL's batches lock only their own orders: a fixed size.
        let mut batch = BatchSize::new(Backend::Postgres);
        batch.took(5000, ms(60_000));
        assert_eq!(batch.orders, 5000);
    }

    #[test]
    fn each_kind_of_text_is_read_as_its_key() {
        assert_eq!(
            key(" hn20261128000042 ", KEY),
            Key::OrderNos(vec!["HN20261128000042".into()])
        );
        assert_eq!(
            key("261128000042", KEY),
            Key::Tracking {
                number: "261128000042".into(),
                orders: vec!["HN20261128000042".into()]
            }
        );
        assert_eq!(
            key("20261128000042", KEY),
            Key::Tracking {
                number: "20261128000042".into(),
                orders: vec!["HN20261128000042".into()]
            }
        );
        // Tracking numbers: digits too long for an order number, or letters and digits.
        for (typed, number) in [
            ("ea 123 456 785 cn", "EA123456785CN"),
            ("SF1234567890123", "SF1234567890123"),
            ("773012345678901", "773012345678901"),
        ] {
            assert_eq!(
                key(typed, KEY),
                Key::Tracking {
                    number: number.into(),
                    orders: Vec::new()
                },
                "{typed}"
            );
        }
        // A name in letters is a name, whatever its length.
        assert!(matches!(key("ouyanglilan", KEY), Key::Term { .. }));
        assert_eq!(key("HN202611", KEY), Key::OrderPrefix("HN202611".into()));
        assert_eq!(key("13812345678", KEY), Key::Phone("13812345678".into()));
        assert_eq!(
            key("2643 0000 0000 0000 0042", KEY),
            Key::InvoiceNo("26430000000000000042".into())
        );
        assert_eq!(
            key("5678", KEY),
            Key::Term {
                term: "p5678".into(),
                verify: None
            }
        );
        assert_eq!(
            key("１２ 5678", KEY),
            Key::Term {
                term: "p5678".into(),
                verify: Some(Verify::Tail("125678".into()))
            }
        );
        assert_eq!(key("56", KEY), Key::Nothing);
        assert_eq!(
            key("张伟", KEY),
            Key::Term {
                term: "n张伟".into(),
                verify: None
            }
        );
        assert_eq!(
            key("欧阳丽兰", KEY),
            Key::Term {
                term: "n欧阳丽".into(),
                verify: Some(Verify::Name("欧阳丽兰".into()))
            }
        );
        assert_eq!(
            key("Zhang", KEY),
            Key::Term {
                term: "nzha".into(),
                verify: Some(Verify::Name("zhang".into()))
            }
        );
        // Typed as a name is stored: `冯 小刚` is 冯小刚, a phone's dot is the ID card's.
        assert_eq!(
            key("冯 小刚", KEY),
            Key::Term {
                term: "n冯小刚".into(),
                verify: None
            }
        );
        assert_eq!(
            key("阿卜杜•热合曼", KEY),
            Key::Term {
                term: "n阿卜杜".into(),
                verify: Some(Verify::Name("阿卜杜·热合曼".into()))
            }
        );
        // Brackets are typed either way, a space beside one or not: held ASCII.
        for (typed, term, verify) in [
            ("华为技术(湖南)", "n华为技", Some("华为技术(湖南)")),
            ("（湖南）", "n(湖南", Some("(湖南)")),
            (
                "华为技术 （湖南） 有限",
                "n华为技",
                Some("华为技术(湖南)有限"),
            ),
            ("湖南）", "n湖南)", None),
        ] {
            assert_eq!(
                key(typed, KEY),
                Key::Term {
                    term: term.into(),
                    verify: verify.map(|v| Verify::Name(v.into()))
                },
                "{typed}"
            );
        }
        let org = terms("张伟", "华为技术（湖南）有限公司", "13812345678");
        for part in ["n(湖南", "n南)有", "n华为技"] {
            assert!(org.contains(&part.to_owned()), "{part} in {org:?}");
        }
        let Key::IdHash(hash) = key("11010519491231002X", KEY) else {
            panic!("an ID number is read as its hash");
        };
        assert_eq!(hash.len(), 64);
        assert!(!hash.contains("110105"));
        assert_ne!(hash, id_hash(b"another key", "11010519491231002X"));
    }

    #[test]
    fn an_orders_terms_find_it_by_any_part_of_its_names_and_its_phone_tail() {
        let terms = terms("丁丽兰", "丁丽兰", "13812345678");
        for part in ["n丁", "n丽", "n兰", "n丁丽", "n丽兰", "n丁丽兰", "p5678"] {
            assert!(terms.contains(&part.to_owned()), "{part} in {terms:?}");
        }
        assert_eq!(terms.len(), 7);
        let org = super::terms("张伟", "长沙某某科技有限公司", "13812345678");
        assert!(org.contains(&"n科技有".to_owned()));
        assert!(org.contains(&"n张伟".to_owned()));
        // Every term a search can ask for is one the order was given.
        for typed in ["丁丽兰", "丽兰", "兰", "5678"] {
            let Key::Term { term, .. } = key(typed, KEY) else {
                panic!("{typed} is a term search");
            };
            assert!(terms.contains(&term), "{typed}");
        }
    }
}
