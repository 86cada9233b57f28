//! Invitations: creating and revoking them (tenant admins), and previewing and accepting
//! them (the invitee, through the link).

use chrono::TimeDelta;
use shared::AppError;
use shared::email::Email;
use shared::ids::{InvitationId, UserId};
use shared::members::{CreatedInvitation, InvitationPreview, InvitationView, InvitationViewer};
use shared::names::PersonName;
use shared::password::Password;
use shared::permissions::{Permission, Role, assignable_roles};
use shared::personas::PersonaSet;
use shared::platform::{TenantStatus, UserStatus};
use tracing::instrument;

use crate::audit::{self, actions};
use crate::auth::sessions::{self, IssuedSession};
use crate::authz::{self, Caller};
use crate::client::ClientInfo;
use crate::error::Result;
use crate::mail::OutgoingMail;
use crate::state::Services;
use crate::storage::invitations::{InvitationLookup, NewInvitation};
use crate::storage::users::UserRecord;
use crate::storage::{TenantData, Tx};
use crate::tokens;

#[instrument(skip_all, fields(slug))]
pub async fn invite(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    email: &str,
    role: Role,
) -> Result<CreatedInvitation> {
    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    authz::require(&access, Permission::MembersInvite)?;
    let email = Email::parse(email)?;
    if !assignable_roles(access.role()).contains(&role) {
        return Err(AppError::forbidden(format!(
            "Your role ({}) does not allow you to invite someone as {}.",
            access.role().label(),
            role.label()
        ))
        .into());
    }
    let data = svc.store().tenant(&access);
    if data.has_member_with_email(&email).await? {
        return Err(AppError::conflict(format!(
            "{email} is already a member of {}.",
            access.tenant().name
        ))
        .into());
    }
    let (new, token) = prepare(svc, email, role, caller.user_id);
    let mut tx = svc.store().begin().await?;
    crate::billing::usage::check_seats(&data, &mut tx, 1).await?;
    let invitation = store(&data, &mut tx, &new, client).await?;
    tx.commit().await?;
    let (link, emailed) = deliver(svc, &token, &new, &caller.name, &access.tenant().name).await;
    Ok(CreatedInvitation {
        invitation,
        link,
        emailed,
    })
}

/// A new invitation for `email` as `role`, and the token its link carries (only its hash
/// is stored).
pub(crate) fn prepare(
    svc: &Services,
    email: Email,
    role: Role,
    invited_by: UserId,
) -> (NewInvitation, String) {
    let token = tokens::new_token();
    let now = crate::time::now();
    let new = NewInvitation {
        id: InvitationId::from_uuid(uuid::Uuid::now_v7()),
        email,
        role,
        token_hash: tokens::hash_token(&token),
        invited_by,
        created_at: now,
        expires_at: now + TimeDelta::days(svc.settings().auth.invitation_days as i64),
    };
    (new, token)
}

/// Stores the invitation in the tenant `data` reaches, with its audit entry.
pub(crate) async fn store(
    data: &TenantData<'_>,
    tx: &mut Tx,
    new: &NewInvitation,
    client: &ClientInfo,
) -> Result<InvitationView> {
    let invitation = data.insert_invitation(tx, new).await?;
    tx.audit(&audit::entry(
        actions::INVITATION_CREATED,
        Some(new.invited_by),
        Some(data.tenant_id()),
        Some(new.email.to_string()),
        client,
        serde_json::json!({ "role": new.role, "invitation": new.id }),
    ))
    .await?;
    Ok(invitation)
}

/// Mails the invitation's link (after its transaction committed); returns the link and
/// whether it went out by SMTP.
pub(crate) async fn deliver(
    svc: &Services,
    token: &str,
    new: &NewInvitation,
    inviter: &impl std::fmt::Display,
    tenant: &impl std::fmt::Display,
) -> (String, bool) {
    let link = format!("{}/invite/{token}", svc.settings().public_url());
    let emailed = svc
        .send_mail(OutgoingMail {
            to: new.email.clone(),
            subject: format!("{inviter} invited you to {tenant} on Atrium"),
            body: format!(
                "{inviter} invited you to join {tenant} as {}.\n\nAccept the invitation: {link}\n\nThe link works until {}.",
                new.role.label(),
                new.expires_at.format("%Y-%m-%d %H:%M UTC")
            ),
        })
        .await;
    (link, emailed)
}

#[instrument(skip_all, fields(slug))]
pub async fn revoke(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    id: InvitationId,
) -> Result<()> {
    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    authz::require(&access, Permission::MembersInvite)?;
    let data = svc.store().tenant(&access);
    let mut tx = svc.store().begin().await?;
    let email = data
        .revoke_invitation(&mut tx, id, crate::time::now())
        .await?
        .ok_or_else(|| AppError::not_found("That invitation"))?;
    tx.audit(&audit::entry(
        actions::INVITATION_REVOKED,
        Some(caller.user_id),
        Some(access.tenant_id()),
        Some(email.to_string()),
        client,
        serde_json::json!({ "invitation": id }),
    ))
    .await?;
    tx.commit().await
}

