//! Signing in with email and password.

use shared::AppError;
use shared::email::Email;
use shared::platform::{TenantStatus, UserStatus};
use shared::security::SignInOutcome;
use tracing::instrument;

use super::sessions::{self, IssuedSession};
use super::{history, throttle, trusted_devices};
use crate::audit::{self, actions};
use crate::client::ClientInfo;
use crate::error::Result;
use crate::state::Services;
use crate::storage::users::UserRecord;

pub struct SignedIn {
    pub session: IssuedSession,
    /// Where the person lands: their persona's home, or the second step.
    pub home: String,
    /// The password was right and the person has a second factor: `session` is good for
    /// nothing but [`super::two_factor::verify_sign_in`].
    pub needs_second_factor: bool,
}

/// Where the second step of signing in is asked.
pub const SECOND_STEP_PATH: &str = "/login/two-factor";
/// Where people who must set up two-factor sign-in land after signing in.
pub const TWO_FACTOR_SETUP_PATH: &str = "/account/security?setup=two-factor";

/// Checks the credentials and opens a new session. The session token the browser held
/// before (if any) is revoked, so a token planted before sign-in is worthless after it.
///
/// Wrong password and unknown email give the same answer after the same work; a locked
/// email answers the same whether or not an account has it. Only someone who knows the
/// password learns that their account is deactivated or their organization suspended.
///
/// A browser holding a trusted-device token of this person (`device_token`) skips the
/// second step.
#[instrument(skip_all)]
pub async fn sign_in(
    svc: &Services,
    email: &str,
    password: &str,
    client: &ClientInfo,
    previous_token: Option<&str>,
    device_token: Option<&str>,
) -> Result<SignedIn> {
    svc.sign_in_limiter().check(client.ip)?;
    let email = Email::parse(email)?;
    if password.is_empty() {
        return Err(AppError::invalid("password", "Enter your password.").into());
    }
    let user = svc.store().user_by_email(&email).await?;
    if let Err(locked) = throttle::check(svc, &email, client).await {
        history::record(
            svc,
            email.as_str(),
            user.as_ref().map(|u| u.id),
            client,
            SignInOutcome::Locked,
        )
        .await?;
        return Err(locked);
    }

    let matches = svc
        .hasher()
        .verify(password, user.as_ref().map(|u| u.password_hash.as_str()))
        .await?;
    let known = user.as_ref().map(|u| u.id);
    let Some(user) = user.filter(|_| matches) else {
        svc.store()
            .audit(&audit::entry(
                actions::SIGN_IN_FAILED,
                None,
                None,
                Some(email.to_string()),
                client,
                serde_json::json!({}),
            ))
            .await?;
        metrics::counter!("atrium_sign_in_failures_total").increment(1);
        history::record(
            svc,
            email.as_str(),
            known,
            client,
            if known.is_some() {
                SignInOutcome::WrongPassword
            } else {
                SignInOutcome::NoAccount
            },
        )
        .await?;
        let refusal = throttle::record_failure(svc, &email, client).await?;
        return Err(refusal.unwrap_or(AppError::InvalidCredentials).into());
    };

    if user.status != UserStatus::Active {
        return Err(AppError::AccountDisabled.into());
    }
    let workspaces = svc.store().workspaces_of(user.id).await?;
    let is_super_admin = user
        .personas
        .contains(shared::personas::Persona::SuperAdmin);
    let all_suspended = !workspaces.is_empty()
        && workspaces
            .iter()
            .all(|w| w.tenant.status == TenantStatus::Suspended);
    if all_suspended && !is_super_admin {
        let names: Vec<String> = workspaces
            .iter()
            .map(|w| w.tenant.name.to_string())
            .collect();
        return Err(AppError::TenantSuspended {
            tenant: names.join(", "),
        }
        .into());
    }

    if let Some(previous) = previous_token {
        sessions::end(svc, previous).await?;
    }
    // With a second factor, the failure count survives until the code is right too, so
    // knowing the password does not reset the lockout on guessing codes.
    if svc.store().has_two_factor(user.id).await?
        && !trusted_devices::recognizes(svc, user.id, device_token, client).await?
    {
        history::record(
            svc,
            email.as_str(),
            Some(user.id),
            client,
            SignInOutcome::PasswordAccepted,
        )
        .await?;
        let session = sessions::issue_pending(svc, user.id, client).await?;
        return Ok(SignedIn {
            session,
            home: SECOND_STEP_PATH.to_owned(),
            needs_second_factor: true,
        });
    }
    throttle::clear(svc, &email).await?;
    let session = sessions::issue(svc, user.id, client).await?;
    let home = signed_in(svc, &user, &session, client).await?;
    Ok(SignedIn {
        session,
        home,
        needs_second_factor: false,
    })
}

/// Records a completed sign-in (after the password, or after the second factor) and
/// answers where the person lands: their home, or the two-factor setup when a workspace
/// (or the super admin persona) requires it and they have none.
pub(crate) async fn signed_in(
    svc: &Services,
    user: &UserRecord,
    session: &IssuedSession,
    client: &ClientInfo,
) -> Result<String> {
    svc.store()
        .record_sign_in(user.id, crate::time::now())
        .await?;
    history::record(
        svc,
        user.email.as_str(),
        Some(user.id),
        client,
        SignInOutcome::Success,
    )
    .await?;
    svc.store()
        .audit(&audit::entry(
            actions::SIGN_IN,
            Some(user.id),
            None,
            Some(user.email.to_string()),
            client,
            serde_json::json!({ "session": session.id }),
        ))
        .await?;
    let me = shared::accounts::Me {
        user_id: user.id,
        email: user.email.clone(),
        name: user.name.clone(),
        personas: user.personas.clone(),
        workspaces: svc.store().workspaces_of(user.id).await?,
        two_factor_enabled: svc.store().has_two_factor(user.id).await?,
        email_verified: svc.store().email_verified(user.id).await?,
        impersonation: None,
    };
    if me.two_factor_duty().is_some() {
        return Ok(TWO_FACTOR_SETUP_PATH.to_owned());
    }
    Ok(me.home_path())
}
