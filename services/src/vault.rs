//! The API-key vault: each person keeps their own provider keys in a workspace. A key is
//! checked against its provider's format (`shared::vault`), sealed with AES-256-GCM under
//! the server key for purpose `vault:<id>`, and never returned: the page shows its last
//! four characters, when it was added, rotated and last used. Metered usage reported for a
//! provider runs on the reporting person's key when they keep one, and records which.

use shared::AppError;
use shared::ids::{UserId, VaultKeyId};
use shared::names::KeyLabel;
use shared::permissions::Permission;
use shared::vault::{Provider, ProviderSecret, VaultPage};
use tracing::instrument;

use crate::audit::{self, actions};
use crate::authz::{self, Caller};
use crate::client::ClientInfo;
use crate::crypto::purposes;
use crate::error::Result;
use crate::state::Services;
use crate::storage::vault::NewVaultKey;
use crate::storage::{TenantData, Tx};

#[instrument(skip_all, fields(slug))]
pub async fn page(svc: &Services, caller: &Caller, slug: &str) -> Result<VaultPage> {
    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    authz::require(&access, Permission::VaultUse)?;
    let keys = svc
        .store()
        .tenant(&access)
        .vault_keys(caller.user_id)
        .await?;
    Ok(VaultPage {
        tenant: access.tenant().clone(),
        keys,
    })
}

/// Keeps a new key. The secret is checked for its provider's format before anything else.
#[instrument(skip_all, fields(slug, %provider))]
pub async fn add(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    provider: Provider,
    label: &KeyLabel,
    secret: &ProviderSecret,
) -> Result<VaultKeyId> {
    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    authz::require(&access, Permission::VaultUse)?;
    if secret.provider() != provider {
        return Err(
            AppError::invalid("secret", "The key was checked for another provider.").into(),
        );
    }
    let data = svc.store().tenant(&access);
    let id = VaultKeyId::from_uuid(uuid::Uuid::now_v7());
    let sealed = svc
        .secrets()
        .seal(&purposes::vault(id), secret.expose().as_bytes());
    let mut tx = svc.store().begin().await?;
    data.insert_vault_key(
        &mut tx,
        &NewVaultKey {
            id,
            user: caller.user_id,
            provider,
            label,
            sealed: &sealed,
            last_four: &secret.last_four(),
            at: crate::time::now(),
        },
    )
    .await?;
    audit_key(
        &mut tx,
        &data,
        caller,
        client,
        actions::VAULT_KEY_ADDED,
        id,
        provider,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Replaces a key's secret with a new one from the same provider.
#[instrument(skip_all, fields(slug, %id))]
pub async fn rotate(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    id: VaultKeyId,
    secret: &str,
) -> Result<()> {
    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    authz::require(&access, Permission::VaultUse)?;
    let data = svc.store().tenant(&access);
    let mut tx = svc.store().begin().await?;
    let provider = own_key(&data, &mut tx, id, caller.user_id).await?;
    let secret = ProviderSecret::parse(provider, secret)?;
    let sealed = svc
        .secrets()
        .seal(&purposes::vault(id), secret.expose().as_bytes());
    data.replace_vault_secret(
        &mut tx,
        id,
        caller.user_id,
        &sealed,
        &secret.last_four(),
        crate::time::now(),
    )
    .await?;
    audit_key(
        &mut tx,
        &data,
        caller,
        client,
        actions::VAULT_KEY_ROTATED,
        id,
        provider,
    )
    .await?;
    tx.commit().await
}

#[instrument(skip_all, fields(slug, %id))]
pub async fn delete(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    id: VaultKeyId,
) -> Result<()> {
    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    authz::require(&access, Permission::VaultUse)?;
    let data = svc.store().tenant(&access);
    let mut tx = svc.store().begin().await?;
    let provider = own_key(&data, &mut tx, id, caller.user_id).await?;
    data.delete_vault_key(&mut tx, id, caller.user_id).await?;
    audit_key(
        &mut tx,
        &data,
        caller,
        client,
        actions::VAULT_KEY_DELETED,
        id,
        provider,
    )
    .await?;
    tx.commit().await
}

/// The provider of one of `user`'s keys here; "not found" for anyone else's.
async fn own_key(
    data: &TenantData<'_>,
    tx: &mut Tx,
    id: VaultKeyId,
    user: UserId,
) -> Result<Provider> {
    data.vault_key_provider(tx, id, user)
        .await?
        .ok_or_else(|| AppError::not_found("The key").into())
}

async fn audit_key(
    tx: &mut Tx,
    data: &TenantData<'_>,
    caller: &Caller,
    client: &ClientInfo,
    action: &'static str,
    id: VaultKeyId,
    provider: Provider,
) -> Result<()> {
    tx.audit(&audit::entry(
        action,
        Some(caller.user_id),
        Some(data.tenant_id()),
        Some(id.to_string()),
        client,
        serde_json::json!({ "provider": provider }),
    ))
    .await
}

/// The key a metered action for `provider` runs on: `user`'s own, when they keep one here
/// (marked used now), by its id and last four; `None`: the platform's. Atrium calls no
/// provider itself yet (integrations report what they used), so the secret stays sealed.
pub async fn key_for(
    tx: &mut Tx,
    data: &TenantData<'_>,
    user: UserId,
    provider: &str,
) -> Result<Option<(VaultKeyId, String)>> {
    let Ok(provider) = provider.parse::<Provider>() else {
        return Ok(None);
    };
    data.use_vault_key(tx, user, provider, crate::time::now())
        .await
}
