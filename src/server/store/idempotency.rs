//! Idempotency keys: the first request with a key is saved with its response; a retry
//! with the same key gets that response back instead of doing the work twice.
//!
//! The key is written last, with its answer, in the transaction that did the work
//! ([`Store::commit_answer`]): one statement, and the happy path reads nothing first. Two
//! requests with one key serialize on the key's primary key — on PostgreSQL the second
//! insert waits for the first transaction and fails once it commits, on SQLite the write
//! lock orders them — and the one that comes second rolls its work back and answers what
//! the first saved.

use sqlx::{Any, Transaction};

use super::{Store, StoreError, StoreResult, now_ms};

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

/// The outcome of [`Store::commit_answer`].
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
    /// Saves `answer` under `key` in `tx`, which did the work and wrote event row `event`,
    /// and commits it. If the key was answered first by another request, rolls `tx` back
    /// and returns that answer.
    pub(super) async fn commit_answer(
        &self,
        mut tx: Transaction<'static, Any>,
        event: i64,
        key: &IdempotencyKey<'_>,
        answer: SavedResponse,
    ) -> StoreResult<Answered> {
        let IdempotencyKey {
            operator_id,
            key,
            request_hash,
        } = *key;
        let inserted = sqlx::query(
            "INSERT INTO idempotency_keys (operator_id, key, request_hash, response_status, \
             response_body, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(operator_id)
        .bind(key)
        .bind(request_hash)
        .bind(i64::from(answer.status))
        .bind(&answer.body)
        .bind(now_ms())
        .execute(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {
                self.commit_with_event(tx, event).await?;
                Ok(Answered::Committed(answer))
            }
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                tx.rollback().await?;
                match self.answered_idempotency_key(operator_id, key).await? {
                    Some((request_hash, answer)) => Ok(Answered::Taken {
                        request_hash,
                        answer,
                    }),
                    None => Err(StoreError::Corrupt(format!(
                        "idempotency key {key} is taken but has no answer"
                    ))),
                }
            }
            Err(e) => Err(e.into()),
        }
    }

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
