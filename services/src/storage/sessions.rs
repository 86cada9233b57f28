//! Server-side sessions: the browser holds a random token, we hold its hash.

use chrono::{DateTime, Utc};
use shared::email::Email;
use shared::ids::{ImpersonationId, SessionId, UserId};
use shared::names::PersonName;
use shared::personas::PersonaSet;
use shared::platform::UserStatus;
use tracing::instrument;

use super::access_cache::Invalidation;
use super::{Store, Tx, on_tx, with_reader, with_writer};
use crate::error::Result;

#[derive(Clone, Debug)]
pub struct NewSession {
    pub id: SessionId,
    pub token_hash: Vec<u8>,
    pub user_id: UserId,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// Opened by the password of a person with a second factor: good for nothing but the
    /// second step.
    pub second_factor_pending: bool,
}

/// A live session joined with its person, read on every authenticated request.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SessionLookup {
    pub session_id: SessionId,
    pub user_id: UserId,
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub email: Email,
    pub name: PersonName,
    pub personas: PersonaSet,
    pub status: UserStatus,
    pub second_factor_pending: bool,
    /// When the person last proved who they are in this session (for step-up).
    pub authenticated_at: DateTime<Utc>,
    pub has_two_factor: bool,
    pub email_verified: bool,
    /// The impersonation this session is in, if one was started and not ended (it may have
    /// run out: [`crate::auth::sessions::lookup`] compares its end with the clock).
    pub impersonation_id: Option<ImpersonationId>,
    pub impersonation_read_only: Option<bool>,
    pub impersonation_expires_at: Option<DateTime<Utc>>,
    /// The person impersonated, with what a session needs to know of them.
    pub as_user_id: Option<UserId>,
    pub as_email: Option<Email>,
    pub as_name: Option<PersonName>,
    pub as_personas: Option<PersonaSet>,
    pub as_status: Option<UserStatus>,
    pub as_two_factor: bool,
    pub as_email_verified: bool,
}

/// The person a session is impersonating, read from its [`SessionLookup`].
#[derive(Clone, Debug)]
pub struct ImpersonatedLookup {
    pub id: ImpersonationId,
    pub read_only: bool,
    pub expires_at: DateTime<Utc>,
    pub user_id: UserId,
    pub email: Email,
    pub name: PersonName,
    pub personas: PersonaSet,
    pub status: UserStatus,
    pub has_two_factor: bool,
    pub email_verified: bool,
}

