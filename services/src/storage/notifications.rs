//! In-app notifications: what the platform tells a person about their own account.

use chrono::{DateTime, Utc};
use shared::ids::{NotificationId, UserId};
use shared::security::NotificationKind;
use tracing::instrument;

use super::{Store, Tx, on_tx, with_reader, with_writer};
use crate::error::Result;

#[derive(Clone, Debug)]
pub struct NewNotification {
    pub id: NotificationId,
    pub user_id: UserId,
    pub kind: NotificationKind,
    pub title: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct NotificationRow {
    pub id: NotificationId,
    pub kind: NotificationKind,
    pub title: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

const INSERT: &str = "INSERT INTO notifications (id, user_id, kind, title, body, created_at)
     VALUES ($1, $2, $3, $4, $5, $6)";

macro_rules! bind_notification {
    ($n:expr) => {
        sqlx::query(INSERT)
            .bind($n.id)
            .bind($n.user_id)
            .bind($n.kind)
            .bind(&$n.title)
            .bind(&$n.body)
            .bind($n.created_at)
    };
}

impl Store {
    #[instrument(skip_all, fields(kind = %notification.kind))]
    pub async fn notify(&self, notification: &NewNotification) -> Result<()> {
        with_writer!(self, pool => bind_notification!(notification)
            .execute(pool)
            .await
            .map(|done| done.rows_affected()))?;
        Ok(())
    }

    /// The person's latest notifications, newest first.
    #[instrument(skip_all)]
    pub async fn notifications(&self, user: UserId, limit: i64) -> Result<Vec<NotificationRow>> {
        Ok(with_reader!(self, pool => sqlx::query_as(
            "SELECT id, kind, title, body, created_at, read_at FROM notifications
             WHERE user_id = $1 ORDER BY created_at DESC LIMIT $2",
        )
        .bind(user)
        .bind(limit)
        .fetch_all(pool)
        .await)?)
    }

    /// Marks all of the person's notifications read; returns how many were unread.
    #[instrument(skip_all)]
    pub async fn mark_notifications_read(&self, user: UserId, at: DateTime<Utc>) -> Result<u64> {
        Ok(with_writer!(self, pool => sqlx::query(
            "UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL",
        )
        .bind(user)
        .bind(at)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?)
    }
}

impl Tx {
    /// A notification sent with the change it is about.
    #[instrument(skip_all, fields(kind = %notification.kind))]
    pub async fn notify(&mut self, notification: &NewNotification) -> Result<()> {
        on_tx!(self, conn => bind_notification!(notification)
            .execute(&mut **conn)
            .await
            .map(|done| done.rows_affected()))?;
        Ok(())
    }
}
