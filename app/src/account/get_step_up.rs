use leptos::prelude::*;
use shared::AppError;
use shared::security::StepUpStatus;

/// Whether sensitive changes are allowed right now, and until when.
#[server(prefix = "/rpc", endpoint = "get_step_up")]
pub async fn get_step_up() -> Result<StepUpStatus, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    services::auth::step_up::status(&svc, &caller)
        .await
        .map_err(server::fail)
}
