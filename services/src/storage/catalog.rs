//! The service catalog and each tenant's activations.
//!
//! A request is one upsert: it inserts the tenant's activation, or brings a cancelled one
//! back to "requested", and touches nothing otherwise — so two admins requesting at once
//! get one activation and one clear refusal. A status change is conditional on the status it
//! was decided from, so concurrent changes cannot skip a state.

use chrono::{DateTime, Utc};
use shared::billing::{Currency, Money, PlanTier};
use shared::catalog::{
    Activation, ActivationStatus, AdminActivation, Service, ServiceInput, ServiceUnit,
};
use shared::ids::{ActivationId, ServiceId, TenantId, UserId};
use shared::names::{PersonName, ServiceName};
use shared::tenants::TenantSummary;
use tracing::instrument;

use super::{
    PlatformData, Store, TenantData, Tx, on_tenant_tx, on_tx, with_reader, with_tenant_reader,
};
use crate::error::Result;

const SERVICE_COLUMNS: &str = "id, name, description, price_minor, currency, unit, tiers, offered";

type ServiceRow = (
    ServiceId,
    ServiceName,
    String,
    i64,
    Currency,
    ServiceUnit,
    String,
    bool,
);

fn service_from(row: ServiceRow) -> Service {
    let (id, name, description, price, currency, unit, tiers, offered) = row;
    Service {
        id,
        name,
        description,
        price: Money::new(price, currency),
        unit,
        tiers: tiers
            .split(',')
            .filter_map(|t| t.parse::<PlanTier>().ok())
            .collect(),
        offered,
    }
}

