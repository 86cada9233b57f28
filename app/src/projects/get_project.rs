use leptos::prelude::*;
use shared::AppError;
use shared::ids::ProjectId;
use shared::projects::ProjectPage;

/// One of a builder's projects: customers, deployments and their activity, revenue.
#[server(prefix = "/rpc", endpoint = "get_project")]
pub async fn get_project(slug: String, project: ProjectId) -> Result<ProjectPage, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    services::projects::project_page(&svc, &caller, &slug, project)
        .await
        .map_err(server::fail)
}