/// Checks that an invitation can still be used, with a message for each way it cannot.
fn usable(found: Option<InvitationLookup>) -> Result<InvitationLookup> {
    let invitation = found.ok_or_else(|| AppError::not_found("This invitation"))?;
    if invitation.revoked_at.is_some() {
        return Err(AppError::conflict(
            "This invitation was withdrawn. Ask for a new one if you still need access.",
        )
        .into());
    }
    if invitation.accepted_at.is_some() {
        return Err(AppError::conflict(
            "This invitation has already been accepted. Sign in to reach the workspace.",
        )
        .into());
    }
    if invitation.expires_at <= crate::time::now() {
        return Err(AppError::conflict(format!(
            "This invitation expired on {}. Ask {} for a new one.",
            invitation.expires_at.format("%Y-%m-%d"),
            invitation.invited_by_name
        ))
        .into());
    }
    if invitation.tenant.status == TenantStatus::Suspended {
        return Err(AppError::TenantSuspended {
            tenant: invitation.tenant.name.to_string(),
        }
        .into());
    }
    Ok(invitation)
}

async fn lookup(svc: &Services, token: &str) -> Result<InvitationLookup> {
    if !tokens::looks_like_token(token) {
        return Err(AppError::not_found("This invitation").into());
    }
    usable(
        svc.store()
            .invitation_by_token_hash(&tokens::hash_token(token))
            .await?,
    )
}

#[instrument(skip_all)]
pub async fn preview(
    svc: &Services,
    caller: Option<&Caller>,
    token: &str,
) -> Result<InvitationPreview> {
    let invitation = lookup(svc, token).await?;
    let viewer = match caller {
        Some(c) if c.email == invitation.email => InvitationViewer::Invitee,
        Some(c) => InvitationViewer::SomeoneElse {
            email: c.email.clone(),
        },
        None => InvitationViewer::Anonymous {
            has_account: svc
                .store()
                .user_by_email(&invitation.email)
                .await?
                .is_some(),
        },
    };
    Ok(InvitationPreview {
        tenant_name: invitation.tenant.name.clone(),
        tenant_slug: invitation.tenant.slug.clone(),
        persona: invitation.tenant.variant.persona(),
        role: invitation.role,
        email: invitation.email,
        invited_by: invitation.invited_by_name,
        expires_at: invitation.expires_at,
        viewer,
    })
}

/// Accepts as the signed-in invitee; returns the workspace to go to.
#[instrument(skip_all)]
pub async fn accept(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    token: &str,
) -> Result<String> {
    caller.in_person()?;
    let invitation = lookup(svc, token).await?;
    if caller.email != invitation.email {
        return Err(AppError::forbidden(format!(
            "This invitation is for {}, but you are signed in as {}. Sign out and sign in with the invited address.",
            invitation.email, caller.email
        ))
        .into());
    }
    let mut tx = svc.store().begin().await?;
    let path = join(&mut tx, token, caller.user_id, client).await?;
    tx.commit().await?;
    Ok(path)
}

/// Creates the invitee's account and accepts in one go (for people new to Atrium).
#[instrument(skip_all)]
pub async fn accept_with_new_account(
    svc: &Services,
    client: &ClientInfo,
    token: &str,
    name: &str,
    password: &str,
) -> Result<(IssuedSession, String)> {
    svc.sign_in_limiter().check(client.ip)?;
    let invitation = lookup(svc, token).await?;
    let name = PersonName::parse(name)?;
    let password = Password::parse(password, Some(invitation.email.as_str()))?;
    let password_hash = svc.hasher().hash(&password).await?;
    let now = crate::time::now();
    let user = UserRecord {
        id: UserId::from_uuid(uuid::Uuid::now_v7()),
        email: invitation.email.clone(),
        name,
        password_hash,
        personas: PersonaSet::default(),
        status: UserStatus::Active,
        created_at: now,
        last_sign_in_at: Some(now),
    };
    let mut tx = svc.store().begin().await?;
    tx.insert_user(&user).await?;
    let path = join(&mut tx, token, user.id, client).await?;
    tx.commit().await?;
    let session = sessions::issue(svc, user.id, client).await?;
    Ok((session, path))
}

/// Inside the accepting transaction: re-checks the invitation, adds the membership, grants
/// the workspace's persona and marks the invitation used.
async fn join(tx: &mut Tx, token: &str, user: UserId, client: &ClientInfo) -> Result<String> {
    let invitation = usable(
        tx.invitation_by_token_hash(&tokens::hash_token(token))
            .await?,
    )?;
    let now = crate::time::now();
    if !tx
        .accept_invitation(invitation.tenant.id, invitation.invitation_id, now)
        .await?
    {
        return Err(AppError::conflict("This invitation has already been used.").into());
    }
    tx.insert_membership(invitation.tenant.id, user, invitation.role, now)
        .await?;
    // The link went to this address, so following it proves the mailbox.
    tx.mark_email_verified(user, now).await?;
    let person = tx
        .user_by_id(user)
        .await?
        .ok_or_else(|| anyhow::anyhow!("accepting user {user} vanished"))?;
    let persona = invitation.tenant.variant.persona();
    tx.set_personas(user, &person.personas.with(persona))
        .await?;
    tx.audit(&audit::entry(
        actions::INVITATION_ACCEPTED,
        Some(user),
        Some(invitation.tenant.id),
        Some(invitation.email.to_string()),
        client,
        serde_json::json!({ "role": invitation.role, "invitation": invitation.invitation_id }),
    ))
    .await?;
    Ok(invitation.tenant.home_path())
}
