//! The append-only audit log: inserts only (the database refuses updates and deletes).

use chrono::{DateTime, Utc};
use shared::ids::{AuditId, TenantId, UserId};
use tracing::instrument;

use super::{Store, Tx, on_tx, with_reader, with_writer};
use crate::error::Result;

#[derive(Clone, Debug)]
pub struct AuditRecord {
    pub id: AuditId,
    pub at: DateTime<Utc>,
    pub actor: Option<UserId>,
    pub tenant: Option<TenantId>,
    pub action: &'static str,
    pub target: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub details: serde_json::Value,
}

/// A stored entry as read back.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AuditRow {
    pub id: AuditId,
    pub at: DateTime<Utc>,
    pub actor_id: Option<UserId>,
    pub tenant_id: Option<TenantId>,
    pub action: String,
    pub target: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub details: sqlx::types::Json<serde_json::Value>,
}

const INSERT: &str =
    "INSERT INTO audit_log (id, at, actor_id, tenant_id, action, target, ip, user_agent, details)
 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

macro_rules! bind_audit {
    ($record:expr) => {
        sqlx::query(INSERT)
            .bind($record.id)
            .bind($record.at)
            .bind($record.actor)
            .bind($record.tenant)
            .bind($record.action)
            .bind(&$record.target)
            .bind(&$record.ip)
            .bind(&$record.user_agent)
            .bind(sqlx::types::Json(&$record.details))
    };
}

impl Tx {
    /// Records an entry in the same transaction as the change it describes.
    #[instrument(skip_all, fields(action = record.action))]
    pub async fn audit(&mut self, record: &AuditRecord) -> Result<()> {
        on_tx!(self, conn => bind_audit!(record).execute(&mut **conn)
            .await
            .map(|done| done.rows_affected()))?;
        Ok(())
    }
}

impl Store {
    /// Records an entry that stands alone (a failed sign-in changes nothing else).
    #[instrument(skip_all, fields(action = record.action))]
    pub async fn audit(&self, record: &AuditRecord) -> Result<()> {
        with_writer!(self, pool => bind_audit!(record).execute(pool)
            .await
            .map(|done| done.rows_affected()))?;
        Ok(())
    }

    /// Entries with this action since a moment (most recent first), for tests and security
    /// views.
    #[instrument(skip_all)]
    pub async fn audit_entries(
        &self,
        action: &str,
        since: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<AuditRow>> {
        Ok(with_reader!(self, pool => sqlx::query_as(
            "SELECT id, at, actor_id, tenant_id, action, target, ip, user_agent, details
             FROM audit_log WHERE action = $1 AND at >= $2 ORDER BY at DESC LIMIT $3",
        )
        .bind(action)
        .bind(since)
        .bind(limit)
        .fetch_all(pool)
        .await)?)
    }
}
