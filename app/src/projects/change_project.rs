use leptos::prelude::*;
use shared::AppError;
use shared::ids::ProjectId;
use shared::projects::{ProjectAction, ProjectStatus};

/// Puts a project on hold, resumes, completes, reopens or archives it.
#[server(prefix = "/rpc", endpoint = "change_project")]
pub async fn change_project(
    slug: String,
    project: ProjectId,
    action: ProjectAction,
) -> Result<ProjectStatus, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::projects::change(&svc, &caller, &ctx.client, &slug, project, action)
        .await
        .map_err(server::fail)
}
