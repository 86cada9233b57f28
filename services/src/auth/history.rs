//! The sign-in history, and what it reveals: a successful sign-in from a device or network
//! the person never used is noted, told to them in the app, and kept as an alert for the
//! operators; failures for many accounts from one address (credential stuffing) raise an
//! alert and block the address for longer than ordinary throttling would.

use chrono::TimeDelta;
use shared::AppError;
use shared::accounts::describe_device;
use shared::ids::{NotificationId, SecurityAlertId, SignInEventId, UserId};
use shared::security::{AlertKind, NotificationKind, SignInOutcome, network_of};
use tracing::instrument;

use crate::client::ClientInfo;
use crate::error::Result;
use crate::state::Services;
use crate::storage::notifications::NewNotification;
use crate::storage::security_alerts::NewSecurityAlert;
use crate::storage::sign_ins::NewSignInEvent;

/// How far back failures from one address are counted for credential stuffing.
const STUFFING_WINDOW: TimeDelta = TimeDelta::minutes(15);

/// Records one attempt. For a successful sign-in, notes (and tells the person) when the
/// device or the network is new to their account.
#[instrument(skip_all, fields(outcome = %outcome))]
pub async fn record(
    svc: &Services,
    email: &str,
    user: Option<UserId>,
    client: &ClientInfo,
    outcome: SignInOutcome,
) -> Result<()> {
    let now = crate::time::now();
    let device = describe_device(client.user_agent.as_deref().unwrap_or_default());
    let network = client.ip.map(network_of);
    let (mut new_device, mut new_network) = (false, false);
    if let (SignInOutcome::Success, Some(user)) = (outcome, user) {
        let (any_before, device_seen, network_seen) = svc
            .store()
            .seen_before(user, &device, network.as_deref())
            .await?;
        // The very first sign-in has nothing to compare with.
        new_device = any_before && !device_seen;
        new_network = any_before && network.is_some() && !network_seen;
    }
    svc.store()
        .record_sign_in_event(&NewSignInEvent {
            id: SignInEventId::from_uuid(uuid::Uuid::now_v7()),
            at: now,
            user_id: user,
            email: email.to_owned(),
            ip: client.ip_text(),
            network: network.clone(),
            user_agent: client.user_agent_text(),
            device: device.clone(),
            outcome,
            new_device,
            new_network,
        })
        .await?;
    if let Some(user) = user.filter(|_| new_device || new_network) {
        let place = match (&network, client.ip_text()) {
            (Some(network), Some(ip)) => format!(" from {ip} (network {network})"),
            _ => String::new(),
        };
        let what = match (new_device, new_network) {
            (true, true) => "a new device and network",
            (true, false) => "a new device",
            _ => "a new network",
        };
        svc.store()
            .notify(&NewNotification {
                id: NotificationId::from_uuid(uuid::Uuid::now_v7()),
                user_id: user,
                kind: NotificationKind::NewSignIn,
                title: format!("New sign-in from {what}"),
                body: format!(
                    "{device}{place}. If this was not you, change your password and sign out everywhere from Account → Security."
                ),
                created_at: now,
            })
            .await?;
        svc.store()
            .raise_alert(&NewSecurityAlert {
                id: SecurityAlertId::from_uuid(uuid::Uuid::now_v7()),
                kind: AlertKind::NewDevice,
                subject: email.to_owned(),
                user_id: Some(user),
                reason: format!("Signed in from {what}."),
                evidence: serde_json::json!({
                    "device": device,
                    "ip": client.ip_text(),
                    "network": network,
                    "new_device": new_device,
                    "new_network": new_network,
                }),
                at: now,
            })
            .await?;
    }
    Ok(())
}

/// After a failure: when one address has failed for many different accounts lately, raises
/// (or adds to) a credential-stuffing alert and blocks the address for four lockout
/// periods. Returns the refusal to answer with when it blocked.
#[instrument(skip_all)]
pub async fn check_credential_stuffing(
    svc: &Services,
    client: &ClientInfo,
) -> Result<Option<AppError>> {
    let Some(ip) = client.ip_text() else {
        return Ok(None);
    };
    let policy = &svc.settings().auth;
    let now = crate::time::now();
    let since = now - STUFFING_WINDOW;
    let seen = svc.store().failures_from_address(&ip, since).await?;
    if seen.accounts < i64::from(policy.stuffing_accounts_threshold.max(2)) {
        return Ok(None);
    }
    let sample = svc.store().emails_failed_from(&ip, since, 10).await?;
    svc.store()
        .raise_alert(&NewSecurityAlert {
            id: SecurityAlertId::from_uuid(uuid::Uuid::now_v7()),
            kind: AlertKind::CredentialStuffing,
            subject: ip.clone(),
            user_id: None,
            reason: format!(
                "{} failed sign-ins for {} different accounts from one address in {} minutes.",
                seen.failures,
                seen.accounts,
                STUFFING_WINDOW.num_minutes()
            ),
            evidence: serde_json::json!({
                "failures": seen.failures,
                "accounts": seen.accounts,
                "window_minutes": STUFFING_WINDOW.num_minutes(),
                "sample_emails": sample,
                "user_agent": client.user_agent_text(),
            }),
            at: now,
        })
        .await?;
    let block = TimeDelta::minutes(i64::try_from(policy.lockout_minutes.max(1)).unwrap_or(15) * 4);
    super::throttle::block_address(svc, client, now + block).await?;
    Ok(Some(AppError::RateLimited {
        retry_after_secs: u64::try_from(block.num_seconds()).unwrap_or(3600),
    }))
}
