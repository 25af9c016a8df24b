//! The database: one set of queries over SQLite or PostgreSQL (sqlx `Any`), one migrations
//! folder per backend. Every write that changes an order commits its audit row and its
//! event in the same transaction.
//!
//! **Lock order.** A transaction that touches an order takes locks in one order, everywhere:
//! 1. the order row ([`Store::lock_order`], or the compare-and-set `UPDATE orders` that
//!    moves it), before anything that hangs off it;
//! 2. then what hangs off the order: its payments, claims, invoices, attachments, history,
//!    the text message the change causes (the SMS outbox row), its search terms
//!    (`order_terms`, written once with a new order), and the per-status counts
//!    (`order_counts`, two rows of one shard in status order);
//! 3. last, the event row (`insert_event`, always the last write): a plain insert that
//!    waits for no other writer. The events are numbered after commit, in a transaction
//!    of their own that takes no other lock (the sequencer, `store/events.rs`).
//!
//! A new order has no row to lock first: its idempotency key is (on PostgreSQL, the
//! first insert of its one statement — see `new_order_statement` in `store/orders.rs`), so
//! two requests with one key queue on the key before either takes a count shard.
//!
//! A path that must update a payment and the order (a payment confirmed, a code closed)
//! locks the order first, so it queues behind a cancel instead of deadlocking with it. On
//! SQLite every writer holds the database's write lock from `BEGIN IMMEDIATE`, which orders
//! them all; the rule matters on PostgreSQL, and is kept on both.

/// Since when an order in the review or mailing queue has waited, in SQL over `o`: its
/// payment, or — sent back after a return — its correction (a correction always follows
/// the payment, so the later of the two is the first set). The queues' one order, as
/// `paper::promise_start` counts the promise; migration 0032 indexes it.
macro_rules! waiting_since {
    () => {
        "COALESCE(o.resubmitted_at, o.paid_at, o.updated_at)"
    };
}

mod attachments;
mod catalog;
mod customers;
mod edit;
mod events;
mod idempotency;
pub mod loader;
mod mailing;
mod notices;
mod operators;
mod orders;
mod params;
mod payments;
mod realname;
mod refusals;
mod review;
pub use review::REVIEW_QUEUE;
pub mod search;
pub mod self_service;
mod sms;

pub use attachments::{Attached, AttachmentRow, NewAttachment};
pub use catalog::{CatalogCounts, ProductRow};
pub use customers::{CustomerRow, LastDetailsRow};
pub use edit::{EDIT_ACTION, Edit, Edited, SinceReturn, corrected_in};
pub use events::EventRow;
pub use idempotency::{Answered, IdempotencyKey, SavedResponse};
pub use mailing::{
    DueMail, InvoiceRow, MAIL_CLAIM_LAPSES, MailClaim, MailOutcome, MailRow, NewInvoice, NewMail,
    NewRedInvoice, TrackingEventRow, TrackingRow,
};
pub use operators::{
    Operator, OperatorSummary, RESTORE_INVOICE_MARGIN, RESTORE_ORDER_MARGIN, Restored, hash_token,
};
pub use orders::{
    Actor, HistoryRow, Inserted, ListQuery, OrderInputs, OrderRow, Page, SetColumn, Sort,
    Transition, TransitionError, ValidOrder,
};
pub use payments::{Confirmed, Opened, PaymentRow};
pub use realname::{
    Attempt, DayTries, IdentityCheckRow, MAX_ATTEMPTS, NewCheck, ONLINE_TRIES_A_DAY, RealnameRow,
};
pub use review::{ApprovalFacts, Claimed};
pub use sms::{SmsDone, SmsRow};

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyPool, Executor, Transaction};

use super::events::EventHub;

/// Which database is behind the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A SQLite file (WAL).
    Sqlite,
    /// A PostgreSQL database, possibly shared by several instances.
    Postgres,
}

impl Backend {
    /// `sqlite` or `postgres`, as `/health` reports it.
    pub fn as_str(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// A migration applied to the database that this build does not know: a newer version ran
/// on it. Said in those words, not as sqlx's "previously applied but is missing".
fn newer_database(e: sqlx::migrate::MigrateError) -> StoreError {
    match e {
        sqlx::migrate::MigrateError::VersionMissing(version) => StoreError::NewerDatabase(version),
        e => StoreError::Migrate(e),
    }
}

/// Why the database could not do something.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The URL names no supported database (its scheme only: the rest may hold a password).
    #[error("unsupported database {0:?}: use sqlite:///FILE or postgres://USER@HOST/DB")]
    UnsupportedUrl(String),
    /// The database was migrated by a newer ca-counter than this one.
    #[error(
        "this database was upgraded by a newer ca-counter (migration {0}, which this version does \
         not have): run that version or a later one; an older one could misread its tables"
    )]
    NewerDatabase(i64),
    /// A query failed.
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    /// Migrations failed.
    #[error("database migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// The directory a SQLite database was named in does not exist.
    #[error(
        "the directory {path} does not exist: correct database_url, or create it \
         (mkdir -m 700) if the database is to live there"
    )]
    NoDirectory {
        /// The directory.
        path: String,
    },
    /// The database directory could not be created.
    #[error("cannot create the database directory {path}: {source}")]
    Directory {
        /// The directory.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The SQLite database file could not be created.
    #[error("cannot create the database file {path}: {source}")]
    File {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// Stored data did not parse (a bug or a hand-edited row).
    #[error("corrupt stored data: {0}")]
    Corrupt(String),
    /// Something answered at the database's address, but not as PostgreSQL does.
    #[error(
        "the server at {0} does not answer as PostgreSQL does (is it the right host and \
         port? PostgreSQL listens on 5432 by default)"
    )]
    NotPostgres(String),
}

/// True for a first connection that reached a server speaking something else than
/// PostgreSQL's protocol.
fn speaks_other_protocol(error: &sqlx::Error) -> bool {
    let text = error.to_string();
    matches!(error, sqlx::Error::Protocol(_))
        || text.contains("expected to read")
        || text.contains("unexpected response from server")
}

