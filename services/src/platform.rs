//! The super admin's view of the platform.

use chrono::TimeDelta;
use shared::AppError;
use shared::permissions::Permission;
use shared::personas::Persona;
use shared::platform::{OutboxView, TenantStatus};
use shared::slug::Slug;
use shared::tenants::{ActivePeople, PlatformOverview};
use tracing::instrument;

use crate::audit::{self, actions};
use crate::authz::{self, Caller};
use crate::client::ClientInfo;
use crate::error::Result;
use crate::state::Services;

#[instrument(skip_all)]
pub async fn overview(svc: &Services, caller: &Caller) -> Result<PlatformOverview> {
    let access = authz::enter_platform(caller)?;
    authz::require(&access, Permission::PlatformView)?;
    let data = svc.store().platform(&access);
    let now = crate::time::now();
    let counts = data.persona_counts().await?;
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    let (day, week, month) = data
        .active_people(
            now - TimeDelta::days(1),
            now - TimeDelta::days(7),
            now - TimeDelta::days(30),
        )
        .await?;
    Ok(PlatformOverview {
        tenants: data.tenants().await?,
        users_total: count(counts.total),
        users_by_persona: vec![
            (Persona::SuperAdmin, count(counts.super_admins)),
            (Persona::Builder, count(counts.builders)),
            (Persona::EndUser, count(counts.end_users)),
        ],
        active_sessions: count(
            svc.store()
                .count_live_sessions(now, now - svc.settings().idle_timeout())
                .await?,
        ),
        sign_ins_last_day: count(
            data.count_audit_since(actions::SIGN_IN, now - TimeDelta::days(1))
                .await?,
        ),
        active_people: ActivePeople {
            day: count(day),
            week: count(week),
            month: count(month),
        },
    })
}

/// Suspends or reactivates a tenant. Nothing is deleted: members see a clear page until it
/// is reactivated.
#[instrument(skip_all, fields(slug, ?status))]
pub async fn set_tenant_status(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    status: TenantStatus,
) -> Result<()> {
    let access = authz::enter_platform(caller)?;
    authz::require(&access, Permission::TenantsManage)?;
    let data = svc.store().platform(&access);
    let slug =
        Slug::parse(slug).map_err(|_| AppError::not_found(format!("The tenant “{slug}”")))?;
    let tenant = data
        .tenant_by_slug(&slug)
        .await?
        .ok_or_else(|| AppError::not_found(format!("The tenant “{slug}”")))?;
    if tenant.status == status {
        return Ok(());
    }
    let action = match status {
        TenantStatus::Suspended => actions::TENANT_SUSPENDED,
        TenantStatus::Active => actions::TENANT_REACTIVATED,
    };
    let mut tx = svc.store().begin().await?;
    data.set_tenant_status(&mut tx, tenant.id, status, crate::time::now())
        .await?;
    tx.audit(&audit::entry(
        action,
        Some(caller.user_id),
        Some(tenant.id),
        Some(slug.to_string()),
        client,
        serde_json::json!({ "name": tenant.name }),
    ))
    .await?;
    tx.commit().await
}

/// Sets what the builder workspace `slug` earns of its customers' invoices from now on
/// (commissions already attributed keep the rate of their day).
#[instrument(skip_all, fields(slug))]
pub async fn set_commission_rate(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    rate: shared::customers::CommissionRate,
) -> Result<()> {
    let access = authz::enter_platform(caller)?;
    authz::require(&access, Permission::PlansManage)?;
    let data = svc.store().platform(&access);
    let missing = || AppError::not_found(format!("The tenant “{slug}”"));
    let slug = Slug::parse(slug).map_err(|_| missing())?;
    let tenant = data.tenant_by_slug(&slug).await?.ok_or_else(missing)?;
    if tenant.variant.persona() != Persona::Builder {
        return Err(AppError::invalid(
            "rate",
            format!(
                "{} is not a builder workspace: only builders earn commissions.",
                tenant.name
            ),
        )
        .into());
    }
    let mut tx = svc.store().begin().await?;
    data.set_commission_rate(&mut tx, tenant.id, rate).await?;
    tx.audit(&audit::entry(
        actions::COMMISSION_RATE_CHANGED,
        Some(caller.user_id),
        Some(tenant.id),
        Some(slug.to_string()),
        client,
        serde_json::json!({ "rate_bp": rate.basis_points() }),
    ))
    .await?;
    tx.commit().await
}

/// The emails kept while no SMTP server is configured, newest first.
#[instrument(skip_all)]
pub async fn outbox(svc: &Services, caller: &Caller) -> Result<Vec<OutboxView>> {
    let access = authz::enter_platform(caller)?;
    authz::require(&access, Permission::OutboxRead)?;
    let rows = svc.store().platform(&access).outbox(100).await?;
    Ok(rows
        .into_iter()
        .map(|row| OutboxView {
            id: row.id,
            created_at: row.created_at,
            recipient: row.recipient,
            subject: row.subject,
            body: row.body,
        })
        .collect())
}
