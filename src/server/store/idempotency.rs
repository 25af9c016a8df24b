//! Idempotency keys: the first request with a key is saved with its response; a retry
//! with the same key gets that response back instead of doing the work twice.
//!
//! The key is written last, with its answer, in the transaction that did the work
//! ([`key_insert`], used by [`Store::create_order`]): the happy path reads nothing first.
//! Two requests with one key serialize on the key's primary key — on PostgreSQL the second
//! insert waits for the first transaction and fails once it commits, on SQLite the write
//! lock orders them — and the one that comes second rolls its work back and answers what
//! the first saved.

use super::params::Params;
use super::{Store, StoreResult};

/// A response saved under an idempotency key.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedResponse {
    /// HTTP status.
    pub status: u16,
    /// JSON body.
    pub body: String,
}

/// An idempotency key as a request presents it.
#[derive(Debug, Clone, Copy)]
pub struct IdempotencyKey<'a> {
    /// Whose key (keys are per operator).
    pub operator_id: &'a str,
    /// The key.
    pub key: &'a str,
    /// A hash of the request, to tell a retry from a key reused for something else.
    pub request_hash: &'a str,
}

/// The outcome of work saved with its answer under an idempotency key.
#[derive(Debug)]
pub enum Answered {
    /// The work and its answer, returned here, are committed.
    Committed(SavedResponse),
    /// The key was used first by another request (the work here is rolled back): the hash
    /// of that request and what it was answered.
    Taken {
        /// The request hash saved with the key.
        request_hash: String,
        /// Its answer.
        answer: SavedResponse,
    },
}

impl Store {
    /// The request hash and saved answer of a key already answered, if any.
    pub async fn answered_idempotency_key(
        &self,
        operator_id: &str,
        key: &str,
    ) -> StoreResult<Option<(String, SavedResponse)>> {
        let row: Option<(String, Option<i64>, Option<String>)> = sqlx::query_as(
            "SELECT request_hash, response_status, response_body FROM idempotency_keys \
             WHERE operator_id = $1 AND key = $2",
        )
        .bind(operator_id)
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        Ok(match row {
            Some((hash, Some(status), Some(body))) => Some((
                hash,
                SavedResponse {
                    status: u16::try_from(status).unwrap_or(200),
                    body,
                },
            )),
            _ => None,
        })
    }
}

/// The statement that saves `answer` under `key` at `at` (for a statement built in
/// pieces). It fails with a unique violation if the key was saved first.
pub(super) fn key_insert(
    p: &mut Params,
    key: &IdempotencyKey<'_>,
    answer: &SavedResponse,
    at: i64,
) -> String {
    format!(
        "INSERT INTO idempotency_keys (operator_id, key, request_hash, response_status, \
         response_body, created_at) VALUES ({}, {}, {}, {}, {}, {})",
        p.add(key.operator_id),
        p.add(key.key),
        p.add(key.request_hash),
        p.add(i64::from(answer.status)),
        p.add(&answer.body),
        p.add(at),
    )
}