/// Where a database URL leads, for the start-up log: a SQLite file's absolute path (a
/// relative one is read from the directory the platform was started in, which a service
/// manager may make `/`), or PostgreSQL's `host:port/database` (never its user or
/// password).
pub fn location(url: &str) -> String {
    if let Some(sqlite) = SqliteUrl::read(url) {
        return match sqlite.file {
            Some(path) => std::path::absolute(&path)
                .unwrap_or(path)
                .display()
                .to_string(),
            None => ":memory:".to_owned(),
        };
    }
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    rest.split('?').next().unwrap_or_default().to_owned()
}

/// `host:port` of a database URL (never its user or password).
fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    rest.split(['/', '?']).next().unwrap_or_default().to_owned()
}

impl StoreError {
    /// True when the error is a unique-constraint violation.
    pub fn is_unique_violation(&self) -> bool {
        matches!(self, StoreError::Db(sqlx::Error::Database(e)) if e.is_unique_violation())
    }

    /// What kind of trouble this is, for the answer a client gets.
    pub fn kind(&self) -> Trouble {
        let StoreError::Db(error) = self else {
            return Trouble::Bug;
        };
        match error {
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::Protocol(_)
            | sqlx::Error::WorkerCrashed => Trouble::Unavailable,
            sqlx::Error::Database(db) => {
                let code = db.code().unwrap_or_default();
                let message = db.message();
                if is_storage_full(&code, message) {
                    Trouble::StorageFull
                } else if is_transient(&code) || refuses_connections(&code, message) {
                    Trouble::Unavailable
                } else {
                    Trouble::Bug
                }
            }
            _ => Trouble::Bug,
        }
    }

    /// True when PostgreSQL names a table or function it does not have: the platform's own
    /// gone from its database (dropped and made again under it) — or a defect (a name
    /// mistyped in a statement). Still a 500 (a 503 would hide the defect and send clients
    /// retrying); the operator's log line says what to look at.
    pub fn schema_missing(&self) -> bool {
        matches!(self, StoreError::Db(sqlx::Error::Database(db))
            if is_schema_missing(&db.code().unwrap_or_default()))
    }

    /// Says the database refused a write for want of room (see [`Store::probe`]).
    pub fn note_if_full(&self) {
        if self.kind() == Trouble::StorageFull {
            FULL_AT.store(now_ms(), std::sync::atomic::Ordering::Relaxed);
        }
    }

    /// True when the database is unreachable, busy or full (worth a 503 and a retry).
    pub fn is_unavailable(&self) -> bool {
        self.kind() != Trouble::Bug
    }
}

/// When (unix ms) a write last failed for want of room, 0 if never: the readiness probe's
/// own write (one row rewritten in place) still goes through on a full disk, while every
/// order, which needs new room, fails.
static FULL_AT: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);

/// How long after a write failed for want of room the platform says it is not ready
/// (short: once space is freed it is ready again within seconds).
const FULL_FOR_MS: i64 = 5_000;

/// The kinds of database trouble a request can meet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trouble {
    /// Unreachable, restarting, busy, a lock or statement that took too long: try again.
    Unavailable,
    /// The disk (or the database's quota) is full: nothing can be written until an
    /// operator frees space.
    StorageFull,
    /// Anything else: a defect.
    Bug,
}

/// SQLite's `SQLITE_FULL` (primary code 13, also in extended codes) or its failed write
/// to the file (`SQLITE_IOERR_WRITE`, 778: a quota or a file-size limit reached, a disk
/// that takes nothing more), PostgreSQL's `disk_full` (53100), or either's words for it.
fn is_storage_full(code: &str, message: &str) -> bool {
    let sqlite_full = sqlite_code(code).is_some_and(|c| c & 0xFF == 13 || c == 778);
    sqlite_full
        || code == "53100"
        || message.contains("database or disk is full")
        || message.contains("No space left on device")
}

/// A SQLite result code (primary or extended: at most four digits), not a PostgreSQL
/// SQLSTATE (always five characters, often digits only: 40001, 57014, 53300 — read as
/// SQLite's, they were never found retryable and answered 500).
fn sqlite_code(code: &str) -> Option<i64> {
    (code.len() < 5).then(|| code.parse::<i64>().ok()).flatten()
}

/// Errors worth a retry: SQLite busy or locked (5, 6); PostgreSQL connection exceptions
/// (class 08), operator intervention — a backend killed, the server shutting down or
/// starting (57P01–57P03) —, too many connections (53300), a statement or lock wait cut by
/// its timeout (57014, 55P03), serialization failures and deadlocks (40001, 40P01).
fn is_transient(code: &str) -> bool {
    if let Some(sqlite) = sqlite_code(code) {
        return matches!(sqlite & 0xFF, 5 | 6);
    }
    code.starts_with("08")
        || matches!(
            code,
            "57P01" | "57P02" | "57P03" | "53300" | "57014" | "55P03" | "40001" | "40P01"
        )
}

/// PostgreSQL's undefined table or function (42P01, 42883): the platform's own tables and
/// functions, which its migrations made, are gone from the database it is connected to.
fn is_schema_missing(code: &str) -> bool {
    matches!(code, "42P01" | "42883")
}

/// The database refusing this instance a connection: not accepting any (an operator's
/// `ALLOW_CONNECTIONS false`, a restore under way: 55000 with those words), gone or
/// renamed (3D000), or no longer letting this user in (28000, 28P01). Nothing the request
/// did: the instance cannot reach its data, and says so as unavailable, not as a defect.
fn refuses_connections(code: &str, message: &str) -> bool {
    matches!(code, "3D000" | "28000" | "28P01")
        || (code == "55000" && message.contains("accepting connections"))
}

/// Shorthand for store results.
pub type StoreResult<T> = Result<T, StoreError>;

