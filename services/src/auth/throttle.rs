//! Failed sign-ins lock an email (whether or not an account has it, so a lock reveals
//! nothing) and block a network address. With the defaults — 10 failures in 15 minutes lock
//! an email for 15 minutes — an attacker gets at most about 40 guesses an hour at one account.

use chrono::{DateTime, TimeDelta, Utc};
use shared::AppError;
use shared::email::Email;

use crate::audit::{self, actions};
use crate::client::ClientInfo;
use crate::config::AuthSettings;
use crate::error::Result;
use crate::state::Services;
use crate::storage::security_alerts::NewSecurityAlert;
use crate::storage::throttle::ThrottleRow;
use shared::ids::SecurityAlertId;
use shared::security::AlertKind;
use shared::threats::{LockKind, LockSubject};

fn email_key(email: &Email) -> String {
    format!("email:{email}")
}

fn ip_key(client: &ClientInfo) -> String {
    format!(
        "ip:{}",
        client.ip_text().unwrap_or_else(|| "unknown".into())
    )
}

/// The counter of a lock's subject, as the sign-in checks read it.
pub fn key_of(subject: &LockSubject) -> String {
    match subject {
        LockSubject::Account(email) => email_key(email),
        LockSubject::Address(ip) => format!("ip:{ip}"),
    }
}

/// What a counter's key is about: an account's email or an address.
pub fn subject_of(key: &str) -> Option<(LockKind, String)> {
    if let Some(email) = key.strip_prefix("email:") {
        return Some((LockKind::Account, email.to_owned()));
    }
    key.strip_prefix("ip:")
        .map(|ip| (LockKind::Address, ip.to_owned()))
}

fn remaining(row: &ThrottleRow, now: DateTime<Utc>) -> Option<TimeDelta> {
    row.locked_until
        .filter(|until| *until > now)
        .map(|until| until - now)
}

fn secs(delta: TimeDelta) -> u64 {
    u64::try_from(delta.num_seconds()).unwrap_or(0).max(1)
}

/// Refuses a sign-in up front when its email is locked or its address blocked.
pub async fn check(svc: &Services, email: &Email, client: &ClientInfo) -> Result<()> {
    let now = crate::time::now();
    let email_key = email_key(email);
    for row in svc
        .store()
        .throttle_rows(&email_key, &ip_key(client))
        .await?
    {
        if let Some(left) = remaining(&row, now) {
            return Err(if row.key == email_key {
                AppError::AccountLocked {
                    retry_after_secs: secs(left),
                }
            } else {
                AppError::RateLimited {
                    retry_after_secs: secs(left),
                }
            }
            .into());
        }
    }
    Ok(())
}

/// Counts a failed sign-in against the email and the address, locking either when it
/// crosses its threshold. Returns the refusal to show when this failure caused a lock.
pub async fn record_failure(
    svc: &Services,
    email: &Email,
    client: &ClientInfo,
) -> Result<Option<AppError>> {
    let policy = &svc.settings().auth;
    let now = crate::time::now();
    let window = TimeDelta::minutes(policy.lockout_window_minutes as i64);
    let lock = TimeDelta::minutes(policy.lockout_minutes as i64);
    let store = svc.store();

    let by_email = store
        .count_failure(&email_key(email), now, now - window)
        .await?;
    let by_ip = store
        .count_failure(&ip_key(client), now, now - window)
        .await?;
    let mut refusal = None;
    if crosses(&by_ip, policy.ip_lockout_threshold, now) {
        store.lock_throttle_key(&by_ip.key, now + lock).await?;
        store
            .audit(&audit::entry(
                actions::ADDRESS_BLOCKED,
                None,
                None,
                client.ip_text(),
                client,
                serde_json::json!({ "failures": by_ip.failures }),
            ))
            .await?;
        refusal = Some(AppError::RateLimited {
            retry_after_secs: secs(lock),
        });
    }
    if crosses(&by_email, policy.account_lockout_threshold, now) {
        // Each lock of the same account while its alert is open lasts twice as long.
        let occurrences = raise_brute_force_alert(svc, email, by_email.failures, now).await?;
        let lock = progressive(lock, occurrences);
        store.lock_throttle_key(&by_email.key, now + lock).await?;
        store
            .audit(&audit::entry(
                actions::ACCOUNT_LOCKED,
                None,
                None,
                Some(email.to_string()),
                client,
                serde_json::json!({ "failures": by_email.failures, "minutes": lock.num_minutes() }),
            ))
            .await?;
        metrics::counter!("atrium_account_lockouts_total").increment(1);
        refusal = Some(AppError::AccountLocked {
            retry_after_secs: secs(lock),
        });
    }
    if let Some(stuffing) = super::history::check_credential_stuffing(svc, client).await? {
        refusal = refusal.or(Some(stuffing));
    }
    Ok(refusal)
}

