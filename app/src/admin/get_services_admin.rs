use leptos::prelude::*;
use shared::AppError;
use shared::catalog::ServicesAdminPage;

/// The super admin's catalog and every workspace's activations.
#[server(prefix = "/rpc", endpoint = "get_services_admin")]
pub async fn get_services_admin() -> Result<ServicesAdminPage, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    services::catalog::admin_page(&svc, &caller)
        .await
        .map_err(server::fail)
}