/// The database of one platform instance.
#[derive(Clone)]
pub struct Store {
    pool: AnyPool,
    /// Connections only searches use, read-only, each search within its budget: a clerk's
    /// page or action never waits behind someone's broad search.
    search: AnyPool,
    search_budget: search::Budget,
    /// The key ID numbers are hashed under for search.
    search_key: std::sync::Arc<[u8]>,
    backend: Backend,
    url: String,
    hub: EventHub,
    auth: operators::AuthCache,
    /// Orders this instance found without their search terms, and how far it is.
    unindexed: std::sync::Arc<search::Unindexed>,
    /// Writes waiting for SQLite's write lock (see [`Store::begin_write`]): background work
    /// that holds the lock again and again lets them go first.
    writers_waiting: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    /// Who the operator log names as making the changes this handle makes
    /// ([`Store::acting_as`]).
    acting: std::sync::Arc<str>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend)
            .finish()
    }
}

/// One write counted as waiting for the write lock while it lives (also when the wait is
/// given up half-way: a dropped future).
struct WaitingWriter<'a>(&'a std::sync::atomic::AtomicUsize);

impl<'a> WaitingWriter<'a> {
    fn new(count: &'a std::sync::atomic::AtomicUsize) -> Self {
        count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        WaitingWriter(count)
    }
}

impl Drop for WaitingWriter<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
    }
}

/// The current time in unix milliseconds.
pub fn now_ms() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// A new time-ordered id.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// An unguessable token for a link a customer opens (128 random bits, URL-safe).
pub fn new_token() -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut random = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut random);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random)
}

/// How the store uses its database connections.
#[derive(Debug, Clone, Copy)]
pub struct PoolSettings {
    /// Connections at most.
    pub max_connections: u32,
    /// A statement running longer is cut (PostgreSQL `statement_timeout`).
    pub statement_timeout: Duration,
    /// How long a statement waits for a lock (PostgreSQL `lock_timeout`) or for the write
    /// lock (SQLite `busy_timeout`).
    pub lock_timeout: Duration,
    /// SQLite's durability: `FULL` (each commit on the disk before it is acknowledged) or
    /// `NORMAL`.
    pub sqlite_synchronous: crate::config::SqliteSynchronous,
    /// How long a request waits for a connection before it is told the database is
    /// unavailable.
    pub connection_wait: Duration,
    /// Connections for searches, apart from the others.
    pub search_connections: u32,
    /// What one search may do.
    pub search_budget: search::Budget,
}

impl PoolSettings {
    /// `max_connections` connections, 30 s per statement, 10 s per lock wait, 5 s for a
    /// connection.
    pub fn new(max_connections: u32) -> PoolSettings {
        PoolSettings {
            max_connections,
            statement_timeout: Duration::from_secs(30),
            lock_timeout: Duration::from_secs(10),
            connection_wait: Duration::from_secs(5),
            sqlite_synchronous: crate::config::SqliteSynchronous::Full,
            search_connections: 4,
            search_budget: search::Budget::default(),
        }
    }
}

impl Store {
    /// Signs what a page's address says (`search::page_mac`), so that a page showing it can
    /// tell its own address from one written by someone else.
    pub fn page_mac(&self, message: &str) -> String {
        search::page_mac(&self.search_key, message)
    }
}

impl Store {
    /// Connects to `url` and runs the migrations. SQLite files (and their directory) are
    /// created when missing.
    pub async fn open(url: &str, max_connections: u32) -> StoreResult<Store> {
        Store::open_with(url, PoolSettings::new(max_connections)).await
    }

