use leptos::prelude::*;
use shared::AppError;
use shared::api_tokens::ApiTokensPage;

/// The caller's API tokens and the workspaces a new one can be for.
#[server(prefix = "/rpc", endpoint = "list_api_tokens")]
pub async fn list_api_tokens() -> Result<ApiTokensPage, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    services::api_tokens::page(&svc, &caller)
        .await
        .map_err(server::fail)
}
