//! A workspace's home page.

use chrono::TimeDelta;
use shared::billing::period_of;
use shared::navigation::Panel;
use shared::permissions::{Permission, Role};
use shared::tenants::{GOVERNANCE_DAYS, Governance, HomeUsage, WorkspaceHome};
use tracing::instrument;

use crate::authz::{self, Caller};
use crate::error::Result;
use crate::state::Services;

#[instrument(skip_all, fields(slug))]
pub async fn home(svc: &Services, caller: &Caller, slug: &str) -> Result<WorkspaceHome> {
    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    authz::require(&access, Permission::TenantView)?;
    let data = svc.store().tenant(&access);
    let now = crate::time::now();
    let role = access.role();
    let period = period_of(now);
    // An Enterprise home leads with governance, read beside the other counts; other
    // variants do not read it.
    let governed =
        access.tenant().variant.shows(Panel::Governance) && role.can(Permission::MembersView);
    let governance_counts = async {
        if governed {
            data.governance_counts(now - TimeDelta::days(GOVERNANCE_DAYS))
                .await
                .map(Some)
        } else {
            Ok(None)
        }
    };
    let (mut home_counts, plans, governance_counts) = tokio::try_join!(
        data.home_counts(now, &period),
        svc.store().plans(),
        governance_counts
    )?;
    let services = role
        .can(Permission::ServicesView)
        .then(|| std::mem::take(&mut home_counts.services));
    let usage = role.can(Permission::BillingView).then(|| {
        let ent = crate::billing::Entitlement::of(
            &plans,
            home_counts.plan,
            &home_counts.overrides,
            &home_counts.features,
        );
        HomeUsage {
            meters: crate::billing::meters(
                &ent.limits,
                &home_counts,
                access.tenant().variant.persona(),
            ),
            next: shared::billing::Plan::upgrade_from(&plans, ent.plan.tier).cloned(),
            plan: ent.plan.tier,
        }
    });
    let counts = if access.role().can(Permission::MembersView) {
        home_counts.roles
    } else {
        Vec::new()
    };
    let pending_invitations = access
        .role()
        .can(Permission::MembersInvite)
        .then(|| u64::try_from(home_counts.open_invitations).unwrap_or(0));
    let role_counts: Vec<(Role, u64)> = Role::ALL
        .iter()
        .map(|role| {
            let n = counts
                .iter()
                .find(|(r, _)| r == role)
                .map(|(_, n)| *n)
                .unwrap_or(0);
            (*role, u64::try_from(n).unwrap_or(0))
        })
        .collect();
    let member_count: u64 = role_counts.iter().map(|(_, n)| n).sum();
    let governance = governance_counts.map(|(two_factor, audit)| Governance {
        two_factor_members: u64::try_from(two_factor).unwrap_or(0),
        members: member_count,
        two_factor_required_since: access.two_factor_policy().required_since,
        audit_entries: role
            .can(Permission::AuditView)
            .then(|| u64::try_from(audit).unwrap_or(0)),
    });
    Ok(WorkspaceHome {
        tenant: access.tenant().clone(),
        my_role: access.role(),
        permissions: access.role().permissions().to_vec(),
        member_count,
        role_counts,
        pending_invitations,
        created_at: access.tenant_created_at(),
        usage,
        services,
        governance,
    })
}

/// The workspace's logo (its members' top bar shows it), or 404 when it has none.
#[instrument(skip_all, fields(slug))]
pub async fn logo(
    svc: &Services,
    caller: &Caller,
    slug: &str,
) -> Result<crate::storage::support::StoredFile> {
    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    authz::require(&access, Permission::TenantView)?;
    Ok(svc
        .store()
        .tenant(&access)
        .logo()
        .await?
        .ok_or_else(|| shared::AppError::not_found("This workspace's logo"))?)
}

/// The workspace's branding stylesheet (its members' pages link it): the accent color and
/// typeface a super admin set, as CSS custom properties on the page's frame.
#[instrument(skip_all, fields(slug))]
pub async fn branding_stylesheet(svc: &Services, caller: &Caller, slug: &str) -> Result<String> {
    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    authz::require(&access, Permission::TenantView)?;
    let branding = svc
        .store()
        .memberships_of(caller.user_id)
        .await?
        .iter()
        .find(|m| m.tenant.id == access.tenant_id())
        .map(|m| m.branding())
        .unwrap_or_default();
    Ok(branding.stylesheet())
}
