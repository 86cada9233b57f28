use leptos::prelude::*;
use shared::AppError;
use shared::ids::JobId;

#[server(prefix = "/rpc", endpoint = "approve_step")]
pub async fn approve_step(slug: String, job: JobId) -> Result<(), AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    services::process::orchestrator::approve(&svc, &caller, &slug, job)
        .await
        .map_err(server::fail)
}
