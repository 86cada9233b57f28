//! Plans and usage: what a workspace's plan allows, the one metering path every metered
//! action goes through ([`usage::record`]), and changes of plan by owners and super admins.

pub mod api_calls;
pub mod credits;
pub mod invoices;
pub mod payments;
pub mod plans;
pub mod usage;

use shared::billing::{LimitOverride, Limits, Plan, PlanTier};

use crate::error::Result;
use crate::storage::{Store, TenantData};

/// A workspace's plan and the limits enforced on it (the plan's, with its overrides).
pub struct Entitlement {
    pub plan: Plan,
    pub limits: Limits,
}

impl Entitlement {
    /// The entitlement of a workspace on `tier` with `overrides`, from the stored plans.
    pub(crate) fn of(plans: &[Plan], tier: PlanTier, overrides: &[LimitOverride]) -> Self {
        let plan = pick(plans, tier);
        let limits = plan.limits.with_overrides(overrides);
        Self { plan, limits }
    }
}

/// The plan of `tier` among `plans` (falling back to the defaults if a row went missing).
fn pick(plans: &[Plan], tier: PlanTier) -> Plan {
    plans
        .iter()
        .find(|p| p.tier == tier)
        .cloned()
        .or_else(|| Plan::defaults().into_iter().find(|p| p.tier == tier))
        .unwrap_or_else(|| Plan::defaults().remove(0))
}

/// The stored plan of `tier`.
pub(crate) async fn plan_of(store: &Store, tier: PlanTier) -> Result<Plan> {
    Ok(pick(&store.plans().await?, tier))
}

/// What `data`'s workspace is entitled to now.
pub(crate) async fn entitlement(data: &TenantData<'_>) -> Result<Entitlement> {
    let (tier, overrides, plans) =
        tokio::try_join!(data.plan_tier(), data.limit_overrides(), data.store.plans())?;
    Ok(Entitlement::of(&plans, tier, &overrides))
}
