use leptos::prelude::*;
use shared::AppError;
use shared::ids::{ActivationId, ServiceId};

/// An owner or admin requests a service from the catalog for the workspace.
#[server(prefix = "/rpc", endpoint = "request_service")]
pub async fn request_service(slug: String, service: ServiceId) -> Result<ActivationId, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::catalog::request(&svc, &caller, &ctx.client, &slug, service)
        .await
        .map_err(server::fail)
}
