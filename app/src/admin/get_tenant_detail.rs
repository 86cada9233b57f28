use leptos::prelude::*;
use shared::AppError;
use shared::tenant_console::TenantDetail;

/// The console's page about one tenant (super admins).
#[server(prefix = "/rpc", endpoint = "get_tenant_detail")]
pub async fn get_tenant_detail(slug: String) -> Result<TenantDetail, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    services::platform::tenant(&svc, &caller, &slug)
        .await
        .map_err(server::fail)
}
