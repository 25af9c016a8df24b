//! Orders: creation, lookup, lists, and the one function that moves an order along the
//! transition table (compare-and-set on id, status and version; audit row and event in the
//! same transaction).

use sqlx::{Any, Transaction};

use super::events::{NewEvent, event_insert as insert_event_sql, insert_event};
use super::idempotency::{Answered, IdempotencyKey, SavedResponse, key_insert};

use super::params::Params;
use super::search::{self, Key, Verify};
use super::{
    Backend, Store, StoreError, StoreResult,
    catalog::{PRODUCTS_ON_SALE, escape_like},
    new_id, now_ms,
};
use crate::domain::{
    Action, IdNumber, ORDER_PREFIX, OrderNo, OrderStatus, Phone, UserType, next_status,
};

/// Who did something to an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A signed-in operator.
    Operator {
        /// Operator id.
        id: String,
        /// Operator name.
        name: String,
    },
    /// The platform itself (payment provider, timers), named.
    System(String),
    /// A customer on their own platform, as their history row names them (masked).
    Customer(String),
}

impl Actor {
    fn id(&self) -> Option<&str> {
        match self {
            Actor::Operator { id, .. } => Some(id),
            Actor::System(_) | Actor::Customer(_) => None,
        }
    }

    /// The operator a row written for this actor names as its author: the actor, or the
    /// built-in `online` operator for a customer on their own platform.
    pub fn operator_id(&self) -> &str {
        match self {
            Actor::Operator { id, .. } => id,
            Actor::Customer(_) => super::self_service::ONLINE_OPERATOR_ID,
            Actor::System(_) => "",
        }
    }

    /// The name shown for this actor.
    pub fn display_name(&self) -> &str {
        match self {
            Actor::Operator { name, .. } => name,
            Actor::System(name) | Actor::Customer(name) => name,
        }
    }

    fn name(&self) -> &str {
        self.display_name()
    }
}

/// A new order whose every field has been checked.
#[derive(Debug, Clone)]
pub struct ValidOrder {
    /// The customer.
    pub customer_id: String,
    /// The product.
    pub product_id: String,
    /// Its project.
    pub project_id: String,
    /// The project's name (for the answer; not stored on the order).
    pub project_name: String,
    /// The product's name (for the answer).
    pub product_name: String,
    /// The product's validity in years (for the answer).
    pub validity_years: i64,
    /// Individual or organisation (from the product).
    pub user_type: UserType,
    /// Price at submission.
    pub amount_fen: i64,
    /// Applicant's name.
    pub applicant_name: String,
    /// Name shown in lists: the organisation for organisations.
    pub display_name: String,
    /// Applicant's mobile.
    pub phone: Phone,
    /// Applicant's ID number.
    pub id_number: IdNumber,
    /// `api::Applicant` as JSON, normalised.
    pub applicant_json: String,
    /// `api::Organization` as JSON, normalised.
    pub organization_json: Option<String>,
    /// `api::MailingAddress` as JSON, normalised.
    pub mailing_json: String,
    /// Note.
    pub note: Option<String>,
    /// Reference printed on the form.
    pub application_ref: Option<String>,
    /// Terms version accepted.
    pub terms_version: Option<String>,
    /// At a counter, or on the customer's own platform.
    pub channel: crate::domain::Channel,
}

/// The status a new order is stored in.
const SUBMITTED: OrderStatus = OrderStatus::PendingPayment;

/// What [`Store::order_inputs`] read.
#[derive(Debug, Clone)]
pub struct OrderInputs {
    /// The customer exists.
    pub customer_exists: bool,
    /// The facts of the check that verified the customer, for the order's history.
    pub realname: Option<String>,
    /// The product, if it and its project are on sale.
    pub product: Option<super::ProductRow>,
}

/// A new order as [`Store::create_order`] writes it (known before it is written).
#[derive(Debug, Clone)]
pub struct Inserted {
    /// Order id.
    pub id: String,
    /// Order number.
    pub order_no: String,
    /// The operator the order names as its author.
    pub submitted_by: String,
    /// Unix ms.
    pub created_at: i64,
}

impl ValidOrder {
    /// The row `inserted` is, as [`Store::order_by_no`] would read it back, for an order
    /// submitted by the operator named `submitted_by_name`.
    pub fn row(&self, inserted: &Inserted, submitted_by_name: &str) -> OrderRow {
        OrderRow {
            id: inserted.id.clone(),
            order_no: inserted.order_no.clone(),
            status: SUBMITTED.as_str().to_owned(),
            version: 1,
            user_type: self.user_type.as_str().to_owned(),
            customer_id: self.customer_id.clone(),
            product_id: self.product_id.clone(),
            project_id: self.project_id.clone(),
            project_name: self.project_name.clone(),
            product_name: self.product_name.clone(),
            validity_years: self.validity_years,
            amount_fen: self.amount_fen,
            applicant_name: self.applicant_name.clone(),
            display_name: self.display_name.clone(),
            phone: self.phone.as_str().to_owned(),
            id_number: self.id_number.as_str().to_owned(),
            applicant_json: self.applicant_json.clone(),
            organization_json: self.organization_json.clone(),
            mailing_json: self.mailing_json.clone(),
            note: self.note.clone(),
            application_ref: self.application_ref.clone(),
            terms_version: self.terms_version.clone(),
            payment_method: None,
            paid_at: None,
            rejection_json: None,
            voucher_total_fen: None,
            carrier: None,
            tracking_no: None,
            shipped_at: None,
            invoice_no: None,
            invoice_token: None,
            invoice_request_json: None,
            invoice_requested_at: None,
            invoice_requested_via: None,
            submitted_by: inserted.submitted_by.clone(),
            submitted_by_name: submitted_by_name.to_owned(),
            claimed_by: None,
            claimed_by_name: None,
            claim_expires_at: None,
            resubmissions: 0,
            resubmitted_at: None,
            created_at: inserted.created_at,
            updated_at: inserted.created_at,
            channel: self.channel.as_str().to_owned(),
        }
    }
}

