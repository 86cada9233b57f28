use leptos::prelude::*;
use shared::AppError;
use shared::ids::ApiTokenId;

/// Revokes one of the caller's API tokens.
#[server(prefix = "/rpc", endpoint = "revoke_api_token")]
pub async fn revoke_api_token(id: ApiTokenId) -> Result<(), AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::api_tokens::revoke(&svc, &caller, &ctx.client, id)
        .await
        .map_err(server::fail)
}
