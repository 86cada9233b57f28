//! Emails written while no SMTP server is configured, kept for super admins to read (a
//! development or evaluation install still delivers its reset and invitation links).

use chrono::{DateTime, Utc};
use shared::ids::OutboxId;
use tracing::instrument;

use super::{PlatformData, Store, with_reader, with_writer};
use crate::error::Result;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct OutboxRow {
    pub id: OutboxId,
    pub created_at: DateTime<Utc>,
    pub recipient: String,
    pub subject: String,
    pub body: String,
}

impl Store {
    #[instrument(skip_all)]
    pub async fn put_in_outbox(&self, mail: &OutboxRow) -> Result<()> {
        with_writer!(self, pool => sqlx::query(
            "INSERT INTO outbox (id, created_at, recipient, subject, body) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(mail.id)
        .bind(mail.created_at)
        .bind(&mail.recipient)
        .bind(&mail.subject)
        .bind(&mail.body)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(())
    }
}

impl PlatformData<'_> {
    /// The latest emails, newest first.
    #[instrument(skip_all)]
    pub async fn outbox(&self, limit: i64) -> Result<Vec<OutboxRow>> {
        Ok(with_reader!(self.store, pool => sqlx::query_as(
            "SELECT id, created_at, recipient, subject, body FROM outbox ORDER BY created_at DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(pool)
        .await)?)
    }
}
