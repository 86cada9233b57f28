//! Metering: every metered action is recorded here, against its quota, in one transaction.
//!
//! Monthly quotas (API calls, tokens) are consumed atomically before the action counts: an
//! action that does not fit is refused with the limit and the way up, and nothing is
//! counted. Standing limits (members) are checked against what exists, inside the
//! transaction that would add one. Crossing 80 % and 100 % tells the owners and admins once a
//! month, and every change reaches open usage pages live.

use shared::AppError;
use shared::billing::{Metric, UsageLevel, UsageRecorded, UsageReport, period_of, quota_message};
use shared::ids::{NotificationId, UserId};
use shared::live::Change;
use shared::permissions::Permission;
use shared::security::NotificationKind;
use tracing::instrument;

use super::{Entitlement, entitlement, entitlement_in};
use crate::authz::{self, Caller, TenantAccess};
use crate::error::Result;
use crate::state::Services;
use crate::storage::billing::NewUsage;
use crate::storage::notifications::NewNotification;
use crate::storage::{TenantData, Tx};

/// Records `report` for the workspace `access` admits to, consuming its quota.
#[instrument(skip_all, fields(tenant = %access.tenant_id(), metric = %report.metric))]
pub async fn record(
    svc: &Services,
    access: &TenantAccess,
    user: Option<UserId>,
    report: &UsageReport,
) -> Result<UsageRecorded> {
    report.validate()?;
    let data = svc.store().tenant(access);
    let Entitlement { plan, limits, .. } = entitlement(&data).await?;
    let limit = limits.of(report.metric);
    let now = crate::time::now();
    let period = period_of(now);
    let mut tx = svc.store().begin().await?;
    let Some(used) = data
        .consume_quota(&mut tx, report.metric, &period, report.quantity, limit)
        .await?
    else {
        metrics::counter!("atrium_quota_refused_total", "metric" => report.metric.as_str())
            .increment(1);
        return Err(AppError::quota_exceeded(quota_message(
            report.metric,
            limit.unwrap_or(0),
            plan.tier,
        ))
        .into());
    };
    // The reporting person's own key for the provider, when they keep one, is the one used.
    let own_key = match (user, report.provider.as_deref()) {
        (Some(user), Some(provider)) => {
            crate::vault::key_for(&mut tx, &data, user, provider).await?
        }
        _ => None,
    };
    data.record_usage(
        &mut tx,
        &NewUsage {
            vault_key: own_key.as_ref().map(|(id, _)| *id),
            user,
            metric: report.metric,
            quantity: report.quantity,
            service: report.service.as_deref(),
            provider: report.provider.as_deref(),
            cost_minor: report.cost_minor,
            at: now,
        },
    )
    .await?;
    let what = match (&report.provider, &report.service) {
        (Some(provider), _) => format!(
            "{} {} via {provider}",
            report.quantity,
            report.metric.as_str()
        ),
        (None, Some(service)) => format!(
            "{} {} for {service}",
            report.quantity,
            report.metric.as_str()
        ),
        (None, None) => format!("{} {}", report.quantity, report.metric.as_str()),
    };
    // On the person's own key the provider bills them directly; only the platform's key
    // costs are the organization's to pay, from credits first and then on the invoice.
    let billed_cost = if own_key.is_some() {
        0
    } else {
        report.cost_minor
    };
    let credits_used = super::credits::consume(&data, &mut tx, billed_cost, user, &what).await?;
    let level = UsageLevel::of(used, limit);
    warn_once(
        &data,
        &mut tx,
        access,
        report.metric,
        &period,
        level,
        used,
        limit,
    )
    .await?;
    tx.publish(
        access.tenant_id(),
        Change::Usage {
            metric: report.metric,
            used,
        },
    )
    .await?;
    tx.commit().await?;
    metrics::counter!("atrium_usage_recorded_total", "metric" => report.metric.as_str())
        .increment(report.quantity);
    Ok(UsageRecorded {
        metric: report.metric,
        used,
        limit,
        level,
        own_key: own_key.map(|(_, last_four)| last_four),
        credits_used_minor: credits_used,
    })
}

