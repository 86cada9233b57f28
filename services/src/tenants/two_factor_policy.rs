//! An organization's two-factor rules: its owner may require two-factor sign-in of every
//! member (members without it get a grace period, then are refused at the door by the
//! permission check), and owners and admins may reset a member's second factor when they
//! lost their phone (audited, and the member is told).

use shared::AppError;
use shared::ids::{NotificationId, UserId};
use shared::permissions::{Permission, check_two_factor_reset};
use shared::security::NotificationKind;
use shared::tenants::TwoFactorPolicy;
use tracing::instrument;

use crate::audit::{self, actions};
use crate::authz::{self, Caller};
use crate::client::ClientInfo;
use crate::error::Result;
use crate::mail::OutgoingMail;
use crate::state::Services;
use crate::storage::notifications::NewNotification;

/// The longest grace period an owner may give.
pub const MAX_GRACE_DAYS: u32 = 90;

#[instrument(skip_all, fields(slug))]
pub async fn policy(svc: &Services, caller: &Caller, slug: &str) -> Result<TwoFactorPolicy> {
    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    authz::require(&access, Permission::MembersView)?;
    Ok(access.two_factor_policy())
}

/// Turns the requirement on (with `grace_days` for members who have no second factor yet)
/// or off.
#[instrument(skip_all, fields(slug, require))]
pub async fn set_requirement(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    require: bool,
    grace_days: u32,
) -> Result<TwoFactorPolicy> {
    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    authz::require(&access, Permission::SecurityManage)?;
    if grace_days > MAX_GRACE_DAYS {
        return Err(AppError::invalid(
            "grace_days",
            format!("The grace period can be at most {MAX_GRACE_DAYS} days."),
        )
        .into());
    }
    if require && !caller.has_two_factor {
        return Err(AppError::conflict(
            "Turn on two-factor sign-in for your own account first (Account → Security), then require it of everyone.",
        )
        .into());
    }
    let now = crate::time::now();
    let since = require.then_some(now);
    let data = svc.store().tenant(&access);
    let mut tx = svc.store().begin().await?;
    data.set_two_factor_requirement(&mut tx, since, grace_days)
        .await?;
    tx.audit(&audit::entry(
        if require {
            actions::TWO_FACTOR_REQUIRED
        } else {
            actions::TWO_FACTOR_NOT_REQUIRED
        },
        Some(caller.user_id),
        Some(access.tenant_id()),
        Some(access.tenant().slug.to_string()),
        client,
        serde_json::json!({ "grace_days": grace_days }),
    ))
    .await?;
    if require {
        for member in data.members_without_two_factor(&mut tx).await? {
            tx.notify(&NewNotification {
                id: NotificationId::from_uuid(uuid::Uuid::now_v7()),
                user_id: member,
                kind: NotificationKind::TwoFactorRequired,
                title: format!("{} requires two-factor sign-in", access.tenant().name),
                body: format!(
                    "Set it up under Account → Security within {grace_days} day{} to keep access to {}.",
                    if grace_days == 1 { "" } else { "s" },
                    access.tenant().name
                ),
                created_at: now,
            })
            .await?;
        }
    }
    tx.commit().await?;
    Ok(TwoFactorPolicy {
        required_since: since,
        grace_days,
    })
}

/// Removes a member's second factor (TOTP and backup codes) and the trust of their
/// devices, so they can enroll again. Owners' factors only an owner may reset; nobody
/// resets their own here (Account → Security does that).
#[instrument(skip_all, fields(slug, member = %member))]
pub async fn reset_member(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    member: UserId,
) -> Result<()> {
    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    authz::require(&access, Permission::MembersResetTwoFactor)?;
    if member == caller.user_id {
        return Err(AppError::conflict(
            "To reset your own two-factor sign-in, use Account → Security.",
        )
        .into());
    }
    let data = svc.store().tenant(&access);
    let mut tx = svc.store().begin().await?;
    let target = data
        .member_contact(&mut tx, member)
        .await?
        .ok_or_else(|| AppError::not_found("That member"))?;
    check_two_factor_reset(access.role(), target.role)
        .map_err(|refusal| AppError::forbidden(refusal.message(access.role())))?;
    let now = crate::time::now();
    if !tx.remove_two_factor(member).await? {
        return Err(AppError::conflict(format!(
            "{} has no two-factor sign-in to reset.",
            target.name
        ))
        .into());
    }
    tx.revoke_all_trusted_devices(member, now).await?;
    tx.audit(&audit::entry(
        actions::TWO_FACTOR_RESET_BY_ADMIN,
        Some(caller.user_id),
        Some(access.tenant_id()),
        Some(target.email.to_string()),
        client,
        serde_json::json!({ "member": member }),
    ))
    .await?;
    tx.notify(&NewNotification {
        id: NotificationId::from_uuid(uuid::Uuid::now_v7()),
        user_id: member,
        kind: NotificationKind::TwoFactorReset,
        title: "Your two-factor sign-in was reset".into(),
        body: format!(
            "{} ({}) of {} reset it. Set up your authenticator again under Account → Security.",
            caller.name,
            caller.email,
            access.tenant().name
        ),
        created_at: now,
    })
    .await?;
    tx.commit().await?;
    svc.send_mail(OutgoingMail {
        to: target.email,
        subject: "Your Atrium two-factor sign-in was reset".into(),
        body: format!(
            "Hello {},\n\n{} of {} reset your two-factor sign-in. Signing in now asks for your password only; set up your authenticator again under Account → Security.\n\nIf you did not expect this, contact {}.\n",
            target.name,
            caller.name,
            access.tenant().name,
            caller.email
        ),
    })
    .await;
    Ok(())
}