    /// [`Store::open`] with its connections' limits and timeouts. A connection given back
    /// still inside a transaction — a COMMIT or ROLLBACK that failed, on a full disk or a
    /// dropped link — is closed rather than pooled, so the next request gets a sound one.
    pub async fn open_with(url: &str, settings: PoolSettings) -> StoreResult<Store> {
        let max_connections = settings.max_connections;
        let statement_ms = settings.statement_timeout.as_millis().max(1);
        let lock_ms = settings.lock_timeout.as_millis().max(1);
        let synchronous = settings.sqlite_synchronous.as_str();
        sqlx::any::install_default_drivers();
        let (backend, url) = if url.starts_with("sqlite:") {
            (Backend::Sqlite, prepare_sqlite_url(url)?)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            (Backend::Postgres, prepare_postgres_url(url))
        } else {
            let scheme = url.split(':').next().unwrap_or_default();
            return Err(StoreError::UnsupportedUrl(scheme.to_owned()));
        };
        let options = AnyConnectOptions::from_str(&url)?;
        if backend == Backend::Postgres {
            // One connection first, alone: a pool retries a refused connection until its
            // timeout and then says only "pool timed out"; this says why ("connection
            // refused", "database … does not exist", a wrong password) within seconds.
            use sqlx::Connection;
            match tokio::time::timeout(
                Duration::from_secs(15),
                sqlx::AnyConnection::connect_with(&options),
            )
            .await
            {
                Ok(Ok(conn)) => {
                    let _ = conn.close().await;
                }
                // Another service at that port (an HTTP server, say) answers with bytes the
                // protocol reads as a length or a message it does not know.
                Ok(Err(e)) if speaks_other_protocol(&e) => {
                    return Err(StoreError::NotPostgres(host_of(&url)));
                }
                Ok(Err(e)) => return Err(e.into()),
                Err(_) => return Err(sqlx::Error::PoolTimedOut.into()),
            }
        }
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections.max(2))
            .acquire_timeout(settings.connection_wait)
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    match backend {
                        Backend::Sqlite => {
                            conn.execute(
                                format!(
                                    "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = {lock_ms}; \
                                     PRAGMA foreign_keys = ON; PRAGMA synchronous = {synchronous};"
                                )
                                .as_str(),
                            )
                            .await?;
                        }
                        Backend::Postgres => {
                            conn.execute(
                                format!(
                                    "SET statement_timeout = {statement_ms}; SET lock_timeout = {lock_ms}; \
                                     SET idle_in_transaction_session_timeout = 60000;"
                                )
                                .as_str(),
                            )
                            .await?;
                        }
                    }
                    Ok(())
                })
            })
            .after_release(|conn, _meta| {
                Box::pin(async move {
                    use sqlx::Connection;
                    Ok(!conn.is_in_transaction())
                })
            })
            .connect_with(options.clone())
            .await?;
        let search = search_pool(backend, options, &settings).await?;
        let mut store = Store {
            pool,
            search,
            search_budget: settings.search_budget,
            search_key: std::sync::Arc::from(Vec::new()),
            backend,
            url,
            hub: EventHub::new(),
            auth: operators::AuthCache::default(),
            unindexed: Default::default(),
            writers_waiting: Default::default(),
            acting: std::sync::Arc::from("ca-counter"),
        };
        store.migrate().await?;
        store.search_key = store.load_search_key().await?;
        Ok(store)
    }

    /// Runs the migrations. On PostgreSQL they run on a connection of their own without the
    /// pool's lock and statement timeouts: instances starting together queue on the
    /// migrator's lock while one migrates, and a migration of a big table may take longer
    /// than any request should. The connection is closed afterwards, not pooled.
    async fn migrate(&self) -> StoreResult<()> {
        match self.backend {
            Backend::Sqlite => sqlx::migrate!("src/server/store/migrations/sqlite")
                .run(&self.pool)
                .await
                .map_err(newer_database)?,
            Backend::Postgres => {
                use sqlx::Connection;
                let mut conn = self.pool.acquire().await?.detach();
                conn.execute("SET lock_timeout = 0; SET statement_timeout = 0")
                    .await?;
                let migrated = sqlx::migrate!("src/server/store/migrations/postgres")
                    .run(&mut conn)
                    .await;
                let _ = conn.close().await;
                migrated.map_err(newer_database)?
            }
        }
        Ok(())
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The database URL (for the PostgreSQL listener).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// While kept, marks this SQLite database as served (`None` on PostgreSQL, where each
    /// instance's event listener holds the mark: [`crate::server::events::SERVING_LOCK`]):
    /// a shared lock on the file beside it ([`serving_file`]; never on the database file,
    /// whose closing would drop SQLite's own locks). `Err` while `restored` holds it.
    pub fn hold_serving(&self) -> Result<Option<std::fs::File>, String> {
        let Some(path) = serving_file(&self.url) else {
            return Ok(None);
        };
        // Made by another user (`restored` run as root): read-only is enough for a lock.
        let Ok(file) = open_mark(&path).or_else(|_| std::fs::File::open(&path)) else {
            tracing::warn!(
                file = %path.display(),
                "cannot keep the serving mark beside the database: `restored` will not see \
                 this instance"
            );
            return Ok(None);
        };
        match file.try_lock_shared() {
            Ok(()) => Ok(Some(file)),
            Err(std::fs::TryLockError::WouldBlock) => Err(format!(
                "`ca-counter restored` is running on this database ({}): start again when it \
                 has finished",
                path.display()
            )),
            Err(std::fs::TryLockError::Error(e)) => {
                tracing::warn!(
                    file = %path.display(), error = %e,
                    "cannot lock the serving mark beside the database: `restored` will not \
                     see this instance"
                );
                Ok(None)
            }
        }
    }

    /// For `restored`, before the database is opened (and migrated): refused while any
    /// instance serves it; else a mark held until the returned guard is dropped, which
    /// keeps an instance from starting meanwhile (on PostgreSQL its listener waits for it).
    pub async fn restoring(url: &str) -> Result<Restoring, String> {
        if url.starts_with("sqlite:") {
            // Not opened (nor made, were the path wrong) before the check.
            let Some(path) = serving_file(url) else {
                return Ok(Restoring(None));
            };
            let database = path.with_extension("");
            if !database.is_file() {
                return Err(format!("there is no database at {}", database.display()));
            }
            if !sqlite_has_orders(&database).await? {
                return Err(never_restored_into(&database.display().to_string()));
            }
            let file = open_mark(&path)
                .or_else(|_| std::fs::File::open(&path))
                .map_err(|e| format!("{}: {e}", path.display()))?;
            return match file.try_lock() {
                Ok(()) => Ok(Restoring(Some(RestoringMark::File(file)))),
                Err(std::fs::TryLockError::WouldBlock) => Err(serving_refusal("a platform is")),
                Err(std::fs::TryLockError::Error(e)) => Err(format!("{}: {e}", path.display())),
            };
        }
        use sqlx::Connection;
        let mut connection = sqlx::PgConnection::connect(&prepare_postgres_url(url))
            .await
            .map_err(|e| e.to_string())?;
        let key = i64::from(crate::server::events::SERVING_LOCK);
        let taken: bool = sqlx::query_scalar(
            "SELECT pg_try_advisory_lock(CAST($1 AS INTEGER), hashtext(current_schema()))",
        )
        .bind(key)
        .fetch_one(&mut connection)
        .await
        .map_err(|e| e.to_string())?;
        if taken {
            // In this schema, as the lock and the migrations are (not anywhere on the
            // search path).
            let has_orders: bool = sqlx::query_scalar(
                "SELECT to_regclass(quote_ident(current_schema()) || '.orders') IS NOT NULL",
            )
            .fetch_one(&mut connection)
            .await
            .map_err(|e| e.to_string())?;
            if !has_orders {
                return Err(never_restored_into("this database"));
            }
            if let Some(refusal) = lately_serving(&mut connection).await? {
                return Err(refusal);
            }
            return Ok(Restoring(Some(RestoringMark::Postgres(connection))));
        }
        let serving: i64 = sqlx::query_scalar(SERVING_COUNT)
            .bind(key)
            .fetch_one(&mut connection)
            .await
            .map_err(|e| e.to_string())?;
        Err(serving_refusal(&match serving {
            // Gone between the two questions, or another `restored` holds it.
            0 => "a platform instance (or another `restored`) is".to_owned(),
            1 => "1 platform instance is".to_owned(),
            n => format!("{n} platform instances are"),
        }))
    }

    /// What wakes this instance's event reader.
    pub fn hub(&self) -> &EventHub {
        &self.hub
    }

    /// The connection pool, for benchmarks and tests.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Starts a transaction that will write. On SQLite it takes the write lock up front
    /// (`BEGIN IMMEDIATE`) so that two writers queue instead of failing on upgrade; while
    /// it waits for the lock it is counted ([`Store::writers_waiting`]).
    pub(crate) async fn begin_write(&self) -> StoreResult<Transaction<'static, Any>> {
        Ok(match self.backend {
            Backend::Sqlite => {
                let _waiting = WaitingWriter::new(&self.writers_waiting);
                self.pool.begin_with("BEGIN IMMEDIATE").await?
            }
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    /// How many writes wait for SQLite's write lock now (always 0 on PostgreSQL).
    pub(crate) fn writers_waiting(&self) -> usize {
        self.writers_waiting
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Locks the order `order_id` for the rest of `tx`, as an `UPDATE` of it would
    /// (PostgreSQL `FOR NO KEY UPDATE`, which rows referring to the order do not block;
    /// SQLite's write transaction holds the whole database already). Step 1 of the lock
    /// order.
    pub(crate) async fn lock_order(
        &self,
        tx: &mut Transaction<'static, Any>,
        order_id: &str,
    ) -> StoreResult<()> {
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT id FROM orders WHERE id = $1 FOR NO KEY UPDATE")
                .bind(order_id)
                .fetch_optional(&mut **tx)
                .await?;
        }
        Ok(())
    }

    /// How many times `action` was recorded on the order since `since_ms` (in `tx`), and
    /// when it last was: the limits of texts staff send a customer about an order.
    pub(crate) async fn recorded_since(
        &self,
        tx: &mut Transaction<'static, Any>,
        order_id: &str,
        action: &str,
        since_ms: i64,
    ) -> StoreResult<(i64, Option<i64>)> {
        Ok(sqlx::query_as(
            "SELECT COUNT(*), MAX(at) FROM order_history \
             WHERE order_id = $1 AND action = $2 AND at >= $3",
        )
        .bind(order_id)
        .bind(action)
        .bind(since_ms)
        .fetch_one(&mut **tx)
        .await?)
    }

    /// Whether the database answers and takes a write now (the readiness check): one
    /// committed update of a one-row table, within `budget`.
    pub async fn probe(&self, budget: Duration) -> Result<(), Trouble> {
        // A write refused for want of room lately: not ready, whatever the probe's own
        // write (which takes no new room) does.
        let full_at = FULL_AT.load(std::sync::atomic::Ordering::Relaxed);
        if full_at > 0 && now_ms() - full_at < FULL_FOR_MS {
            return Err(Trouble::StorageFull);
        }
        let write = async {
            let mut tx = self.begin_write().await?;
            sqlx::query("UPDATE health_probe SET checked_at = $1 WHERE id = 1")
                .bind(now_ms())
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok::<_, StoreError>(())
        };
        match tokio::time::timeout(budget, write).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "readiness: the database refused a write");
                Err(match e.kind() {
                    Trouble::Bug => Trouble::Unavailable,
                    other => other,
                })
            }
            Err(_) => Err(Trouble::Unavailable),
        }
    }

    /// Closes every connection.
    pub async fn close(&self) {
        self.search.close().await;
        self.pool.close().await;
    }
}

