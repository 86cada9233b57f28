//! Plans and usage: what a workspace's plan allows, the one metering path every metered
//! action goes through ([`usage::record`]), and changes of plan by owners and super admins.

pub mod api_calls;
pub mod credits;
pub mod invoices;
pub mod payments;
pub mod plans;
pub mod usage;

use shared::AppError;
use shared::billing::{
    Feature, FeatureOverride, Features, LimitOverride, Limits, Metric, Plan, PlanTier, UsageMeter,
};
use shared::personas::Persona;

use crate::error::Result;
use crate::storage::memberships::HomeCounts;
use crate::storage::{Store, TenantData, Tx};

/// The metrics counted against the plan (widgets only where they are made: builder
/// workspaces).
const METERED: &[Metric] = &[
    Metric::ApiCalls,
    Metric::Tokens,
    Metric::Members,
    Metric::Widgets,
];

/// A workspace's plan, and the limits and features enforced on it (the plan's, with its
/// overrides).
pub struct Entitlement {
    pub plan: Plan,
    pub limits: Limits,
    pub features: Features,
}

impl Entitlement {
    /// The entitlement of a workspace on `tier` with its limit and feature overrides, from
    /// the stored plans.
    pub(crate) fn of(
        plans: &[Plan],
        tier: PlanTier,
        overrides: &[LimitOverride],
        features: &[FeatureOverride],
    ) -> Self {
        let plan = pick(plans, tier);
        let limits = plan.limits.with_overrides(overrides);
        let features = Features::of(&plan, plans, features);
        Self {
            plan,
            limits,
            features,
        }
    }

    /// Refuses what needs `feature` when the workspace does not have it, saying why (its
    /// plan, and the plan that has it; or the operators switched it off).
    pub fn require(&self, feature: Feature) -> Result<()> {
        match self.features.refusal(feature) {
            Some(why) => Err(AppError::forbidden(why).into()),
            None => Ok(()),
        }
    }
}

/// This month's meters of a workspace whose dashboard is `persona`'s: each counted limit,
/// used against what is enforced.
pub(crate) fn meters(limits: &Limits, counts: &HomeCounts, persona: Persona) -> Vec<UsageMeter> {
    METERED
        .iter()
        .filter(|metric| **metric != Metric::Widgets || persona == Persona::Builder)
        .map(|metric| UsageMeter {
            metric: *metric,
            used: match metric {
                Metric::Members => counts.seats(),
                Metric::Widgets => counts.widgets,
                _ => counts
                    .used
                    .iter()
                    .find(|(m, _)| m == metric)
                    .map_or(0, |(_, used)| *used),
            },
            limit: limits.of(*metric),
        })
        .collect()
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

/// What `data`'s workspace is entitled to, read inside `tx`: call it after the tenant lock,
/// so a plan change is wholly before or after the check. (A read from the pool there could
/// wait for a connection that other transactions, queued on the same lock, hold.)
pub(crate) async fn entitlement_in(data: &TenantData<'_>, tx: &mut Tx) -> Result<Entitlement> {
    let tier = data.plan_tier_in(tx).await?;
    let overrides = data.limit_overrides_in(tx).await?;
    let features = data.feature_overrides_in(tx).await?;
    let plans = data.store.plans_in(tx).await?;
    Ok(Entitlement::of(&plans, tier, &overrides, &features))
}

/// What `data`'s workspace is entitled to now.
pub(crate) async fn entitlement(data: &TenantData<'_>) -> Result<Entitlement> {
    let (tier, overrides, features, plans) = tokio::try_join!(
        data.plan_tier(),
        data.limit_overrides(),
        data.feature_overrides(),
        data.store.plans()
    )?;
    Ok(Entitlement::of(&plans, tier, &overrides, &features))
}
