//! Members of a workspace: the list, role changes and removals.

use shared::AppError;
use shared::ids::UserId;
use shared::members::MembersPage;
use shared::permissions::{Permission, Role, assignable_roles, check_member_change};
use tracing::instrument;

use crate::audit::{self, actions};
use crate::authz::{self, Caller, TenantAccess};
use crate::client::ClientInfo;
use crate::error::Result;
use crate::state::Services;

#[instrument(skip_all, fields(slug))]
pub async fn page(svc: &Services, caller: &Caller, slug: &str) -> Result<MembersPage> {
    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    authz::require(&access, Permission::MembersView)?;
    let data = svc.store().tenant(&access);
    let mut members = data.members().await?;
    if !access.role().can(Permission::MembersResetTwoFactor) {
        for member in &mut members {
            member.two_factor = None;
        }
    }
    let invitations = if access.role().can(Permission::MembersInvite) {
        Some(data.open_invitations(crate::time::now()).await?)
    } else {
        None
    };
    let assignable = if access.role().can(Permission::MembersManage) {
        assignable_roles(access.role())
    } else {
        Vec::new()
    };
    Ok(MembersPage {
        tenant: access.tenant().clone(),
        me: caller.user_id,
        my_role: access.role(),
        members,
        invitations,
        assignable_roles: assignable,
        two_factor: access.two_factor_policy(),
    })
}

/// The members of a workspace, for the JSON API.
#[instrument(skip_all, fields(slug))]
pub async fn list(
    svc: &Services,
    caller: &Caller,
    slug: &str,
) -> Result<Vec<shared::members::MemberView>> {
    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    authz::require(&access, Permission::MembersView)?;
    svc.store().tenant(&access).members().await
}

/// Changes a member's role (`Some`) or removes them (`None`), keeping at least one owner.
#[instrument(skip_all, fields(slug, member = %member))]
pub async fn change(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    member: UserId,
    to: Option<Role>,
) -> Result<()> {
    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    authz::require(&access, Permission::MembersManage)?;
    apply_change(svc, &access, client, member, to).await
}

async fn apply_change(
    svc: &Services,
    access: &TenantAccess,
    client: &ClientInfo,
    member: UserId,
    to: Option<Role>,
) -> Result<()> {
    let data = svc.store().tenant(access);
    let mut tx = svc.store().begin().await?;
    data.lock_for_member_change(&mut tx).await?;
    let from = data
        .member_role(&mut tx, member)
        .await?
        .ok_or_else(|| AppError::not_found("That member"))?;
    if Some(from) == to {
        return Ok(());
    }
    let owners = data.owner_count(&mut tx).await?;
    check_member_change(access.role(), from, to, owners).map_err(|refusal| match refusal {
        shared::permissions::MemberChangeRefusal::LastOwner => {
            AppError::conflict(refusal.message(access.role()))
        }
        _ => AppError::forbidden(refusal.message(access.role())),
    })?;
    let (action, details) = match to {
        Some(role) => {
            data.set_role(&mut tx, member, role).await?;
            (
                actions::MEMBER_ROLE_CHANGED,
                serde_json::json!({ "from": from, "to": role }),
            )
        }
        None => {
            data.delete_member(&mut tx, member).await?;
            (actions::MEMBER_REMOVED, serde_json::json!({ "role": from }))
        }
    };
    tx.audit(&audit::entry(
        action,
        Some(access.caller().user_id),
        Some(access.tenant_id()),
        Some(member.to_string()),
        client,
        details,
    ))
    .await?;
    tx.commit().await
}
