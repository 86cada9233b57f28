use leptos::prelude::*;
use shared::AppError;
use shared::process::TemplatesPage;

#[server(prefix = "/rpc", endpoint = "get_templates")]
pub async fn get_templates(slug: String) -> Result<TemplatesPage, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    services::process::templates::page(&svc, &caller, &slug)
        .await
        .map_err(server::fail)
}