/// An integration reports usage for the workspace `slug` (the REST API's usage endpoint).
#[instrument(skip_all, fields(slug))]
pub async fn report(
    svc: &Services,
    caller: &Caller,
    slug: &str,
    report: &UsageReport,
) -> Result<UsageRecorded> {
    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    authz::require(&access, Permission::UsageReport)?;
    record(svc, &access, Some(caller.user_id), report).await
}

/// Refuses adding `adding` seats (members or pending invitations) beyond the plan's
/// members limit; call inside the transaction that adds them.
pub(crate) async fn check_seats(data: &TenantData<'_>, tx: &mut Tx, adding: u64) -> Result<()> {
    // Concurrent invitations on PostgreSQL wait for each other here.
    data.lock_for_member_change(tx).await?;
    let Entitlement { plan, limits, .. } = entitlement_in(data, tx).await?;
    let Some(limit) = limits.of(Metric::Members) else {
        return Ok(());
    };
    let taken = data.seats_taken(tx, crate::time::now()).await?;
    if taken + adding > limit {
        metrics::counter!("atrium_quota_refused_total", "metric" => Metric::Members.as_str())
            .increment(1);
        return Err(
            AppError::quota_exceeded(quota_message(Metric::Members, limit, plan.tier)).into(),
        );
    }
    Ok(())
}

/// Refuses a new widget beyond the plan's widgets limit; call inside the transaction that
/// adds it (concurrent creations on PostgreSQL wait for each other on the tenant's row).
pub(crate) async fn check_widgets(data: &TenantData<'_>, tx: &mut Tx) -> Result<()> {
    data.lock_for_member_change(tx).await?;
    let Entitlement { plan, limits, .. } = entitlement_in(data, tx).await?;
    let Some(limit) = limits.of(Metric::Widgets) else {
        return Ok(());
    };
    if data.count_widgets(tx).await? >= limit {
        metrics::counter!("atrium_quota_refused_total", "metric" => Metric::Widgets.as_str())
            .increment(1);
        return Err(
            AppError::quota_exceeded(quota_message(Metric::Widgets, limit, plan.tier)).into(),
        );
    }
    Ok(())
}

/// Tells the owners and admins the first time this month a meter reaches 80 % or 100 %.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn warn_once(
    data: &TenantData<'_>,
    tx: &mut Tx,
    access: &TenantAccess,
    metric: Metric,
    period: &str,
    level: UsageLevel,
    used: u64,
    limit: Option<u64>,
) -> Result<()> {
    let Some(limit) = limit else {
        return Ok(());
    };
    if level == UsageLevel::Normal {
        return Ok(());
    }
    let now = crate::time::now();
    if !data
        .raise_usage_alert(tx, metric, period, level, now)
        .await?
    {
        return Ok(());
    }
    let name = &access.tenant().name;
    let (title, body) = match level {
        UsageLevel::Reached => (
            format!("{name} has used all its {} this month", metric.label()),
            format!(
                "{} of {} {} used. Further use is refused until next month or an upgrade (Plan & usage).",
                shared::billing::group_digits(used),
                shared::billing::group_digits(limit),
                metric.label()
            ),
        ),
        _ => (
            format!("{name} is at 80 % of its {} this month", metric.label()),
            format!(
                "{} of {} {} used. Consider upgrading under Plan & usage before it runs out.",
                shared::billing::group_digits(used),
                shared::billing::group_digits(limit),
                metric.label()
            ),
        ),
    };
    for user in data.billing_contacts(tx).await? {
        tx.notify(&NewNotification {
            id: NotificationId::from_uuid(uuid::Uuid::now_v7()),
            user_id: user,
            kind: NotificationKind::UsageWarning,
            title: title.clone(),
            body: body.clone(),
            created_at: now,
        })
        .await?;
    }
    Ok(())
}
