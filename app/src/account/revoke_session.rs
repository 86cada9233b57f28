use leptos::prelude::*;
use shared::AppError;
use shared::ids::SessionId;

/// Ends one of the caller's own sessions (another person's is "not found").
#[server(prefix = "/rpc", endpoint = "revoke_session")]
pub async fn revoke_session(id: SessionId) -> Result<(), AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::accounts::revoke_session(&svc, &caller, &ctx.client, id)
        .await
        .map_err(server::fail)
}
