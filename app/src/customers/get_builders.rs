use leptos::prelude::*;
use shared::AppError;
use shared::customers::BuildersPage;

/// An end-user organization's builders and the widgets they deployed for it.
#[server(prefix = "/rpc", endpoint = "get_builders")]
pub async fn get_builders(slug: String) -> Result<BuildersPage, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    services::customers::builders_page(&svc, &caller, &slug)
        .await
        .map_err(server::fail)
}
