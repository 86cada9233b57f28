//! The signed-in person's own account: who they are, their sessions, signing out.

use shared::AppError;
use shared::accounts::{Me, SessionView};
use shared::email::Email;
use shared::ids::{SessionId, UserId};
use shared::names::PersonName;
use shared::password::Password;
use shared::personas::{Persona, PersonaSet};
use shared::platform::UserStatus;
use shared::security::SignInView;
use tracing::instrument;

use crate::audit::{self, actions};
use crate::auth::sessions;
use crate::authz::Caller;
use crate::client::ClientInfo;
use crate::error::Result;
use crate::state::Services;
use crate::storage::users::UserRecord;

#[instrument(skip_all)]
pub async fn me(svc: &Services, caller: &Caller) -> Result<Me> {
    let workspaces = svc.store().workspaces_of(caller.user_id).await?;
    Ok(Me {
        user_id: caller.user_id,
        email: caller.email.clone(),
        name: caller.name.clone(),
        personas: caller.personas.clone(),
        workspaces,
        two_factor_enabled: caller.has_two_factor,
        email_verified: caller.email_verified,
        impersonation: crate::impersonation::view(caller),
    })
}

/// The caller's latest sign-in attempts, newest first.
#[instrument(skip_all)]
pub async fn sign_ins(svc: &Services, caller: &Caller) -> Result<Vec<SignInView>> {
    let rows = svc.store().sign_in_history(caller.user_id, 20).await?;
    Ok(rows
        .into_iter()
        .map(|row| SignInView {
            at: row.at,
            ip: row.ip,
            device: row.device,
            outcome: row.outcome,
            new_device: row.new_device,
            new_network: row.new_network,
        })
        .collect())
}

#[instrument(skip_all)]
pub async fn sessions(svc: &Services, caller: &Caller) -> Result<Vec<SessionView>> {
    let rows = svc
        .store()
        .live_sessions(caller.user_id, crate::time::now())
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let current = row.id == caller.session_id;
            row.view(current)
        })
        .collect())
}

/// Ends one of the caller's own sessions. Someone else's session id is "not found".
#[instrument(skip_all)]
pub async fn revoke_session(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    id: SessionId,
) -> Result<()> {
    caller.in_person()?;
    if !svc
        .store()
        .revoke_session(caller.user_id, id, crate::time::now())
        .await?
    {
        return Err(AppError::not_found("That session").into());
    }
    svc.store()
        .audit(&audit::entry(
            actions::SESSION_REVOKED,
            Some(caller.user_id),
            None,
            Some(id.to_string()),
            client,
            serde_json::json!({}),
        ))
        .await
}

#[instrument(skip_all)]
pub async fn sign_out(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    token: &str,
) -> Result<()> {
    sessions::end(svc, token).await?;
    svc.store()
        .audit(&audit::entry(
            actions::SIGN_OUT,
            Some(caller.user_id),
            None,
            Some(caller.session_id.to_string()),
            client,
            serde_json::json!({}),
        ))
        .await
}

/// Ends every session of the caller, this one included.
#[instrument(skip_all)]
pub async fn sign_out_everywhere(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
) -> Result<u64> {
    caller.in_person()?;
    let mut tx = svc.store().begin().await?;
    let ended = tx
        .revoke_all_sessions(caller.user_id, crate::time::now())
        .await?;
    tx.audit(&audit::on_own_account(
        actions::SIGN_OUT_EVERYWHERE,
        caller,
        client,
        serde_json::json!({ "sessions": ended }),
    ))
    .await?;
    tx.commit().await?;
    Ok(ended)
}

/// Makes (or promotes) a super admin. Only the command line calls this; no page or API
/// can grant the persona.
#[instrument(skip_all)]
pub async fn create_super_admin(
    svc: &Services,
    email: &str,
    name: &str,
    password: &str,
) -> Result<UserId> {
    let email = Email::parse(email)?;
    let client = ClientInfo {
        ip: None,
        user_agent: Some("atrium create-super-admin".into()),
        impersonator: None,
    };
    // Hash before opening the transaction: SQLite has one writer, and it must not wait
    // on argon2.
    let id = match svc.store().user_by_email(&email).await? {
        Some(user) => {
            let mut tx = svc.store().begin().await?;
            tx.set_personas(user.id, &user.personas.with(Persona::SuperAdmin))
                .await?;
            (tx, user.id)
        }
        None => {
            let name = PersonName::parse(name)?;
            let password = Password::parse(password, Some(email.as_str()))?;
            let password_hash = svc.hasher().hash(&password).await?;
            let now = crate::time::now();
            let user = UserRecord {
                id: UserId::from_uuid(uuid::Uuid::now_v7()),
                email: email.clone(),
                name,
                password_hash,
                personas: PersonaSet::new([Persona::SuperAdmin]),
                status: UserStatus::Active,
                created_at: now,
                last_sign_in_at: None,
            };
            let mut tx = svc.store().begin().await?;
            tx.insert_user(&user).await?;
            // The operator who runs the command vouches for the address.
            tx.mark_email_verified(user.id, now).await?;
            (tx, user.id)
        }
    };
    let (mut tx, id) = id;
    tx.audit(&audit::entry(
        actions::SUPER_ADMIN_CREATED,
        None,
        None,
        Some(email.to_string()),
        &client,
        serde_json::json!({}),
    ))
    .await?;
    tx.commit().await?;
    Ok(id)
}
