//! `atrium rotate-key`: every sealed value (TOTP secrets, webhook signing secrets, vault
//! keys) is opened with the current server key and sealed again under a new one, in one
//! transaction, so either all of them move to the new key or none does.

use crate::crypto::{SecretBox, purposes};
use crate::error::Result;
use crate::storage::Store;
use crate::storage::vault::SealedKind;
use shared::ids::{TenantId, UserId, VaultKeyId};

fn purpose(kind: SealedKind, id: uuid::Uuid) -> String {
    match kind {
        SealedKind::Totp => purposes::totp(UserId::from_uuid(id)),
        SealedKind::WebhookSecret => purposes::webhook_secret(TenantId::from_uuid(id)),
        SealedKind::Vault => purposes::vault(VaultKeyId::from_uuid(id)),
    }
}

/// Seals every stored secret again under `new`; how many. Refuses, changing nothing, when a
/// value does not open under `old` (the wrong key was given, or a value was tampered with).
pub async fn reseal_all(store: &Store, old: &SecretBox, new: &SecretBox) -> Result<usize> {
    let mut tx = store.begin().await?;
    let mut count = 0;
    for kind in SealedKind::ALL {
        for mut row in tx.sealed_rows(kind).await? {
            let purpose = purpose(kind, row.id);
            let plain = old.open(&purpose, &row.sealed).map_err(|_| {
                anyhow::anyhow!(
                    "a stored secret ({kind:?} {}) does not open with the current server key; nothing was changed",
                    row.id
                )
            })?;
            row.sealed = new.seal(&purpose, &plain);
            tx.reseal(&row).await?;
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
        },
        serde_json::json!({ "resealed": count }),
    ))
    .await?;
    tx.commit().await?;
    Ok(count)
}
