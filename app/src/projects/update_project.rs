use leptos::prelude::*;
use shared::AppError;
use shared::ids::ProjectId;

/// Renames and redescribes a project.
#[server(prefix = "/rpc", endpoint = "update_project")]
pub async fn update_project(
    slug: String,
    project: ProjectId,
    name: String,
    description: String,
) -> Result<(), AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::projects::update(
        &svc,
        &caller,
        &ctx.client,
        &slug,
        project,
        &name,
        &description,
    )
    .await
    .map_err(server::fail)
}
