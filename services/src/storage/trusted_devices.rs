//! Browsers a person trusts to skip the second step for a while. The browser holds a
//! random token in a cookie; we hold its hash.

use chrono::{DateTime, Utc};
use shared::ids::{TrustedDeviceId, UserId};
use tracing::instrument;

use super::{Store, Tx, on_tx, with_reader, with_writer};
use crate::error::Result;

#[derive(Clone, Debug)]
pub struct NewTrustedDevice {
    pub id: TrustedDeviceId,
    pub user_id: UserId,
    pub token_hash: Vec<u8>,
    pub device: String,
    pub ip: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct TrustedDeviceRow {
    pub id: TrustedDeviceId,
    pub device: String,
    pub ip: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub token_hash: Vec<u8>,
}

impl Store {
    #[instrument(skip_all)]
    pub async fn insert_trusted_device(&self, device: &NewTrustedDevice) -> Result<()> {
        with_writer!(self, pool => sqlx::query(
            "INSERT INTO trusted_devices (id, user_id, token_hash, device, ip, created_at, last_used_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $6, $7)",
        )
        .bind(device.id)
        .bind(device.user_id)
        .bind(&device.token_hash)
        .bind(&device.device)
        .bind(&device.ip)
        .bind(device.created_at)
        .bind(device.expires_at)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(())
    }

    /// Marks the person's trusted device holding this token as used now; false when there
    /// is none (unknown, someone else's, revoked or expired).
    #[instrument(skip_all)]
    pub async fn use_trusted_device(
        &self,
        user: UserId,
        token_hash: &[u8],
        now: DateTime<Utc>,
        ip: Option<&str>,
    ) -> Result<bool> {
        let done = with_writer!(self, pool => sqlx::query(
            "UPDATE trusted_devices SET last_used_at = $3, ip = COALESCE($4, ip)
             WHERE user_id = $1 AND token_hash = $2 AND revoked_at IS NULL AND expires_at > $3",
        )
        .bind(user)
        .bind(token_hash)
        .bind(now)
        .bind(ip)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(done == 1)
    }

    /// The person's devices still trusted at `now`, most recently used first.
    #[instrument(skip_all)]
    pub async fn trusted_devices(
        &self,
        user: UserId,
        now: DateTime<Utc>,
    ) -> Result<Vec<TrustedDeviceRow>> {
        Ok(with_reader!(self, pool => sqlx::query_as(
            "SELECT id, device, ip, created_at, last_used_at, expires_at, token_hash FROM trusted_devices
             WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2
             ORDER BY last_used_at DESC",
        )
        .bind(user)
        .bind(now)
        .fetch_all(pool)
        .await)?)
    }

    /// Ends the trust of one of the person's devices; false when it is not theirs or
    /// already ended.
    #[instrument(skip_all)]
    pub async fn revoke_trusted_device(
        &self,
        user: UserId,
        id: TrustedDeviceId,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let done = with_writer!(self, pool => sqlx::query(
            "UPDATE trusted_devices SET revoked_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL",
        )
        .bind(id)
        .bind(user)
        .bind(at)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(done == 1)
    }
}

impl Tx {
    /// Ends the trust of every device of the person (revoke all, a new password, a reset
    /// second factor). Returns how many were trusted.
    #[instrument(skip_all)]
    pub async fn revoke_all_trusted_devices(
        &mut self,
        user: UserId,
        at: DateTime<Utc>,
    ) -> Result<u64> {
        Ok(on_tx!(self, conn => sqlx::query(
            "UPDATE trusted_devices SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL",
        )
        .bind(user)
        .bind(at)
        .execute(&mut **conn)
        .await
        .map(|done| done.rows_affected()))?)
    }
}
