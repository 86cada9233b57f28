//! Failed sign-in counters, per email and per network address, kept in the database so that
//! every server instance sees the same counts.

use chrono::{DateTime, Utc};
use tracing::instrument;

use super::{Store, with_reader, with_writer};
use crate::error::Result;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ThrottleRow {
    pub key: String,
    pub failures: i64,
    pub window_started_at: DateTime<Utc>,
    pub locked_until: Option<DateTime<Utc>>,
}

impl Store {
    #[instrument(skip_all)]
    pub async fn throttle_rows(&self, email_key: &str, ip_key: &str) -> Result<Vec<ThrottleRow>> {
        Ok(with_reader!(self, pool => sqlx::query_as(
            "SELECT key, failures, window_started_at, locked_until FROM sign_in_throttle WHERE key IN ($1, $2)",
        )
        .bind(email_key)
        .bind(ip_key)
        .fetch_all(pool)
        .await)?)
    }

    /// Counts one failure atomically: a window that started before `window_cutoff` starts
    /// over. Returns the row as it is now.
    #[instrument(skip_all)]
    pub async fn count_failure(
        &self,
        key: &str,
        now: DateTime<Utc>,
        window_cutoff: DateTime<Utc>,
    ) -> Result<ThrottleRow> {
        Ok(with_writer!(self, pool => sqlx::query_as(
            "INSERT INTO sign_in_throttle (key, failures, window_started_at) VALUES ($1, 1, $2)
             ON CONFLICT (key) DO UPDATE SET
                failures = CASE WHEN sign_in_throttle.window_started_at < $3 THEN 1 ELSE sign_in_throttle.failures + 1 END,
                window_started_at = CASE WHEN sign_in_throttle.window_started_at < $3 THEN $2 ELSE sign_in_throttle.window_started_at END,
                locked_until = CASE WHEN sign_in_throttle.window_started_at < $3 THEN NULL ELSE sign_in_throttle.locked_until END
             RETURNING key, failures, window_started_at, locked_until",
        )
        .bind(key)
        .bind(now)
        .bind(window_cutoff)
        .fetch_one(pool)
        .await)?)
    }

    #[instrument(skip_all)]
    pub async fn lock_throttle_key(&self, key: &str, until: DateTime<Utc>) -> Result<()> {
        with_writer!(self, pool => sqlx::query("UPDATE sign_in_throttle SET locked_until = $1 WHERE key = $2")
            .bind(until)
            .bind(key)
            .execute(pool)
            .await
            .map(|done| done.rows_affected()))?;
        Ok(())
    }

    #[instrument(skip_all)]
    pub async fn clear_throttle_key(&self, key: &str) -> Result<()> {
        with_writer!(self, pool => sqlx::query("DELETE FROM sign_in_throttle WHERE key = $1")
            .bind(key)
            .execute(pool)
            .await
            .map(|done| done.rows_affected()))?;
        Ok(())
    }
}
