//! Issuing, resolving and ending server-side sessions.

use chrono::{DateTime, TimeDelta, Utc};
use shared::ids::{SessionId, UserId};
use shared::platform::UserStatus;
use tracing::instrument;

use crate::authz::{Caller, Impersonator};
use crate::client::ClientInfo;
use crate::error::Result;
use crate::state::Services;
use crate::storage::sessions::NewSession;
use crate::tokens;

/// How stale `last_seen_at` may get before a request refreshes it; keeps reads from
/// turning into writes on every page view.
const TOUCH_EVERY: TimeDelta = TimeDelta::seconds(60);

/// A freshly issued session; `token` goes into the cookie and nowhere else.
#[derive(Clone, Debug)]
pub struct IssuedSession {
    pub id: SessionId,
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// How long a session opened by the password alone waits for the second factor.
const SECOND_STEP_WINDOW: TimeDelta = TimeDelta::minutes(10);

/// A full session, after sign-in (and the second factor, when the person has one).
pub async fn issue(svc: &Services, user: UserId, client: &ClientInfo) -> Result<IssuedSession> {
    issue_stage(svc, user, client, false).await
}

/// A session that has passed the password only: it can do nothing but the second step, and
/// it ends in a few minutes.
pub async fn issue_pending(
    svc: &Services,
    user: UserId,
    client: &ClientInfo,
) -> Result<IssuedSession> {
    issue_stage(svc, user, client, true).await
}

#[instrument(skip_all, fields(user = %user, pending))]
async fn issue_stage(
    svc: &Services,
    user: UserId,
    client: &ClientInfo,
    pending: bool,
) -> Result<IssuedSession> {
    let now = crate::time::now();
    let token = tokens::new_token();
    let session = NewSession {
        id: SessionId::from_uuid(uuid::Uuid::now_v7()),
        token_hash: tokens::hash_token(&token),
        user_id: user,
        created_at: now,
        expires_at: now
            + if pending {
                SECOND_STEP_WINDOW
            } else {
                svc.settings().absolute_timeout()
            },
        ip: client.ip_text(),
        user_agent: client.user_agent_text(),
        second_factor_pending: pending,
    };
    svc.store().insert_session(&session).await?;
    Ok(IssuedSession {
        id: session.id,
        token,
        expires_at: session.expires_at,
    })
}

/// A live session: not revoked, not past its absolute expiry, not idle too long, and its
/// person not deactivated.
#[derive(Clone, Debug)]
pub enum Live {
    /// Signed in: past the password and, when the person has one, the second factor.
    SignedIn(Caller),
    /// Past the password only; good for nothing but the second step.
    AwaitingSecondFactor(Caller),
}

/// The caller behind a session token, if it is a live, signed-in session.
pub async fn resolve(svc: &Services, token: &str) -> Result<Option<Caller>> {
    Ok(match lookup(svc, token).await? {
        Some(Live::SignedIn(caller)) => Some(caller),
        _ => None,
    })
}

/// The person behind a session that waits for its second factor, if it is still live.
pub async fn resolve_pending(svc: &Services, token: &str) -> Result<Option<Caller>> {
    Ok(match lookup(svc, token).await? {
        Some(Live::AwaitingSecondFactor(caller)) => Some(caller),
        _ => None,
    })
}

/// The live session behind a token, whatever its stage (one lookup).
#[instrument(skip_all)]
pub async fn lookup(svc: &Services, token: &str) -> Result<Option<Live>> {
    if !tokens::looks_like_token(token) {
        return Ok(None);
    }
    let token_hash = tokens::hash_token(token);
    let Some(found) = svc.store().session_by_token_hash(&token_hash).await? else {
        return Ok(None);
    };
    let now = crate::time::now();
    let idle_limit = svc.settings().idle_timeout();
    if found.expires_at <= now
        || now - found.last_seen_at > idle_limit
        || found.status != UserStatus::Active
    {
        return Ok(None);
    }
    if now - found.last_seen_at > TOUCH_EVERY {
        svc.store().touch_session(&token_hash, &found, now).await?;
    }
    let pending = found.second_factor_pending;
    let caller = match found
        .impersonated()
        .filter(|i| i.expires_at > now && i.status == UserStatus::Active)
    {
        // Impersonating: the caller is the person, with the super admin beside them. It never
        // counts as proof of who is at the keyboard (no step-up passes).
        Some(person) => Caller {
            user_id: person.user_id,
            session_id: found.session_id,
            email: person.email,
            name: person.name,
            personas: person.personas,
            authenticated_at: DateTime::<Utc>::UNIX_EPOCH,
            has_two_factor: person.has_two_factor,
            email_verified: person.email_verified,
            token: None,
            impersonator: Some(Impersonator {
                impersonation: person.id,
                user_id: found.user_id,
                email: found.email,
                name: found.name,
                read_only: person.read_only,
                expires_at: person.expires_at,
            }),
        },
        None => Caller {
            user_id: found.user_id,
            session_id: found.session_id,
            email: found.email,
            name: found.name,
            personas: found.personas,
            authenticated_at: found.authenticated_at,
            has_two_factor: found.has_two_factor,
            email_verified: found.email_verified,
            token: None,
            impersonator: None,
        },
    };
    Ok(Some(if pending {
        Live::AwaitingSecondFactor(caller)
    } else {
        Live::SignedIn(caller)
    }))
}

/// Ends the session holding `token` (sign-out, or rotation at sign-in).
#[instrument(skip_all)]
pub async fn end(svc: &Services, token: &str) -> Result<()> {
    if tokens::looks_like_token(token) {
        svc.store()
            .revoke_session_by_token_hash(&tokens::hash_token(token), crate::time::now())
            .await?;
    }
    Ok(())
}
