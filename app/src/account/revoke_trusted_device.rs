use leptos::prelude::*;
use shared::AppError;
use shared::ids::TrustedDeviceId;

/// Ends the trust of one of the caller's devices (another person's is "not found").
#[server(prefix = "/rpc", endpoint = "revoke_trusted_device")]
pub async fn revoke_trusted_device(id: TrustedDeviceId) -> Result<(), AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::auth::trusted_devices::revoke(&svc, &caller, id, &ctx.client)
        .await
        .map_err(server::fail)
}
