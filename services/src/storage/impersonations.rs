//! Impersonations: which session shows which person, for whom, why and until when.

use chrono::{DateTime, Utc};
use shared::ids::{ImpersonationId, SessionId, UserId};
use tracing::instrument;

use super::access_cache::Invalidation;
use super::{PlatformData, Store, Tx, on_tx, with_reader};
use crate::error::Result;

#[derive(Clone, Debug)]
pub struct NewImpersonation {
    pub id: ImpersonationId,
    /// The super admin's own session, which shows the person until it ends.
    pub session_id: SessionId,
    pub impersonator: UserId,
    pub user: UserId,
    pub reason: String,
    pub read_only: bool,
    pub started_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// An impersonation of a person, as they see it listed.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SupportAccessRow {
    pub by_name: String,
    pub reason: String,
    pub read_only: bool,
    pub started_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub expires_at: DateTime<Utc>,
}

impl PlatformData<'_> {
    /// Starts an impersonation in the super admin's session, closing any earlier one of that
    /// session that ran out without being ended.
    #[instrument(skip_all, fields(user = %row.user))]
    pub async fn start_impersonation(&self, tx: &mut Tx, row: &NewImpersonation) -> Result<()> {
        on_tx!(tx, conn => sqlx::query(
            "UPDATE impersonations SET ended_at = $1 WHERE session_id = $2 AND ended_at IS NULL",
        )
        .bind(row.started_at)
        .bind(row.session_id)
        .execute(&mut **conn)
        .await
        .map(|done| done.rows_affected()))?;
        on_tx!(tx, conn => sqlx::query(
            "INSERT INTO impersonations
                 (id, session_id, impersonator_id, user_id, reason, read_only, started_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(row.id)
        .bind(row.session_id)
        .bind(row.impersonator)
        .bind(row.user)
        .bind(&row.reason)
        .bind(row.read_only)
        .bind(row.started_at)
        .bind(row.expires_at)
        .execute(&mut **conn)
        .await
        .map(|done| done.rows_affected()))?;
        tx.invalidates(Invalidation::SessionsOf(row.impersonator));
        Ok(())
    }
}

impl Tx {
    /// Ends the impersonation under way in a super admin's session; false when it had
    /// already ended.
    #[instrument(skip_all, fields(%id))]
    pub async fn end_impersonation(
        &mut self,
        id: ImpersonationId,
        impersonator: UserId,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let done = on_tx!(self, conn => sqlx::query(
            "UPDATE impersonations SET ended_at = $1
             WHERE id = $2 AND impersonator_id = $3 AND ended_at IS NULL",
        )
        .bind(at)
        .bind(id)
        .bind(impersonator)
        .execute(&mut **conn)
        .await
        .map(|done| done.rows_affected()))?;
        self.invalidates(Invalidation::SessionsOf(impersonator));
        Ok(done == 1)
    }
}

impl Store {
    /// The newest impersonations of a person's account, for them to see.
    #[instrument(skip_all, fields(%user))]
    pub async fn impersonations_of(
        &self,
        user: UserId,
        limit: u32,
    ) -> Result<Vec<SupportAccessRow>> {
        Ok(with_reader!(self, pool => sqlx::query_as(
            "SELECT a.name AS by_name, i.reason, i.read_only, i.started_at, i.ended_at, i.expires_at
             FROM impersonations i JOIN users a ON a.id = i.impersonator_id
             WHERE i.user_id = $1
             ORDER BY i.started_at DESC, i.id DESC
             LIMIT $2",
        )
        .bind(user)
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await)?)
    }
}
