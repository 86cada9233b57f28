//! Platform-wide reads and tenant status changes, reachable only through [`PlatformData`].

use chrono::{DateTime, Utc};
use shared::ids::TenantId;
use shared::platform::TenantStatus;
use shared::slug::Slug;
use shared::tenants::{TenantRow, TenantSummary};
use tracing::instrument;

use super::access_cache::Invalidation;
use super::{PlatformData, Tx, on_tx, with_reader};
use crate::error::Result;

#[derive(Clone, Copy, Debug, sqlx::FromRow)]
pub struct PersonaCounts {
    pub total: i64,
    pub super_admins: i64,
    pub builders: i64,
    pub end_users: i64,
}

#[derive(sqlx::FromRow)]
struct TenantCountRow {
    #[sqlx(flatten)]
    tenant: TenantSummary,
    member_count: i64,
    created_at: DateTime<Utc>,
    commission_bp: i32,
}

impl PlatformData<'_> {
    #[instrument(skip_all)]
    pub async fn tenants(&self) -> Result<Vec<TenantRow>> {
        let rows: Vec<TenantCountRow> = with_reader!(self.store, pool => sqlx::query_as(
            "SELECT t.id, t.slug, t.name, t.variant, t.status, t.created_at, t.commission_bp,
                    (SELECT COUNT(*) FROM memberships m WHERE m.tenant_id = t.id) AS member_count
             FROM tenants t ORDER BY t.name",
        )
        .fetch_all(pool)
        .await)?;
        Ok(rows
            .into_iter()
            .map(|r| TenantRow {
                commission: (r.tenant.variant.persona() == shared::personas::Persona::Builder)
                    .then(|| u32::try_from(r.commission_bp).ok())
                    .flatten()
                    .and_then(|bp| shared::billing::invoice::Rate::from_basis_points(bp).ok()),
                tenant: r.tenant,
                member_count: u64::try_from(r.member_count).unwrap_or(0),
                created_at: r.created_at,
            })
            .collect())
    }

    /// Sets a builder workspace's commission rate (what it earns of its customers' invoices
    /// from now on; commissions already attributed keep their rate).
    #[instrument(skip_all, fields(%tenant))]
    pub async fn set_commission_rate(
        &self,
        tx: &mut Tx,
        tenant: TenantId,
        rate: shared::billing::invoice::Rate,
    ) -> Result<()> {
        on_tx!(tx, conn => sqlx::query("UPDATE tenants SET commission_bp = $1 WHERE id = $2")
            .bind(i32::try_from(rate.basis_points()).unwrap_or(0))
            .bind(tenant)
            .execute(&mut **conn)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    #[instrument(skip_all)]
    pub async fn tenant_by_slug(&self, slug: &Slug) -> Result<Option<TenantSummary>> {
        Ok(with_reader!(self.store, pool => sqlx::query_as(
            "SELECT id, slug, name, variant, status FROM tenants WHERE slug = $1",
        )
        .bind(slug)
        .fetch_optional(pool)
        .await)?)
    }

    /// Active people in total and per persona (super admin, builder, end user).
    #[instrument(skip_all)]
    pub async fn persona_counts(&self) -> Result<PersonaCounts> {
        Ok(with_reader!(self.store, pool => sqlx::query_as(
            "SELECT COUNT(*) AS total,
                COALESCE(SUM(CASE WHEN ',' || personas || ',' LIKE '%,super_admin,%' THEN 1 ELSE 0 END), 0) AS super_admins,
                COALESCE(SUM(CASE WHEN ',' || personas || ',' LIKE '%,builder,%' THEN 1 ELSE 0 END), 0) AS builders,
                COALESCE(SUM(CASE WHEN ',' || personas || ',' LIKE '%,end_user,%' THEN 1 ELSE 0 END), 0) AS end_users
             FROM users WHERE status = 'active'",
        )
        .fetch_one(pool)
        .await)?)
    }

    /// People who signed in since each of three moments (a day, a week, a month ago).
    #[instrument(skip_all)]
    pub async fn active_people(
        &self,
        day: DateTime<Utc>,
        week: DateTime<Utc>,
        month: DateTime<Utc>,
    ) -> Result<(i64, i64, i64)> {
        Ok(with_reader!(self.store, pool => sqlx::query_as(
            "SELECT COALESCE(SUM(CASE WHEN last_sign_in_at >= $1 THEN 1 ELSE 0 END), 0),
                    COALESCE(SUM(CASE WHEN last_sign_in_at >= $2 THEN 1 ELSE 0 END), 0),
                    COUNT(*)
             FROM users WHERE last_sign_in_at >= $3",
        )
        .bind(day)
        .bind(week)
        .bind(month)
        .fetch_one(pool)
        .await)?)
    }

    #[instrument(skip_all)]
    pub async fn count_audit_since(&self, action: &str, since: DateTime<Utc>) -> Result<i64> {
        Ok(with_reader!(self.store, pool => sqlx::query_scalar(
            "SELECT COUNT(*) FROM audit_log WHERE action = $1 AND at >= $2",
        )
        .bind(action)
        .bind(since)
        .fetch_one(pool)
        .await)?)
    }

    #[instrument(skip_all)]
    pub async fn set_tenant_status(
        &self,
        tx: &mut Tx,
        tenant: TenantId,
        status: TenantStatus,
        at: DateTime<Utc>,
    ) -> Result<()> {
        on_tx!(tx, conn => sqlx::query("UPDATE tenants SET status = $1, updated_at = $2 WHERE id = $3")
            .bind(status)
            .bind(at)
            .bind(tenant)
            .execute(&mut **conn)
            .await
            .map(|done| done.rows_affected()))?;
        tx.invalidates(Invalidation::AllMemberships);
        Ok(())
    }
}
