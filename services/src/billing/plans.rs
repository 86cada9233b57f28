//! The "Plan & usage" page, changes of plan by a workspace's owner, and the super admin's
//! plan editor with per-tenant overrides.

use chrono::{Datelike as _, Days};
use shared::billing::{
    BillingPage, Feature, FeatureSwitch, LimitOverride, Metric, Plan, PlanTier, PlansAdminPage,
    TenantPlanRow, check_fits, next_period_start, period_of,
};
use shared::live::Change;
use shared::permissions::Permission;
use tracing::instrument;

use super::{Entitlement, entitlement, plan_of};
use crate::audit::{self, actions};
use crate::authz::{self, Caller, PlatformAccess};
use crate::client::ClientInfo;
use crate::error::Result;
use crate::state::Services;
use crate::storage::{TenantData, Tx};

/// Days of history the usage chart shows.
const HISTORY_DAYS: u64 = 30;

#[instrument(skip_all, fields(slug))]
pub async fn page(svc: &Services, caller: &Caller, slug: &str) -> Result<BillingPage> {
    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    authz::require(&access, Permission::BillingView)?;
    let now = crate::time::now();
    let period = period_of(now);
    let plans = svc.store().plans().await?;
    let today = now.date_naive();
    let since = today
        .checked_sub_days(Days::new(HISTORY_DAYS - 1))
        .unwrap_or(today);
    let month_start = today.with_day0(0).unwrap_or(today);
    let rows = svc
        .store()
        .tenant(&access)
        .usage_page_rows(now, &period, since, month_start, super::credits::SHOWN)
        .await?;
    let counts = rows.counts;
    let ent = Entitlement::of(&plans, counts.plan, &counts.overrides, &counts.features);
    let (history, costs) = rows.report.in_currency(ent.plan.price.currency)?;
    let credits = super::credits::view(rows.credit_balance, rows.credit_entries);
    let invoices = rows.invoices;
    let meters = super::meters(&ent.limits, &counts, access.tenant().variant.persona());
    Ok(BillingPage {
        tenant: access.tenant().clone(),
        limits: ent.limits,
        plan: ent.plan,
        overrides: counts.overrides,
        meters,
        plans: plans.to_vec(),
        history,
        costs,
        can_change_plan: access.role().can(Permission::PlanChange),
        period,
        resets_on: next_period_start(now),
        credits,
        invoices,
        can_pay: access.role().can(Permission::InvoicesPay),
        payment_provider: svc.payments().name().to_owned(),
        payment_methods: svc
            .payments()
            .methods()
            .into_iter()
            .map(|(value, label)| (value.to_owned(), label.to_owned()))
            .collect(),
    })
}

/// The owner moves the workspace to `tier`; refused when what it has does not fit.
#[instrument(skip_all, fields(slug, %tier))]
pub async fn change(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    tier: PlanTier,
) -> Result<()> {
    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    authz::require(&access, Permission::PlanChange)?;
    let data = svc.store().tenant(&access);
    move_to(svc, &data, caller, client, tier).await
}

/// Moves a tenant to `tier` (for its owner, or a super admin), checking that it fits.
async fn move_to(
    svc: &Services,
    data: &TenantData<'_>,
    caller: &Caller,
    client: &ClientInfo,
    tier: PlanTier,
) -> Result<()> {
    let current = entitlement(data).await?;
    if current.plan.tier == tier {
        return Ok(());
    }
    let target = plan_of(svc.store(), tier).await?;
    let overrides = data.limit_overrides().await?;
    let mut tx = svc.store().begin().await?;
    data.lock_for_member_change(&mut tx).await?;
    let seats = data.seats_taken(&mut tx, crate::time::now()).await?;
    let widgets = data.count_widgets(&mut tx).await?;
    check_fits(
        &target.limits.with_overrides(&overrides),
        tier,
        &[(Metric::Members, seats), (Metric::Widgets, widgets)],
    )?;
    tx.set_plan_tier(data.tenant, tier).await?;
    tx.audit(&audit::entry(
        actions::PLAN_CHANGED,
        Some(caller.user_id),
        Some(data.tenant),
        Some(tier.as_str().to_owned()),
        client,
        serde_json::json!({ "before": current.plan.tier, "after": tier }),
    ))
    .await?;
    tx.publish(data.tenant, Change::Plan { tier }).await?;
    tx.commit().await
}

/// The super admin's plans page.
#[instrument(skip_all)]
pub async fn admin_page(svc: &Services, caller: &Caller) -> Result<PlansAdminPage> {
    let access = authz::enter_platform(caller)?;
    authz::require(&access, Permission::PlansManage)?;
    let data = svc.store().platform(&access);
    let (plans, tenants, tiers, balances) = tokio::try_join!(
        svc.store().plans(),
        data.tenants(),
        data.tenant_plans(),
        data.credit_balances()
    )?;
    let tenants = tenants
        .into_iter()
        .filter_map(|row| {
            let (_, tier, overrides) = tiers.iter().find(|(id, ..)| *id == row.tenant.id)?;
            let credits = balances
                .iter()
                .find(|(id, _)| *id == row.tenant.id)
                .map_or(0, |(_, b)| *b);
            Some(TenantPlanRow {
                tenant: row.tenant,
                tier: *tier,
                overrides: overrides.clone(),
                credits: shared::billing::Money::new(credits, shared::billing::Currency::Usd),
            })
        })
        .collect();
    Ok(PlansAdminPage {
        plans: plans.to_vec(),
        tenants,
    })
}

