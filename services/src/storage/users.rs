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
