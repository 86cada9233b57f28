//! Plans and usage: what a workspace's plan allows, the one metering path every metered
//! action goes through ([`usage::record`]), and changes of plan by owners and super admins.

pub mod api_calls;
pub mod plans;
pub mod usage;

use shared::billing::{Limits, Plan, PlanTier};

use crate::error::Result;
use crate::storage::{Store, TenantData};

/// A workspace's plan and the limits enforced on it (the plan's, with its overrides).
pub struct Entitlement {
    pub plan: Plan,
    pub limits: Limits,
}

/// The stored plan of `tier` (falling back to the defaults if a row went missing).
pub(crate) async fn plan_of(store: &Store, tier: PlanTier) -> Result<Plan> {
    let plans = store.plans().await?;
    Ok(plans
        .into_iter()
        .find(|p| p.tier == tier)
        .or_else(|| Plan::defaults().into_iter().find(|p| p.tier == tier))
        .unwrap_or_else(|| Plan::defaults().remove(0)))
}

/// What `data`'s workspace is entitled to now.
pub(crate) async fn entitlement(data: &TenantData<'_>) -> Result<Entitlement> {
    let tier = data.plan_tier().await?;
    let plan = plan_of(data.store, tier).await?;
    let overrides = data.limit_overrides().await?;
    let limits = plan.limits.with_overrides(&overrides);
    Ok(Entitlement { plan, limits })
}
