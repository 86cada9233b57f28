//! Links between builders and customers, and the widgets deployed over them. A link belongs
//! to both of its organizations: the builder reads and writes it through its own
//! [`TenantData`] (`builder_tenant_id`), the customer through its own (`customer_tenant_id`),
//! and row-level security on PostgreSQL lets each side see exactly those rows. Commissions
//! are written by the customer's invoice run and read by the builder.

use chrono::{DateTime, Utc};
use shared::billing::invoice::{Period, Rate};
use shared::billing::{Currency, Money};
use shared::customers::{
    CustomerRevenue, Implementation, ImplementationStatus, Link, LinkStatus, RevenueMonth, Side,
};
use shared::ids::{
    CustomerLinkId, ImplementationId, InvoiceId, ProjectId, TemplateId, TenantId, UserId, WidgetId,
};
use shared::names::TenantName;
use shared::platform::TenantStatus;
use shared::slug::Slug;
use shared::tenants::TenantSummary;
use tracing::instrument;

use super::{
    Dialect, PlatformData, Store, TenantData, Tx, on_tenant_tx, with_reader, with_tenant_reader,
};
use crate::error::Result;

/// A link as one side locked it for a change, by [`TenantData::lock_link`] (no other crate can
/// make one).
#[derive(Clone, Copy, Debug, sqlx::FromRow)]
#[non_exhaustive]
pub struct LockedLink {
    pub builder: TenantId,
    pub customer: TenantId,
    pub status: LinkStatus,
}

/// What an implementation deploys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Deployed {
    Widget(WidgetId),
    Template(TemplateId),
}

impl Deployed {
    fn columns(self) -> (Option<WidgetId>, Option<TemplateId>) {
        match self {
            Self::Widget(widget) => (Some(widget), None),
            Self::Template(template) => (None, Some(template)),
        }
    }
}

/// An implementation as its builder locked it for a change.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct LockedImplementation {
    pub link: CustomerLinkId,
    pub customer: TenantId,
    pub widget: Option<WidgetId>,
    pub template: Option<TemplateId>,
    pub name: String,
    pub status: ImplementationStatus,
}

/// One new implementation for [`TenantData::insert_implementation`].
pub struct NewImplementation<'a> {
    pub id: ImplementationId,
    pub link: CustomerLinkId,
    pub customer: TenantId,
    pub deployed: Deployed,
    /// The widget's or template's name (already checked as such).
    pub name: &'a str,
    pub by: UserId,
    pub at: DateTime<Utc>,
}

/// An implementation as a visitor reaches it: whose it is and whether it serves now.
#[derive(Clone, Copy, Debug, sqlx::FromRow)]
pub struct ServingImplementation {
    pub widget: WidgetId,
    pub customer: TenantId,
    pub customer_status: TenantStatus,
    pub status: ImplementationStatus,
    pub link_status: LinkStatus,
}

#[derive(sqlx::FromRow)]
struct LinkRow {
    id: CustomerLinkId,
    other_slug: Slug,
    other_name: Option<TenantName>,
    status: LinkStatus,
    requested_at: DateTime<Utc>,
    decided_at: Option<DateTime<Utc>>,
    project: Option<ProjectId>,
}

impl LinkRow {
    /// A builder knows its customer by name while the customer has it as a builder (before
    /// the customer accepts, and after a refusal or an end, only by the address it typed).
    fn into_link(self, side: Side) -> Link {
        let named = side == Side::Customer || self.status == LinkStatus::Active;
        Link {
            id: self.id,
            other_slug: self.other_slug,
            other_name: self.other_name.filter(|_| named),
            status: self.status,
            requested_at: self.requested_at,
            decided_at: self.decided_at,
            // The project is the builder's business.
            project: self.project.filter(|_| side == Side::Builder),
        }
    }
}

const IMPLEMENTATION: &str =
    "SELECT id, link_id AS link, widget_id AS widget, template_id AS template, name, status,
            created_at, updated_at
     FROM implementations";