impl SessionLookup {
    /// The impersonation this session is in (ended or not by the clock), if any.
    pub fn impersonated(&self) -> Option<ImpersonatedLookup> {
        Some(ImpersonatedLookup {
            id: self.impersonation_id?,
            read_only: self.impersonation_read_only?,
            expires_at: self.impersonation_expires_at?,
            user_id: self.as_user_id?,
            email: self.as_email.clone()?,
            name: self.as_name.clone()?,
            personas: self.as_personas.clone()?,
            status: self.as_status?,
            has_two_factor: self.as_two_factor,
            email_verified: self.as_email_verified,
        })
    }
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SessionRow {
    pub id: SessionId,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

impl SessionRow {
    /// The session as a person sees it listed; `current` marks the one they are using.
    pub fn view(self, current: bool) -> shared::accounts::SessionView {
        shared::accounts::SessionView {
            id: self.id,
            created_at: self.created_at,
            last_seen_at: self.last_seen_at,
            ip: self.ip,
            device: shared::accounts::describe_device(
                self.user_agent.as_deref().unwrap_or_default(),
            ),
            current,
        }
    }
}

impl Store {
    /// The live session holding this token hash (from the access cache when it has it).
    #[instrument(skip_all)]
    pub async fn session_by_token_hash(&self, token_hash: &[u8]) -> Result<Option<SessionLookup>> {
        if let Some(hit) = self.cache.session(token_hash) {
            return Ok(Some(hit));
        }
        let seen = self.cache.generation();
        let found: Option<SessionLookup> = with_reader!(self, pool => sqlx::query_as(
            "SELECT s.id AS session_id, s.user_id, s.last_seen_at, s.expires_at,
                    u.email, u.name, u.personas, u.status,
                    s.stage = 'second_factor' AS second_factor_pending,
                    COALESCE(s.authenticated_at, s.created_at) AS authenticated_at,
                    EXISTS (SELECT 1 FROM totp_credentials c
                            WHERE c.user_id = s.user_id AND c.confirmed_at IS NOT NULL) AS has_two_factor,
                    u.email_verified_at IS NOT NULL AS email_verified,
                    i.id AS impersonation_id, i.read_only AS impersonation_read_only,
                    i.expires_at AS impersonation_expires_at,
                    t.id AS as_user_id, t.email AS as_email, t.name AS as_name,
                    t.personas AS as_personas, t.status AS as_status,
                    EXISTS (SELECT 1 FROM totp_credentials c
                            WHERE c.user_id = t.id AND c.confirmed_at IS NOT NULL) AS as_two_factor,
                    t.email_verified_at IS NOT NULL AS as_email_verified
             FROM sessions s JOIN users u ON u.id = s.user_id
             LEFT JOIN impersonations i ON i.session_id = s.id AND i.ended_at IS NULL
             LEFT JOIN users t ON t.id = i.user_id
             WHERE s.token_hash = $1 AND s.revoked_at IS NULL",
        )
        .bind(token_hash)
        .fetch_optional(pool)
        .await)?;
        if let Some(session) = &found {
            self.cache
                .remember_session(token_hash.to_vec(), session.clone(), seen);
        }
        Ok(found)
    }

    #[instrument(skip_all)]
    pub async fn insert_session(&self, session: &NewSession) -> Result<()> {
        with_writer!(self, pool => sqlx::query(
            "INSERT INTO sessions (id, token_hash, user_id, created_at, last_seen_at, authenticated_at, expires_at, ip, user_agent, stage)
             VALUES ($1, $2, $3, $4, $4, $4, $5, $6, $7, $8)",
        )
        .bind(session.id)
        .bind(&session.token_hash)
        .bind(session.user_id)
        .bind(session.created_at)
        .bind(session.expires_at)
        .bind(&session.ip)
        .bind(&session.user_agent)
        .bind(if session.second_factor_pending { "second_factor" } else { "full" })
        .execute(pool)
            .await
            .map(|done| done.rows_affected()))?;
        Ok(())
    }

    /// Records activity on a session (and in the cached copy, so the next request does not
    /// write again).
    #[instrument(skip_all)]
    pub async fn touch_session(
        &self,
        token_hash: &[u8],
        session: &SessionLookup,
        at: DateTime<Utc>,
    ) -> Result<()> {
        with_writer!(self, pool => sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2")
            .bind(at)
            .bind(session.session_id)
            .execute(pool)
            .await
            .map(|done| done.rows_affected()))?;
        self.cache
            .refresh_session(token_hash.to_vec(), |cached| cached.last_seen_at = at);
        Ok(())
    }

    /// Ends one session of one person; false when there was no such live session.
    #[instrument(skip_all)]
    pub async fn revoke_session(
        &self,
        user: UserId,
        id: SessionId,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let done = with_writer!(self, pool => sqlx::query(
            "UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
        )
        .bind(at)
        .bind(id)
        .bind(user)
        .execute(pool)
            .await
            .map(|done| done.rows_affected()))?;
        self.cache.apply(Invalidation::SessionsOf(user));
        Ok(done == 1)
    }

    /// Records that the person just proved who they are in this session (step-up).
    #[instrument(skip_all)]
    pub async fn mark_session_authenticated(
        &self,
        id: SessionId,
        user: UserId,
        at: DateTime<Utc>,
    ) -> Result<()> {
        with_writer!(self, pool => sqlx::query(
            "UPDATE sessions SET authenticated_at = $1 WHERE id = $2 AND user_id = $3",
        )
        .bind(at)
        .bind(id)
        .bind(user)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        self.cache.apply(Invalidation::SessionsOf(user));
        Ok(())
    }

    /// Ends the session that holds this token, whoever it belongs to (sign-out, rotation).
    #[instrument(skip_all)]
    pub async fn revoke_session_by_token_hash(
        &self,
        token_hash: &[u8],
        at: DateTime<Utc>,
    ) -> Result<()> {
        with_writer!(self, pool => sqlx::query(
            "UPDATE sessions SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL",
        )
        .bind(at)
        .bind(token_hash)
        .execute(pool)
            .await
            .map(|done| done.rows_affected()))?;
        self.cache.forget_session(token_hash);
        Ok(())
    }

    /// The person's sessions that are neither revoked nor past their absolute expiry.
    #[instrument(skip_all)]
    pub async fn live_sessions(&self, user: UserId, now: DateTime<Utc>) -> Result<Vec<SessionRow>> {
        Ok(with_reader!(self, pool => sqlx::query_as(
            "SELECT id, created_at, last_seen_at, ip, user_agent FROM sessions
             WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > $2 AND stage = 'full'
             ORDER BY last_seen_at DESC",
        )
        .bind(user)
        .bind(now)
        .fetch_all(pool)
        .await)?)
    }

    /// Sessions across the platform that are still usable, for metrics.
    #[instrument(skip_all)]
    pub async fn count_live_sessions(
        &self,
        now: DateTime<Utc>,
        idle_since: DateTime<Utc>,
    ) -> Result<i64> {
        Ok(with_reader!(self, pool => sqlx::query_scalar(
            "SELECT COUNT(*) FROM sessions WHERE revoked_at IS NULL AND expires_at > $1 AND last_seen_at > $2 AND stage = 'full'",
        )
        .bind(now)
        .bind(idle_since)
        .fetch_one(pool)
        .await)?)
    }
}

impl Tx {
    /// Ends every session of a person; returns how many were live.
    #[instrument(skip_all)]
    pub async fn revoke_all_sessions(&mut self, user: UserId, at: DateTime<Utc>) -> Result<u64> {
        let done = on_tx!(self, conn => sqlx::query(
            "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        )
        .bind(at)
        .bind(user)
        .execute(&mut **conn)
            .await
            .map(|done| done.rows_affected()))?;
        self.invalidates(Invalidation::SessionsOf(user));
        Ok(done)
    }

    /// Ends every session of a person but `keep` (a new password keeps the session that
    /// set it); returns how many ended.
    #[instrument(skip_all)]
    pub async fn revoke_other_sessions(
        &mut self,
        user: UserId,
        keep: SessionId,
        at: DateTime<Utc>,
    ) -> Result<u64> {
        let done = on_tx!(self, conn => sqlx::query(
            "UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND id <> $3 AND revoked_at IS NULL",
        )
        .bind(at)
        .bind(user)
        .bind(keep)
        .execute(&mut **conn)
            .await
            .map(|done| done.rows_affected()))?;
        self.invalidates(Invalidation::SessionsOf(user));
        Ok(done)
    }
}