/// The search connections: read-only, and on PostgreSQL cut after the search budget.
async fn search_pool(
    backend: Backend,
    options: AnyConnectOptions,
    settings: &PoolSettings,
) -> StoreResult<AnyPool> {
    let budget_ms = settings.search_budget.time.as_millis().max(1);
    let lock_ms = settings.lock_timeout.as_millis().max(1);
    Ok(AnyPoolOptions::new()
        .max_connections(settings.search_connections.max(1))
        .min_connections(0)
        .acquire_timeout(settings.search_budget.time.max(Duration::from_millis(500)) * 2)
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                let setup = match backend {
                    Backend::Sqlite => {
                        format!("PRAGMA busy_timeout = {lock_ms}; PRAGMA query_only = ON;")
                    }
                    Backend::Postgres => format!(
                        "SET statement_timeout = {budget_ms}; \
                         SET default_transaction_read_only = on;"
                    ),
                };
                conn.execute(setup.as_str()).await?;
                Ok(())
            })
        })
        .connect_lazy_with(options))
}

/// Makes sure a SQLite URL creates its file, readable by its owner alone (it holds ID
/// numbers, addresses and scans; SQLite gives its `-wal` and `-shm` files the same mode).
/// Only the data directory is made when missing (0700): a database elsewhere whose
/// directory does not exist is a typo more often than not, and would start empty.
fn prepare_sqlite_url(url: &str) -> StoreResult<String> {
    let Some(sqlite) = SqliteUrl::read(url) else {
        return Ok(url.to_owned());
    };
    let mut query = sqlite.query.to_owned();
    if let Some(file) = sqlite.file.as_deref().filter(|_| !sqlite.read_only()) {
        if let Some(parent) = file.parent().filter(|p| !p.as_os_str().is_empty())
            && !parent.is_dir()
        {
            if !parent.starts_with(crate::config::data_dir()) {
                return Err(StoreError::NoDirectory {
                    path: parent.display().to_string(),
                });
            }
            private_dir(parent).map_err(|source| StoreError::Directory {
                path: parent.display().to_string(),
                source,
            })?;
        }
        if !file.exists() {
            private_file(file).map_err(|source| StoreError::File {
                path: file.display().to_string(),
                source,
            })?;
        } else {
            warn_if_shared(file);
        }
    }
    if !query.split('&').any(|p| p.starts_with("mode=")) {
        if !query.is_empty() {
            query.push('&');
        }
        query.push_str("mode=rwc");
    }
    Ok(format!("sqlite://{}?{query}", sqlite.written))
}