fn tiers_text(tiers: &[PlanTier]) -> String {
    tiers
        .iter()
        .map(|t| t.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// A service's columns in the order both the insert and the edit bind them ($1–$9).
macro_rules! bind_service {
    ($sql:expr, $id:expr, $input:expr, $at:expr) => {
        sqlx::query($sql)
            .bind($id)
            .bind(&$input.name)
            .bind(&$input.description)
            .bind($input.price.minor)
            .bind($input.price.currency)
            .bind($input.unit)
            .bind(tiers_text(&$input.tiers))
            .bind($input.offered)
            .bind($at)
    };
}

#[derive(sqlx::FromRow)]
struct ActivationRow {
    id: ActivationId,
    service_id: ServiceId,
    status: ActivationStatus,
    requested_by_name: Option<PersonName>,
    requested_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct AdminActivationRow {
    #[sqlx(flatten)]
    tenant: TenantSummary,
    activation_id: ActivationId,
    service_id: ServiceId,
    service_name: ServiceName,
    activation_status: ActivationStatus,
    requested_by_name: Option<PersonName>,
    requested_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

async fn insert(
    tx: &mut Tx,
    id: ServiceId,
    input: &ServiceInput,
    at: DateTime<Utc>,
) -> Result<bool> {
    Ok(on_tx!(tx, conn => bind_service!(
        "INSERT INTO services (id, name, description, price_minor, currency, unit, tiers, offered, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) ON CONFLICT (name) DO NOTHING",
        id, input, at
    )
    .execute(&mut **conn)
    .await
    .map(|done| done.rows_affected() == 1))?)
}

impl Store {
    /// Adds a starting catalog at first start (the demo's), keeping any service of the
    /// same name; setup, like the default plans, not a request.
    #[instrument(skip_all)]
    pub async fn install_catalog(
        &self,
        services: &[ServiceInput],
        at: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.begin().await?;
        for input in services {
            insert(
                &mut tx,
                ServiceId::from_uuid(uuid::Uuid::now_v7()),
                input,
                at,
            )
            .await?;
        }
        tx.commit().await
    }

    /// Every service, offered or retired, by name (the catalog is the platform's, the same
    /// for every tenant).
    #[instrument(skip_all)]
    pub async fn catalog(&self) -> Result<Vec<Service>> {
        let sql = format!("SELECT {SERVICE_COLUMNS} FROM services ORDER BY name");
        let rows: Vec<ServiceRow> = with_reader!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .fetch_all(pool)
            .await)?;
        Ok(rows.into_iter().map(service_from).collect())
    }

    #[instrument(skip_all, fields(service = %id))]
    pub async fn service(&self, id: ServiceId) -> Result<Option<Service>> {
        let sql = format!("SELECT {SERVICE_COLUMNS} FROM services WHERE id = $1");
        let row: Option<ServiceRow> = with_reader!(self, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(id)
            .fetch_optional(pool)
            .await)?;
        Ok(row.map(service_from))
    }

    /// [`Store::service`] read inside `tx` (a read from the pool there could wait for a
    /// connection that other open transactions hold).
    #[instrument(skip_all, fields(%id))]
    pub async fn service_in(&self, tx: &mut Tx, id: ServiceId) -> Result<Option<Service>> {
        let sql = format!("SELECT {SERVICE_COLUMNS} FROM services WHERE id = $1");
        let row: Option<ServiceRow> = on_tx!(tx, conn => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(id)
            .fetch_optional(&mut **conn)
            .await)?;
        Ok(row.map(service_from))
    }
}

impl PlatformData<'_> {
    /// Adds a service; `false` when another already has its name.
    #[instrument(skip_all)]
    pub async fn insert_service(
        &self,
        tx: &mut Tx,
        id: ServiceId,
        input: &ServiceInput,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        insert(tx, id, input, at).await
    }

    /// Changes a service; `false` when it does not exist or another service took its name
    /// meanwhile (the unique name refuses it).
    #[instrument(skip_all, fields(service = %id))]
    pub async fn update_service(
        &self,
        tx: &mut Tx,
        id: ServiceId,
        input: &ServiceInput,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        Ok(on_tx!(tx, conn => bind_service!(
            "UPDATE services SET name = $2, description = $3, price_minor = $4, currency = $5, unit = $6,
                    tiers = $7, offered = $8, updated_at = $9
             WHERE id = $1",
            id, input, at
        )
        .execute(&mut **conn)
        .await
        .map(|done| done.rows_affected() == 1)
        .or_else(|err| match err {
            sqlx::Error::Database(db) if db.is_unique_violation() => Ok(false),
            other => Err(other),
        }))?)
    }

    /// Whether another service than `except` is called `name`.
    #[instrument(skip_all)]
    pub async fn service_name_taken(&self, name: &ServiceName, except: ServiceId) -> Result<bool> {
        let n: i64 = with_reader!(self.store, pool => sqlx::query_scalar(
            "SELECT COUNT(*) FROM services WHERE name = $1 AND id <> $2",
        )
        .bind(name)
        .bind(except)
        .fetch_one(pool)
        .await)?;
        Ok(n > 0)
    }

    /// Every tenant's activations: open requests first, then the most recently changed.
    #[instrument(skip_all)]
    pub async fn activations(&self) -> Result<Vec<AdminActivation>> {
        let rows: Vec<AdminActivationRow> = with_reader!(self.store, pool => sqlx::query_as(
            "SELECT t.id, t.slug, t.name, t.variant, t.status,
                    a.id AS activation_id, a.service_id, s.name AS service_name,
                    a.status AS activation_status, u.name AS requested_by_name,
                    a.requested_at, a.updated_at
             FROM service_activations a
             JOIN tenants t ON t.id = a.tenant_id
             JOIN services s ON s.id = a.service_id
             LEFT JOIN users u ON u.id = a.requested_by
             ORDER BY CASE a.status WHEN 'requested' THEN 0 ELSE 1 END, a.updated_at DESC
             LIMIT 500",
        )
        .fetch_all(pool)
        .await)?;
        Ok(rows
            .into_iter()
            .map(|r| AdminActivation {
                id: r.activation_id,
                tenant: r.tenant,
                service: r.service_id,
                service_name: r.service_name,
                status: r.activation_status,
                requested_by: r.requested_by_name,
                requested_at: r.requested_at,
                updated_at: r.updated_at,
            })
            .collect())
    }

    /// The tenant an activation belongs to.
    #[instrument(skip_all, fields(activation = %id))]
    pub async fn activation_tenant(&self, id: ActivationId) -> Result<Option<TenantId>> {
        Ok(with_reader!(self.store, pool => sqlx::query_scalar(
            "SELECT tenant_id FROM service_activations WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(pool)
        .await)?)
    }
}

impl TenantData<'_> {
    /// This tenant's activations, one per service it ever requested.
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn activations(&self) -> Result<Vec<Activation>> {
        let rows: Vec<ActivationRow> = with_tenant_reader!(self, pool => sqlx::query_as(
            "SELECT a.id, a.service_id, a.status, u.name AS requested_by_name, a.requested_at, a.updated_at
             FROM service_activations a LEFT JOIN users u ON u.id = a.requested_by
             WHERE a.tenant_id = $1",
        )
        .bind(self.tenant)
        .fetch_all(pool)
        .await)?;
        Ok(rows.into_iter().map(activation_from).collect())
    }

    /// One of this tenant's activations, read inside `tx` (for a decision about it).
    #[instrument(skip_all, fields(tenant = %self.tenant, activation = %id))]
    pub async fn activation(&self, tx: &mut Tx, id: ActivationId) -> Result<Option<Activation>> {
        let row: Option<ActivationRow> = on_tenant_tx!(self, tx, conn => sqlx::query_as(
            "SELECT a.id, a.service_id, a.status, u.name AS requested_by_name, a.requested_at, a.updated_at
             FROM service_activations a LEFT JOIN users u ON u.id = a.requested_by
             WHERE a.tenant_id = $1 AND a.id = $2",
        )
        .bind(self.tenant)
        .bind(id)
        .fetch_optional(&mut **conn)
        .await)?;
        Ok(row.map(activation_from))
    }

    /// Requests `service` for this tenant: a new activation, or a cancelled one brought back.
    /// `None` when the tenant already has it requested, active or suspended.
    #[instrument(skip_all, fields(tenant = %self.tenant, service = %service))]
    pub async fn request_service(
        &self,
        tx: &mut Tx,
        service: ServiceId,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<Option<ActivationId>> {
        Ok(on_tenant_tx!(self, tx, conn => sqlx::query_scalar(
            "INSERT INTO service_activations (id, tenant_id, service_id, status, requested_by, requested_at, updated_at)
             VALUES ($1, $2, $3, 'requested', $4, $5, $5)
             ON CONFLICT (tenant_id, service_id) DO UPDATE
                SET status = 'requested', requested_by = excluded.requested_by,
                    requested_at = excluded.requested_at, updated_at = excluded.updated_at
                WHERE service_activations.status = 'cancelled'
             RETURNING id",
        )
        .bind(ActivationId::from_uuid(uuid::Uuid::now_v7()))
        .bind(self.tenant)
        .bind(service)
        .bind(by)
        .bind(at)
        .fetch_optional(&mut **conn)
        .await)?)
    }

    /// Moves an activation from `from` to `to`; `false` when it is no longer `from`.
    #[instrument(skip_all, fields(tenant = %self.tenant, activation = %id, %to))]
    pub async fn set_activation_status(
        &self,
        tx: &mut Tx,
        id: ActivationId,
        from: ActivationStatus,
        to: ActivationStatus,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        Ok(on_tenant_tx!(self, tx, conn => sqlx::query(
            "UPDATE service_activations SET status = $4, updated_at = $5
             WHERE tenant_id = $1 AND id = $2 AND status = $3",
        )
        .bind(self.tenant)
        .bind(id)
        .bind(from)
        .bind(to)
        .bind(at)
        .execute(&mut **conn)
        .await
        .map(|done| done.rows_affected() == 1))?)
    }
}

fn activation_from(r: ActivationRow) -> Activation {
    Activation {
        id: r.id,
        service: r.service_id,
        status: r.status,
        requested_by: r.requested_by_name,
        requested_at: r.requested_at,
        updated_at: r.updated_at,
    }
}