/// The longest a repeatedly attacked account stays locked.
const MAX_LOCK: TimeDelta = TimeDelta::hours(24);

/// The lock for the `occurrence`-th lock of one account while its alert is open.
fn progressive(lock: TimeDelta, occurrence: i64) -> TimeDelta {
    let doublings = u32::try_from((occurrence - 1).clamp(0, 16)).unwrap_or(0);
    (lock * 2i32.pow(doublings)).min(MAX_LOCK)
}

/// Raises (or adds to) the alert for repeated failures on one account; returns how many
/// times it has fired while open.
async fn raise_brute_force_alert(
    svc: &Services,
    email: &Email,
    failures: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    let since = now - TimeDelta::hours(1);
    let addresses = svc
        .store()
        .addresses_failing_on(email.as_str(), since, 10)
        .await?;
    let user = svc.store().user_by_email(email).await?.map(|u| u.id);
    svc.store()
        .raise_alert(&NewSecurityAlert {
            id: SecurityAlertId::from_uuid(uuid::Uuid::now_v7()),
            kind: AlertKind::AccountBruteForce,
            subject: email.to_string(),
            user_id: user,
            reason: format!("{failures} failed sign-ins in a row locked this account."),
            evidence: serde_json::json!({
                "failures": failures,
                "addresses": addresses,
                "account_exists": user.is_some(),
            }),
            at: now,
        })
        .await
}

/// Blocks an address until `until` (credential stuffing), however few failures it has.
pub async fn block_address(
    svc: &Services,
    client: &ClientInfo,
    until: DateTime<Utc>,
) -> Result<()> {
    let key = ip_key(client);
    let now = crate::time::now();
    let window = TimeDelta::minutes(svc.settings().auth.lockout_window_minutes as i64);
    svc.store().count_failure(&key, now, now - window).await?;
    svc.store().lock_throttle_key(&key, until).await?;
    svc.store()
        .audit(&audit::entry(
            actions::ADDRESS_BLOCKED,
            None,
            None,
            client.ip_text(),
            client,
            serde_json::json!({ "reason": "credential_stuffing", "until": until }),
        ))
        .await
}

/// A successful sign-in forgets the email's failures.
pub async fn clear(svc: &Services, email: &Email) -> Result<()> {
    svc.store().clear_throttle_key(&email_key(email)).await
}

/// A failure at or past the threshold locks, unless a lock is already running.
fn crosses(row: &ThrottleRow, threshold: u32, now: DateTime<Utc>) -> bool {
    row.failures >= i64::from(threshold.max(1)) && remaining(row, now).is_none()
}

/// The documented worst case for one account, used by tests to hold the policy to budget.
pub fn max_guesses_per_hour(policy: &AuthSettings) -> u64 {
    let cycle = policy.lockout_minutes.max(1);
    let cycles = 60u64.div_ceil(cycle);
    cycles * u64::from(policy.account_lockout_threshold)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Settings;

    #[test]
    fn default_policy_locks_well_before_100_failures_an_hour() {
        let settings = Settings::load(None).unwrap();
        assert!(max_guesses_per_hour(&settings.auth) < 100);
    }

    #[test]
    fn repeated_locks_grow_to_a_day_at_most() {
        let lock = TimeDelta::minutes(15);
        assert_eq!(progressive(lock, 1), lock);
        assert_eq!(progressive(lock, 2), TimeDelta::minutes(30));
        assert_eq!(progressive(lock, 3), TimeDelta::minutes(60));
        assert_eq!(progressive(lock, 40), MAX_LOCK);
        assert_eq!(progressive(lock, 0), lock);
    }

    #[test]
    fn a_lock_counts_down() {
        let now = crate::time::now();
        let row = ThrottleRow {
            key: "email:a@b.co".into(),
            failures: 10,
            window_started_at: now,
            locked_until: Some(now + TimeDelta::minutes(15)),
        };
        assert_eq!(remaining(&row, now).map(secs), Some(900));
        assert_eq!(remaining(&row, now + TimeDelta::minutes(16)), None);
        assert!(!crosses(&row, 10, now), "already locked");
        assert!(
            crosses(&row, 10, now + TimeDelta::minutes(16)),
            "an expired lock locks again"
        );
        let fresh = ThrottleRow {
            locked_until: None,
            ..row
        };
        assert!(crosses(&fresh, 10, now));
        assert!(!crosses(&fresh, 11, now));
    }
}
