//! A builder's projects, and which of its customer links is in which. Projects are the
//! builder's own rows (`tenant_id`); a link's `project_id` is written by the builder only and
//! must name one of the link's builder's projects (a two-column foreign key on PostgreSQL,
//! triggers on SQLite).

use chrono::{DateTime, NaiveDate, Utc};
use shared::billing::invoice::Period;
use shared::billing::{Currency, Money};
use shared::customers::RevenueMonth;
use shared::ids::{CustomerLinkId, ImplementationId, ProjectId, UserId};
use shared::names::ProjectName;
use shared::projects::{DeploymentActivity, ProjectDraft, ProjectRevenue, ProjectStatus};
use tracing::instrument;

use super::{TenantData, Tx, on_tenant_tx, with_tenant_reader};
use crate::error::{Result, is_unique_violation};

/// A project row with its counts (revenue is added from [`TenantData::project_revenue`]).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ProjectRow {
    pub id: ProjectId,
    pub name: ProjectName,
    pub description: String,
    pub status: ProjectStatus,
    pub customers: i64,
    pub live_deployments: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const PROJECT: &str = "SELECT p.id, p.name, p.description, p.status, p.created_at, p.updated_at,
        (SELECT COUNT(*) FROM customer_links l
         WHERE l.project_id = p.id AND l.status IN ('pending', 'active')) AS customers,
        (SELECT COUNT(*) FROM implementations i JOIN customer_links l ON l.id = i.link_id
         WHERE l.project_id = p.id AND i.status = 'live') AS live_deployments
     FROM projects p";

/// The key two names of one builder's projects may not share.
fn name_key(name: &ProjectName) -> String {
    name.as_str().to_lowercase()
}

#[derive(sqlx::FromRow)]
struct RevenueRow {
    project: Option<ProjectId>,
    name: Option<ProjectName>,
    currency: Currency,
    revenue: i64,
    commission: i64,
    invoices: i64,
}