/// A super admin edits a plan: every workspace on it gets the new limits at once.
#[instrument(skip_all, fields(tier = %plan.tier))]
pub async fn edit_plan(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    plan: &Plan,
) -> Result<()> {
    let access = authz::enter_platform(caller)?;
    authz::require(&access, Permission::PlansManage)?;
    plan.validate()?;
    let before = plan_of(svc.store(), plan.tier).await?;
    let mut tx = svc.store().begin().await?;
    svc.store()
        .platform(&access)
        .update_plan(&mut tx, plan, crate::time::now())
        .await?;
    tx.audit(&audit::entry(
        actions::PLAN_EDITED,
        Some(caller.user_id),
        None,
        Some(plan.tier.as_str().to_owned()),
        client,
        serde_json::json!({ "before": before, "after": plan }),
    ))
    .await?;
    tx.commit().await
}

/// Resolves the tenant a super admin names by slug.
pub(super) async fn platform_tenant<'a>(
    svc: &'a Services,
    access: &PlatformAccess,
    slug: &str,
) -> Result<TenantData<'a>> {
    let tenant = svc.store().platform(access).tenant_named(slug).await?;
    Ok(svc.store().tenant_from_platform(access, tenant.id))
}

/// A super admin puts a tenant on another plan.
#[instrument(skip_all, fields(slug, %tier))]
pub async fn set_tenant_plan(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    tier: PlanTier,
) -> Result<()> {
    let access = authz::enter_platform(caller)?;
    authz::require(&access, Permission::PlansManage)?;
    let data = platform_tenant(svc, &access, slug).await?;
    move_to(svc, &data, caller, client, tier).await
}

/// A super admin overrides one of a tenant's limits (`limit: None` removes the override;
/// `Some(None)` makes it unlimited).
#[instrument(skip_all, fields(slug, %metric))]
pub async fn set_override(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    metric: Metric,
    limit: Option<Option<u64>>,
) -> Result<()> {
    let access = authz::enter_platform(caller)?;
    authz::require(&access, Permission::PlansManage)?;
    let data = platform_tenant(svc, &access, slug).await?;
    let mut tx = svc.store().begin().await?;
    // Read inside the write, so the audit's "before" is what this change replaced.
    let before: Option<LimitOverride> = data
        .limit_overrides_in(&mut tx)
        .await?
        .into_iter()
        .find(|o| o.metric == metric);
    svc.store()
        .platform(&access)
        .set_limit_override(&mut tx, data.tenant, metric, limit, crate::time::now())
        .await?;
    audit_override(&mut tx, caller, client, &data, metric, before, limit).await?;
    let tier = data.plan_tier_in(&mut tx).await?;
    tx.publish(data.tenant, Change::Plan { tier }).await?;
    tx.commit().await?;
    svc.api_calls().recheck(data.tenant);
    Ok(())
}

/// A super admin switches features on or off for a tenant against its plan, or back to
/// what the plan says. Each change is audited and applies to the tenant's next request, API
/// calls included.
#[instrument(skip_all, fields(slug))]
pub async fn set_features(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    switches: &[(Feature, FeatureSwitch)],
) -> Result<()> {
    let access = authz::enter_platform(caller)?;
    authz::require(&access, Permission::PlansManage)?;
    let data = platform_tenant(svc, &access, slug).await?;
    let platform = svc.store().platform(&access);
    let now = crate::time::now();
    let mut tx = svc.store().begin().await?;
    // Read inside the write, so "before" (what is skipped and audited) is what it replaces.
    let before = data.feature_overrides_in(&mut tx).await?;
    for (feature, switch) in switches {
        let was = before.iter().find(|o| o.feature == *feature).map(|o| o.on);
        let after = switch.to_override();
        if was == after {
            continue;
        }
        platform
            .set_feature_override(&mut tx, data.tenant, *feature, after, now)
            .await?;
        tx.audit(&audit::entry(
            actions::FEATURE_OVERRIDDEN,
            Some(caller.user_id),
            Some(data.tenant),
            Some(feature.as_str().to_owned()),
            client,
            serde_json::json!({ "before": was, "after": after }),
        ))
        .await?;
    }
    let tier = data.plan_tier_in(&mut tx).await?;
    tx.publish(data.tenant, Change::Plan { tier }).await?;
    tx.commit().await?;
    svc.api_calls().recheck(data.tenant);
    Ok(())
}

async fn audit_override(
    tx: &mut Tx,
    caller: &Caller,
    client: &ClientInfo,
    data: &TenantData<'_>,
    metric: Metric,
    before: Option<LimitOverride>,
    after: Option<Option<u64>>,
) -> Result<()> {
    tx.audit(&audit::entry(
        actions::LIMIT_OVERRIDDEN,
        Some(caller.user_id),
        Some(data.tenant),
        Some(metric.as_str().to_owned()),
        client,
        serde_json::json!({
            "before": before.map(|o| o.limit),
            "after": after,
        }),
    ))
    .await
}
