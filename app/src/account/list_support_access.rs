use leptos::prelude::*;
use shared::AppError;
use shared::impersonation::SupportAccess;

/// Every time platform support impersonated the signed-in person, newest first.
#[server(prefix = "/rpc", endpoint = "list_support_access")]
pub async fn list_support_access() -> Result<Vec<SupportAccess>, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    services::impersonation::history(&svc, &caller)
        .await
        .map_err(server::fail)
}
