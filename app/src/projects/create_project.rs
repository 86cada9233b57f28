use leptos::prelude::*;
use shared::AppError;
use shared::ids::ProjectId;

/// Starts a project (active, with no customers yet).
#[server(prefix = "/rpc", endpoint = "create_project")]
pub async fn create_project(
    slug: String,
    name: String,
    description: String,
) -> Result<ProjectId, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::projects::create(&svc, &caller, &ctx.client, &slug, &name, &description)
        .await
        .map_err(server::fail)
}
