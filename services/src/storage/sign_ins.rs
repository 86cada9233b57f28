//! The sign-in history: every attempt that named an email, with where it came from and how
//! it ended. A person reads their own; operators' alerts read it across accounts.

use chrono::{DateTime, Utc};
use shared::ids::{SignInEventId, UserId};
use shared::security::SignInOutcome;
use tracing::instrument;

use super::{Store, with_reader, with_writer};
use crate::error::Result;

#[derive(Clone, Debug)]
pub struct NewSignInEvent {
    pub id: SignInEventId,
    pub at: DateTime<Utc>,
    pub user_id: Option<UserId>,
    pub email: String,
    pub ip: Option<String>,
    pub network: Option<String>,
    pub user_agent: Option<String>,
    pub device: String,
    pub outcome: SignInOutcome,
    pub new_device: bool,
    pub new_network: bool,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SignInRow {
    pub at: DateTime<Utc>,
    pub ip: Option<String>,
    pub device: String,
    pub outcome: SignInOutcome,
    pub new_device: bool,
    pub new_network: bool,
}

/// What one address has been failing at lately.
#[derive(Clone, Debug, Default, sqlx::FromRow)]
pub struct AddressFailures {
    pub failures: i64,
    pub accounts: i64,
}

impl Store {
    #[instrument(skip_all, fields(outcome = %event.outcome))]
    pub async fn record_sign_in_event(&self, event: &NewSignInEvent) -> Result<()> {
        with_writer!(self, pool => sqlx::query(
            "INSERT INTO sign_in_events (id, at, user_id, email, ip, network, user_agent, device, outcome, new_device, new_network)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(event.id)
        .bind(event.at)
        .bind(event.user_id)
        .bind(&event.email)
        .bind(&event.ip)
        .bind(&event.network)
        .bind(&event.user_agent)
        .bind(&event.device)
        .bind(event.outcome)
        .bind(event.new_device)
        .bind(event.new_network)
        .execute(pool)
        .await
        .map(|done| done.rows_affected()))?;
        Ok(())
    }

    /// The person's latest attempts, newest first.
    #[instrument(skip_all)]
    pub async fn sign_in_history(&self, user: UserId, limit: i64) -> Result<Vec<SignInRow>> {
        Ok(with_reader!(self, pool => sqlx::query_as(
            "SELECT at, ip, device, outcome, new_device, new_network FROM sign_in_events
             WHERE user_id = $1 ORDER BY at DESC LIMIT $2",
        )
        .bind(user)
        .bind(limit)
        .fetch_all(pool)
        .await)?)
    }

    /// Whether the person has signed in successfully before from this device description
    /// and from this network (one read for both).
    #[instrument(skip_all)]
    pub async fn seen_before(
        &self,
        user: UserId,
        device: &str,
        network: Option<&str>,
    ) -> Result<(bool, bool, bool)> {
        let (any, device_seen, network_seen): (i64, i64, i64) = with_reader!(self, pool => sqlx::query_as(
            "SELECT COUNT(*),
                    COALESCE(SUM(CASE WHEN device = $2 THEN 1 ELSE 0 END), 0),
                    COALESCE(SUM(CASE WHEN network = $3 THEN 1 ELSE 0 END), 0)
             FROM sign_in_events WHERE user_id = $1 AND outcome = 'success'",
        )
        .bind(user)
        .bind(device)
        .bind(network)
        .fetch_one(pool)
        .await)?;
        Ok((any > 0, device_seen > 0, network_seen > 0))
    }

    /// Failures from one address since `since`, and how many different emails they named.
    #[instrument(skip_all)]
    pub async fn failures_from_address(
        &self,
        ip: &str,
        since: DateTime<Utc>,
    ) -> Result<AddressFailures> {
        Ok(with_reader!(self, pool => sqlx::query_as(
            "SELECT COUNT(*) AS failures, COUNT(DISTINCT email) AS accounts FROM sign_in_events
             WHERE ip = $1 AND at >= $2 AND outcome IN ('wrong_password', 'wrong_code', 'no_account', 'locked')",
        )
        .bind(ip)
        .bind(since)
        .fetch_one(pool)
        .await)?)
    }

    /// A few of the emails an address failed on lately, as evidence.
    #[instrument(skip_all)]
    pub async fn emails_failed_from(
        &self,
        ip: &str,
        since: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<String>> {
        Ok(with_reader!(self, pool => sqlx::query_scalar(
            "SELECT DISTINCT email FROM sign_in_events
             WHERE ip = $1 AND at >= $2 AND outcome IN ('wrong_password', 'wrong_code', 'no_account', 'locked')
             ORDER BY email LIMIT $3",
        )
        .bind(ip)
        .bind(since)
        .bind(limit)
        .fetch_all(pool)
        .await)?)
    }

    /// The addresses an email failed from lately, as evidence.
    #[instrument(skip_all)]
    pub async fn addresses_failing_on(
        &self,
        email: &str,
        since: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<String>> {
        Ok(with_reader!(self, pool => sqlx::query_scalar(
            "SELECT DISTINCT COALESCE(ip, 'unknown') FROM sign_in_events
             WHERE email = $1 AND at >= $2 AND outcome IN ('wrong_password', 'wrong_code', 'no_account', 'locked')
             ORDER BY 1 LIMIT $3",
        )
        .bind(email)
        .bind(since)
        .bind(limit)
        .fetch_all(pool)
        .await)?)
    }
}
