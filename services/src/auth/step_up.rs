//! Step-up: sensitive changes (a new password or email, turning two-factor off, new backup
//! codes, later API tokens) need the session to have proved who is at the keyboard within
//! the last few minutes — the password again, and a code when the person has a second
//! factor. Signing in counts as proof.

use chrono::{DateTime, TimeDelta, Utc};
use shared::AppError;
use shared::security::StepUpStatus;
use shared::two_factor::SecondFactorCode;
use tracing::instrument;

use super::{throttle, two_factor};
use crate::audit::{self, actions};
use crate::authz::Caller;
use crate::client::ClientInfo;
use crate::error::Result;
use crate::state::Services;

fn window(svc: &Services) -> TimeDelta {
    TimeDelta::seconds(i64::try_from(svc.settings().auth.step_up_seconds.max(1)).unwrap_or(600))
}

fn fresh_until(svc: &Services, caller: &Caller) -> Option<DateTime<Utc>> {
    let until = caller.authenticated_at + window(svc);
    (until > crate::time::now()).then_some(until)
}

/// Refuses with `step_up_required` unless the caller proved who they are recently.
pub fn require(svc: &Services, caller: &Caller) -> Result<()> {
    caller.in_person()?;
    match fresh_until(svc, caller) {
        Some(_) => Ok(()),
        None => Err(AppError::StepUpRequired.into()),
    }
}

#[instrument(skip_all)]
pub async fn status(svc: &Services, caller: &Caller) -> Result<StepUpStatus> {
    Ok(StepUpStatus {
        fresh_until: fresh_until(svc, caller),
        needs_code: caller.has_two_factor,
    })
}

/// "Confirm it's you": the password again, and a code when the person has a second factor.
/// Wrong answers count against the sign-in throttle, so a session left open cannot be used
/// to guess the password.
#[instrument(skip_all)]
pub async fn confirm(
    svc: &Services,
    caller: &Caller,
    password: &str,
    code: Option<&str>,
    client: &ClientInfo,
) -> Result<StepUpStatus> {
    caller.in_person()?;
    svc.second_factor_limiter().check(client.ip)?;
    throttle::check(svc, &caller.email, client).await?;
    if password.is_empty() {
        return Err(AppError::invalid("password", "Enter your password to confirm.").into());
    }
    let code = if caller.has_two_factor {
        let code = code.unwrap_or_default();
        if code.trim().is_empty() {
            return Err(AppError::invalid(
                "code",
                "Enter the code from your authenticator app, or a backup code.",
            )
            .into());
        }
        Some(SecondFactorCode::parse(code)?)
    } else {
        None
    };
    let user = svc.store().user_by_id(caller.user_id).await?;
    let matches = svc
        .hasher()
        .verify(password, user.as_ref().map(|u| u.password_hash.as_str()))
        .await?;
    if !matches {
        return Err(refuse(
            svc,
            caller,
            client,
            "password",
            "That password is not right.",
        )
        .await);
    }
    if let Some(code) = &code
        && !two_factor::check_code(svc, caller.user_id, caller.email.as_str(), code).await?
    {
        return Err(refuse(
            svc,
            caller,
            client,
            "code",
            "That code is not right, or it was already used.",
        )
        .await);
    }
    let now = crate::time::now();
    svc.store()
        .mark_session_authenticated(caller.session_id, caller.user_id, now)
        .await?;
    svc.store()
        .audit(&audit::on_own_account(
            actions::STEP_UP,
            caller,
            client,
            serde_json::json!({ "with_code": code.is_some() }),
        ))
        .await?;
    Ok(StepUpStatus {
        fresh_until: Some(now + window(svc)),
        needs_code: caller.has_two_factor,
    })
}

async fn refuse(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    field: &str,
    reason: &str,
) -> crate::error::Error {
    match throttle::record_failure(svc, &caller.email, client).await {
        Ok(Some(refusal)) => refusal.into(),
        Ok(None) => AppError::invalid(field, reason).into(),
        Err(err) => err,
    }
}