/// The instances serving a PostgreSQL database's schema: those holding the serving mark
/// (its two-key advisory lock, keyed by the schema: platforms may share a database in
/// schemas of their own).
const SERVING_COUNT: &str = "SELECT CAST(COUNT(*) AS BIGINT) FROM pg_locks l JOIN pg_database d \
     ON d.oid = l.database WHERE d.datname = current_database() AND l.locktype = 'advisory' \
     AND l.classid = CAST(CAST($1 AS INTEGER) AS OID) \
     AND l.objid = CAST(hashtext(current_schema()) AS OID) AND l.objsubid = 2 AND l.granted \
     AND l.pid <> pg_backend_pid()";

/// How often a serving instance on PostgreSQL says it is alive ([`Store::serving_beat`]).
pub const SERVING_BEAT: Duration = Duration::from_secs(5);

/// Now, by PostgreSQL's clock, in unix milliseconds (the serving instances' words).
const DB_NOW_MS: &str = "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)";

/// How long after its last word an instance counts as serving for `restored`: its serving
/// mark drops while its listener reconnects (a database blip), its word does not.
const SERVING_FRESH_MS: i64 = 20_000;

/// A serving instance as `restored` names it.
#[derive(Debug, Clone)]
pub struct ServingInstance {
    /// Unique for the life of the process.
    pub id: String,
    /// The machine it runs on.
    pub host: String,
    /// Its process id.
    pub pid: i64,
    /// The address it listens on.
    pub listen: String,
}

impl ServingInstance {
    /// This process, listening on `listen`.
    pub fn this(listen: &str) -> ServingInstance {
        ServingInstance {
            id: new_id(),
            host: crate::server::listen::host_name(),
            pid: i64::from(std::process::id()),
            listen: listen.to_owned(),
        }
    }
}

