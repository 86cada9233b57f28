use leptos::prelude::*;
use shared::AppError;
use shared::ids::VaultKeyId;

/// Replaces a stored key's secret with a new one from the same provider.
#[server(prefix = "/rpc", endpoint = "rotate_vault_key")]
pub async fn rotate_vault_key(
    slug: String,
    id: VaultKeyId,
    secret: String,
) -> Result<(), AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::vault::rotate(&svc, &caller, &ctx.client, &slug, id, &secret)
        .await
        .map_err(server::fail)
}
