use leptos::prelude::*;
use shared::AppError;
use shared::ids::VaultKeyId;

/// Forgets a stored key.
#[server(prefix = "/rpc", endpoint = "delete_vault_key")]
pub async fn delete_vault_key(slug: String, id: VaultKeyId) -> Result<(), AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::vault::delete(&svc, &caller, &ctx.client, &slug, id)
        .await
        .map_err(server::fail)
}
