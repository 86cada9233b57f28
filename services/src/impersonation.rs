//! Impersonation: a super admin sees the platform as one person sees it, to help them.
//!
//! It runs in the super admin's own session (every tab of it), so there is no second
//! credential to steal: the session lookup turns the caller into the person, with the super
//! admin beside them as [`Impersonator`](crate::authz::Impersonator). From there the one
//! permission check does the rest — a read-only impersonation keeps only what looks, no step-up
//! passes so the person's sign-in and tokens stay theirs, the console stays closed — and every
//! audit entry names both people.

use shared::AppError;
use shared::ids::{ImpersonationId, NotificationId, UserId};
use shared::impersonation::{
    HISTORY_SHOWN, ImpersonationRequest, ImpersonationView, SupportAccess, stopped_at,
};
use shared::permissions::Permission;
use shared::personas::Persona;
use shared::platform::UserStatus;
use shared::security::NotificationKind;
use tracing::instrument;

use crate::audit::{self, actions};
use crate::auth::step_up;
use crate::authz::{self, Caller};
use crate::client::ClientInfo;
use crate::error::Result;
use crate::state::Services;
use crate::storage::impersonations::NewImpersonation;
use crate::storage::notifications::NewNotification;

/// Starts impersonating the person with this id in the caller's session. The caller must be
/// a super admin who proved who they are within the last minutes; the person must have an
/// active account and not be a super admin.
#[instrument(skip_all, fields(user = id))]
pub async fn start(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    id: &str,
    request: ImpersonationRequest,
) -> Result<()> {
    let access = authz::enter_platform(caller)?;
    authz::require(&access, Permission::UsersImpersonate)?;
    step_up::require(svc, caller)?;
    let data = svc.store().platform(&access);
    let missing = || AppError::not_found("That person");
    let id = id.parse::<UserId>().map_err(|_| missing())?;
    let person = data.person(id).await?.ok_or_else(missing)?;
    if person.id == caller.user_id {
        return Err(AppError::invalid("user", "You cannot impersonate yourself.").into());
    }
    if person.personas.contains(Persona::SuperAdmin) {
        return Err(AppError::forbidden(
            "Super admins cannot be impersonated: ask them, or look at the audit log.",
        )
        .into());
    }
    if person.status != UserStatus::Active {
        return Err(AppError::conflict(format!(
            "{} is deactivated: activate the account first to see it as they would.",
            person.email
        ))
        .into());
    }
    let now = crate::time::now();
    let row = NewImpersonation {
        id: ImpersonationId::from_uuid(uuid::Uuid::now_v7()),
        session_id: caller.session_id,
        impersonator: caller.user_id,
        user: person.id,
        reason: request.reason.clone(),
        read_only: request.read_only,
        started_at: now,
        expires_at: now + request.duration(),
    };
    let mut tx = svc.store().begin().await?;
    data.start_impersonation(&mut tx, &row).await?;
    tx.audit(&audit::entry(
        actions::IMPERSONATION_STARTED,
        Some(caller.user_id),
        None,
        Some(person.email.to_string()),
        client,
        serde_json::json!({
            "reason": request.reason,
            "minutes": request.minutes,
            "read_only": request.read_only,
            "until": row.expires_at,
        }),
    ))
    .await?;
    tx.notify(&NewNotification {
        id: NotificationId::from_uuid(uuid::Uuid::now_v7()),
        user_id: person.id,
        kind: NotificationKind::Impersonated,
        title: format!("{} from platform support opened your account", caller.name),
        body: format!(
            "Reason: {}. {} for up to {} minutes. Account → Security lists every time this happened.",
            request.reason,
            if request.read_only {
                "Looking only, changing nothing,"
            } else {
                "Able to act for you,"
            },
            request.minutes
        ),
        created_at: now,
    })
    .await?;
    tx.commit().await
}

/// Ends the impersonation the caller's session is in; the super admin is themselves again.
#[instrument(skip_all)]
pub async fn end(svc: &Services, caller: &Caller, client: &ClientInfo) -> Result<()> {
    let by = caller
        .impersonator
        .as_ref()
        .ok_or_else(|| AppError::conflict("You are not impersonating anyone."))?;
    let mut tx = svc.store().begin().await?;
    if tx
        .end_impersonation(by.impersonation, by.user_id, crate::time::now())
        .await?
    {
        tx.audit(&audit::entry(
            actions::IMPERSONATION_ENDED,
            Some(caller.user_id),
            None,
            Some(caller.email.to_string()),
            client,
            serde_json::json!({}),
        ))
        .await?;
    }
    tx.commit().await
}

/// The impersonation under way, for the banner on every page.
pub fn view(caller: &Caller) -> Option<ImpersonationView> {
    caller.impersonator.as_ref().map(|by| ImpersonationView {
        by_name: by.name.to_string(),
        by_email: by.email.to_string(),
        user_name: caller.name.to_string(),
        user_email: caller.email.to_string(),
        read_only: by.read_only,
        expires_at: by.expires_at,
    })
}

/// Every time someone impersonated the caller, newest first: theirs to see.
#[instrument(skip_all)]
pub async fn history(svc: &Services, caller: &Caller) -> Result<Vec<SupportAccess>> {
    let now = crate::time::now();
    Ok(svc
        .store()
        .impersonations_of(caller.user_id, HISTORY_SHOWN)
        .await?
        .into_iter()
        .map(|row| SupportAccess {
            by_name: row.by_name,
            reason: row.reason,
            read_only: row.read_only,
            started_at: row.started_at,
            stopped_at: stopped_at(row.ended_at, row.expires_at, now),
        })
        .collect())
}