/// An order as stored.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct OrderRow {
    pub id: String,
    pub order_no: String,
    pub status: String,
    pub version: i64,
    pub user_type: String,
    pub customer_id: String,
    pub product_id: String,
    pub project_id: String,
    pub project_name: String,
    pub product_name: String,
    pub validity_years: i64,
    pub amount_fen: i64,
    pub applicant_name: String,
    pub display_name: String,
    pub phone: String,
    pub id_number: String,
    pub applicant_json: String,
    pub organization_json: Option<String>,
    pub mailing_json: String,
    pub note: Option<String>,
    pub application_ref: Option<String>,
    pub terms_version: Option<String>,
    pub payment_method: Option<String>,
    pub paid_at: Option<i64>,
    pub rejection_json: Option<String>,
    /// Returned for the transfer's amount: what its vouchers showed in all, when the
    /// reviewer said (fen).
    pub voucher_total_fen: Option<i64>,
    pub carrier: Option<String>,
    pub tracking_no: Option<String>,
    pub shipped_at: Option<i64>,
    pub invoice_no: Option<String>,
    pub invoice_token: Option<String>,
    pub invoice_request_json: Option<String>,
    pub invoice_requested_at: Option<i64>,
    pub invoice_requested_via: Option<String>,
    pub submitted_by: String,
    pub submitted_by_name: String,
    pub claimed_by: Option<String>,
    pub claimed_by_name: Option<String>,
    pub claim_expires_at: Option<i64>,
    pub resubmissions: i64,
    /// When it was last sent back for review after a return (unix ms).
    pub resubmitted_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    /// `counter` or `online`.
    pub channel: String,
}

impl OrderRow {
    /// The reasons of its latest return, as recorded (none when it was not returned, or
    /// what was kept cannot be read).
    pub fn return_reasons(&self) -> Vec<String> {
        self.rejection_json
            .as_deref()
            .and_then(|json| serde_json::from_str(json).ok())
            .unwrap_or_default()
    }

    /// The reviewer holding the order now, with when the hold ends (a lapsed claim holds
    /// nothing).
    pub fn live_claim(&self, now: i64) -> Option<(&str, &str, i64)> {
        match (
            &self.claimed_by,
            &self.claimed_by_name,
            self.claim_expires_at,
        ) {
            (Some(id), Some(name), Some(until)) if until > now => Some((id, name, until)),
            _ => None,
        }
    }

    /// The status, parsed.
    pub fn status(&self) -> StoreResult<OrderStatus> {
        OrderStatus::parse(&self.status)
            .ok_or_else(|| StoreError::Corrupt(format!("status {}", self.status)))
    }
}

/// The columns of an [`OrderRow`], from `orders o` and the tables [`ORDER_JOINS`] joins.
macro_rules! order_columns {
    () => {
        "o.id, o.order_no, o.status, o.version, o.user_type, o.customer_id, \
         o.product_id, o.project_id, pj.name AS project_name, pr.name AS product_name, pr.validity_years, \
         o.amount_fen, o.applicant_name, o.display_name, o.phone, o.id_number, o.applicant_json, \
         o.organization_json, o.mailing_json, o.note, o.application_ref, o.terms_version, o.payment_method, o.paid_at, o.rejection_json, o.voucher_total_fen, \
         o.carrier, o.tracking_no, o.shipped_at, o.invoice_no, o.invoice_token, o.invoice_request_json, \
         o.invoice_requested_at, o.invoice_requested_via, o.submitted_by, op.name AS submitted_by_name, \
         o.claimed_by, o.claimed_by_name, o.claim_expires_at, o.resubmissions, o.resubmitted_at, \
         o.created_at, o.updated_at, o.channel"
    };
}
pub(super) use order_columns;

/// The joins [`order_columns`] reads from, after `orders o`.
macro_rules! order_joins {
    () => {
        "JOIN projects pj ON pj.id = o.project_id JOIN products pr ON pr.id = o.product_id \
         JOIN operators op ON op.id = o.submitted_by"
    };
}
pub(super) use order_joins;

pub(super) const SELECT_ORDER: &str = concat!(
    "SELECT ",
    order_columns!(),
    " FROM orders o ",
    order_joins!()
);

/// A row of the audit trail.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HistoryRow {
    pub id: i64,
    pub at: i64,
    pub actor_id: Option<String>,
    pub actor_name: String,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub reason: Option<String>,
    pub request_id: Option<String>,
}

