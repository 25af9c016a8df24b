//! Idempotency keys: the first request with a key is saved with its response; a retry
//! with the same key gets that response back instead of doing the work twice.

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

/// The outcome of claiming a key.
pub enum Claim {
    /// The key is new and now held by this transaction: do the work, then
    /// [`Store::save_idempotent_response`] and commit.
    Fresh(Transaction<'static, Any>),
    /// The key was used before for this same request: here is what was answered.
    Replay(SavedResponse),
    /// The key was used before for a different request.
    Mismatch,
}

impl Store {
    /// Claims `key` for `operator_id` inside a new write transaction. Two concurrent
    /// requests with one key serialize here: the second waits for the first to commit and
    /// then replays its response.
    pub async fn claim_idempotency_key(
        &self,
        operator_id: &str,
        key: &str,
        request_hash: &str,
    ) -> StoreResult<Claim> {
        // A key row always commits together with its response, so an unanswered row is a
        // transaction still in flight or rolling back; wait a little, then give up.
        for _ in 0..500 {
            let mut tx = self.begin_write().await?;
            let inserted = sqlx::query(
                "INSERT INTO idempotency_keys (operator_id, key, request_hash, created_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(operator_id)
            .bind(key)
            .bind(request_hash)
            .bind(now_ms())
            .execute(&mut *tx)
            .await;
            match inserted {
                Ok(_) => return Ok(Claim::Fresh(tx)),
                Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                    tx.rollback().await?;
                }
                Err(e) => return Err(e.into()),
            }
            #[derive(sqlx::FromRow)]
            struct Saved {
                request_hash: String,
                response_status: Option<i64>,
                response_body: Option<String>,
            }
            let saved: Option<Saved> = sqlx::query_as(
                "SELECT request_hash, response_status, response_body FROM idempotency_keys \
                 WHERE operator_id = $1 AND key = $2",
            )
            .bind(operator_id)
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
            match saved {
                Some(saved) if saved.request_hash != request_hash => return Ok(Claim::Mismatch),
                Some(Saved {
                    response_status: Some(status),
                    response_body: Some(body),
                    ..
                }) => {
                    return Ok(Claim::Replay(SavedResponse {
                        status: u16::try_from(status).unwrap_or(200),
                        body,
                    }));
                }
                // The holder rolled back in between, or has not saved yet: try again.
                _ => tokio::time::sleep(std::time::Duration::from_millis(20)).await,
            }
        }
        Err(StoreError::Corrupt(format!(
            "idempotency key {key} stays unanswered"
        )))
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

    /// Saves the response of a fresh key inside its transaction.
    pub async fn save_idempotent_response(
        &self,
        tx: &mut Transaction<'static, Any>,
        operator_id: &str,
        key: &str,
        response: &SavedResponse,
    ) -> StoreResult<()> {
        sqlx::query(
            "UPDATE idempotency_keys SET response_status = $1, response_body = $2 WHERE operator_id = $3 AND key = $4",
        )
        .bind(i64::from(response.status))
        .bind(&response.body)
        .bind(operator_id)
        .bind(key)
        .execute(&mut **tx)
        .await?;
        Ok(())
    }
}
