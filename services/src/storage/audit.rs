//! The append-only audit log: inserts only (the database refuses updates and deletes).

use chrono::{DateTime, Utc};
use shared::audit::AuditQuery;
use shared::ids::{AuditId, TenantId, UserId};
use shared::names::TenantName;
use shared::platform::{PlatformVariant, TenantStatus};
use shared::slug::Slug;
use shared::tenants::TenantSummary;
use tracing::instrument;

use super::{
    PlatformData, Store, TenantData, Tx, contains_pattern, like_escape, on_tx, with_reader,
    with_tenant_reader, with_writer,
};
use crate::error::Result;

#[derive(Clone, Debug)]
pub struct AuditRecord {
    pub id: AuditId,
    pub at: DateTime<Utc>,
    pub actor: Option<UserId>,
    /// Whom the actor acted for: the person a super admin was impersonating.
    pub on_behalf_of: Option<UserId>,
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
    pub on_behalf_of_id: Option<UserId>,
    pub tenant_id: Option<TenantId>,
    pub action: String,
    pub target: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub details: sqlx::types::Json<serde_json::Value>,
}

const INSERT: &str = "INSERT INTO audit_log
     (id, at, actor_id, tenant_id, action, target, ip, user_agent, details, on_behalf_of_id)
 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)";

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
            .bind($record.on_behalf_of)
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
            "SELECT id, at, actor_id, on_behalf_of_id, tenant_id, action, target, ip, user_agent,
                    details
             FROM audit_log WHERE action = $1 AND at >= $2 ORDER BY at DESC LIMIT $3",
        )
        .bind(action)
        .bind(since)
        .bind(limit)
        .fetch_all(pool)
        .await)?)
    }
}

/// An entry as the log's readers see it: the actor's email and the workspace joined in.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AuditListRow {
    pub id: AuditId,
    pub at: DateTime<Utc>,
    pub actor: Option<String>,
    pub on_behalf_of: Option<String>,
    pub action: String,
    pub target: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub details: String,
    pub tenant_id: Option<TenantId>,
    pub tenant_slug: Option<Slug>,
    pub tenant_name: Option<TenantName>,
    pub tenant_variant: Option<PlatformVariant>,
    pub tenant_status: Option<TenantStatus>,
}

impl AuditListRow {
    pub fn tenant(&self) -> Option<TenantSummary> {
        Some(TenantSummary {
            id: self.tenant_id?,
            slug: self.tenant_slug.clone()?,
            name: self.tenant_name.clone()?,
            variant: self.tenant_variant?,
            status: self.tenant_status?,
        })
    }
}

/// The log's search, newest first, for one tenant (`Some`) or the whole platform. `$1` is
/// the tenant: the workspace's own log filters on it with its index; the platform's reads
/// `$1 IS NULL` when no tenant is chosen.
fn search_sql(tenant_column_filter: &str) -> String {
    format!(
        "SELECT a.id, a.at, u.email AS actor, o.email AS on_behalf_of, a.action, a.target, a.ip, a.user_agent,
                CAST(a.details AS TEXT) AS details, t.id AS tenant_id, t.slug AS tenant_slug,
                t.name AS tenant_name, t.variant AS tenant_variant, t.status AS tenant_status
         FROM audit_log a
         LEFT JOIN users u ON u.id = a.actor_id
         LEFT JOIN users o ON o.id = a.on_behalf_of_id
         LEFT JOIN tenants t ON t.id = a.tenant_id
         WHERE {tenant_column_filter}
           AND ($2 IS NULL OR a.at >= $2) AND ($3 IS NULL OR a.at < $3)
           AND ($4 = '' OR a.action LIKE $4 ESCAPE '\\')
           AND ($5 = '' OR LOWER(a.action || ' ' || COALESCE(a.target, '') || ' '
                || COALESCE(a.ip, '') || ' ' || COALESCE(u.email, '') || ' '
                || COALESCE(o.email, '') || ' ' || CAST(a.details AS TEXT)) LIKE $5 ESCAPE '\\')
           AND ($6 IS NULL OR (a.at, a.id) < (SELECT b.at, b.id FROM audit_log b WHERE b.id = $6))
         ORDER BY a.at DESC, a.id DESC
         LIMIT $7"
    )
}

/// Binds a search's parameters (`$1` to `$7`) to a query of [`search_sql`].
macro_rules! bind_search {
    ($sql:expr, $tenant:expr, $query:expr, $limit:expr) => {{
        let query: &AuditQuery = $query;
        sqlx::query_as::<_, AuditListRow>(sqlx::AssertSqlSafe($sql))
            .bind($tenant)
            .bind(query.since())
            .bind(query.until())
            .bind(
                query
                    .area
                    .as_deref()
                    .map(|area| format!("{}.%", like_escape(area)))
                    .unwrap_or_default(),
            )
            .bind(contains_pattern(&query.text))
            .bind(query.before)
            .bind(i64::from($limit))
    }};
}

impl PlatformData<'_> {
    /// The platform's log (or one tenant's slice of it), newest first.
    #[instrument(skip_all)]
    pub async fn audit_search(
        &self,
        tenant: Option<TenantId>,
        query: &AuditQuery,
        limit: u32,
    ) -> Result<Vec<AuditListRow>> {
        let sql = search_sql("($1 IS NULL OR a.tenant_id = $1)");
        Ok(
            with_reader!(self.store, pool => bind_search!(sql.as_str(), tenant, query, limit)
            .fetch_all(pool)
            .await)?,
        )
    }
}

impl TenantData<'_> {
    /// This workspace's entries, newest first.
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn audit_search(&self, query: &AuditQuery, limit: u32) -> Result<Vec<AuditListRow>> {
        let sql = search_sql("a.tenant_id = $1");
        Ok(
            with_tenant_reader!(self, pool => bind_search!(sql.as_str(), self.tenant, query, limit)
            .fetch_all(pool)
            .await)?,
        )
    }
}