impl Store {
    /// The customer's own data, for what the builder writes there over an active link it
    /// locked through its scope (the copy of a process template it deploys). `None` when the
    /// link is not active.
    pub fn customer_of<'a>(&'a self, link: &LockedLink) -> Option<TenantData<'a>> {
        (link.status == LinkStatus::Active).then(|| TenantData::new(self, link.customer))
    }

    /// The organization at `slug`, as a builder asking it to become a customer names it
    /// (`services::customers::request_link`, behind the builder's permission check).
    #[instrument(skip_all, fields(%slug))]
    pub async fn organization_by_slug(&self, slug: &Slug) -> Result<Option<TenantSummary>> {
        Ok(with_reader!(self, pool => sqlx::query_as(
            "SELECT id, slug, name, variant, status FROM tenants WHERE slug = $1",
        )
        .bind(slug)
        .fetch_optional(pool)
        .await)?)
    }

    /// The implementation `implementation` as a visitor of its customer's site reaches it
    /// (`authz::enter_embed`): visitors come with no workspace. A template's deployment
    /// serves no visitor (none found).
    #[instrument(skip_all, fields(%implementation))]
    pub async fn serving_implementation(
        &self,
        implementation: ImplementationId,
    ) -> Result<Option<ServingImplementation>> {
        Ok(with_reader!(self, pool => sqlx::query_as(
            "SELECT i.widget_id AS widget, i.customer_tenant_id AS customer, t.status AS customer_status,
                    i.status, l.status AS link_status
             FROM implementations i
             JOIN customer_links l ON l.id = i.link_id
             JOIN tenants t ON t.id = i.customer_tenant_id
             WHERE i.id = $1 AND i.widget_id IS NOT NULL",
        )
        .bind(implementation)
        .fetch_optional(pool)
        .await)?)
    }
}

