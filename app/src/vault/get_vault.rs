use leptos::prelude::*;
use shared::AppError;
use shared::vault::VaultPage;

/// Your provider keys in this workspace (masked).
#[server(prefix = "/rpc", endpoint = "get_vault")]
pub async fn get_vault(slug: String) -> Result<VaultPage, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    services::vault::page(&svc, &caller, &slug)
        .await
        .map_err(server::fail)
}
