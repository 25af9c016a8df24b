//! Customer pages that refused a form, kept a short while for the browser that sent it
//! (see `web::guard::forms`): one a browser, given again until it is past its time.

use super::{Store, StoreResult, hash_token, new_token, now_ms};

/// How long a refusal page is given again (a reload, Back) after its form was sent.
pub const REFUSAL_MS: i64 = 30 * 60 * 1000;

impl Store {
    /// Keeps `body`, a page answering a form `browser` sent with `status`; returns the
    /// token that gives it again ([`Store::refusal_page`]). The browser's earlier one goes,
    /// and so do any past their time.
    pub async fn keep_refusal_page(
        &self,
        browser: &str,
        status: u16,
        body: &str,
    ) -> StoreResult<String> {
        let token = new_token();
        let now = now_ms();
        let browser = hash_token(browser);
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM refusal_pages WHERE created_at <= $1 OR browser_hash = $2")
            .bind(now - REFUSAL_MS)
            .bind(&browser)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO refusal_pages (token_hash, browser_hash, status, body, created_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(hash_token(&token))
        .bind(&browser)
        .bind(i64::from(status))
        .bind(body)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    /// The page kept under `token` for `browser`, with its status, if it is not past its
    /// time.
    pub async fn refusal_page(
        &self,
        token: &str,
        browser: &str,
    ) -> StoreResult<Option<(u16, String)>> {
        let row: Option<(i64, String)> = sqlx::query_as(
            "SELECT status, body FROM refusal_pages WHERE token_hash = $1 AND browser_hash = $2 \
             AND created_at > $3",
        )
        .bind(hash_token(token))
        .bind(hash_token(browser))
        .bind(now_ms() - REFUSAL_MS)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.and_then(|(status, body)| Some((u16::try_from(status).ok()?, body))))
    }

    /// Drops the pages kept for `browser` (a form of theirs was taken since).
    pub async fn forget_refusal_pages(&self, browser: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM refusal_pages WHERE browser_hash = $1")
            .bind(hash_token(browser))
            .execute(&self.pool)
            .await?;
        Ok(())
    }
}
