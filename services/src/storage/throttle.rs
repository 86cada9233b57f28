//! Failed sign-in counters, per email and per network address, kept in the database so that
//! every server instance sees the same counts.

use chrono::{DateTime, Utc};
use tracing::instrument;

use super::{PlatformData, Store, Tx, on_tx, with_reader, with_writer};
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

impl PlatformData<'_> {
    /// The locks and blocks running at `now`, ending last first.
    #[instrument(skip_all)]
    pub async fn running_locks(&self, now: DateTime<Utc>) -> Result<Vec<ThrottleRow>> {
        Ok(with_reader!(self.store, pool => sqlx::query_as(
            "SELECT key, failures, window_started_at, locked_until FROM sign_in_throttle
             WHERE locked_until > $1 ORDER BY locked_until DESC LIMIT 200",
        )
        .bind(now)
        .fetch_all(pool)
        .await)?)
    }

    /// Locks `key` until `until` whatever its failures (an operator's block); a longer
    /// lock already running stays.
    #[instrument(skip_all)]
    pub async fn block_key(
        &self,
        tx: &mut Tx,
        key: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<()> {
        on_tx!(tx, conn => sqlx::query(
            "INSERT INTO sign_in_throttle (key, failures, window_started_at, locked_until)
             VALUES ($1, 0, $2, $3)
             ON CONFLICT (key) DO UPDATE SET locked_until = CASE
                 WHEN sign_in_throttle.locked_until > excluded.locked_until THEN sign_in_throttle.locked_until
                 ELSE excluded.locked_until END",
        )
        .bind(key)
        .bind(now)
        .bind(until)
        .execute(&mut **conn)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(())
    }

    /// Lifts a lock or block and forgets its failures; false when none was running.
    #[instrument(skip_all)]
    pub async fn lift_key(&self, tx: &mut Tx, key: &str, now: DateTime<Utc>) -> Result<bool> {
        let done = on_tx!(tx, conn => sqlx::query(
            "DELETE FROM sign_in_throttle WHERE key = $1 AND locked_until > $2",
        )
        .bind(key)
        .bind(now)
        .execute(&mut **conn)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(done == 1)
    }
}
