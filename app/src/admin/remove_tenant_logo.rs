use leptos::prelude::*;
use shared::AppError;

/// Removes a tenant's logo (super admins only).
#[server(prefix = "/rpc", endpoint = "remove_tenant_logo")]
pub async fn remove_tenant_logo(slug: String) -> Result<(), AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::platform::remove_logo(&svc, &caller, &ctx.client, &slug)
        .await
        .map_err(server::fail)
}
