//! Tenants as the pages see them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::billing::{Plan, PlanTier, UsageMeter};
use crate::catalog::ActivationStatus;
use crate::ids::TenantId;
use crate::names::TenantName;
use crate::permissions::{Permission, Role};
use crate::personas::Persona;
use crate::platform::{PlatformVariant, TenantStatus};
use crate::slug::Slug;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct TenantSummary {
    pub id: TenantId,
    pub slug: Slug,
    pub name: TenantName,
    pub variant: PlatformVariant,
    pub status: TenantStatus,
}

impl TenantSummary {
    /// Where this tenant's workspace lives: `/app/acme` or `/builder/northwind`.
    pub fn home_path(&self) -> String {
        workspace_path(self.variant.persona(), &self.slug)
    }
}

pub fn workspace_path(persona: Persona, slug: &Slug) -> String {
    format!("{}/{}", persona.url_prefix(), slug)
}

/// A workspace's home page: the tenant, who you are in it, and who else is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceHome {
    pub tenant: TenantSummary,
    pub my_role: Role,
    pub permissions: Vec<Permission>,
    pub member_count: u64,
    pub role_counts: Vec<(Role, u64)>,
    pub pending_invitations: Option<u64>,
    pub created_at: DateTime<Utc>,
    /// This month's use against the plan, for members who may see billing.
    pub usage: Option<HomeUsage>,
    /// The organization's services (not the cancelled ones) and their status, for members
    /// who may see them.
    pub services: Option<Vec<HomeService>>,
    /// How the members sign in and what the audit log saw: on an Enterprise home, for
    /// members who may see the members.
    pub governance: Option<Governance>,
}

/// Days of audit activity an Enterprise home counts.
pub const GOVERNANCE_DAYS: i64 = 30;

/// An Enterprise organization's glance at who may do what.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Governance {
    /// Members who sign in with a second factor…
    pub two_factor_members: u64,
    /// …of all members.
    pub members: u64,
    /// Since when the organization requires a second factor, if it does.
    pub two_factor_required_since: Option<DateTime<Utc>>,
    /// Audit entries over the last [`GOVERNANCE_DAYS`], for members who may read the log.
    pub audit_entries: Option<u64>,
}

impl Governance {
    /// "3 of 4 members (75 %)".
    pub fn two_factor_share(&self) -> String {
        let percent = (self.two_factor_members * 100)
            .checked_div(self.members)
            .unwrap_or(0);
        format!(
            "{} of {} member{} ({percent} %)",
            self.two_factor_members,
            self.members,
            if self.members == 1 { "" } else { "s" }
        )
    }
}

/// The home's glance at the plan: each limit's meter, and the next tier up for the upgrade
/// prompt near a limit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeUsage {
    pub plan: PlanTier,
    pub meters: Vec<UsageMeter>,
    pub next: Option<Plan>,
}

/// A service on the home, with its status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HomeService {
    pub name: String,
    pub status: ActivationStatus,
}

/// A workspace's two-factor rule: required of every member since `required_since` (members
/// without a second factor get `grace_days` from then), or not required.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorPolicy {
    pub required_since: Option<DateTime<Utc>>,
    pub grace_days: u32,
}

impl TwoFactorPolicy {
    /// When members without a second factor stop being let in, if it is required.
    pub fn deadline(&self) -> Option<DateTime<Utc>> {
        self.required_since
            .map(|since| crate::security::grace_deadline(since, i64::from(self.grace_days)))
    }
}

/// One row of the super admin's tenant table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantRow {
    pub tenant: TenantSummary,
    pub member_count: u64,
    pub plan: PlanTier,
    pub created_at: DateTime<Utc>,
    /// A builder workspace's commission on its customers' invoices (`None` for others).
    pub commission: Option<crate::billing::invoice::Rate>,
}

/// The super admin's home: the platform at a glance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformOverview {
    pub tenants: crate::tenant_console::TenantCounts,
    pub users_total: u64,
    pub users_by_persona: Vec<(Persona, u64)>,
    pub active_sessions: u64,
    pub sign_ins_last_day: u64,
    /// People who signed in in the last day, 7 days and 30 days.
    pub active_people: ActivePeople,
    /// The last twelve months, oldest first (the current one so far last).
    pub growth: Vec<GrowthMonth>,
    /// The tenants that used the most this month (tokens, then API calls).
    pub top_usage: Vec<TenantUsage>,
}

/// Months the overview's growth covers (this one and the eleven before).
pub const GROWTH_MONTHS: usize = 12;
/// Tenants the overview's top usage lists.
pub const TOP_USAGE: u32 = 5;

/// One month of the platform: who and what joined, what was invoiced and used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrowthMonth {
    pub period: crate::billing::invoice::Period,
    pub new_people: u64,
    pub new_tenants: u64,
    /// Invoice subtotals (before tax) for the month, per currency.
    pub revenue: Vec<crate::billing::Money>,
    pub api_calls: u64,
    pub tokens: u64,
}

/// One tenant's use of its monthly quotas this month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantUsage {
    pub tenant: TenantSummary,
    pub tokens: u64,
    pub api_calls: u64,
}

/// People who signed in within each period.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivePeople {
    pub day: u64,
    pub week: u64,
    pub month: u64,
}
