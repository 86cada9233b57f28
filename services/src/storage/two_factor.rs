//! A person's second factor: the TOTP credential (secret sealed under the server key) and
//! single-use backup codes (hashed). These belong to a person, not a tenant.

use chrono::{DateTime, Utc};
use shared::ids::UserId;
use tracing::instrument;

use super::access_cache::Invalidation;
use super::{Store, Tx, on_tx, with_reader, with_writer};
use crate::error::Result;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct TotpRow {
    /// Sealed by [`crate::crypto::SecretBox`].
    pub secret: Vec<u8>,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub last_step: Option<i64>,
}

impl Store {
    #[instrument(skip_all)]
    pub async fn totp_credential(&self, user: UserId) -> Result<Option<TotpRow>> {
        Ok(with_reader!(self, pool => sqlx::query_as(
            "SELECT secret, confirmed_at, last_step FROM totp_credentials WHERE user_id = $1",
        )
        .bind(user)
        .fetch_optional(pool)
        .await)?)
    }

    /// Whether the person has a confirmed second factor.
    #[instrument(skip_all)]
    pub async fn has_two_factor(&self, user: UserId) -> Result<bool> {
        let found: i64 = with_reader!(self, pool => sqlx::query_scalar(
            "SELECT COUNT(*) FROM totp_credentials WHERE user_id = $1 AND confirmed_at IS NOT NULL",
        )
        .bind(user)
        .fetch_one(pool)
        .await)?;
        Ok(found > 0)
    }

    /// Starts (or restarts) an enrollment with a new secret; a confirmed credential is
    /// left alone (the caller checks first, this is the backstop).
    #[instrument(skip_all)]
    pub async fn put_pending_totp(
        &self,
        user: UserId,
        sealed_secret: &[u8],
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let done = with_writer!(self, pool => sqlx::query(
            "INSERT INTO totp_credentials (user_id, secret, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at,
                 last_step = NULL
             WHERE totp_credentials.confirmed_at IS NULL",
        )
        .bind(user)
        .bind(sealed_secret)
        .bind(at)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(done == 1)
    }

    /// Accepts the code of time step `step` once: true when no code of this or a later step
    /// was accepted before. Atomic, so two requests racing with one code cannot both pass.
    #[instrument(skip_all)]
    pub async fn accept_totp_step(&self, user: UserId, step: i64) -> Result<bool> {
        let done = with_writer!(self, pool => sqlx::query(
            "UPDATE totp_credentials SET last_step = $2
             WHERE user_id = $1 AND confirmed_at IS NOT NULL AND (last_step IS NULL OR last_step < $2)",
        )
        .bind(user)
        .bind(step)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(done == 1)
    }

    /// Spends one backup code: true when it was there and unused.
    #[instrument(skip_all)]
    pub async fn use_backup_code(
        &self,
        user: UserId,
        code_hash: &[u8],
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let done = with_writer!(self, pool => sqlx::query(
            "UPDATE backup_codes SET used_at = $3
             WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL",
        )
        .bind(user)
        .bind(code_hash)
        .bind(at)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(done == 1)
    }

    #[instrument(skip_all)]
    pub async fn backup_codes_left(&self, user: UserId) -> Result<i64> {
        Ok(with_reader!(self, pool => sqlx::query_scalar(
            "SELECT COUNT(*) FROM backup_codes WHERE user_id = $1 AND used_at IS NULL",
        )
        .bind(user)
        .fetch_one(pool)
        .await)?)
    }
}

impl Tx {
    /// Confirms the pending credential, recording the step of the code that confirmed it;
    /// false when there was no pending credential.
    #[instrument(skip_all)]
    pub async fn confirm_totp(
        &mut self,
        user: UserId,
        step: i64,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let done = on_tx!(self, conn => sqlx::query(
            "UPDATE totp_credentials SET confirmed_at = $2, last_step = $3
             WHERE user_id = $1 AND confirmed_at IS NULL",
        )
        .bind(user)
        .bind(at)
        .bind(step)
        .execute(&mut **conn)
        .await
        .map(|done| done.rows_affected()))?;
        // Sessions carry whether their person has a second factor.
        self.invalidates(Invalidation::SessionsOf(user));
        Ok(done == 1)
    }

    /// Replaces every backup code of the person with these (hashes); old ones stop working.
    #[instrument(skip_all)]
    pub async fn replace_backup_codes(
        &mut self,
        user: UserId,
        code_hashes: &[Vec<u8>],
        at: DateTime<Utc>,
    ) -> Result<()> {
        on_tx!(self, conn => sqlx::query("DELETE FROM backup_codes WHERE user_id = $1")
            .bind(user)
            .execute(&mut **conn)
            .await
            .map(|_| ()))?;
        for hash in code_hashes {
            on_tx!(self, conn => sqlx::query(
                "INSERT INTO backup_codes (id, user_id, code_hash, created_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(uuid::Uuid::now_v7())
            .bind(user)
            .bind(hash)
            .bind(at)
            .execute(&mut **conn)
            .await
            .map(|_| ()))?;
        }
        Ok(())
    }

    /// Removes the person's second factor: credential and backup codes.
    #[instrument(skip_all)]
    pub async fn remove_two_factor(&mut self, user: UserId) -> Result<bool> {
        on_tx!(self, conn => sqlx::query("DELETE FROM backup_codes WHERE user_id = $1")
            .bind(user)
            .execute(&mut **conn)
            .await
            .map(|_| ()))?;
        let done = on_tx!(self, conn => sqlx::query("DELETE FROM totp_credentials WHERE user_id = $1")
            .bind(user)
            .execute(&mut **conn)
            .await
            .map(|done| done.rows_affected()))?;
        self.invalidates(Invalidation::SessionsOf(user));
        Ok(done == 1)
    }
}
