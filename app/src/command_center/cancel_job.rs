use leptos::prelude::*;
use shared::AppError;
use shared::ids::JobId;

#[server(prefix = "/rpc", endpoint = "cancel_job")]
pub async fn cancel_job(slug: String, job: JobId) -> Result<(), AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::process::orchestrator::cancel(&svc, &caller, &ctx.client, &slug, job)
        .await
        .map_err(server::fail)
}
