//! Platform-wide reads and tenant status changes, reachable only through [`PlatformData`].

use chrono::{DateTime, NaiveDate, Utc};
use shared::billing::invoice::Period;
use shared::billing::{Currency, Metric, PlanTier};
use shared::branding::Branding;
use shared::ids::TenantId;
use shared::names::TenantName;
use shared::personas::{Persona, PersonaSet};
use shared::platform::{PlatformVariant, TenantStatus};
use shared::slug::Slug;
use shared::tenant_console::{TenantCounts, TenantQuery, TenantSort};
use shared::tenants::{TenantRow, TenantSummary, TenantUsage};
use tracing::instrument;

use super::access_cache::Invalidation;
use super::search::{Arg, Filter, bind_args};
use super::{PlatformData, Tx, contains_pattern, on_tx, with_reader};
use crate::error::Result;

/// A logo about to be stored: checked, with its fingerprint.
pub struct NewLogo<'a> {
    pub name: &'a shared::support::files::FileName,
    pub kind: shared::support::files::FileKind,
    pub content: &'a [u8],
    pub version: &'a str,
}

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
    plan_tier: PlanTier,
    created_at: DateTime<Utc>,
    commission_bp: i32,
}

impl From<TenantCountRow> for TenantRow {
    fn from(r: TenantCountRow) -> Self {
        Self {
            commission: (r.tenant.variant.persona() == shared::personas::Persona::Builder)
                .then(|| u32::try_from(r.commission_bp).ok())
                .flatten()
                .and_then(|bp| shared::billing::invoice::Rate::from_basis_points(bp).ok()),
            tenant: r.tenant,
            member_count: u64::try_from(r.member_count).unwrap_or(0),
            plan: r.plan_tier,
            created_at: r.created_at,
        }
    }
}