impl TenantData<'_> {
    /// Asks `customer` to become this builder's customer: a new pending link, or a declined
    /// or ended one made pending again. `None` when a link is already pending or active.
    #[instrument(skip_all, fields(tenant = %self.tenant, %customer))]
    pub async fn request_customer_link(
        &self,
        tx: &mut Tx,
        customer: TenantId,
        address: &Slug,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<Option<CustomerLinkId>> {
        let id = CustomerLinkId::from_uuid(uuid::Uuid::now_v7());
        Ok(on_tenant_tx!(self, tx, conn => sqlx::query_scalar(
            "INSERT INTO customer_links (id, builder_tenant_id, customer_tenant_id, status,
                                         customer_address, requested_by, requested_at)
             VALUES ($1, $2, $3, 'pending', $6, $4, $5)
             ON CONFLICT (builder_tenant_id, customer_tenant_id) DO UPDATE SET
                 status = 'pending', customer_address = excluded.customer_address,
                 requested_by = excluded.requested_by, requested_at = excluded.requested_at,
                 decided_by = NULL, decided_at = NULL
             WHERE customer_links.status IN ('declined', 'ended')
             RETURNING id",
        )
        .bind(id)
        .bind(self.tenant)
        .bind(customer)
        .bind(by)
        .bind(at)
        .bind(address)
        .fetch_optional(&mut **conn)
        .await)?)
    }

    /// This organization's links on `side`: its customers (a builder) or its builders.
    #[instrument(skip_all, fields(tenant = %self.tenant, ?side))]
    pub async fn links(&self, side: Side) -> Result<Vec<Link>> {
        // A builder knows its customer by the address it asked for; the customer's own row
        // is visible to it only while the link is active (row-level security on PostgreSQL).
        let (ours, theirs, address) = match side {
            Side::Builder => (
                "builder_tenant_id",
                "customer_tenant_id",
                "l.customer_address",
            ),
            Side::Customer => ("customer_tenant_id", "builder_tenant_id", "t.slug"),
        };
        let rows: Vec<LinkRow> = with_tenant_reader!(self, pool => sqlx::query_as(
            sqlx::AssertSqlSafe(format!(
                "SELECT l.id, {address} AS other_slug, t.name AS other_name, l.status,
                        l.requested_at, l.decided_at, l.project_id AS project
                 FROM customer_links l LEFT JOIN tenants t ON t.id = l.{theirs}
                 WHERE l.{ours} = $1
                 ORDER BY CASE l.status WHEN 'pending' THEN 0 WHEN 'active' THEN 1 ELSE 2 END,
                          l.requested_at DESC, l.id"
            )),
        )
        .bind(self.tenant)
        .fetch_all(pool)
        .await)?;
        Ok(rows.into_iter().map(|r| r.into_link(side)).collect())
    }

    /// Locks link `link` for a change by `side`; `None` when it is not this organization's.
    #[instrument(skip_all, fields(tenant = %self.tenant, %link, ?side))]
    pub async fn lock_link(
        &self,
        tx: &mut Tx,
        link: CustomerLinkId,
        side: Side,
    ) -> Result<Option<LockedLink>> {
        let ours = match side {
            Side::Builder => "builder_tenant_id",
            Side::Customer => "customer_tenant_id",
        };
        let lock = match tx.dialect() {
            Dialect::Postgres => " FOR NO KEY UPDATE",
            Dialect::Sqlite => "",
        };
        Ok(on_tenant_tx!(self, tx, conn => sqlx::query_as(
            sqlx::AssertSqlSafe(format!(
                "SELECT builder_tenant_id AS builder, customer_tenant_id AS customer, status
                 FROM customer_links WHERE id = $1 AND {ours} = $2{lock}"
            )),
        )
        .bind(link)
        .bind(self.tenant)
        .fetch_optional(&mut **conn)
        .await)?)
    }

    /// Moves link `link` (locked by [`Self::lock_link`]) to `status`, decided by `by`.
    #[instrument(skip_all, fields(tenant = %self.tenant, %link, %status))]
    pub async fn set_link_status(
        &self,
        tx: &mut Tx,
        link: CustomerLinkId,
        status: LinkStatus,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<()> {
        on_tenant_tx!(self, tx, conn => sqlx::query(
            "UPDATE customer_links SET status = $1, decided_by = $2, decided_at = $3
             WHERE id = $4 AND (builder_tenant_id = $5 OR customer_tenant_id = $5)",
        )
        .bind(status)
        .bind(by)
        .bind(at)
        .bind(link)
        .bind(self.tenant)
        .execute(&mut **conn)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// Retires every open implementation over link `link` (it ended); returns them.
    #[instrument(skip_all, fields(tenant = %self.tenant, %link))]
    pub async fn retire_link_implementations(
        &self,
        tx: &mut Tx,
        link: CustomerLinkId,
        at: DateTime<Utc>,
    ) -> Result<Vec<ImplementationId>> {
        Ok(on_tenant_tx!(self, tx, conn => sqlx::query_scalar(
            "UPDATE implementations SET status = 'retired', updated_at = $1
             WHERE link_id = $2 AND status <> 'retired'
               AND (tenant_id = $3 OR customer_tenant_id = $3)
             RETURNING id",
        )
        .bind(at)
        .bind(link)
        .bind(self.tenant)
        .fetch_all(&mut **conn)
        .await)?)
    }

    /// Whether `deployed` is already deployed (not retired) for `customer`.
    #[instrument(skip_all, fields(tenant = %self.tenant, ?deployed, %customer))]
    pub async fn open_implementation_exists(
        &self,
        tx: &mut Tx,
        deployed: Deployed,
        customer: TenantId,
    ) -> Result<bool> {
        let (column, id) = match deployed {
            Deployed::Widget(widget) => ("widget_id", widget.as_uuid()),
            Deployed::Template(template) => ("template_id", template.as_uuid()),
        };
        let found: Option<ImplementationId> = on_tenant_tx!(self, tx, conn => sqlx::query_scalar(
            sqlx::AssertSqlSafe(format!(
                "SELECT id FROM implementations
                 WHERE tenant_id = $1 AND {column} = $2 AND customer_tenant_id = $3 AND status <> 'retired'"
            )),
        )
        .bind(self.tenant)
        .bind(id)
        .bind(customer)
        .fetch_optional(&mut **conn)
        .await)?;
        Ok(found.is_some())
    }

    #[instrument(skip_all, fields(tenant = %self.tenant, id = %new.id))]
    pub async fn insert_implementation(
        &self,
        tx: &mut Tx,
        new: &NewImplementation<'_>,
    ) -> Result<()> {
        let (widget, template) = new.deployed.columns();
        on_tenant_tx!(self, tx, conn => sqlx::query(
            "INSERT INTO implementations (id, tenant_id, link_id, customer_tenant_id, widget_id, template_id,
                                          name, status, created_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'draft', $8, $9, $9)",
        )
        .bind(new.id)
        .bind(self.tenant)
        .bind(new.link)
        .bind(new.customer)
        .bind(widget)
        .bind(template)
        .bind(new.name)
        .bind(new.by)
        .bind(new.at)
        .execute(&mut **conn)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// The link of this builder's implementation `implementation` (read without a lock: a
    /// change locks the link first, then the implementation, in the order every path takes).
    #[instrument(skip_all, fields(tenant = %self.tenant, %implementation))]
    pub async fn implementation_link(
        &self,
        tx: &mut Tx,
        implementation: ImplementationId,
    ) -> Result<Option<CustomerLinkId>> {
        Ok(on_tenant_tx!(self, tx, conn => sqlx::query_scalar(
            "SELECT link_id FROM implementations WHERE id = $1 AND tenant_id = $2",
        )
        .bind(implementation)
        .bind(self.tenant)
        .fetch_optional(&mut **conn)
        .await)?)
    }

    /// Locks this builder's implementation `implementation` for a change.
    #[instrument(skip_all, fields(tenant = %self.tenant, %implementation))]
    pub async fn lock_implementation(
        &self,
        tx: &mut Tx,
        implementation: ImplementationId,
    ) -> Result<Option<LockedImplementation>> {
        let lock = match tx.dialect() {
            Dialect::Postgres => " FOR NO KEY UPDATE",
            Dialect::Sqlite => "",
        };
        Ok(on_tenant_tx!(self, tx, conn => sqlx::query_as(
            sqlx::AssertSqlSafe(format!(
                "SELECT link_id AS link, customer_tenant_id AS customer, widget_id AS widget,
                        template_id AS template, name, status
                 FROM implementations WHERE id = $1 AND tenant_id = $2{lock}"
            )),
        )
        .bind(implementation)
        .bind(self.tenant)
        .fetch_optional(&mut **conn)
        .await)?)
    }

    #[instrument(skip_all, fields(tenant = %self.tenant, %implementation, %status))]
    pub async fn set_implementation_status(
        &self,
        tx: &mut Tx,
        implementation: ImplementationId,
        status: ImplementationStatus,
        at: DateTime<Utc>,
    ) -> Result<()> {
        on_tenant_tx!(self, tx, conn => sqlx::query(
            "UPDATE implementations SET status = $1, updated_at = $2 WHERE id = $3 AND tenant_id = $4",
        )
        .bind(status)
        .bind(at)
        .bind(implementation)
        .bind(self.tenant)
        .execute(&mut **conn)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// The implementations this organization made (a builder) or received (a customer),
    /// open ones first, the latest change first.
    #[instrument(skip_all, fields(tenant = %self.tenant, ?side))]
    pub async fn implementations(&self, side: Side) -> Result<Vec<Implementation>> {
        let ours = match side {
            Side::Builder => "tenant_id",
            Side::Customer => "customer_tenant_id",
        };
        Ok(with_tenant_reader!(self, pool => sqlx::query_as(
            sqlx::AssertSqlSafe(format!(
                "{IMPLEMENTATION} WHERE {ours} = $1
                 ORDER BY CASE status WHEN 'retired' THEN 1 ELSE 0 END, updated_at DESC, id"
            )),
        )
        .bind(self.tenant)
        .fetch_all(pool)
        .await)?)
    }
}

/// A builder an organization has an active link with, as its invoice run reads it.
pub struct ActiveBuilder {
    pub builder: TenantId,
    pub rate: Rate,
    /// The organization's own name now.
    pub customer_name: TenantName,
    /// The builder's project the organization is in now.
    pub project: Option<ProjectId>,
}

/// One commission for [`TenantData::insert_commission`].
pub struct NewCommission<'a> {
    pub invoice: InvoiceId,
    pub builder: TenantId,
    /// The customer's name as the invoice is issued.
    pub customer_name: &'a TenantName,
    pub project: Option<ProjectId>,
    pub period: Period,
    pub revenue: Money,
    pub rate: Rate,
    pub amount: Money,
    pub at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct MonthRow {
    period: String,
    /// The builder, in the platform-wide read (`None` in a builder's own).
    #[sqlx(default)]
    builder: Option<TenantId>,
    currency: Currency,
    revenue: i64,
    commission: i64,
    invoices: i64,
}

#[derive(sqlx::FromRow)]
struct CustomerRow {
    name: TenantName,
    currency: Currency,
    revenue: i64,
    commission: i64,
    invoices: i64,
}

impl TenantData<'_> {
    /// The builders this organization has an active link with, and their commission rates,
    /// read inside the transaction that issues its invoice.
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn active_builders(&self, tx: &mut Tx) -> Result<Vec<ActiveBuilder>> {
        let rows: Vec<(TenantId, i32, TenantName, Option<ProjectId>)> = on_tenant_tx!(self, tx, conn => sqlx::query_as(
            "SELECT l.builder_tenant_id, b.commission_bp, c.name, l.project_id
             FROM customer_links l
             JOIN tenants b ON b.id = l.builder_tenant_id
             JOIN tenants c ON c.id = l.customer_tenant_id
             WHERE l.customer_tenant_id = $1 AND l.status = 'active'
             ORDER BY l.builder_tenant_id",
        )
        .bind(self.tenant)
        .fetch_all(&mut **conn)
        .await)?;
        Ok(rows
            .into_iter()
            .filter_map(|(builder, bp, customer_name, project)| {
                let rate = Rate::from_basis_points(u32::try_from(bp).ok()?).ok()?;
                Some(ActiveBuilder {
                    builder,
                    rate,
                    customer_name,
                    project,
                })
            })
            .collect())
    }

    /// Attributes one of this organization's invoices to a builder.
    #[instrument(skip_all, fields(tenant = %self.tenant, builder = %new.builder))]
    pub async fn insert_commission(&self, tx: &mut Tx, new: &NewCommission<'_>) -> Result<()> {
        on_tenant_tx!(self, tx, conn => sqlx::query(
            "INSERT INTO commissions (invoice_id, builder_tenant_id, customer_tenant_id, customer_name,
                                      period, currency, revenue_minor, rate_bp, amount_minor, created_at,
                                      project_id)
             VALUES ($1, $2, $3, $10, $4, $5, $6, $7, $8, $9, $11)",
        )
        .bind(new.invoice)
        .bind(new.builder)
        .bind(self.tenant)
        .bind(new.period.to_string())
        .bind(new.revenue.currency)
        .bind(new.revenue.minor)
        .bind(i32::try_from(new.rate.basis_points()).unwrap_or(0))
        .bind(new.amount.minor)
        .bind(new.at)
        .bind(new.customer_name)
        .bind(new.project)
        .execute(&mut **conn)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// This builder's commission rate now.
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn commission_rate(&self) -> Result<Rate> {
        let bp: i32 = with_tenant_reader!(self, pool => sqlx::query_scalar(
            "SELECT commission_bp FROM tenants WHERE id = $1",
        )
        .bind(self.tenant)
        .fetch_one(pool)
        .await)?;
        Ok(Rate::from_basis_points(u32::try_from(bp).unwrap_or(0)).unwrap_or(Rate::ZERO))
    }

    /// What this builder's customers' invoices brought it: per month (from `since` on, oldest
    /// first) and per customer (all time, most first), each per currency.
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn commissions(
        &self,
        since: Period,
    ) -> Result<(Vec<RevenueMonth>, Vec<CustomerRevenue>)> {
        let (months, customers): (Vec<MonthRow>, Vec<CustomerRow>) = with_tenant_reader!(self, conn => {
            let months = sqlx::query_as(
                "SELECT period, currency, CAST(SUM(revenue_minor) AS BIGINT) AS revenue,
                            CAST(SUM(amount_minor) AS BIGINT) AS commission, COUNT(*) AS invoices
                     FROM commissions WHERE builder_tenant_id = $1 AND period >= $2
                     GROUP BY period, currency ORDER BY period, currency",
            )
            .bind(self.tenant)
            .bind(since.to_string())
            .fetch_all(&mut *conn)
            .await;
            match months {
                Err(e) => Err(e),
                Ok(months) => sqlx::query_as(
                    "SELECT MAX(customer_name) AS name, currency,
                            CAST(SUM(revenue_minor) AS BIGINT) AS revenue,
                            CAST(SUM(amount_minor) AS BIGINT) AS commission, COUNT(*) AS invoices
                     FROM commissions WHERE builder_tenant_id = $1
                     GROUP BY customer_tenant_id, currency ORDER BY revenue DESC, name",
                )
                .bind(self.tenant)
                .fetch_all(&mut *conn)
                .await
                .map(|customers| (months, customers)),
            }
        })?;
        let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
        Ok((
            months.into_iter().filter_map(MonthRow::month).collect(),
            customers
                .into_iter()
                .map(|c| CustomerRevenue {
                    name: c.name,
                    revenue: Money::new(c.revenue, c.currency),
                    commission: Money::new(c.commission, c.currency),
                    invoices: count(c.invoices),
                })
                .collect(),
        ))
    }
}

impl MonthRow {
    fn month(self) -> Option<RevenueMonth> {
        Some(RevenueMonth {
            period: Period::parse(&self.period).ok()?,
            revenue: Money::new(self.revenue, self.currency),
            commission: Money::new(self.commission, self.currency),
            invoices: u32::try_from(self.invoices).unwrap_or(u32::MAX),
        })
    }
}

/// A builder's links and deployments, counted by status.
#[derive(Clone, Copy, Debug, sqlx::FromRow)]
pub struct BuilderCounts {
    pub builder: TenantId,
    pub active_customers: i64,
    pub waiting_customers: i64,
    pub live_deployments: i64,
    pub open_deployments: i64,
}

impl PlatformData<'_> {
    /// Every builder's customers (active and waiting links) and deployments (live, and not
    /// retired), in one grouped read.
    #[instrument(skip_all)]
    pub async fn builder_counts(&self) -> Result<Vec<BuilderCounts>> {
        let sql = format!(
            "SELECT t.id AS builder,
                    (SELECT COUNT(*) FROM customer_links l
                     WHERE l.builder_tenant_id = t.id AND l.status = 'active') AS active_customers,
                    (SELECT COUNT(*) FROM customer_links l
                     WHERE l.builder_tenant_id = t.id AND l.status = 'pending') AS waiting_customers,
                    (SELECT COUNT(*) FROM implementations i
                     WHERE i.tenant_id = t.id AND i.status = 'live') AS live_deployments,
                    (SELECT COUNT(*) FROM implementations i
                     WHERE i.tenant_id = t.id AND i.status <> 'retired') AS open_deployments
             FROM tenants t WHERE t.variant IN ({})",
            super::platform::builder_variants()
        );
        Ok(
            with_reader!(self.store, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .fetch_all(pool)
            .await)?,
        )
    }

    /// What every builder's customers' invoices brought it per month from `since` on
    /// (oldest first), per currency.
    #[instrument(skip_all)]
    pub async fn builder_months(&self, since: Period) -> Result<Vec<(TenantId, RevenueMonth)>> {
        let rows: Vec<MonthRow> = with_reader!(self.store, pool => sqlx::query_as(
            "SELECT builder_tenant_id AS builder, period, currency,
                    CAST(SUM(revenue_minor) AS BIGINT) AS revenue,
                    CAST(SUM(amount_minor) AS BIGINT) AS commission, COUNT(*) AS invoices
             FROM commissions WHERE period >= $1
             GROUP BY builder_tenant_id, period, currency ORDER BY period, currency",
        )
        .bind(since.to_string())
        .fetch_all(pool)
        .await)?;
        Ok(rows
            .into_iter()
            .filter_map(|row| Some((row.builder?, row.month()?)))
            .collect())
    }
}
