use leptos::prelude::*;
use shared::AppError;
use shared::projects::ProjectsPage;

/// A builder workspace's project portfolio.
#[server(prefix = "/rpc", endpoint = "get_projects")]
pub async fn get_projects(slug: String) -> Result<ProjectsPage, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    services::projects::projects_page(&svc, &caller, &slug)
        .await
        .map_err(server::fail)
}
