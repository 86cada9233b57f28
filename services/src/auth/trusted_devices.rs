//! "Trust this device for 30 days": after a right second factor the browser gets a device
//! cookie (a random token; we keep its hash) that lets the password alone sign that person
//! in on that browser until it expires, is revoked, or the password changes.

use chrono::TimeDelta;
use shared::AppError;
use shared::accounts::describe_device;
use shared::ids::{TrustedDeviceId, UserId};
use shared::security::{TRUSTED_DEVICE_DAYS, TrustedDeviceView};
use tracing::instrument;

use crate::audit::{self, actions};
use crate::authz::Caller;
use crate::client::ClientInfo;
use crate::error::Result;
use crate::state::Services;
use crate::storage::trusted_devices::NewTrustedDevice;
use crate::tokens;

/// A device just trusted: `token` goes into the device cookie and nowhere else.
pub struct IssuedDevice {
    pub id: TrustedDeviceId,
    pub token: String,
}

pub fn lifetime() -> TimeDelta {
    TimeDelta::days(TRUSTED_DEVICE_DAYS)
}

#[instrument(skip_all)]
pub async fn trust(svc: &Services, user: UserId, client: &ClientInfo) -> Result<IssuedDevice> {
    let now = crate::time::now();
    let token = tokens::new_token();
    let id = TrustedDeviceId::from_uuid(uuid::Uuid::now_v7());
    svc.store()
        .insert_trusted_device(&NewTrustedDevice {
            id,
            user_id: user,
            token_hash: tokens::hash_token(&token),
            device: describe_device(client.user_agent.as_deref().unwrap_or_default()),
            ip: client.ip_text(),
            created_at: now,
            expires_at: now + lifetime(),
        })
        .await?;
    Ok(IssuedDevice { id, token })
}

/// Whether this browser's device token is a live trusted device of this person (and marks
/// it used).
#[instrument(skip_all)]
pub async fn recognizes(
    svc: &Services,
    user: UserId,
    token: Option<&str>,
    client: &ClientInfo,
) -> Result<bool> {
    let Some(token) = token.filter(|t| tokens::looks_like_token(t)) else {
        return Ok(false);
    };
    svc.store()
        .use_trusted_device(
            user,
            &tokens::hash_token(token),
            crate::time::now(),
            client.ip_text().as_deref(),
        )
        .await
}

#[instrument(skip_all)]
pub async fn list(
    svc: &Services,
    caller: &Caller,
    current_token: Option<&str>,
) -> Result<Vec<TrustedDeviceView>> {
    let current = current_token.map(tokens::hash_token);
    let rows = svc
        .store()
        .trusted_devices(caller.user_id, crate::time::now())
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| TrustedDeviceView {
            current: current.as_deref() == Some(row.token_hash.as_slice()),
            id: row.id,
            device: row.device,
            ip: row.ip,
            created_at: row.created_at,
            last_used_at: row.last_used_at,
            expires_at: row.expires_at,
        })
        .collect())
}

/// Ends the trust of one of the caller's devices. Someone else's device is "not found".
#[instrument(skip_all)]
pub async fn revoke(
    svc: &Services,
    caller: &Caller,
    id: TrustedDeviceId,
    client: &ClientInfo,
) -> Result<()> {
    caller.in_person()?;
    if !svc
        .store()
        .revoke_trusted_device(caller.user_id, id, crate::time::now())
        .await?
    {
        return Err(AppError::not_found("That trusted device").into());
    }
    svc.store()
        .audit(&audit::on_own_account(
            actions::TRUSTED_DEVICE_REVOKED,
            caller,
            client,
            serde_json::json!({ "device": id }),
        ))
        .await
}

/// Ends the trust of every device of the caller.
#[instrument(skip_all)]
pub async fn revoke_all(svc: &Services, caller: &Caller, client: &ClientInfo) -> Result<u64> {
    caller.in_person()?;
    let mut tx = svc.store().begin().await?;
    let ended = tx
        .revoke_all_trusted_devices(caller.user_id, crate::time::now())
        .await?;
    tx.audit(&audit::on_own_account(
        actions::TRUSTED_DEVICES_REVOKED,
        caller,
        client,
        serde_json::json!({ "devices": ended }),
    ))
    .await?;
    tx.commit().await?;
    Ok(ended)
}