impl Store {
    /// Says `me` serves this database now (PostgreSQL; see migration 0033), by the
    /// database's clock — the one `restored` reads it by, whatever machine each runs on.
    pub async fn serving_beat(&self, me: &ServingInstance) -> StoreResult<()> {
        sqlx::query(&format!(
            "INSERT INTO serving_instances (id, host, pid, listen, seen_at) \
             VALUES ($1, $2, $3, $4, {DB_NOW_MS}) \
             ON CONFLICT (id) DO UPDATE SET seen_at = EXCLUDED.seen_at"
        ))
        .bind(&me.id)
        .bind(&me.host)
        .bind(me.pid)
        .bind(&me.listen)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Forgets instances silent for ten minutes (killed, never stopped): once, as an
    /// instance starts.
    pub async fn forget_silent_instances(&self) -> StoreResult<()> {
        sqlx::query(&format!(
            "DELETE FROM serving_instances WHERE seen_at < {DB_NOW_MS} - 600000"
        ))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// `me` has stopped serving: `restored` need not wait for its word to age.
    pub async fn serving_gone(&self, me: &ServingInstance) -> StoreResult<()> {
        sqlx::query("DELETE FROM serving_instances WHERE id = $1")
            .bind(&me.id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}

/// The instances that said lately they serve the database `connection` is on (none before
/// migration 0033 made the table): one whose listener is reconnecting holds no mark.
async fn lately_serving(connection: &mut sqlx::PgConnection) -> Result<Option<String>, String> {
    let table: bool = sqlx::query_scalar("SELECT to_regclass('serving_instances') IS NOT NULL")
        .fetch_one(&mut *connection)
        .await
        .map_err(|e| e.to_string())?;
    if !table {
        return Ok(None);
    }
    // Ages by the database's clock, as the instances' words were written.
    let rows: Vec<(String, i64, String, i64)> = sqlx::query_as(&format!(
        "SELECT host, pid, listen, {DB_NOW_MS} - seen_at AS ago FROM serving_instances \
         WHERE seen_at > {DB_NOW_MS} - $1 ORDER BY seen_at DESC"
    ))
    .bind(SERVING_FRESH_MS)
    .fetch_all(&mut *connection)
    .await
    .map_err(|e| e.to_string())?;
    let Some(newest_ago) = rows.first().map(|row| row.3.max(0)) else {
        return Ok(None);
    };
    let named: Vec<String> = rows
        .iter()
        .map(|(host, pid, listen, ago)| {
            format!(
                "{listen} (host {host}, pid {pid}, {} s ago)",
                ago.max(&0) / 1000
            )
        })
        .collect();
    Ok(Some(format!(
        "{} said {} serving this database in the last {} s: {}. Stop every instance first; \
         one that was killed rather than stopped counts for {} s after its last word, so \
         run `restored` again after {} s. Nothing was changed",
        if rows.len() == 1 {
            "1 platform instance".to_owned()
        } else {
            format!("{} platform instances", rows.len())
        },
        if rows.len() == 1 {
            "it was"
        } else {
            "they were"
        },
        SERVING_FRESH_MS / 1000,
        named.join("; "),
        SERVING_FRESH_MS / 1000,
        ((SERVING_FRESH_MS - newest_ago).max(0) + 999) / 1000,
    )))
}

/// Held by `restored` while it runs ([`Store::restoring`]).
pub struct Restoring(#[allow(dead_code)] Option<RestoringMark>);

enum RestoringMark {
    File(#[allow(dead_code)] std::fs::File),
    Postgres(#[allow(dead_code)] sqlx::PgConnection),
}

fn serving_refusal(who: &str) -> String {
    format!(
        "{who} serving this database now: stop every instance (`ca-counter serve`, and any \
         counter running its own embedded platform on it) first, then run `restored` again. \
         Nothing was changed"
    )
}

/// The SQLite file `url` names when there is none there yet (`None` on PostgreSQL, in
/// memory, or when it exists): the operator commands tell a path typed wrong from the
/// platform's database before they make a new, empty one.
pub fn missing_sqlite_file(url: &str) -> Option<PathBuf> {
    SqliteUrl::read(url)?.file.filter(|path| !path.exists())
}

/// The file beside a SQLite database that serving instances lock shared and `restored`
/// exclusively (`None` on PostgreSQL, or in memory).
fn serving_file(url: &str) -> Option<PathBuf> {
    let sqlite = SqliteUrl::read(url)?;
    // Read only: no database others could restore under it.
    if sqlite.read_only() {
        return None;
    }
    sqlite.file.map(|path| {
        let mut mark = path.into_os_string();
        mark.push(".serving");
        PathBuf::from(mark)
    })
}

/// A SQLite database URL (`sqlite://path?query`, `sqlite:path`) read as sqlx reads it: the
/// one place its file is found, for the platform, the operator commands and `restored`
/// alike (a path written `my%20db.db` is the file `my db.db`).
struct SqliteUrl<'a> {
    /// The path as written in the URL.
    written: &'a str,
    /// The file, percent-decoded as sqlx opens it; `None` in memory.
    file: Option<PathBuf>,
    /// What follows `?`.
    query: &'a str,
}

impl<'a> SqliteUrl<'a> {
    /// `None` for a URL that is not SQLite's.
    fn read(url: &'a str) -> Option<Self> {
        let rest = url.strip_prefix("sqlite:")?;
        let rest = rest.strip_prefix("//").unwrap_or(rest);
        let (written, query) = rest.split_once('?').unwrap_or((rest, ""));
        let in_memory = written.is_empty()
            || written == ":memory:"
            || query.split('&').any(|p| p == "mode=memory");
        let file = (!in_memory).then(|| {
            PathBuf::from(
                percent_encoding::percent_decode_str(written)
                    .decode_utf8_lossy()
                    .as_ref(),
            )
        });
        Some(SqliteUrl {
            written,
            file,
            query,
        })
    }

    /// Opened read-only (`mode=ro`).
    fn read_only(&self) -> bool {
        self.query.split('&').any(|p| p == "mode=ro")
    }
}

/// Opens (making it) the serving mark's file: empty, readable by all (an instance run as
/// another user than `restored` locks it read-only).
fn open_mark(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o644);
    options.open(path)
}

/// A directory (and those above it) only its owner may enter.
fn private_dir(path: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(path)
}

/// A new, empty database file only its owner may read (SQLite takes an empty file as an
/// empty database).
fn private_file(path: &Path) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        // Made meanwhile (another instance starting): it is there.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// Says so when an existing database file may be read by others than its owner.
fn warn_if_shared(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path)
            && meta.permissions().mode() & 0o077 != 0
        {
            tracing::warn!(
                file = %path.display(),
                mode = format!("{:o}", meta.permissions().mode() & 0o777),
                "the database file may be read by other users of this machine \
                 (it holds ID numbers, addresses and scans): chmod 600 it and its -wal and -shm files"
            );
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// A PostgreSQL URL naming this machine by a loopback address (`localhost`, `127.0.0.1`,
/// `[::1]`) and no `sslmode` connects without TLS: it would encrypt what never leaves the
/// machine, at a cost on every statement (a tenth of the database's CPU per order, measured
/// in `benches/order_create.rs`). The driver's own default, TLS when the server offers it,
/// stays for every other host, and an `sslmode` given is kept.
fn prepare_postgres_url(url: &str) -> String {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    if query.split('&').any(|p| p.starts_with("sslmode=")) {
        return url.to_owned();
    }
    let authority = base
        .split_once("://")
        .map_or("", |(_, rest)| rest.split('/').next().unwrap_or(""));
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match host_port.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host_port.split(':').next().unwrap_or(""),
    };
    if !matches!(host, "localhost" | "127.0.0.1" | "::1") {
        return url.to_owned();
    }
    let and = if query.is_empty() { "" } else { "&" };
    format!("{base}?{query}{and}sslmode=disable")
}

/// `restored` on a database without the platform's tables: nothing was restored into it
/// (a `pg_restore` forgotten or failed, the wrong database named). Refused before anything
/// is made in it — migrating it first would make tables a restore into it then collides
/// with.
fn never_restored_into(database: &str) -> String {
    format!(
        "{database} holds no platform data: restore the backup into it first (README, \
         Backups), and run `restored` on the database the platform will serve. Nothing was \
         changed."
    )
}

/// Whether the SQLite file at `path` has the platform's orders table (opened read-only:
/// nothing is made in it).
async fn sqlite_has_orders(path: &std::path::Path) -> Result<bool, String> {
    use sqlx::Connection;
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .read_only(true);
    let mut connection = sqlx::SqliteConnection::connect_with(&options)
        .await
        .map_err(|e| format!("{}: {e}", path.display()))?;
    let found: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'orders'",
    )
    .fetch_one(&mut connection)
    .await
    .map_err(|e| format!("{}: {e}", path.display()))?;
    let _ = connection.close().await;
    Ok(found > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A write the disk has no room for is "storage full" (507, said in words), not a
    /// defect (500): SQLite's full and its failed write (a quota, a file-size limit),
    /// PostgreSQL's disk_full.
    #[test]
    fn a_write_without_room_is_storage_full() {
        for code in ["13", "778", "53100"] {
            assert!(is_storage_full(code, ""), "{code}");
        }
        assert!(!is_storage_full("5", "database is locked"));
        assert!(!is_storage_full("2067", "UNIQUE constraint failed"));
    }

    /// PostgreSQL's all-digit SQLSTATEs are read as PostgreSQL's: a serialization failure,
    /// a statement cut by its timeout, too many connections are worth a retry (503), not a
    /// defect (500); SQLite's busy and locked too, and nothing else of either.
    #[test]
    fn retryable_errors_of_both_databases_are_told_apart() {
        for code in [
            "40001", "40P01", "57014", "53300", "08006", "5", "6", "261", "517",
        ] {
            assert!(is_transient(code), "{code}");
        }
        for code in ["23505", "22001", "1", "2067", "13"] {
            assert!(!is_transient(code), "{code}");
        }
        // A table or function PostgreSQL does not have: told apart for the operator's log.
        assert!(is_schema_missing("42P01") && is_schema_missing("42883"));
        assert!(!is_schema_missing("42601"));
    }

    #[test]
    fn the_start_up_log_names_where_the_database_is_without_its_password() {
        let here = std::env::current_dir().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            location("sqlite://data/ca.db?mode=rwc"),
            here.join("data/ca.db").display().to_string()
        );
        assert_eq!(location("sqlite:///var/lib/ca.db"), "/var/lib/ca.db");
        assert_eq!(
            location("postgres://ca:secret@db.internal:5432/ca?sslmode=require"),
            "db.internal:5432/ca"
        );
    }

    #[test]
    fn loopback_postgres_urls_connect_without_tls_unless_told() {
        for (given, made) in [
            (
                "postgres://postgres@127.0.0.1:5432/db",
                "postgres://postgres@127.0.0.1:5432/db?sslmode=disable",
            ),
            (
                "postgresql://u:p@localhost/db?application_name=x",
                "postgresql://u:p@localhost/db?application_name=x&sslmode=disable",
            ),
            (
                "postgres://[::1]:5433/db",
                "postgres://[::1]:5433/db?sslmode=disable",
            ),
            // Told, or another host: as given.
            (
                "postgres://127.0.0.1/db?sslmode=require",
                "postgres://127.0.0.1/db?sslmode=require",
            ),
            ("postgres://db.internal/db", "postgres://db.internal/db"),
            ("postgres://u@127.0.0.10/db", "postgres://u@127.0.0.10/db"),
            (
                "postgres://localhost.evil.example/db",
                "postgres://localhost.evil.example/db",
            ),
            // A Unix socket: no TLS there anyway.
            (
                "postgres:///db?host=/var/run/postgresql",
                "postgres:///db?host=/var/run/postgresql",
            ),
        ] {
            assert_eq!(prepare_postgres_url(given), made, "{given}");
        }
    }

    #[tokio::test]
    async fn a_write_waiting_for_sqlites_lock_is_counted_until_it_has_it() -> StoreResult<()> {
        let dir = std::env::temp_dir().join(format!("cac-wait-{}", new_id()));
        std::fs::create_dir_all(&dir).unwrap_or_default();
        let url = format!("sqlite://{}/x.db", dir.display());
        let store = Store::open(&url, 3).await?;
        assert_eq!(store.writers_waiting(), 0);
        let holder = store.begin_write().await?;
        assert_eq!(
            store.writers_waiting(),
            0,
            "a write that got the lock at once"
        );
        let waiter = tokio::spawn({
            let store = store.clone();
            async move { store.begin_write().await.map(|tx| tx.rollback()) }
        });
        let until = std::time::Instant::now() + Duration::from_secs(5);
        while store.writers_waiting() == 0 && std::time::Instant::now() < until {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        assert_eq!(
            store.writers_waiting(),
            1,
            "the second write waits for the lock"
        );
        holder.commit().await?;
        // What the indexer does between its batches: returns once the waiting write has
        // the lock.
        store.let_writers_go_first().await;
        assert_eq!(store.writers_waiting(), 0);
        let Ok(Ok(rollback)) = waiter.await else {
            panic!("the waiting write failed");
        };
        rollback.await?;
        let _ = std::fs::remove_dir_all(dir);
        Ok(())
    }

    #[test]
    fn sqlite_urls_create_their_file_for_its_owner_alone() {
        let dir = std::env::temp_dir().join(format!("cac-url-{}", new_id()));
        // A directory that does not exist (outside the data directory): a typo, refused.
        let url = format!("sqlite://{}/sub/x.db", dir.display());
        assert!(matches!(
            prepare_sqlite_url(&url),
            Err(StoreError::NoDirectory { .. })
        ));
        assert!(!dir.exists());
        std::fs::create_dir_all(&dir).unwrap_or_default();
        let url = format!("sqlite://{}/x.db", dir.display());
        let prepared = prepare_sqlite_url(&url).unwrap_or_default();
        assert_eq!(
            prepared,
            format!("sqlite://{}/x.db?mode=rwc", dir.display())
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.join("x.db")).map(|m| m.permissions().mode());
            assert_eq!(mode.map(|m| m & 0o777).ok(), Some(0o600));
        }
        // A path written percent-encoded is the file sqlx opens, decoded: that is the one
        // made for its owner, found missing or not, and marked while served (a stray
        // empty `my%20db.db` was made beside the real one, which got the default mode).
        let url = format!("sqlite://{}/my%20db.db", dir.display());
        assert_eq!(missing_sqlite_file(&url), Some(dir.join("my db.db")));
        prepare_sqlite_url(&url).unwrap_or_default();
        assert!(dir.join("my db.db").is_file());
        assert!(!dir.join("my%20db.db").exists());
        assert_eq!(missing_sqlite_file(&url), None);
        assert_eq!(serving_file(&url), Some(dir.join("my db.db.serving")));
        assert_eq!(location(&url), format!("{}/my db.db", dir.display()));
        let _ = std::fs::remove_dir_all(dir);
        assert_eq!(
            prepare_sqlite_url("sqlite:x.db?mode=ro").unwrap_or_default(),
            "sqlite://x.db?mode=ro"
        );
        assert_eq!(serving_file("sqlite://x.db?mode=ro"), None);
        assert_eq!(missing_sqlite_file("sqlite::memory:"), None);
        assert_eq!(missing_sqlite_file("sqlite://x.db?mode=memory"), None);
    }
}
