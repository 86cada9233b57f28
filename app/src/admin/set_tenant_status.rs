use leptos::prelude::*;
use shared::AppError;
use shared::platform::TenantStatus;

/// Suspends or reactivates a tenant (super admins only).
#[server(prefix = "/rpc", endpoint = "set_tenant_status")]
pub async fn set_tenant_status(slug: String, status: TenantStatus) -> Result<(), AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::platform::set_tenant_status(&svc, &caller, &ctx.client, &slug, status)
        .await
        .map_err(server::fail)
}
