use leptos::prelude::*;
use shared::AppError;
use shared::catalog::{ActivationAction, ActivationStatus};
use shared::ids::ActivationId;

/// A super admin approves, suspends, resumes or cancels a workspace's service.
#[server(prefix = "/rpc", endpoint = "act_on_activation")]
pub async fn act_on_activation(
    activation: ActivationId,
    action: ActivationAction,
) -> Result<ActivationStatus, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::catalog::act_as_platform(&svc, &caller, &ctx.client, activation, action)
        .await
        .map_err(server::fail)
}
