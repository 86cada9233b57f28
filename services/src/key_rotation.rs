//! `atrium rotate-key`: every sealed value (TOTP secrets, webhook signing secrets, vault
//! keys) is opened with the current server key and sealed again under a new one, in one
//! transaction, so either all of them move to the new key or none does.

use crate::crypto::{SecretBox, purposes};
use crate::storage::vault::SealedKind;
use crate::storage::{Dialect, Store};
use shared::ids::{TenantId, UserId, VaultKeyId};

fn purpose(kind: SealedKind, id: uuid::Uuid) -> String {
    match kind {
        SealedKind::Totp => purposes::totp(UserId::from_uuid(id)),
        SealedKind::WebhookSecret => purposes::webhook_secret(TenantId::from_uuid(id)),
        SealedKind::Vault => purposes::vault(VaultKeyId::from_uuid(id)),
    }
}

/// How a rotation failed: before its commit nothing changed (the old key stays the one in
/// use); at the commit the outcome is unknown (either key may be the one in use).
#[derive(Debug, thiserror::Error)]
pub enum RotationError {
    #[error("{0:#}; nothing was changed")]
    Refused(anyhow::Error),
    #[error("the final commit failed ({0:#}): the secrets may be sealed under either key")]
    AtCommit(anyhow::Error),
}

/// Seals every stored secret again under `new`; how many. Refuses, changing nothing, when a
/// value does not open under `old` (the wrong key was given, or a value was tampered with).
/// On PostgreSQL the tables are locked against writes meanwhile, so a secret saved by a
/// server that is still running cannot slip in under the old key; on SQLite the single
/// writer (and its busy check at the first write) does the same.
pub async fn reseal_all(
    store: &Store,
    old: &SecretBox,
    new: &SecretBox,
) -> Result<usize, RotationError> {
    let refused = |e: crate::Error| RotationError::Refused(anyhow::anyhow!(e.into_app_error()));
    let mut tx = store.begin().await.map_err(refused)?;
    if store.dialect() == Dialect::Postgres {
        tx.lock_sealed_tables().await.map_err(refused)?;
    }
    let mut count = 0;
    for kind in SealedKind::ALL {
        for mut row in tx.sealed_rows(kind).await.map_err(refused)? {
            let purpose = purpose(kind, row.id);
            let plain = old.open(&purpose, &row.sealed).map_err(|_| {
                RotationError::Refused(anyhow::anyhow!(
                    "a stored secret ({kind:?} {}) does not open with the current server key",
                    row.id
                ))
            })?;
            row.sealed = new.seal(&purpose, &plain);
            tx.reseal(&row).await.map_err(refused)?;
            count += 1;
        }
    }
    tx.audit(&crate::audit::entry(
        crate::audit::actions::SERVER_KEY_ROTATED,
        None,
        None,
        None,
        &crate::client::ClientInfo {
            ip: None,
            user_agent: Some("atrium rotate-key".into()),
            impersonator: None,
        },
        serde_json::json!({ "resealed": count }),
    ))
    .await
    .map_err(refused)?;
    tx.commit()
        .await
        .map_err(|e| RotationError::AtCommit(anyhow::anyhow!(e.into_app_error())))?;
    Ok(count)
}