/// A column an action sets besides status and version. Names are fixed in code.
#[derive(Debug, Clone)]
pub enum SetColumn {
    /// A text column.
    Text(&'static str, Option<String>),
    /// An integer column.
    Int(&'static str, Option<i64>),
    /// A text column set only where it is empty: what the row holds when the statement runs
    /// is kept (read earlier and written back, a change made in between would be undone).
    TextIfEmpty(&'static str, String),
}

/// One step along the transition table.
#[derive(Debug, Clone)]
pub struct Transition {
    /// The action.
    pub action: Action,
    /// The version the person saw; `None` only for the platform's own actions.
    pub expected_version: Option<i64>,
    /// Who.
    pub actor: Actor,
    /// Reason or detail for the audit trail.
    pub reason: Option<String>,
    /// The request that asked for it.
    pub request_id: Option<String>,
    /// Other columns to set.
    pub set: Vec<SetColumn>,
    /// The operator who must hold the order's review claim (review decisions).
    pub claimed_by: Option<String>,
    /// A text message the change causes, written into the outbox in the same transaction
    /// (after the order row), with the provider that will send it.
    pub sms: Option<(&'static str, crate::server::sms::NewSms)>,
}

/// Why a transition did not happen. Nothing was changed.
#[derive(Debug, thiserror::Error)]
pub enum TransitionError {
    /// No such order.
    #[error("no such order")]
    NotFound,
    /// The table does not allow the action from the order's current status.
    #[error("not allowed from {status}")]
    NotAllowed {
        /// Status now.
        status: OrderStatus,
        /// Version now.
        version: i64,
    },
    /// The decision needs the review claim and the person does not hold it (now).
    #[error("not claimed by the decider")]
    NotClaimed {
        /// Who holds it instead, and until when, if anyone.
        holder: Option<(String, i64)>,
        /// Status now.
        status: OrderStatus,
        /// Version now.
        version: i64,
    },
    /// Someone else changed the order since the person looked.
    #[error("order changed (now {status} v{version})")]
    Conflict {
        /// Status now.
        status: OrderStatus,
        /// Version now.
        version: i64,
    },
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for TransitionError {
    fn from(e: sqlx::Error) -> Self {
        TransitionError::Store(e.into())
    }
}

/// Filters of an order list.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    /// Only these statuses (all when empty).
    pub statuses: Vec<OrderStatus>,
    /// Only this project.
    pub project_id: Option<String>,
    /// Only orders that came this way.
    pub channel: Option<crate::domain::Channel>,
    /// Order number, phone, name or ID number.
    pub q: Option<String>,
    /// Created at or after (unix ms).
    pub from_ms: Option<i64>,
    /// Created before (unix ms).
    pub to_ms: Option<i64>,
    /// Order.
    pub sort: Sort,
    /// The last order number of the previous page.
    pub cursor: Option<String>,
    /// Page size.
    pub limit: i64,
}

/// A page of orders.
#[derive(Debug, Default)]
pub struct Page {
    /// The orders, in list order.
    pub rows: Vec<OrderRow>,
    /// Where the next page starts, when there is one.
    pub next_cursor: Option<String>,
    /// A search that spent its budget without finding anything: the text is too broad.
    pub too_broad: bool,
}

/// The length of an order number.
const ORDER_NO_LEN: usize = 16;

/// List order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Sort {
    /// Newest first.
    #[default]
    Newest,
    /// Oldest first.
    Oldest,
}

/// China Standard Time, where order numbers take their date from.
const CHINA: time::UtcOffset = match time::UtcOffset::from_hms(8, 0, 0) {
    Ok(offset) => offset,
    Err(_) => time::UtcOffset::UTC,
};

impl Store {
    /// What a new order needs read first, in one statement: whether the customer exists,
    /// the facts of the real-name check that verified them (`provider transaction_id
    /// time`, the time as RFC 3339), and the product if it is on sale.
    pub async fn order_inputs(
        &self,
        customer_id: &str,
        product_id: &str,
    ) -> StoreResult<OrderInputs> {
        #[derive(sqlx::FromRow)]
        struct Inputs {
            customer: Option<String>,
            provider: Option<String>,
            transaction_id: Option<String>,
            checked_at: Option<i64>,
            id: Option<String>,
            project_id: Option<String>,
            project_name: Option<String>,
            name: Option<String>,
            user_type: Option<String>,
            validity_years: Option<i64>,
            price_fen: Option<i64>,
        }
        let row: Inputs = sqlx::query_as(&format!(
            "SELECT c.id AS customer, ic.provider, ic.transaction_id, ic.checked_at, p.id, p.project_id, \
             p.project_name, p.name, p.user_type, p.validity_years, p.price_fen \
             FROM (SELECT 1 AS one) AS one \
             LEFT JOIN customers c ON c.id = $1 \
             LEFT JOIN identity_checks ic ON ic.id = (SELECT id FROM identity_checks \
                 WHERE customer_id = c.id AND verdict = 'passed' ORDER BY checked_at DESC LIMIT 1) \
             LEFT JOIN ({PRODUCTS_ON_SALE}) p ON p.id = $2",
        ))
        .bind(customer_id)
        .bind(product_id)
        .fetch_one(&self.pool)
        .await?;
        let realname = match (row.provider, row.transaction_id, row.checked_at) {
            (Some(provider), Some(transaction_id), Some(at)) => Some(format!(
                "{provider} {transaction_id} {}",
                crate::server::present::rfc3339(at)
            )),
            _ => None,
        };
        let product = match (
            row.id,
            row.project_id,
            row.project_name,
            row.name,
            row.user_type,
            row.validity_years,
            row.price_fen,
        ) {
            (
                Some(id),
                Some(project_id),
                Some(project_name),
                Some(name),
                Some(user_type),
                Some(validity_years),
                Some(price_fen),
            ) => Some(super::ProductRow {
                id,
                project_id,
                project_name,
                name,
                user_type,
                validity_years,
                price_fen,
            }),
            _ => None,
        };
        Ok(OrderInputs {
            customer_exists: row.customer.is_some(),
            realname,
            product,
        })
    }

    /// Takes a new order's number: the day's next (China time); on SQLite, in the write
    /// transaction it returns, which the order is then written in.
    ///
    /// On SQLite the number is taken inside the transaction (writers run one at a time
    /// anyway). On PostgreSQL it is taken first, in a transaction of its own, so the day's
    /// counter row is locked for one statement instead of the whole order: eight clerks
    /// creating at once would otherwise queue on it, each for a whole order and its commit.
    /// That transaction commits without waiting for the disk (`synchronous_commit = off`):
    /// the order's own commit, later, does wait, and writing its commit record flushes
    /// every record before it, so a number is never lost under an order that was kept.
    /// A number taken for an order that then rolls back (a failure, a retry racing its
    /// first try) is not given again: numbers on PostgreSQL may skip. A retry whose key was
    /// answered already takes none: the same statement looks the key up, and `None` says
    /// it is there (so retries, which every counter makes on a network error, leave no
    /// gaps).
    async fn begin_order(
        &self,
        key: &IdempotencyKey<'_>,
    ) -> StoreResult<Option<(Option<Transaction<'static, Any>>, OrderNo)>> {
        let today = time::OffsetDateTime::now_utc().to_offset(CHINA).date();
        let day = format!(
            "{:04}{:02}{:02}",
            today.year(),
            u8::from(today.month()),
            today.day()
        );
        let next = "INSERT INTO order_counters (day, last) SELECT $1, 1 WHERE NOT EXISTS \
                    (SELECT 1 FROM idempotency_keys WHERE operator_id = $2 AND key = $3) \
                    ON CONFLICT (day) DO UPDATE SET last = order_counters.last + 1 RETURNING last";
        let (tx, seq) = match self.backend {
            Backend::Sqlite => {
                let mut tx = self.begin_write().await?;
                let seq: Option<i64> = sqlx::query_scalar(next)
                    .bind(&day)
                    .bind(key.operator_id)
                    .bind(key.key)
                    .fetch_optional(&mut *tx)
                    .await?;
                (Some(tx), seq)
            }
            Backend::Postgres => {
                // One prepared statement, its own implicit transaction: `set_config(…,
                // true)` is `SET LOCAL`, so that transaction commits without waiting.
                let seq: Option<i64> = sqlx::query_scalar(&format!(
                    "WITH quick AS (SELECT set_config('synchronous_commit', 'off', true)), \
                     next AS ({next}) SELECT next.last FROM next, quick"
                ))
                .bind(&day)
                .bind(key.operator_id)
                .bind(key.key)
                .fetch_optional(&self.pool)
                .await?;
                (None, seq)
            }
        };
        let Some(seq) = seq else {
            return Ok(None);
        };
        let order_no =
            OrderNo::new(today, u32::try_from(seq).unwrap_or(u32::MAX)).ok_or_else(|| {
                StoreError::Corrupt(format!("order sequence {seq} exhausted for {day}"))
            })?;
        Ok(Some((tx, order_no)))
    }

    /// Creates `order` by `actor`, and saves what `answer` makes of it under `key`, in one
    /// transaction: takes the day's number ([`Store::begin_order`]), then writes the order
    /// (its row, search terms, status count, history — with `realname`, the check's facts
    /// from [`Store::order_inputs`] — and `created` event) and the key with its answer in
    /// one statement ([`new_order_statement`]). On SQLite that runs in the transaction
    /// that took the number; on PostgreSQL it runs on its own, as one implicit
    /// transaction, with no `BEGIN` or `COMMIT` round trips. If the key was answered
    /// first by another request, nothing is kept and that answer is returned.
    #[allow(clippy::too_many_arguments)]
    pub async fn create_order<E: From<StoreError>>(
        &self,
        order: &ValidOrder,
        actor: &Actor,
        realname: Option<&str>,
        request_id: Option<&str>,
        key: &IdempotencyKey<'_>,
        answer: impl FnOnce(&Inserted) -> Result<SavedResponse, E>,
    ) -> Result<Answered, E> {
        let Some((tx, order_no)) = self.begin_order(key).await? else {
            // Answered before: that answer, and no number taken.
            return match self
                .answered_idempotency_key(key.operator_id, key.key)
                .await?
            {
                Some((request_hash, answer)) => Ok(Answered::Taken {
                    request_hash,
                    answer,
                }),
                // A key saved without an answer is not an order's: not this request's.
                None => Err(StoreError::Corrupt(format!(
                    "idempotency key {} kept without its answer",
                    key.key
                ))
                .into()),
            };
        };
        let inserted = Inserted {
            id: new_id(),
            order_no: order_no.as_str().to_owned(),
            submitted_by: actor.operator_id().to_owned(),
            created_at: now_ms(),
        };
        // An answer that cannot be made drops `tx`: nothing is kept.
        let answer = answer(&inserted)?;
        let new = NewOrderRows {
            order,
            inserted: &inserted,
            actor,
            realname,
            request_id,
            id_hash: self.id_hash(order.id_number.as_str()),
        };
        let (sql, params) = new_order_statement(self.backend, &new, key, &answer);
        let written = match tx {
            Some(mut tx) => match params.query(&sql).execute(&mut *tx).await {
                Ok(_) => tx.commit().await,
                // Dropping `tx` rolls it back.
                Err(e) => Err(e),
            },
            None => params.query(&sql).execute(&self.pool).await.map(drop),
        };
        match written {
            Ok(()) => {
                self.event_committed().await;
                Ok(Answered::Committed(answer))
            }
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                match self
                    .answered_idempotency_key(key.operator_id, key.key)
                    .await?
                {
                    Some((request_hash, answer)) => Ok(Answered::Taken {
                        request_hash,
                        answer,
                    }),
                    // Not the key: something else was not unique.
                    None => Err(StoreError::from(sqlx::Error::Database(e)).into()),
                }
            }
            Err(e) => Err(StoreError::from(e).into()),
        }
    }

    /// A customer's orders, newest first — made online or at a counter.
    pub async fn orders_of_customer(
        &self,
        customer_id: &str,
        limit: i64,
    ) -> StoreResult<Vec<OrderRow>> {
        Ok(sqlx::query_as(&format!(
            "{SELECT_ORDER} WHERE o.customer_id = $1 ORDER BY o.created_at DESC, o.order_no DESC LIMIT $2"
        ))
        .bind(customer_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    /// The order with this number.
    pub async fn order_by_no(&self, order_no: &str) -> StoreResult<Option<OrderRow>> {
        Ok(
            sqlx::query_as(&format!("{SELECT_ORDER} WHERE o.order_no = $1"))
                .bind(order_no)
                .fetch_optional(&self.pool)
                .await?,
        )
    }

    /// Moves `order_no` along the transition table. Nothing changes unless the table allows
    /// the action from the current status and the version is the one the person saw.
    pub async fn transition(
        &self,
        order_no: &str,
        step: Transition,
    ) -> Result<OrderRow, TransitionError> {
        let mut tx = self.begin_write().await?;
        let event_id = self.transition_in(&mut tx, order_no, &step).await?;
        self.commit_with_event(tx, event_id).await?;
        self.order_by_no(order_no)
            .await?
            .ok_or(TransitionError::NotFound)
    }

    /// [`Store::transition`] inside a caller's transaction (e.g. with a payment update).
    /// Returns the event id to announce after commit.
    pub(crate) async fn transition_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        order_no: &str,
        step: &Transition,
    ) -> Result<i64, TransitionError> {
        #[derive(sqlx::FromRow)]
        struct Current {
            id: String,
            status: String,
            version: i64,
            claimed_by: Option<String>,
            claimed_by_name: Option<String>,
            claim_expires_at: Option<i64>,
            carrier: Option<String>,
            tracking_no: Option<String>,
        }
        let current: Current = sqlx::query_as(
            "SELECT id, status, version, claimed_by, claimed_by_name, claim_expires_at, \
             carrier, tracking_no FROM orders WHERE order_no = $1",
        )
        .bind(order_no)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(TransitionError::NotFound)?;
        let status = OrderStatus::parse(&current.status)
            .ok_or_else(|| StoreError::Corrupt(format!("status {}", current.status)))?;
        let Some(to) = next_status(step.action, status) else {
            return Err(TransitionError::NotAllowed {
                status,
                version: current.version,
            });
        };
        let expected = step.expected_version.unwrap_or(current.version);
        if expected != current.version {
            return Err(TransitionError::Conflict {
                status,
                version: current.version,
            });
        }
        let now = now_ms();
        // A review decision wants its claim live; a reversal's own move only that the hold
        // is still its operator's (nobody took it over), however long the red invoice took.
        let timed = step.action.is_review_decision();
        if let Some(decider) = &step.claimed_by {
            let held = current.claimed_by.as_ref() == Some(decider)
                && (!timed || current.claim_expires_at.is_some_and(|t| t > now));
            if !held {
                let holder = match (current.claimed_by_name, current.claim_expires_at) {
                    (Some(name), Some(until)) if until > now => Some((name, until)),
                    _ => None,
                };
                return Err(TransitionError::NotClaimed {
                    holder,
                    status,
                    version: current.version,
                });
            }
        }

        let mut sql =
            String::from("UPDATE orders SET status = $1, version = version + 1, updated_at = $2");
        for (i, column) in step.set.iter().enumerate() {
            let at = i + 3;
            match column {
                SetColumn::Text(name, _) | SetColumn::Int(name, _) => {
                    sql.push_str(&format!(", {name} = ${at}"));
                }
                SetColumn::TextIfEmpty(name, _) => {
                    sql.push_str(&format!(", {name} = COALESCE({name}, ${at})"));
                }
            }
        }
        // Leaving review ends any claim on the order.
        if status == OrderStatus::PendingReview {
            sql.push_str(", claimed_by = NULL, claimed_by_name = NULL, claim_expires_at = NULL");
        }
        let n = step.set.len() + 3;
        sql.push_str(&format!(
            " WHERE id = ${n} AND status = ${} AND version = ${}",
            n + 1,
            n + 2
        ));
        if step.claimed_by.is_some() && timed {
            sql.push_str(&format!(
                " AND claimed_by = ${} AND claim_expires_at > ${}",
                n + 3,
                n + 4
            ));
        } else if step.claimed_by.is_some() {
            sql.push_str(&format!(" AND claimed_by = ${}", n + 3));
        } else if status == OrderStatus::Completed {
            // A 已完成 order held for a change under way (its invoice being reversed) is
            // not changed under it by anyone else.
            sql.push_str(&format!(
                " AND (claimed_by IS NULL OR claim_expires_at <= ${})",
                n + 3
            ));
        }
        let mut query = sqlx::query(&sql).bind(to.as_str()).bind(now);
        for column in &step.set {
            query = match column {
                SetColumn::Text(_, value) => query.bind(value.clone()),
                SetColumn::TextIfEmpty(_, value) => query.bind(value.clone()),
                SetColumn::Int(_, value) => query.bind(*value),
            };
        }
        let mut query = query.bind(&current.id).bind(status.as_str()).bind(expected);
        if let Some(decider) = &step.claimed_by {
            query = query.bind(decider.clone());
            if timed {
                query = query.bind(now);
            }
        } else if status == OrderStatus::Completed {
            query = query.bind(now);
        }
        let updated = query.execute(&mut **tx).await?;
        if updated.rows_affected() == 1 {
            count_moves(tx, Some(status), to).await?;
        }
        if updated.rows_affected() == 0 {
            // Lost a race after reading: report what the winner left.
            let (now_status, version, holder, until): (String, i64, Option<String>, Option<i64>) =
                sqlx::query_as(
                    "SELECT status, version, claimed_by_name, claim_expires_at FROM orders WHERE id = $1",
                )
                .bind(&current.id)
                .fetch_one(&mut **tx)
                .await?;
            let now_status = OrderStatus::parse(&now_status)
                .ok_or_else(|| StoreError::Corrupt(format!("status {now_status}")))?;
            if step.claimed_by.is_some() && version == expected {
                // Only the claim moved: someone took it over.
                return Err(TransitionError::NotClaimed {
                    holder: holder.zip(until).filter(|(_, t)| *t > now),
                    status: now_status,
                    version,
                });
            }
            return Err(TransitionError::Conflict {
                status: now_status,
                version,
            });
        }
        // The returned parcel's number stays with the order (found by search, never put
        // on a new label) when the order's own is cleared.
        if step.action == Action::ReturnParcel
            && let (Some(carrier), Some(number)) = (&current.carrier, &current.tracking_no)
        {
            sqlx::query(
                "INSERT INTO parcel_returns (carrier, tracking_no, order_id, returned_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (carrier, tracking_no) DO NOTHING",
            )
            .bind(carrier)
            .bind(number)
            .bind(&current.id)
            .bind(now)
            .execute(&mut **tx)
            .await?;
        }
        if matches!(step.action, Action::Cancel | Action::ChooseBankTransfer) {
            // The order will not be paid by QR code any more: the open codes stop working.
            sqlx::query(
                "UPDATE payments SET status = 'closed' WHERE order_id = $1 AND status = 'pending'",
            )
            .bind(&current.id)
            .execute(&mut **tx)
            .await?;
        }
        insert_history(
            tx,
            &current.id,
            &step.actor,
            step.action.as_str(),
            Some(status),
            Some(to),
            step.reason.as_deref(),
            step.request_id.as_deref(),
        )
        .await?;
        if let Some((provider, message)) = &step.sms {
            self.enqueue_sms_in(tx, Some(&current.id), provider, message)
                .await?;
        }
        let event = NewEvent::order(
            &current.id,
            order_no,
            "transition",
            Some(step.action.as_str()),
            to,
            expected + 1,
        )
        .moved_from(status);
        Ok(insert_event(tx, self.backend, event).await?)
    }

    /// Appends a non-transition row to an order's audit trail (note, attachment, reveal)
    /// and, when `event_kind` is given, an event; returns the history row.
    pub async fn record(
        &self,
        order: &OrderRow,
        actor: &Actor,
        action: &str,
        reason: Option<&str>,
        request_id: Option<&str>,
        event_kind: Option<&str>,
    ) -> StoreResult<HistoryRow> {
        let mut tx = self.begin_write().await?;
        let (id, event_id) = self
            .record_in(
                &mut tx, order, actor, action, reason, request_id, event_kind,
            )
            .await?;

        let row: HistoryRow = sqlx::query_as(
            "SELECT id, at, actor_id, actor_name, action, from_status, to_status, reason, request_id \
             FROM order_history WHERE id = $1",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        match event_id {
            Some(event_id) => self.commit_with_event(tx, event_id).await?,
            None => tx.commit().await?,
        }
        Ok(row)
    }

    /// Whether `actor` was recorded doing `action` about `reason` on `order` in the last
    /// `within_ms` (a reviewer zooming into a scan asks for it again at each size: one
    /// line says they looked at it).
    pub async fn recorded_lately(
        &self,
        order: &OrderRow,
        actor: &Actor,
        action: &str,
        reason: &str,
        within_ms: i64,
    ) -> StoreResult<bool> {
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM order_history WHERE order_id = $1 AND actor_id = $2 \
             AND action = $3 AND reason = $4 AND at > $5 ORDER BY id DESC LIMIT 1",
        )
        .bind(&order.id)
        .bind(actor.operator_id())
        .bind(action)
        .bind(reason)
        .bind(now_ms() - within_ms)
        .fetch_optional(&self.pool)
        .await?;
        Ok(found.is_some())
    }

    /// [`Store::record`] inside a caller's transaction; returns the history row id and
    /// the event id to announce. The event carries the order's status and version as
    /// committed now — read holding the order's row lock, so no transition can slip in
    /// between and be contradicted by an older status in a newer event (a transition
    /// holds the same lock when it writes its event).
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn record_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        order: &OrderRow,
        actor: &Actor,
        action: &str,
        reason: Option<&str>,
        request_id: Option<&str>,
        event_kind: Option<&str>,
    ) -> StoreResult<(i64, Option<i64>)> {
        if event_kind.is_some() {
            // Step 1 of the lock order (taken already by most callers; taking it twice is
            // harmless).
            self.lock_order(tx, &order.id).await?;
        }
        let id =
            insert_history(tx, &order.id, actor, action, None, None, reason, request_id).await?;
        let Some(kind) = event_kind else {
            return Ok((id, None));
        };
        let (status, version): (String, i64) =
            sqlx::query_as("SELECT status, version FROM orders WHERE id = $1")
                .bind(&order.id)
                .fetch_one(&mut **tx)
                .await?;
        let status = OrderStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("status {status}")))?;
        let event = NewEvent::order(&order.id, &order.order_no, kind, None, status, version);
        Ok((id, Some(insert_event(tx, self.backend, event).await?)))
    }

    /// When `row` was last returned for correction (its last change when its history
    /// holds no return): the correction deadline counts from it.
    pub async fn returned_at(&self, row: &OrderRow) -> StoreResult<i64> {
        Ok(self.since_return(row).await?.at)
    }

    /// The audit trail of an order, oldest first.
    pub async fn history(&self, order_id: &str) -> StoreResult<Vec<HistoryRow>> {
        Ok(sqlx::query_as(
            "SELECT id, at, actor_id, actor_name, action, from_status, to_status, reason, request_id \
             FROM order_history WHERE order_id = $1 ORDER BY id",
        )
        .bind(order_id)
        .fetch_all(&self.pool)
        .await?)
    }

    /// A page of orders matching `query`. A search (`q`) is answered from its index on the
    /// search connections, within its budget (see [`super::search`]); a list without one
    /// from the order number's index (or the status's, the project's).
    pub async fn list_orders(&self, query: &ListQuery) -> StoreResult<Page> {
        let typed = query.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
        let Some(typed) = typed else {
            return self.list_where(query, None, &self.pool).await;
        };
        match search::key(typed, &self.search_key) {
            Key::Nothing => Ok(Page::default()),
            Key::Term { term, verify } => self.walk_term(query, &term, verify.as_ref()).await,
            // One row of the invoice number's unique index, then the order by its number.
            Key::InvoiceNo(number) => {
                let invoiced: Vec<String> = sqlx::query_scalar(
                    "SELECT o.order_no FROM invoices i JOIN orders o ON o.id = i.order_id \
                     WHERE i.invoice_no = $1",
                )
                .bind(&number)
                .fetch_all(&self.search)
                .await?;
                if invoiced.is_empty() {
                    return Ok(Page::default());
                }
                let key = Key::OrderNos(invoiced);
                self.list_where(query, Some(&key), &self.search).await
            }
            // The parcel's number in its index (one or two orders: carriers do not reuse
            // numbers, but two carriers' may meet), with the order numbers the same
            // digits may be.
            Key::Tracking { number, mut orders } => {
                for statement in [super::search::BY_TRACKING, super::search::BY_RETURNED] {
                    let found: Vec<String> = sqlx::query_scalar(statement)
                        .bind(&number)
                        .fetch_all(&self.search)
                        .await?;
                    orders.extend(found);
                }
                orders.sort_unstable();
                orders.dedup();
                if orders.is_empty() {
                    return Ok(Page::default());
                }
                let key = Key::OrderNos(orders);
                self.list_where(query, Some(&key), &self.search).await
            }
            exact => self.list_where(query, Some(&exact), &self.search).await,
        }
    }

    /// One statement: the filters, an exact key if any, the cursor, one page.
    async fn list_where(
        &self,
        query: &ListQuery,
        key: Option<&Key>,
        pool: &sqlx::AnyPool,
    ) -> StoreResult<Page> {
        let mut binds = Params::default();
        let mut conditions = filters(query, &mut binds);
        match key {
            None | Some(Key::Term { .. }) | Some(Key::Nothing) => {}
            Some(Key::OrderNos(numbers)) => conditions.push(format!(
                "o.order_no IN ({})",
                numbers
                    .iter()
                    .map(|n| binds.add(n.clone()))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
            Some(Key::OrderPrefix(prefix)) => {
                let width = ORDER_NO_LEN.saturating_sub(prefix.len());
                let low = format!("{prefix}{}", "0".repeat(width));
                let high = format!("{prefix}{}", "9".repeat(width));
                conditions.push(format!(
                    "o.order_no >= {} AND o.order_no <= {}",
                    binds.add(low),
                    binds.add(high)
                ));
            }
            Some(Key::IdHash(hash)) => {
                conditions.push(format!("o.id_hash = {}", binds.add(hash.clone())))
            }
            Some(Key::Phone(phone)) => {
                conditions.push(format!("o.phone = {}", binds.add(phone.clone())))
            }
            // Read as the order number it belongs to first (`list_orders`).
            Some(Key::InvoiceNo(_) | Key::Tracking { .. }) => conditions.push("1 = 0".into()),
        }
        if let Some(cursor) = &query.cursor {
            let op = if query.sort == Sort::Newest { "<" } else { ">" };
            conditions.push(format!("o.order_no {op} {}", binds.add(cursor.clone())));
        }
        let limit = query.limit.max(1);
        let mut sql = SELECT_ORDER.to_owned();
        if !conditions.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&conditions.join(" AND "));
        }
        let limit_param = binds.add(limit + 1);
        sql.push_str(&format!(
            " ORDER BY o.order_no {} LIMIT {limit_param}",
            direction(query.sort)
        ));
        let mut rows = fetch_orders(pool, &sql, binds, true).await?;
        let more = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        let next_cursor = if more {
            rows.last().map(|r| r.order_no.clone())
        } else {
            None
        };
        Ok(Page {
            rows,
            next_cursor,
            too_broad: false,
        })
    }

    /// A term's orders, newest (or oldest) first from the cursor, checked against the
    /// filters and `verify` in growing chunks until the page is full, the term has no more
    /// orders, or the budget is spent.
    async fn walk_term(
        &self,
        query: &ListQuery,
        term: &str,
        verify: Option<&Verify>,
    ) -> StoreResult<Page> {
        let started = std::time::Instant::now();
        let budget = self.search_budget;
        let want = query.limit.max(1) as usize;
        let mut chunk = want + 1;
        let mut position = query.cursor.clone();
        let mut found: Vec<OrderRow> = Vec::new();
        let mut looked_at = 0_usize;
        loop {
            let candidates = self
                .term_candidates(query, term, position.as_deref(), chunk)
                .await?;
            let exhausted = candidates.len() < chunk;
            looked_at += candidates.len();
            if let Some(last) = candidates.last() {
                position = Some(last.clone());
            }
            if !candidates.is_empty() {
                found.extend(self.fetch_candidates(query, &candidates, verify).await?);
            }
            if found.len() > want {
                found.truncate(want);
                let next_cursor = found.last().map(|r| r.order_no.clone());
                return Ok(Page {
                    rows: found,
                    next_cursor,
                    too_broad: false,
                });
            }
            if exhausted {
                return Ok(Page {
                    rows: found,
                    next_cursor: None,
                    too_broad: false,
                });
            }
            if looked_at >= budget.rows || started.elapsed() >= budget.time {
                // What was found so far, and where to go on from; nothing found: type more.
                return Ok(Page {
                    too_broad: found.is_empty(),
                    rows: found,
                    next_cursor: position,
                });
            }
            chunk = (chunk * 2).min(1000);
        }
    }

    /// Up to `limit` order numbers under `term` after `position`, from the index alone.
    async fn term_candidates(
        &self,
        query: &ListQuery,
        term: &str,
        position: Option<&str>,
        limit: usize,
    ) -> StoreResult<Vec<String>> {
        let mut binds = Params::default();
        let mut sql = format!(
            "SELECT order_no FROM order_terms WHERE term = {}",
            binds.add(term)
        );
        if let Some(position) = position {
            let op = if query.sort == Sort::Newest { "<" } else { ">" };
            sql.push_str(&format!(
                " AND order_no {op} {}",
                binds.add(position.to_owned())
            ));
        }
        for (column_condition, bound) in date_bounds(query) {
            sql.push_str(&format!(
                " AND order_no {column_condition} {}",
                binds.add(bound)
            ));
        }
        let limit = binds.add(limit as i64);
        sql.push_str(&format!(
            " ORDER BY order_no {} LIMIT {limit}",
            direction(query.sort)
        ));
        Ok(binds
            .query_scalar::<String>(&sql)
            .fetch_all(&self.search)
            .await?)
    }

    /// The orders among `candidates` that pass the filters and `verify`, in list order.
    async fn fetch_candidates(
        &self,
        query: &ListQuery,
        candidates: &[String],
        verify: Option<&Verify>,
    ) -> StoreResult<Vec<OrderRow>> {
        let mut binds = Params::default();
        let mut conditions = filters(query, &mut binds);
        conditions.push(format!(
            "o.order_no IN ({})",
            candidates
                .iter()
                .map(|n| binds.add(n.clone()))
                .collect::<Vec<_>>()
                .join(", ")
        ));
        match verify {
            None => {}
            Some(Verify::Tail(digits)) => {
                conditions.push(format!("o.phone LIKE {}", binds.add(format!("%{digits}"))))
            }
            Some(Verify::Name(text)) => {
                // The text is folded as the row's name is read (`fold_brackets`).
                let like = format!("%{}%", escape_like(text));
                let a = binds.add(like.clone());
                let b = binds.add(like);
                let [applicant, display] =
                    ["o.applicant_name", "o.display_name"].map(search::name_as_searched_sql);
                conditions.push(format!(
                    "({applicant} LIKE {a} ESCAPE '!' OR {display} LIKE {b} ESCAPE '!')"
                ));
            }
        }
        let sql = format!(
            "{SELECT_ORDER} WHERE {} ORDER BY o.order_no {}",
            conditions.join(" AND "),
            direction(query.sort)
        );
        // The statement's text changes with the number of candidates: not worth keeping.
        fetch_orders(&self.search, &sql, binds, false).await
    }

    /// How many orders are in each status (statuses without orders omitted): a lookup of
    /// the counts the transactions keep (`order_counts`), never a scan of the orders. See
    /// [`Store::counts_at_event`] for the counts with the newest event they include.
    pub async fn order_counts(&self) -> StoreResult<Vec<(OrderStatus, i64)>> {
        Ok(self.counts_at_event().await?.0)
    }
}

/// Keeps `order_counts` with a change inside its transaction: one order leaves `from` (none
/// for a new order) and enters `to`.
async fn count_moves(
    tx: &mut Transaction<'static, Any>,
    from: Option<OrderStatus>,
    to: OrderStatus,
) -> StoreResult<()> {
    let mut p = Params::default();
    let sql = counts_insert(&mut p, from, to);
    p.query(&sql).execute(&mut **tx).await?;
    Ok(())
}

/// How many rows a status's count is spread over: a writer holds its shard's row until it
/// commits, so eight clerks creating at once would often queue on one row with fewer (the
/// migration began with eight).
const COUNT_SHARDS: u8 = 32;

/// The statement that keeps `order_counts` with one order leaving `from` and entering `to`
/// (for a statement built in pieces). Both rows are of one shard, written in status
/// order, so two writers never wait on each other's rows in opposite orders.
fn counts_insert(p: &mut Params, from: Option<OrderStatus>, to: OrderStatus) -> String {
    let shard = p.add(i64::from(rand::random::<u8>() % COUNT_SHARDS));
    let mut moves = vec![(to.as_str(), 1_i64)];
    if let Some(from) = from {
        moves.push((from.as_str(), -1));
    }
    moves.sort_unstable();
    let rows: Vec<String> = moves
        .into_iter()
        .map(|(status, delta)| format!("({}, {shard}, {})", p.add(status), p.add(delta)))
        .collect();
    format!(
        "INSERT INTO order_counts (status, shard, n) VALUES {} \
         ON CONFLICT (status, shard) DO UPDATE SET n = order_counts.n + excluded.n",
        rows.join(", ")
    )
}

/// A new order, all its statements write decided first.
struct NewOrderRows<'a> {
    order: &'a ValidOrder,
    inserted: &'a Inserted,
    actor: &'a Actor,
    realname: Option<&'a str>,
    request_id: Option<&'a str>,
    id_hash: String,
}

