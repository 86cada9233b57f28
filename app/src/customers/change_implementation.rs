use leptos::prelude::*;
use shared::AppError;
use shared::customers::{ImplementationAction, ImplementationStatus};
use shared::ids::ImplementationId;

/// Moves a deployment for a customer: go live, pause, resume or retire.
#[server(prefix = "/rpc", endpoint = "change_implementation")]
pub async fn change_implementation(
    slug: String,
    implementation: ImplementationId,
    action: ImplementationAction,
) -> Result<ImplementationStatus, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::customers::change_implementation(
        &svc,
        &caller,
        &ctx.client,
        &slug,
        implementation,
        action,
    )
    .await
    .map_err(server::fail)
}
