//! Alerts raised by sign-in activity, for the platform's operators. One alert stays open
//! per kind and subject; a repeat adds to it instead of piling up duplicates.

use chrono::{DateTime, Utc};
use shared::ids::{SecurityAlertId, UserId};
use shared::security::{AlertKind, SecurityAlertView};
use shared::threats::{AlertStep, ThreatCounts};
use tracing::instrument;

use super::{PlatformData, Store, Tx, on_tx, with_reader, with_writer};
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
    pub acknowledged_at: Option<DateTime<Utc>>,
    pub resolved_at: Option<DateTime<Utc>>,
}

impl SecurityAlertRow {
    pub fn view(self) -> SecurityAlertView {
        SecurityAlertView {
            id: self.id,
            kind: self.kind,
            subject: self.subject,
            reason: self.reason,
            evidence: self.evidence.0.to_string(),
            occurrences: self.occurrences,
            created_at: self.created_at,
            last_seen_at: self.last_seen_at,
            acknowledged_at: self.acknowledged_at,
            resolved_at: self.resolved_at,
        }
    }
}

const COLUMNS: &str = "id, kind, subject, reason, evidence, occurrences, created_at, last_seen_at,
     acknowledged_at, resolved_at";

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
    /// Open alerts (`resolved` false), newest activity first; or the latest resolved ones.
    #[instrument(skip_all)]
    pub async fn alerts(&self, resolved: bool, limit: u32) -> Result<Vec<SecurityAlertRow>> {
        let sql = if resolved {
            format!(
                "SELECT {COLUMNS} FROM security_alerts WHERE resolved_at IS NOT NULL ORDER BY resolved_at DESC LIMIT $1"
            )
        } else {
            format!(
                "SELECT {COLUMNS} FROM security_alerts WHERE resolved_at IS NULL ORDER BY last_seen_at DESC LIMIT $1"
            )
        };
        Ok(
            with_reader!(self.store, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await)?,
        )
    }

    /// One alert, resolved or not.
    #[instrument(skip_all, fields(%id))]
    pub async fn alert(&self, id: SecurityAlertId) -> Result<Option<SecurityAlertRow>> {
        let sql = format!("SELECT {COLUMNS} FROM security_alerts WHERE id = $1");
        Ok(
            with_reader!(self.store, pool => sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(id)
            .fetch_optional(pool)
            .await)?,
        )
    }

    /// Acknowledges or resolves an open alert (resolving one not yet acknowledged
    /// acknowledges it too); false when it was already in that state.
    #[instrument(skip_all, fields(%id, %step))]
    pub async fn advance_alert(
        &self,
        tx: &mut Tx,
        id: SecurityAlertId,
        step: AlertStep,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        let sql = match step {
            AlertStep::Acknowledge => {
                "UPDATE security_alerts SET acknowledged_at = $1
                 WHERE id = $2 AND acknowledged_at IS NULL AND resolved_at IS NULL"
            }
            AlertStep::Resolve => {
                "UPDATE security_alerts SET resolved_at = $1, acknowledged_at = COALESCE(acknowledged_at, $1)
                 WHERE id = $2 AND resolved_at IS NULL"
            }
        };
        let done = on_tx!(tx, conn => sqlx::query(sql)
            .bind(at)
            .bind(id)
            .execute(&mut **conn)
            .await
            .map(|done| done.rows_affected()))?;
        Ok(done == 1)
    }

    /// The page's counters since `since`: failed sign-ins, lockouts and alerts raised.
    #[instrument(skip_all)]
    pub async fn threat_counts(&self, since: DateTime<Utc>) -> Result<ThreatCounts> {
        let (failed_sign_ins, lockouts, alerts_raised): (i64, i64, i64) = with_reader!(self.store, pool => sqlx::query_as(
                "SELECT
                    (SELECT COUNT(*) FROM sign_in_events
                      WHERE at >= $1 AND outcome IN ('wrong_password', 'wrong_code', 'no_account', 'locked')),
                    (SELECT COUNT(*) FROM audit_log WHERE action = 'auth.account_locked' AND at >= $1),
                    (SELECT COUNT(*) FROM security_alerts WHERE created_at >= $1)",
            )
            .bind(since)
            .fetch_one(pool)
            .await)?;
        Ok(ThreatCounts {
            failed_sign_ins,
            lockouts,
            alerts_raised,
        })
    }
}