/// The one statement that writes a new order — stored in 待支付 with its search terms and
/// status count, the `submit` history row (and, for a verified customer, the `realname`
/// row), the `created` event — and then `key` with its `answer`. On SQLite, statements one
/// after another in one text (run in the caller's transaction); on PostgreSQL, one
/// `WITH` statement (its own transaction: it is all written or nothing is). Every part
/// is an insert that reads nothing another part writes.
///
/// The idempotency key is listed last. PostgreSQL runs a `WITH`'s inserts that nothing
/// reads last first (its executor's order, not a documented promise), so the key is
/// inserted first there: a retry with the same key waits on it before it takes any other
/// row (its count shard). Were that order ever to change, the worst case is a deadlock
/// PostgreSQL breaks by failing one of the two; its client retries and gets the answer.
fn new_order_statement(
    backend: Backend,
    new: &NewOrderRows<'_>,
    key: &IdempotencyKey<'_>,
    answer: &SavedResponse,
) -> (String, Params) {
    let (order, inserted, actor) = (new.order, new.inserted, new.actor);
    let status = SUBMITTED;
    let mut p = Params::default();
    let (id, now) = (p.add(&inserted.id), p.add(inserted.created_at));
    let order_no = p.add(&inserted.order_no);
    let row = format!(
        "INSERT INTO orders (id, order_no, status, version, user_type, customer_id, product_id, \
         project_id, amount_fen, applicant_name, display_name, phone, id_number, applicant_json, \
         organization_json, mailing_json, note, application_ref, terms_version, submitted_by, \
         created_at, updated_at, channel, id_hash) \
         VALUES ({id}, {order_no}, {}, 1, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, \
         {}, {}, {now}, {now}, {}, {})",
        p.add(status.as_str()),
        p.add(order.user_type.as_str()),
        p.add(&order.customer_id),
        p.add(&order.product_id),
        p.add(&order.project_id),
        p.add(order.amount_fen),
        p.add(&order.applicant_name),
        p.add(&order.display_name),
        p.add(order.phone.as_str()),
        p.add(order.id_number.as_str()),
        p.add(&order.applicant_json),
        p.add(order.organization_json.as_deref()),
        p.add(&order.mailing_json),
        p.add(order.note.as_deref()),
        p.add(order.application_ref.as_deref()),
        p.add(order.terms_version.as_deref()),
        p.add(actor.operator_id()),
        p.add(order.channel.as_str()),
        p.add(&new.id_hash),
    );
    let terms = search::terms_insert(
        &mut p,
        backend,
        &inserted.order_no,
        &order.applicant_name,
        &order.display_name,
        order.phone.as_str(),
    );
    let counts = counts_insert(&mut p, None, status);
    // The submission, and the facts of the check that verified the customer (in this
    // order).
    let (actor_id, actor_name, request_id) = (
        p.add(actor.id()),
        p.add(actor.name()),
        p.add(new.request_id),
    );
    let mut history = format!(
        "INSERT INTO order_history (order_id, at, actor_id, actor_name, action, from_status, \
         to_status, reason, request_id) VALUES ({id}, {now}, {actor_id}, {actor_name}, 'submit', \
         NULL, {}, {}, {request_id})",
        p.add(status.as_str()),
        p.add(order.note.as_deref()),
    );
    if let Some(fact) = new.realname {
        history.push_str(&format!(
            ", ({id}, {now}, {actor_id}, {actor_name}, 'realname', NULL, NULL, {}, {request_id})",
            p.add(fact)
        ));
    }
    let event = NewEvent::order(&inserted.id, &inserted.order_no, "created", None, status, 1);
    let event = insert_event_sql(&mut p, backend, &event, inserted.created_at);
    let key = key_insert(&mut p, key, answer, inserted.created_at);
    let parts = [row, terms, counts, history, event, key];
    let sql = match backend {
        Backend::Sqlite => parts.join(";\n"),
        Backend::Postgres => {
            let parts: Vec<String> = parts
                .iter()
                .enumerate()
                .map(|(i, part)| format!("w{i} AS ({part})"))
                .collect();
            format!("WITH {} SELECT 1", parts.join(", "))
        }
    };
    (sql, p)
}