fn count(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl TenantData<'_> {
    /// This builder's projects, open ones first, the latest change first.
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn projects(&self) -> Result<Vec<ProjectRow>> {
        Ok(with_tenant_reader!(self, pool => sqlx::query_as(
            sqlx::AssertSqlSafe(format!(
                "{PROJECT} WHERE p.tenant_id = $1
                 ORDER BY CASE p.status WHEN 'archived' THEN 1 ELSE 0 END, p.updated_at DESC, p.id"
            )),
        )
        .bind(self.tenant)
        .fetch_all(pool)
        .await)?)
    }

    /// One of this builder's projects.
    #[instrument(skip_all, fields(tenant = %self.tenant, %project))]
    pub async fn project(&self, project: ProjectId) -> Result<Option<ProjectRow>> {
        Ok(with_tenant_reader!(self, pool => sqlx::query_as(
            sqlx::AssertSqlSafe(format!("{PROJECT} WHERE p.id = $1 AND p.tenant_id = $2")),
        )
        .bind(project)
        .bind(self.tenant)
        .fetch_optional(pool)
        .await)?)
    }

    /// Adds a project; `false` when this builder already has one of that name.
    #[instrument(skip_all, fields(tenant = %self.tenant, %id))]
    pub async fn insert_project(
        &self,
        tx: &mut Tx,
        id: ProjectId,
        draft: &ProjectDraft,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let added: Option<ProjectId> = on_tenant_tx!(self, tx, conn => sqlx::query_scalar(
            "INSERT INTO projects (id, tenant_id, name, name_key, description, status, created_by,
                                   created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, 'active', $6, $7, $7)
             ON CONFLICT (tenant_id, name_key) DO NOTHING
             RETURNING id",
        )
        .bind(id)
        .bind(self.tenant)
        .bind(&draft.name)
        .bind(name_key(&draft.name))
        .bind(&draft.description)
        .bind(by)
        .bind(at)
        .fetch_optional(&mut **conn)
        .await)?;
        Ok(added.is_some())
    }

    /// Locks one of this builder's projects for a change; its status, or `None` when it is
    /// not this builder's.
    #[instrument(skip_all, fields(tenant = %self.tenant, %project))]
    pub async fn lock_project(
        &self,
        tx: &mut Tx,
        project: ProjectId,
    ) -> Result<Option<ProjectStatus>> {
        let lock = match tx.dialect() {
            super::Dialect::Postgres => " FOR UPDATE",
            super::Dialect::Sqlite => "",
        };
        Ok(on_tenant_tx!(self, tx, conn => sqlx::query_scalar(
            sqlx::AssertSqlSafe(format!(
                "SELECT status FROM projects WHERE id = $1 AND tenant_id = $2{lock}"
            )),
        )
        .bind(project)
        .bind(self.tenant)
        .fetch_optional(&mut **conn)
        .await)?)
    }

    /// Renames and redescribes a project (locked); `false` when another of this builder's
    /// projects has the name. The check is in the statement; two renames to one name at once
    /// both pass it, and the later meets the unique index instead — also `false`, with its
    /// transaction aborted (the caller refuses and rolls it back).
    #[instrument(skip_all, fields(tenant = %self.tenant, %project))]
    pub async fn update_project(
        &self,
        tx: &mut Tx,
        project: ProjectId,
        draft: &ProjectDraft,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let updated = on_tenant_tx!(self, tx, conn => sqlx::query(
            "UPDATE projects SET name = $1, name_key = $2, description = $3, updated_at = $4
             WHERE id = $5 AND tenant_id = $6
               AND NOT EXISTS (SELECT 1 FROM projects other
                               WHERE other.tenant_id = $6 AND other.name_key = $2 AND other.id <> $5)",
        )
        .bind(&draft.name)
        .bind(name_key(&draft.name))
        .bind(&draft.description)
        .bind(at)
        .bind(project)
        .bind(self.tenant)
        .execute(&mut **conn)
        .await
        .map(|done| done.rows_affected() == 1));
        match updated {
            Err(err) if is_unique_violation(&err) => Ok(false),
            other => Ok(other?),
        }
    }

    /// Moves a project (locked) to `status`.
    #[instrument(skip_all, fields(tenant = %self.tenant, %project, %status))]
    pub async fn set_project_status(
        &self,
        tx: &mut Tx,
        project: ProjectId,
        status: ProjectStatus,
        at: DateTime<Utc>,
    ) -> Result<()> {
        on_tenant_tx!(self, tx, conn => sqlx::query(
            "UPDATE projects SET status = $1, updated_at = $2 WHERE id = $3 AND tenant_id = $4",
        )
        .bind(status)
        .bind(at)
        .bind(project)
        .bind(self.tenant)
        .execute(&mut **conn)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// Puts this builder's link `link` (locked) in `project`, or in none.
    #[instrument(skip_all, fields(tenant = %self.tenant, %link))]
    pub async fn set_link_project(
        &self,
        tx: &mut Tx,
        link: CustomerLinkId,
        project: Option<ProjectId>,
    ) -> Result<()> {
        on_tenant_tx!(self, tx, conn => sqlx::query(
            "UPDATE customer_links SET project_id = $1 WHERE id = $2 AND builder_tenant_id = $3",
        )
        .bind(project)
        .bind(link)
        .bind(self.tenant)
        .execute(&mut **conn)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// The project this builder's link `link` is in.
    #[instrument(skip_all, fields(tenant = %self.tenant, %link))]
    pub async fn link_project(
        &self,
        tx: &mut Tx,
        link: CustomerLinkId,
    ) -> Result<Option<ProjectId>> {
        let found: Option<Option<ProjectId>> = on_tenant_tx!(self, tx, conn => sqlx::query_scalar(
            "SELECT project_id FROM customer_links WHERE id = $1 AND builder_tenant_id = $2",
        )
        .bind(link)
        .bind(self.tenant)
        .fetch_optional(&mut **conn)
        .await)?;
        Ok(found.flatten())
    }

    /// Touches a project (a customer joined or left it), so the portfolio shows it first.
    #[instrument(skip_all, fields(tenant = %self.tenant, %project))]
    pub async fn touch_project(
        &self,
        tx: &mut Tx,
        project: ProjectId,
        at: DateTime<Utc>,
    ) -> Result<()> {
        on_tenant_tx!(self, tx, conn => sqlx::query(
            "UPDATE projects SET updated_at = $1 WHERE id = $2 AND tenant_id = $3",
        )
        .bind(at)
        .bind(project)
        .bind(self.tenant)
        .execute(&mut **conn)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// What this builder's customers' invoices brought it, by the project each customer was
    /// in when its invoice was issued (all time, per currency, most first).
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn project_revenue(&self) -> Result<Vec<ProjectRevenue>> {
        let rows: Vec<RevenueRow> = with_tenant_reader!(self, pool => sqlx::query_as(
            "SELECT c.project_id AS project, MAX(p.name) AS name, c.currency,
                    CAST(SUM(c.revenue_minor) AS BIGINT) AS revenue,
                    CAST(SUM(c.amount_minor) AS BIGINT) AS commission, COUNT(*) AS invoices
             FROM commissions c LEFT JOIN projects p ON p.id = c.project_id
             WHERE c.builder_tenant_id = $1
             GROUP BY c.project_id, c.currency
             ORDER BY revenue DESC, name",
        )
        .bind(self.tenant)
        .fetch_all(pool)
        .await)?;
        Ok(rows
            .into_iter()
            .map(|r| ProjectRevenue {
                project: r.project,
                name: r.name,
                revenue: Money::new(r.revenue, r.currency),
                commission: Money::new(r.commission, r.currency),
                invoices: count(r.invoices),
            })
            .collect())
    }

    /// The revenue attributed to `project`, per month from `since` on (oldest first).
    #[instrument(skip_all, fields(tenant = %self.tenant, %project))]
    pub async fn project_months(
        &self,
        project: ProjectId,
        since: Period,
    ) -> Result<Vec<RevenueMonth>> {
        let rows: Vec<(String, Currency, i64, i64, i64)> = with_tenant_reader!(self, pool => sqlx::query_as(
            "SELECT period, currency, CAST(SUM(revenue_minor) AS BIGINT),
                    CAST(SUM(amount_minor) AS BIGINT), COUNT(*)
             FROM commissions WHERE builder_tenant_id = $1 AND project_id = $2 AND period >= $3
             GROUP BY period, currency ORDER BY period, currency",
        )
        .bind(self.tenant)
        .bind(project)
        .bind(since.to_string())
        .fetch_all(pool)
        .await)?;
        Ok(rows
            .into_iter()
            .filter_map(|(period, currency, revenue, commission, invoices)| {
                Some(RevenueMonth {
                    period: Period::parse(&period).ok()?,
                    revenue: Money::new(revenue, currency),
                    commission: Money::new(commission, currency),
                    invoices: count(invoices),
                })
            })
            .collect())
    }

    /// What visitors did through each of this builder's customer deployments since `since`
    /// (deployments with no activity are left out).
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn deployment_activity(&self, since: NaiveDate) -> Result<Vec<DeploymentActivity>> {
        let rows: Vec<ActivityRow> = with_tenant_reader!(self, pool => sqlx::query_as(
            "SELECT deployment, CAST(SUM(impressions) AS BIGINT), CAST(SUM(interactions) AS BIGINT),
                    CAST(SUM(submissions) AS BIGINT), CAST(SUM(errors) AS BIGINT)
             FROM widget_stats_daily
             WHERE tenant_id = $1 AND day >= $2 AND deployment <> ''
             GROUP BY deployment",
        )
        .bind(self.tenant)
        .bind(since)
        .fetch_all(pool)
        .await)?;
        Ok(activity_of(rows))
    }

    /// What visitors did since `since` through the deployments `deployments` made for this
    /// organization (a customer; its own deployments, as it lists them): the builders' counters
    /// of those deployments only. On PostgreSQL the `customer_reads` policy of
    /// `widget_stats_daily` admits exactly the rows of deployments for this organization.
    #[instrument(skip_all, fields(tenant = %self.tenant, deployments = deployments.len()))]
    pub async fn customer_deployment_activity(
        &self,
        deployments: &[ImplementationId],
        since: NaiveDate,
    ) -> Result<Vec<DeploymentActivity>> {
        if deployments.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<String> = deployments.iter().map(ToString::to_string).collect();
        let placeholders = super::search::placeholders(2, ids.len());
        let sql = format!(
            "SELECT deployment, CAST(SUM(impressions) AS BIGINT), CAST(SUM(interactions) AS BIGINT),
                    CAST(SUM(submissions) AS BIGINT), CAST(SUM(errors) AS BIGINT)
             FROM widget_stats_daily
             WHERE day >= $1 AND deployment IN ({placeholders})
             GROUP BY deployment"
        );
        let rows: Vec<ActivityRow> = with_tenant_reader!(self, pool => {
            let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(since);
            for id in &ids {
                query = query.bind(id);
            }
            query.fetch_all(pool).await
        })?;
        Ok(activity_of(rows))
    }
}

/// A deployment's id (as text) and its summed counters.
type ActivityRow = (String, i64, i64, i64, i64);

fn activity_of(rows: Vec<ActivityRow>) -> Vec<DeploymentActivity> {
    let unsigned = |n: i64| u64::try_from(n).unwrap_or(0);
    rows.into_iter()
        .filter_map(
            |(deployment, impressions, interactions, submissions, errors)| {
                Some(DeploymentActivity {
                    implementation: Some(deployment.parse::<ImplementationId>().ok()?),
                    impressions: unsigned(impressions),
                    interactions: unsigned(interactions),
                    submissions: unsigned(submissions),
                    errors: unsigned(errors),
                })
            },
        )
        .collect()
}
