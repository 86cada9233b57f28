//! People: platform-wide rows, looked up by email at sign-in and by id everywhere else.

use chrono::{DateTime, Utc};
use shared::email::Email;
use shared::ids::UserId;
use shared::names::PersonName;
use shared::personas::PersonaSet;
use shared::platform::UserStatus;
use tracing::instrument;

use super::access_cache::Invalidation;
use super::{Store, Tx, on_tx, with_reader, with_writer};
use crate::error::{Result, is_unique_violation};
use shared::AppError;

/// A stored person, including the password hash (which never leaves this crate).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct UserRecord {
    pub id: UserId,
    pub email: Email,
    pub name: PersonName,
    pub password_hash: String,
    pub personas: PersonaSet,
    pub status: UserStatus,
    pub created_at: DateTime<Utc>,
    pub last_sign_in_at: Option<DateTime<Utc>>,
}

macro_rules! select_user_where {
    ($condition:literal) => {
        concat!(
            "SELECT id, email, name, password_hash, personas, status, created_at, last_sign_in_at FROM users WHERE ",
            $condition
        )
    };
}

impl Store {
    #[instrument(skip_all)]
    pub async fn user_by_email(&self, email: &Email) -> Result<Option<UserRecord>> {
        Ok(
            with_reader!(self, pool => sqlx::query_as(select_user_where!("email = $1")).bind(email).fetch_optional(pool).await)?,
        )
    }

    #[instrument(skip_all)]
    pub async fn user_by_id(&self, id: UserId) -> Result<Option<UserRecord>> {
        Ok(
            with_reader!(self, pool => sqlx::query_as(select_user_where!("id = $1")).bind(id).fetch_optional(pool).await)?,
        )
    }

    /// Whether the person confirmed their email address.
    #[instrument(skip_all)]
    pub async fn email_verified(&self, id: UserId) -> Result<bool> {
        let verified: i64 = with_reader!(self, pool => sqlx::query_scalar(
            "SELECT COUNT(*) FROM users WHERE id = $1 AND email_verified_at IS NOT NULL",
        )
        .bind(id)
        .fetch_one(pool)
        .await)?;
        Ok(verified > 0)
    }

    #[instrument(skip_all)]
    pub async fn record_sign_in(&self, id: UserId, at: DateTime<Utc>) -> Result<()> {
        with_writer!(self, pool => sqlx::query("UPDATE users SET last_sign_in_at = $1 WHERE id = $2")
            .bind(at)
            .bind(id)
            .execute(pool)
            .await
            .map(|done| done.rows_affected()))?;
        Ok(())
    }
}

impl Tx {
    /// Inserts a person; an email already in use is a conflict the person can act on.
    #[instrument(skip_all)]
    pub async fn insert_user(&mut self, user: &UserRecord) -> Result<()> {
        let result = on_tx!(self, conn => sqlx::query(
            "INSERT INTO users (id, email, name, password_hash, personas, status, created_at, last_sign_in_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(user.id)
        .bind(&user.email)
        .bind(&user.name)
        .bind(&user.password_hash)
        .bind(&user.personas)
        .bind(user.status)
        .bind(user.created_at)
        .bind(user.last_sign_in_at)
        .execute(&mut **conn)
            .await
            .map(|done| done.rows_affected()));
        match result {
            Ok(_) => Ok(()),
            Err(err) if is_unique_violation(&err) => Err(AppError::conflict(
                "An account with this email already exists. Sign in instead.",
            )
            .into()),
            Err(err) => Err(err.into()),
        }
    }

    #[instrument(skip_all)]
    pub async fn set_personas(&mut self, id: UserId, personas: &PersonaSet) -> Result<()> {
        on_tx!(self, conn => sqlx::query("UPDATE users SET personas = $1 WHERE id = $2")
            .bind(personas)
            .bind(id)
            .execute(&mut **conn)
            .await
            .map(|done| done.rows_affected()))?;
        // Sessions and API tokens both carry the personas they act with.
        self.invalidates(Invalidation::SessionsOf(id));
        self.invalidates(Invalidation::TokensOf(id));
        Ok(())
    }

    /// A new password hash (the caller ends sessions and trusted devices as it sees fit).
    #[instrument(skip_all)]
    pub async fn set_password_hash(
        &mut self,
        id: UserId,
        hash: &str,
        at: DateTime<Utc>,
    ) -> Result<()> {
        on_tx!(self, conn => sqlx::query(
            "UPDATE users SET password_hash = $1, password_changed_at = $2 WHERE id = $3",
        )
        .bind(hash)
        .bind(at)
        .bind(id)
        .execute(&mut **conn)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(())
    }

    /// Moves the account to a verified new address; taken meanwhile is a conflict.
    #[instrument(skip_all)]
    pub async fn change_email(
        &mut self,
        id: UserId,
        email: &Email,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let result = on_tx!(self, conn => sqlx::query(
            "UPDATE users SET email = $1, email_verified_at = $2 WHERE id = $3",
        )
        .bind(email)
        .bind(at)
        .bind(id)
        .execute(&mut **conn)
        .await
        .map(|done| done.rows_affected()));
        match result {
            Ok(_) => {
                self.invalidates(Invalidation::SessionsOf(id));
                Ok(())
            }
            Err(err) if is_unique_violation(&err) => Err(AppError::conflict(
                "Another account started using that email address meanwhile.",
            )
            .into()),
            Err(err) => Err(err.into()),
        }
    }

    #[instrument(skip_all)]
    pub async fn mark_email_verified(&mut self, id: UserId, at: DateTime<Utc>) -> Result<()> {
        on_tx!(self, conn => sqlx::query(
            "UPDATE users SET email_verified_at = COALESCE(email_verified_at, $1) WHERE id = $2",
        )
        .bind(at)
        .bind(id)
        .execute(&mut **conn)
        .await
        .map(|done| done.rows_affected()))?;
        self.invalidates(Invalidation::SessionsOf(id));
        Ok(())
    }

    #[instrument(skip_all)]
    pub async fn user_by_id(&mut self, id: UserId) -> Result<Option<UserRecord>> {
        Ok(
            on_tx!(self, conn => sqlx::query_as(select_user_where!("id = $1")).bind(id).fetch_optional(&mut **conn).await)?,
        )
    }
}
