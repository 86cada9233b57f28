//! Single-use links sent by email: password resets, email verification and email changes.
//! The email holds a random token; we hold its hash, an expiry and when it was used.

use chrono::{DateTime, Utc};
use shared::ids::{AccountLinkId, UserId};
use shared::security::LinkPurpose;
use tracing::instrument;

use super::{Store, Tx, on_tx, with_reader};
use crate::error::Result;

#[derive(Clone, Debug)]
pub struct NewAccountLink {
    pub id: AccountLinkId,
    pub user_id: UserId,
    pub purpose: LinkPurpose,
    pub token_hash: Vec<u8>,
    /// The new address, for an email change.
    pub email: Option<String>,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AccountLinkRow {
    pub id: AccountLinkId,
    pub user_id: UserId,
    pub purpose: LinkPurpose,
    pub email: Option<String>,
    pub expires_at: DateTime<Utc>,
    pub used_at: Option<DateTime<Utc>>,
}

impl Store {
    /// The link holding this token hash, used or not, so the page can say which.
    #[instrument(skip_all)]
    pub async fn account_link(&self, token_hash: &[u8]) -> Result<Option<AccountLinkRow>> {
        Ok(with_reader!(self, pool => sqlx::query_as(
            "SELECT id, user_id, purpose, email, expires_at, used_at FROM account_links WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(pool)
        .await)?)
    }
}

impl Tx {
    /// Stores a new link; earlier unused links of the same purpose for the person stop
    /// working, so only the newest email counts.
    #[instrument(skip_all, fields(purpose = %link.purpose))]
    pub async fn insert_account_link(&mut self, link: &NewAccountLink) -> Result<()> {
        on_tx!(self, conn => {
            sqlx::query(
                "UPDATE account_links SET used_at = $3 WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL",
            )
            .bind(link.user_id)
            .bind(link.purpose)
            .bind(link.created_at)
            .execute(&mut **conn)
            .await?;
            sqlx::query(
                "INSERT INTO account_links (id, user_id, purpose, token_hash, email, created_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(link.id)
            .bind(link.user_id)
            .bind(link.purpose)
            .bind(&link.token_hash)
            .bind(&link.email)
            .bind(link.created_at)
            .bind(link.expires_at)
            .execute(&mut **conn)
            .await
            .map(|done| done.rows_affected())
        })?;
        Ok(())
    }

    /// Spends a link once: true when it was unused and unexpired (two requests racing with
    /// one link cannot both pass).
    #[instrument(skip_all)]
    pub async fn use_account_link(
        &mut self,
        id: AccountLinkId,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let done = on_tx!(self, conn => sqlx::query(
            "UPDATE account_links SET used_at = $2 WHERE id = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(id)
        .bind(now)
        .execute(&mut **conn)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(done == 1)
    }
}
