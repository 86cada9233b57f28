use leptos::prelude::*;
use shared::AppError;
use shared::support::SupportPage;

/// The workspace's tickets.
#[server(prefix = "/rpc", endpoint = "get_support")]
pub async fn get_support(slug: String) -> Result<SupportPage, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    services::support::page(&svc, &caller, &slug)
        .await
        .map_err(server::fail)
}
