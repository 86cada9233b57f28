//! A workspace's home page.

use shared::permissions::{Permission, Role};
use shared::tenants::WorkspaceHome;
use tracing::instrument;

use crate::authz::{self, Caller};
use crate::error::Result;
use crate::state::Services;

#[instrument(skip_all, fields(slug))]
pub async fn home(svc: &Services, caller: &Caller, slug: &str) -> Result<WorkspaceHome> {
    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    authz::require(&access, Permission::TenantView)?;
    let data = svc.store().tenant(&access);
    let home_counts = data.home_counts(crate::time::now()).await?;
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
    Ok(WorkspaceHome {
        tenant: access.tenant().clone(),
        my_role: access.role(),
        permissions: access.role().permissions().to_vec(),
        member_count: role_counts.iter().map(|(_, n)| n).sum(),
        role_counts,
        pending_invitations,
        created_at: access.tenant_created_at(),
    })
}
