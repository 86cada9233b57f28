//! Tokens for the public REST API: made (after step-up) for one workspace with some scopes,
//! listed, revoked, and turned back into a [`Caller`] when a request presents one.
//!
//! A request with a token is limited twice: by its workspace plan's rate (requests a minute
//! per token, GCRA via `governor`; beyond it 429 with `Retry-After`) and by the plan's
//! monthly API-call quota (see [`crate::billing::api_calls`]).

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::TimeDelta;
use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use shared::AppError;
use shared::api_tokens::{
    ApiScope, ApiTokensPage, CreatedApiToken, parse_expiry_days, parse_token_name,
};
use shared::billing::Feature;
use shared::ids::ApiTokenId;
use shared::permissions::Permission;
use tracing::instrument;

use crate::audit::{self, actions};
use crate::auth::step_up;
use crate::authz::{self, Caller};
use crate::client::ClientInfo;
use crate::error::Result;
use crate::state::Services;
use crate::storage::api_tokens::NewApiToken;
use crate::tokens::hash_token;

/// What every token starts with, so a leaked one is recognisable (and scannable).
const PREFIX: &str = "atr_";
/// Characters of the secret shown in lists to recognise a token.
const SHOWN: usize = 12;

/// A fresh secret: the prefix and 256 random bits, URL-safe.
fn new_secret() -> String {
    use base64::Engine as _;
    let bytes: [u8; 32] = rand::random();
    format!(
        "{PREFIX}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// Whether a string could be one of our tokens, checked before touching the database.
fn looks_like_token(token: &str) -> bool {
    token.len() == PREFIX.len() + 43
        && token.starts_with(PREFIX)
        && token[PREFIX.len()..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

struct Budget {
    per_minute: u32,
    limiter: Arc<DefaultDirectRateLimiter>,
    last_used: std::time::Instant,
}

/// Per-token rate limiters, each at its workspace plan's rate.
#[derive(Default)]
pub struct TokenLimiter {
    limiters: Mutex<HashMap<ApiTokenId, Budget>>,
    clock: DefaultClock,
}

impl TokenLimiter {
    /// Spends one request of the token's budget, or says how long to wait.
    fn check(&self, token: ApiTokenId, per_minute: u32) -> Result<()> {
        let limiter = {
            let mut limiters = self.limiters.lock().unwrap_or_else(PoisonError::into_inner);
            let budget = limiters.entry(token).or_insert_with(|| Budget {
                per_minute,
                limiter: Arc::new(limiter(per_minute)),
                last_used: std::time::Instant::now(),
            });
            // A plan change (or an edited plan) takes effect with the next request.
            if budget.per_minute != per_minute {
                budget.per_minute = per_minute;
                budget.limiter = Arc::new(limiter(per_minute));
            }
            budget.last_used = std::time::Instant::now();
            Arc::clone(&budget.limiter)
        };
        limiter.check().map_err(|not_until| {
            metrics::counter!("atrium_api_rate_limited_total").increment(1);
            AppError::RateLimited {
                retry_after_secs: not_until.wait_time_from(self.clock.now()).as_secs().max(1),
            }
            .into()
        })
    }

    /// Forgets tokens unused for a minute: a per-minute budget is whole again by then, the
    /// state a new limiter starts in.
    pub fn forget_idle(&self) {
        let mut limiters = self.limiters.lock().unwrap_or_else(PoisonError::into_inner);
        limiters
            .retain(|_, budget| budget.last_used.elapsed() < std::time::Duration::from_secs(60));
    }
}

fn limiter(per_minute: u32) -> DefaultDirectRateLimiter {
    let rate = NonZeroU32::new(per_minute.max(1)).unwrap_or(NonZeroU32::MIN);
    RateLimiter::direct(Quota::per_minute(rate))
}

/// Account → API tokens.
#[instrument(skip_all)]
pub async fn page(svc: &Services, caller: &Caller) -> Result<ApiTokensPage> {
    let tokens = svc.store().api_tokens_of(caller.user_id).await?;
    let workspaces = svc
        .store()
        .workspaces_of(caller.user_id)
        .await?
        .into_iter()
        .map(|w| (w.tenant.slug, w.tenant.name.to_string()))
        .collect();
    Ok(ApiTokensPage { tokens, workspaces })
}

/// Makes a token for the workspace `slug`; the secret is in the answer and nowhere else.
#[instrument(skip_all, fields(slug))]
pub async fn create(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    name: &str,
    scopes: &str,
    expires_in_days: u32,
) -> Result<CreatedApiToken> {
    if caller.token.is_some() {
        return Err(AppError::forbidden("An API token cannot make API tokens.").into());
    }
    let name = parse_token_name(name)?;
    let scopes = ApiScope::parse_list(scopes)?;
    let days = parse_expiry_days(expires_in_days)?;
    step_up::require(svc, caller)?;
    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    authz::require(&access, Permission::TenantView)?;
    crate::billing::entitlement(&svc.store().tenant(&access))
        .await?
        .require(Feature::ApiAccess)?;
    // A token may carry only scopes the person's role could use itself.
    if let Some(scope) = scopes.iter().find(|s| !access.role().can(s.permission())) {
        return Err(AppError::forbidden(format!(
            "Your role ({}) does not allow you to {}, so no token of yours can ({}).",
            access.role().label(),
            scope.permission().describe(),
            scope.as_str()
        ))
        .into());
    }
    let secret = new_secret();
    let now = crate::time::now();
    let id = ApiTokenId::from_uuid(uuid::Uuid::now_v7());
    let prefix = &secret[..SHOWN];
    let mut tx = svc.store().begin().await?;
    tx.insert_api_token(&NewApiToken {
        id,
        user: caller.user_id,
        tenant: access.tenant_id(),
        name: &name,
        hash: &hash_token(&secret),
        prefix,
        scopes: &scopes,
        created_at: now,
        expires_at: days.map(|d| now + TimeDelta::days(i64::from(d))),
    })
    .await?;
    tx.audit(&audit::entry(
        actions::API_TOKEN_CREATED,
        Some(caller.user_id),
        Some(access.tenant_id()),
        Some(name.clone()),
        client,
        serde_json::json!({ "token": id, "prefix": prefix, "scopes": scopes, "expires_in_days": days }),
    ))
    .await?;
    tx.commit().await?;
    let view = svc
        .store()
        .api_tokens_of(caller.user_id)
        .await?
        .into_iter()
        .find(|t| t.id == id)
        .ok_or_else(|| AppError::not_found("The new token"))?;
    Ok(CreatedApiToken {
        token: secret,
        view,
    })
}

/// Revokes one of the caller's own tokens; it stops working with the next request.
#[instrument(skip_all)]
pub async fn revoke(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    id: ApiTokenId,
) -> Result<()> {
    caller.in_person()?;
    let mut tx = svc.store().begin().await?;
    if !tx
        .revoke_api_token(caller.user_id, id, crate::time::now())
        .await?
    {
        return Err(AppError::not_found("That token").into());
    }
    tx.audit(&audit::on_own_account(
        actions::API_TOKEN_REVOKED,
        caller,
        client,
        serde_json::json!({ "token": id }),
    ))
    .await?;
    tx.commit().await
}

/// The caller a request's `Authorization: Bearer …` stands for, after the token's rate
/// limit. Unknown, expired and revoked tokens all get the same 401.
#[instrument(skip_all)]
pub async fn authenticate(svc: &Services, presented: &str) -> Result<Caller> {
    let refused = || AppError::InvalidToken;
    if !looks_like_token(presented) {
        return Err(refused().into());
    }
    let now = crate::time::now();
    let hash = hash_token(presented);
    let Some(found) = svc.store().api_token_by_hash(&hash).await? else {
        return Err(refused().into());
    };
    if found.revoked_at.is_some() || found.expires_at.is_some_and(|at| at <= now) {
        return Err(refused().into());
    }
    svc.token_limiter().check(
        found.id,
        u32::try_from(found.requests_per_minute).unwrap_or(1),
    )?;
    let caller = authz::acting_by_token(&found).ok_or_else(refused)?;
    // The person must still be let into the token's workspace (membership, suspension,
    // two-factor rule), and the call counts against its monthly quota.
    let access = authz::enter_tenant_by_id(svc.store(), &caller, found.tenant_id).await?;
    svc.api_calls().admit(svc, &access).await?;
    svc.store().touch_api_token(&hash, &found, now).await?;
    Ok(caller)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_recognisable_and_checked_before_the_database() {
        let secret = new_secret();
        assert!(secret.starts_with("atr_"));
        assert!(looks_like_token(&secret));
        assert_ne!(secret, new_secret());
        assert!(!looks_like_token("atr_short"));
        assert!(!looks_like_token(&secret.replace("atr_", "xyz_")));
    }

    #[test]
    fn a_token_gets_its_plans_rate_and_then_429() {
        let limiter = TokenLimiter::default();
        let token = ApiTokenId::from_uuid(uuid::Uuid::new_v4());
        for _ in 0..3 {
            limiter.check(token, 3).unwrap();
        }
        let err = limiter.check(token, 3).unwrap_err();
        let app = err.app().unwrap();
        assert_eq!(app.status(), 429);
        assert!(app.retry_after().is_some_and(|s| s >= 1));
        // A faster plan applies at once.
        limiter.check(token, 600).unwrap();
    }
}
