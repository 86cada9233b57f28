use std::collections::BTreeMap;

use leptos::prelude::*;
use shared::AppError;
use shared::api_tokens::CreatedApiToken;

/// Makes an API token (needs "confirm it's you"); the secret is in the answer only. Scopes
/// arrive as ticked checkboxes named `scopes[usage:read]` and so on.
#[server(prefix = "/rpc", endpoint = "create_api_token")]
pub async fn create_api_token(
    slug: String,
    name: String,
    #[server(default)] scopes: BTreeMap<String, String>,
    expires_in_days: u32,
) -> Result<CreatedApiToken, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    let scopes = scopes.keys().cloned().collect::<Vec<_>>().join(" ");
    services::api_tokens::create(
        &svc,
        &caller,
        &ctx.client,
        &slug,
        &name,
        &scopes,
        expires_in_days,
    )
    .await
    .map_err(server::fail)
}
