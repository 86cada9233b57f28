//! API tokens as stored: the hash of the secret, never the secret.

use chrono::{DateTime, TimeDelta, Utc};
use shared::api_tokens::{ApiScope, ApiTokenView};
use shared::email::Email;
use shared::ids::{ApiTokenId, TenantId, UserId};
use shared::names::PersonName;
use shared::personas::PersonaSet;
use shared::platform::UserStatus;
use shared::slug::Slug;
use tracing::instrument;

use super::access_cache::Invalidation;
use super::{Store, Tx, on_tx, with_reader, with_writer};
use crate::error::Result;

pub struct NewApiToken<'a> {
    pub id: ApiTokenId,
    pub user: UserId,
    pub tenant: TenantId,
    pub name: &'a str,
    pub hash: &'a [u8],
    pub prefix: &'a str,
    pub scopes: &'a [ApiScope],
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
}

/// A token found by its hash, with its workspace's API rate and the person it acts for —
/// everything a request with it needs, read in one query and kept in the access cache.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct TokenLookup {
    pub id: ApiTokenId,
    pub user_id: UserId,
    pub tenant_id: TenantId,
    pub scopes: String,
    pub expires_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub requests_per_minute: i32,
    pub email: Email,
    pub name: PersonName,
    pub personas: PersonaSet,
    pub status: UserStatus,
    pub has_two_factor: bool,
}

#[derive(sqlx::FromRow)]
struct TokenRow {
    id: ApiTokenId,
    name: String,
    token_prefix: String,
    slug: Slug,
    tenant_name: String,
    scopes: String,
    created_at: DateTime<Utc>,
    expires_at: Option<DateTime<Utc>>,
    last_used_at: Option<DateTime<Utc>>,
    revoked_at: Option<DateTime<Utc>>,
}

fn scopes_of(text: &str) -> Vec<ApiScope> {
    text.split(' ').filter_map(|s| s.parse().ok()).collect()
}

impl TokenLookup {
    pub fn scopes(&self) -> Vec<ApiScope> {
        scopes_of(&self.scopes)
    }
}

/// `last_used_at` is written at most this often per token.
const TOUCH_EVERY: TimeDelta = TimeDelta::minutes(1);

impl Tx {
    #[instrument(skip_all, fields(user = %token.user))]
    pub async fn insert_api_token(&mut self, token: &NewApiToken<'_>) -> Result<()> {
        on_tx!(self, conn => sqlx::query(
            "INSERT INTO api_tokens (id, user_id, tenant_id, name, token_hash, token_prefix, scopes, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(token.id)
        .bind(token.user)
        .bind(token.tenant)
        .bind(token.name)
        .bind(token.hash)
        .bind(token.prefix)
        .bind(ApiScope::list_text(token.scopes))
        .bind(token.created_at)
        .bind(token.expires_at)
        .execute(&mut **conn)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// Revokes one of `user`'s tokens; false when they have no such live token.
    #[instrument(skip_all, fields(user = %user))]
    pub async fn revoke_api_token(
        &mut self,
        user: UserId,
        id: ApiTokenId,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let done = on_tx!(self, conn => sqlx::query(
            "UPDATE api_tokens SET revoked_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL",
        )
        .bind(id)
        .bind(user)
        .bind(at)
        .execute(&mut **conn)
        .await
        .map(|done| done.rows_affected()))?;
        self.invalidates(Invalidation::TokensOf(user));
        Ok(done == 1)
    }
}

impl Store {
    /// A person's tokens, newest first.
    #[instrument(skip_all, fields(user = %user))]
    pub async fn api_tokens_of(&self, user: UserId) -> Result<Vec<ApiTokenView>> {
        let rows: Vec<TokenRow> = with_reader!(self, pool => sqlx::query_as(
            "SELECT a.id, a.name, a.token_prefix, t.slug, t.name AS tenant_name, a.scopes,
                    a.created_at, a.expires_at, a.last_used_at, a.revoked_at
             FROM api_tokens a JOIN tenants t ON t.id = a.tenant_id
             WHERE a.user_id = $1 ORDER BY a.created_at DESC",
        )
        .bind(user)
        .fetch_all(pool)
        .await)?;
        let now = crate::time::now();
        Ok(rows
            .into_iter()
            .map(|r| ApiTokenView {
                active: r.revoked_at.is_none() && r.expires_at.is_none_or(|at| at > now),
                id: r.id,
                name: r.name,
                prefix: r.token_prefix,
                workspace: r.slug,
                workspace_name: r.tenant_name,
                scopes: scopes_of(&r.scopes),
                created_at: r.created_at,
                expires_at: r.expires_at,
                last_used_at: r.last_used_at,
                revoked_at: r.revoked_at,
            })
            .collect())
    }

    /// The token with this hash, whatever its state (the caller decides what is usable),
    /// from the access cache when it has it.
    #[instrument(skip_all)]
    pub async fn api_token_by_hash(&self, hash: &[u8]) -> Result<Option<TokenLookup>> {
        if let Some(hit) = self.cache.token(hash) {
            return Ok(Some(hit));
        }
        let seen = self.cache.generation();
        let found: Option<TokenLookup> = with_reader!(self, pool => sqlx::query_as(
            "SELECT a.id, a.user_id, a.tenant_id, a.scopes, a.expires_at, a.revoked_at, a.last_used_at,
                    COALESCE(p.api_requests_per_minute, 60) AS requests_per_minute,
                    u.email, u.name, u.personas, u.status,
                    EXISTS (SELECT 1 FROM totp_credentials c
                            WHERE c.user_id = a.user_id AND c.confirmed_at IS NOT NULL) AS has_two_factor
             FROM api_tokens a JOIN tenants t ON t.id = a.tenant_id
             JOIN users u ON u.id = a.user_id
             LEFT JOIN plans p ON p.tier = t.plan_tier
             WHERE a.token_hash = $1",
        )
        .bind(hash)
        .fetch_optional(pool)
        .await)?;
        if let Some(token) = &found {
            self.cache
                .remember_token(hash.to_vec(), token.clone(), seen);
        }
        Ok(found)
    }

    /// Notes that a token was used (at most once a minute).
    #[instrument(skip_all)]
    pub async fn touch_api_token(
        &self,
        hash: &[u8],
        token: &TokenLookup,
        at: DateTime<Utc>,
    ) -> Result<()> {
        if token
            .last_used_at
            .is_some_and(|last| at - last < TOUCH_EVERY)
        {
            return Ok(());
        }
        with_writer!(self, pool => sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1")
            .bind(token.id)
            .bind(at)
            .execute(pool)
            .await
            .map(|_| ()))?;
        // The cached copy learns it too, or every later request would write again.
        self.cache
            .refresh_token(hash.to_vec(), |cached| cached.last_used_at = Some(at));
        Ok(())
    }
}
