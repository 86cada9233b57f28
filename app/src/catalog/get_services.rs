use leptos::prelude::*;
use shared::AppError;
use shared::catalog::ServicesPage;

/// The catalog as this workspace sees it, with its own services and their status.
#[server(prefix = "/rpc", endpoint = "get_services")]
pub async fn get_services(slug: String) -> Result<ServicesPage, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    services::catalog::page(&svc, &caller, &slug)
        .await
        .map_err(server::fail)
}