/// The builder variants as an SQL list (`'partner', 'agency'`), from the one place that
/// says which variants build for others.
pub(super) fn builder_variants() -> String {
    PlatformVariant::ALL
        .iter()
        .filter(|v| v.persona() == shared::personas::Persona::Builder)
        .map(|v| format!("'{}'", v.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What [`PlatformData::created_per_period`] counts.
#[derive(Clone, Copy, Debug)]
pub enum Created {
    People,
    Tenants,
}

#[derive(sqlx::FromRow)]
struct UsageRow {
    #[sqlx(flatten)]
    tenant: TenantSummary,
    tokens: i64,
    api_calls: i64,
}

/// How many tenants have one status, variant and plan.
type TenantGroup = (TenantStatus, PlatformVariant, PlanTier, i64);

/// The tenant list's conditions on `tenants t`, only those of the fields in use.
fn tenant_filter(search: &TenantQuery) -> Filter {
    let mut filter = Filter::default();
    if !search.text.is_empty() {
        let n = filter.arg(Arg::Text(contains_pattern(&search.text)));
        filter.when(format!(
            "LOWER(t.name || ' ' || t.slug) LIKE ${n} ESCAPE '\\'"
        ));
    }
    if let Some(status) = search.status {
        let n = filter.arg(Arg::Text(status.as_str().to_owned()));
        filter.when(format!("t.status = ${n}"));
    }
    if let Some(variant) = search.variant {
        let n = filter.arg(Arg::Text(variant.as_str().to_owned()));
        filter.when(format!("t.variant = ${n}"));
    }
    if let Some(plan) = search.plan {
        let n = filter.arg(Arg::Text(plan.as_str().to_owned()));
        filter.when(format!("t.plan_tier = ${n}"));
    }
    filter
}

/// The column the tenant list is ordered by, and whether it runs backwards.
const fn tenant_order(sort: TenantSort) -> (&'static str, bool) {
    match sort {
        TenantSort::Newest => ("created_at", true),
        TenantSort::Oldest => ("created_at", false),
        TenantSort::Name => ("name", false),
    }
}

/// Tenant rows matching `filter`, in `order_by`, at most `limit`.
fn tenant_rows_sql(filter: &mut Filter, order_by: &str, limit: Option<u32>) -> String {
    let limit = limit
        .map(|limit| format!("LIMIT ${}", filter.arg(Arg::Count(i64::from(limit)))))
        .unwrap_or_default();
    format!(
        "SELECT t.id, t.slug, t.name, t.variant, t.status, t.created_at, t.commission_bp, t.plan_tier,
                (SELECT COUNT(*) FROM memberships m WHERE m.tenant_id = t.id) AS member_count
         FROM tenants t
         WHERE {}
         ORDER BY {order_by}
         {limit}",
        filter.sql()
    )
}

impl PlatformData<'_> {
    /// Every builder workspace by name.
    #[instrument(skip_all)]
    pub async fn builder_rows(&self) -> Result<Vec<TenantRow>> {
        let mut filter = Filter::default();
        filter.when(format!("t.variant IN ({})", builder_variants()));
        self.tenant_rows(filter, "t.name ASC, t.id ASC", None).await
    }

    /// Every tenant by name (the plans page lists them all).
    #[instrument(skip_all)]
    pub async fn tenants(&self) -> Result<Vec<TenantRow>> {
        self.tenant_rows(Filter::default(), "t.name ASC, t.id ASC", None)
            .await
    }

    /// A page of the tenants the search matches, in its order, after its `after` tenant.
    #[instrument(skip_all)]
    pub async fn tenant_page(&self, search: &TenantQuery, limit: u32) -> Result<Vec<TenantRow>> {
        let mut filter = tenant_filter(search);
        let (column, descending) = tenant_order(search.sort);
        let order_by = filter.page_after(
            ("tenants", "t"),
            column,
            descending,
            search.after.map(Arg::Tenant),
        );
        self.tenant_rows(filter, &order_by, Some(limit)).await
    }

    /// One tenant as the list shows it.
    #[instrument(skip_all)]
    pub async fn tenant_row(&self, slug: &Slug) -> Result<Option<TenantRow>> {
        let mut filter = Filter::default();
        let n = filter.arg(Arg::Text(slug.to_string()));
        filter.when(format!("t.slug = ${n}"));
        Ok(self
            .tenant_rows(filter, "t.id", Some(1))
            .await?
            .into_iter()
            .next())
    }

    pub(super) async fn tenant_rows(
        &self,
        mut filter: Filter,
        order_by: &str,
        limit: Option<u32>,
    ) -> Result<Vec<TenantRow>> {
        let sql = tenant_rows_sql(&mut filter, order_by, limit);
        let rows: Vec<TenantCountRow> = with_reader!(self.store, pool => bind_args!(
                sqlx::query_as::<_, TenantCountRow>(sqlx::AssertSqlSafe(sql.as_str())), &filter.args)
            .fetch_all(pool)
            .await)?;
        Ok(rows.into_iter().map(TenantRow::from).collect())
    }

    /// How many tenants the search matches (all pages).
    #[instrument(skip_all)]
    pub async fn count_tenants(&self, search: &TenantQuery) -> Result<i64> {
        let filter = tenant_filter(search);
        let sql = format!("SELECT COUNT(*) FROM tenants t WHERE {}", filter.sql());
        Ok(with_reader!(self.store, pool => bind_args!(
                sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql.as_str())), &filter.args)
            .fetch_one(pool)
            .await)?)
    }

    /// Tenants by status, variant and plan, counted in one pass.
    #[instrument(skip_all)]
    pub async fn tenant_counts(&self) -> Result<TenantCounts> {
        let groups: Vec<TenantGroup> = with_reader!(self.store, pool => sqlx::query_as(
                "SELECT status, variant, plan_tier, COUNT(*) FROM tenants
                 GROUP BY status, variant, plan_tier",
            )
            .fetch_all(pool)
            .await)?;
        let sum = |keep: &dyn Fn(&TenantGroup) -> bool| {
            groups
                .iter()
                .filter(|g| keep(g))
                .map(|g| u64::try_from(g.3).unwrap_or(0))
                .sum::<u64>()
        };
        Ok(TenantCounts {
            total: sum(&|_| true),
            by_status: TenantStatus::ALL
                .iter()
                .map(|s| (*s, sum(&|g| g.0 == *s)))
                .collect(),
            by_variant: PlatformVariant::ALL
                .iter()
                .map(|v| (*v, sum(&|g| g.1 == *v)))
                .collect(),
            by_plan: PlanTier::ALL
                .iter()
                .map(|p| (*p, sum(&|g| g.2 == *p)))
                .collect(),
        })
    }

    /// How many of `what` were created in each period starting at `starts` (consecutive and
    /// oldest first; the last runs to now), in one query.
    #[instrument(skip_all, fields(?what))]
    pub async fn created_per_period(
        &self,
        what: Created,
        starts: &[DateTime<Utc>],
    ) -> Result<Vec<i64>> {
        use sqlx::Row;
        if starts.is_empty() {
            return Ok(Vec::new());
        }
        let table = match what {
            Created::People => "users",
            Created::Tenants => "tenants",
        };
        // A count per period, each over its own range of the `created_at` index (one pass
        // comparing every row with each period's bounds took ten times as long).
        let counts: Vec<String> = (1..=starts.len())
            .map(|n| {
                let until = if n == starts.len() {
                    String::new()
                } else {
                    format!(" AND created_at < ${}", n + 1)
                };
                format!("(SELECT COUNT(*) FROM {table} WHERE created_at >= ${n}{until})")
            })
            .collect();
        let sql = format!("SELECT {}", counts.join(", "));
        Ok(with_reader!(self.store, pool => {
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
            for start in starts {
                query = query.bind(*start);
            }
            match query.fetch_one(pool).await {
                Ok(row) => (0..starts.len()).map(|i| row.try_get::<i64, _>(i)).collect(),
                Err(e) => Err(e),
            }
        })?)
    }

    /// Invoice subtotals (before tax) per month from `since` on, per currency.
    #[instrument(skip_all)]
    pub async fn revenue_per_period(&self, since: Period) -> Result<Vec<(String, Currency, i64)>> {
        Ok(with_reader!(self.store, pool => sqlx::query_as(
            "SELECT period, currency, CAST(SUM(subtotal_minor) AS BIGINT) FROM invoices
             WHERE period >= $1 GROUP BY period, currency ORDER BY period, currency",
        )
        .bind(since.to_string())
        .fetch_all(pool)
        .await)?)
    }

    /// API calls and tokens used per day from `since` on, across every tenant (the daily
    /// roll-ups, so millions of events cost a few hundred rows).
    #[instrument(skip_all)]
    pub async fn usage_per_day(&self, since: NaiveDate) -> Result<Vec<(NaiveDate, Metric, i64)>> {
        Ok(with_reader!(self.store, pool => sqlx::query_as(
            "SELECT day, metric, CAST(SUM(quantity) AS BIGINT) FROM usage_daily
             WHERE day >= $1 AND metric IN ('api_calls', 'tokens')
             GROUP BY day, metric ORDER BY day, metric",
        )
        .bind(since)
        .fetch_all(pool)
        .await)?)
    }

    /// The tenants that used the most of their monthly quotas in `period` (tokens, then API
    /// calls), at most `limit`.
    #[instrument(skip_all)]
    pub async fn top_usage(&self, period: &str, limit: u32) -> Result<Vec<TenantUsage>> {
        let rows: Vec<UsageRow> = with_reader!(self.store, pool => sqlx::query_as(
            "SELECT t.id, t.slug, t.name, t.variant, t.status,
                    CAST(SUM(CASE WHEN c.metric = 'tokens' THEN c.used ELSE 0 END) AS BIGINT) AS tokens,
                    CAST(SUM(CASE WHEN c.metric = 'api_calls' THEN c.used ELSE 0 END) AS BIGINT) AS api_calls
             FROM usage_counters c JOIN tenants t ON t.id = c.tenant_id
             WHERE c.period = $1 AND c.metric IN ('tokens', 'api_calls')
             GROUP BY t.id, t.slug, t.name, t.variant, t.status
             HAVING SUM(c.used) > 0
             ORDER BY tokens DESC, api_calls DESC, t.name
             LIMIT $2",
        )
        .bind(period)
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await)?;
        Ok(rows
            .into_iter()
            .map(|r| TenantUsage {
                tenant: r.tenant,
                tokens: u64::try_from(r.tokens).unwrap_or(0),
                api_calls: u64::try_from(r.api_calls).unwrap_or(0),
            })
            .collect())
    }

    /// A tenant's branding.
    pub async fn branding(&self, tenant: TenantId) -> Result<Branding> {
        self.store.branding_of(tenant).await
    }

    /// A tenant's logo's version, when it has one.
    #[instrument(skip_all, fields(%tenant))]
    pub async fn logo_version(&self, tenant: TenantId) -> Result<Option<String>> {
        let found: Option<Option<String>> = with_reader!(self.store, pool => sqlx::query_scalar(
            "SELECT brand_logo FROM tenants WHERE id = $1",
        )
        .bind(tenant)
        .fetch_optional(pool)
        .await)?;
        Ok(found.flatten())
    }

    /// Sets (or with `None` removes) a tenant's logo; its members' pages show it from their
    /// next request.
    #[instrument(skip_all, fields(%tenant))]
    pub async fn set_logo(
        &self,
        tx: &mut Tx,
        tenant: TenantId,
        logo: Option<&NewLogo<'_>>,
        at: DateTime<Utc>,
    ) -> Result<()> {
        match logo {
            Some(logo) => {
                on_tx!(tx, conn => sqlx::query(
                    "INSERT INTO tenant_logos (tenant_id, name, kind, content, updated_at)
                     VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (tenant_id) DO UPDATE SET name = excluded.name, kind = excluded.kind,
                         content = excluded.content, updated_at = excluded.updated_at",
                )
                .bind(tenant)
                .bind(logo.name)
                .bind(logo.kind)
                .bind(logo.content)
                .bind(at)
                .execute(&mut **conn)
                .await
                .map(|_| ()))?;
            }
            None => {
                on_tx!(tx, conn => sqlx::query("DELETE FROM tenant_logos WHERE tenant_id = $1")
                    .bind(tenant)
                    .execute(&mut **conn)
                    .await
                    .map(|_| ()))?;
            }
        }
        on_tx!(tx, conn => sqlx::query("UPDATE tenants SET brand_logo = $1, updated_at = $2 WHERE id = $3")
            .bind(logo.map(|l| l.version))
            .bind(at)
            .bind(tenant)
            .execute(&mut **conn)
            .await
            .map(|_| ()))?;
        // Memberships carry the logo's version (the top bar of every page of the workspace).
        tx.invalidates(Invalidation::AllMemberships);
        Ok(())
    }

    /// Sets a tenant's branding; its members' pages carry it from their next request.
    #[instrument(skip_all, fields(%tenant))]
    pub async fn set_branding(
        &self,
        tx: &mut Tx,
        tenant: TenantId,
        branding: &Branding,
        at: DateTime<Utc>,
    ) -> Result<()> {
        on_tx!(tx, conn => sqlx::query(
            "UPDATE tenants SET brand_accent = $1, brand_font = $2, updated_at = $3 WHERE id = $4",
        )
        .bind(branding.accent.as_ref().map(|c| c.to_string()))
        .bind(branding.font.map(|f| f.as_str().to_owned()))
        .bind(at)
        .bind(tenant)
        .execute(&mut **conn)
        .await
        .map(|done| done.rows_affected()))?;
        // Memberships carry the branding (the frame of every page of the workspace).
        tx.invalidates(Invalidation::AllMemberships);
        Ok(())
    }

    /// Renames a tenant and sets its variant (of the same kind: the service checks).
    #[instrument(skip_all, fields(%tenant))]
    pub async fn update_tenant(
        &self,
        tx: &mut Tx,
        tenant: TenantId,
        name: &TenantName,
        variant: PlatformVariant,
        at: DateTime<Utc>,
    ) -> Result<()> {
        on_tx!(tx, conn => sqlx::query(
            "UPDATE tenants SET name = $1, variant = $2, updated_at = $3 WHERE id = $4",
        )
        .bind(name)
        .bind(variant)
        .bind(at)
        .bind(tenant)
        .execute(&mut **conn)
        .await
        .map(|done| done.rows_affected()))?;
        // Memberships carry the tenant's name and variant (switcher, navigation).
        tx.invalidates(Invalidation::AllMemberships);
        Ok(())
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

    /// The tenant a super admin names by its address: 404 when no tenant has it (or it is
    /// no address at all).
    pub async fn tenant_named(&self, slug: &str) -> Result<TenantSummary> {
        let missing = || shared::AppError::not_found(format!("The tenant “{slug}”"));
        let parsed = Slug::parse(slug).map_err(|_| missing())?;
        Ok(self.tenant_by_slug(&parsed).await?.ok_or_else(missing)?)
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

    /// Active people in total and per persona (super admin, builder, end user), counted
    /// per set of personas from the `(status, personas)` index.
    #[instrument(skip_all)]
    pub async fn persona_counts(&self) -> Result<PersonaCounts> {
        let groups: Vec<(PersonaSet, i64)> = with_reader!(self.store, pool => sqlx::query_as(
            "SELECT personas, COUNT(*) FROM users WHERE status = 'active' GROUP BY personas",
        )
        .fetch_all(pool)
        .await)?;
        let holding = |persona: Persona| {
            groups
                .iter()
                .filter(|(set, _)| set.contains(persona))
                .map(|(_, n)| n)
                .sum()
        };
        Ok(PersonaCounts {
            total: groups.iter().map(|(_, n)| n).sum(),
            super_admins: holding(Persona::SuperAdmin),
            builders: holding(Persona::Builder),
            end_users: holding(Persona::EndUser),
        })
    }

    /// People who signed in since each of three moments (a day, a week, a month ago), each
    /// counted over its range of the `last_sign_in_at` index.
    #[instrument(skip_all)]
    pub async fn active_people(
        &self,
        day: DateTime<Utc>,
        week: DateTime<Utc>,
        month: DateTime<Utc>,
    ) -> Result<(i64, i64, i64)> {
        Ok(with_reader!(self.store, pool => sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM users WHERE last_sign_in_at >= $1),
                    (SELECT COUNT(*) FROM users WHERE last_sign_in_at >= $2),
                    (SELECT COUNT(*) FROM users WHERE last_sign_in_at >= $3)",
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

    /// When the tenant's data was last exported: the newest `tenant.exported` entry of the
    /// audit log (which nothing rewrites).
    #[instrument(skip_all)]
    pub async fn last_export(&self, tenant: TenantId) -> Result<Option<DateTime<Utc>>> {
        Ok(with_reader!(self.store, pool => sqlx::query_scalar(
            "SELECT at FROM audit_log WHERE tenant_id = $1 AND action = $2 ORDER BY at DESC LIMIT 1",
        )
        .bind(tenant)
        .bind(crate::audit::actions::TENANT_EXPORTED)
        .fetch_optional(pool)
        .await)?)
    }

    /// Deletes a tenant and, by cascade, everything keyed by it. Its audit entries stay
    /// (the log names tenants by id and keeps no link to the row); its members keep their
    /// accounts.
    #[instrument(skip_all)]
    pub async fn delete_tenant(&self, tx: &mut Tx, tenant: TenantId) -> Result<bool> {
        let deleted = on_tx!(tx, conn => sqlx::query("DELETE FROM tenants WHERE id = $1")
            .bind(tenant)
            .execute(&mut **conn)
            .await
            .map(|done| done.rows_affected()))?;
        tx.invalidates(Invalidation::AllMemberships);
        tx.invalidates(Invalidation::Tokens);
        Ok(deleted == 1)
    }
}