/// The conditions of a list's filters (status, channel, project, dates).
fn filters(query: &ListQuery, binds: &mut Params) -> Vec<String> {
    let mut conditions: Vec<String> = Vec::new();
    if !query.statuses.is_empty() {
        let placeholders: Vec<String> = query
            .statuses
            .iter()
            .map(|s| binds.add(s.as_str()))
            .collect();
        conditions.push(format!("o.status IN ({})", placeholders.join(", ")));
    }
    if let Some(channel) = query.channel {
        conditions.push(format!("o.channel = {}", binds.add(channel.as_str())));
    }
    if let Some(project) = &query.project_id {
        conditions.push(format!("o.project_id = {}", binds.add(project.clone())));
    }
    if let Some(from) = query.from_ms {
        conditions.push(format!("o.created_at >= {}", binds.add(from)));
    }
    if let Some(to) = query.to_ms {
        conditions.push(format!("o.created_at < {}", binds.add(to)));
    }
    // The order number starts with its day: dates also bound the index range walked.
    for (op, bound) in date_bounds(query) {
        conditions.push(format!("o.order_no {op} {}", binds.add(bound)));
    }
    conditions
}

/// Order-number bounds that hold every order created within the query's dates (a
/// number carries its day in China time).
fn date_bounds(query: &ListQuery) -> Vec<(&'static str, String)> {
    let day = |ms: i64| {
        time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
            .ok()
            .map(|t| {
                let d = t.to_offset(CHINA).date();
                format!(
                    "{ORDER_PREFIX}{:04}{:02}{:02}",
                    d.year(),
                    u8::from(d.month()),
                    d.day()
                )
            })
    };
    let mut bounds = Vec::new();
    if let Some(low) = query.from_ms.and_then(day) {
        bounds.push((">=", format!("{low}000000")));
    }
    if let Some(high) = query.to_ms.and_then(day) {
        bounds.push(("<=", format!("{high}999999")));
    }
    bounds
}

fn direction(sort: Sort) -> &'static str {
    match sort {
        Sort::Newest => "DESC",
        Sort::Oldest => "ASC",
    }
}

/// Runs a list statement with its binds; `keep` prepares it once per connection.
async fn fetch_orders(
    pool: &sqlx::AnyPool,
    sql: &str,
    binds: Params,
    keep: bool,
) -> StoreResult<Vec<OrderRow>> {
    Ok(binds
        .query_as::<OrderRow>(sql)
        .persistent(keep)
        .fetch_all(pool)
        .await?)
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn insert_history(
    tx: &mut Transaction<'static, Any>,
    order_id: &str,
    actor: &Actor,
    action: &str,
    from: Option<OrderStatus>,
    to: Option<OrderStatus>,
    reason: Option<&str>,
    request_id: Option<&str>,
) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO order_history (order_id, at, actor_id, actor_name, action, from_status, to_status, reason, request_id) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(order_id)
    .bind(now_ms())
    .bind(actor.id())
    .bind(actor.name())
    .bind(action)
    .bind(from.map(OrderStatus::as_str))
    .bind(to.map(OrderStatus::as_str))
    .bind(reason)
    .bind(request_id)
    .fetch_one(&mut **tx)
    .await?)
}
