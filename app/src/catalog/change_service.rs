use leptos::prelude::*;
use shared::AppError;
use shared::catalog::{ActivationAction, ActivationStatus};
use shared::ids::ActivationId;

/// The workspace acts on one of its services (it may cancel; the rest is the platform's).
#[server(prefix = "/rpc", endpoint = "change_service")]
pub async fn change_service(
    slug: String,
    activation: ActivationId,
    action: ActivationAction,
) -> Result<ActivationStatus, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::catalog::act_as_organization(&svc, &caller, &ctx.client, &slug, activation, action)
        .await
        .map_err(server::fail)
}
