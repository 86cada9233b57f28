//! Alerts raised by sign-in activity, for the platform's operators. One alert stays open
//! per kind and subject; a repeat adds to it instead of piling up duplicates.

use chrono::{DateTime, Utc};
use shared::ids::{SecurityAlertId, UserId};
use shared::security::AlertKind;
use tracing::instrument;

use super::{PlatformData, Store, with_reader, with_writer};
use crate::error::Result;

#[derive(Clone, Debug)]
pub struct NewSecurityAlert {
    pub id: SecurityAlertId,
    pub kind: AlertKind,
    pub subject: String,
    pub user_id: Option<UserId>,
    pub reason: String,
    pub evidence: serde_json::Value,
    pub at: DateTime<Utc>,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SecurityAlertRow {
    pub id: SecurityAlertId,
    pub kind: AlertKind,
    pub subject: String,
    pub reason: String,
    pub evidence: sqlx::types::Json<serde_json::Value>,
    pub occurrences: i64,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

impl Store {
    /// Opens an alert, or adds an occurrence (and the latest evidence) to the open one of the
    /// same kind and subject. Returns how many times it has fired while open (1: new).
    #[instrument(skip_all, fields(kind = %alert.kind))]
    pub async fn raise_alert(&self, alert: &NewSecurityAlert) -> Result<i64> {
        let occurrences: i64 = with_writer!(self, pool => sqlx::query_scalar(
            "INSERT INTO security_alerts (id, kind, subject, user_id, reason, evidence, created_at, last_seen_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
             ON CONFLICT (kind, subject) WHERE resolved_at IS NULL DO UPDATE SET
                occurrences = security_alerts.occurrences + 1,
                evidence = excluded.evidence,
                reason = excluded.reason,
                last_seen_at = excluded.last_seen_at
             RETURNING occurrences",
        )
        .bind(alert.id)
        .bind(alert.kind)
        .bind(&alert.subject)
        .bind(alert.user_id)
        .bind(&alert.reason)
        .bind(sqlx::types::Json(&alert.evidence))
        .bind(alert.at)
        .fetch_one(pool)
        .await)?;
        Ok(occurrences)
    }
}

impl PlatformData<'_> {
    /// Open alerts, newest activity first.
    #[instrument(skip_all)]
    pub async fn open_alerts(&self, limit: i64) -> Result<Vec<SecurityAlertRow>> {
        Ok(with_reader!(self.store, pool => sqlx::query_as(
            "SELECT id, kind, subject, reason, evidence, occurrences, created_at, last_seen_at
             FROM security_alerts WHERE resolved_at IS NULL ORDER BY last_seen_at DESC LIMIT $1",
        )
        .bind(limit)
        .fetch_all(pool)
        .await)?)
    }
}
