use leptos::prelude::*;
use shared::AppError;

/// Ends the trust of every device of the caller; returns how many there were.
#[server(prefix = "/rpc", endpoint = "revoke_trusted_devices")]
pub async fn revoke_trusted_devices() -> Result<u64, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::auth::trusted_devices::revoke_all(&svc, &caller, &ctx.client)
        .await
        .map_err(server::fail)
}
