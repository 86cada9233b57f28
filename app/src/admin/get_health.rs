use leptos::prelude::*;
use shared::AppError;
use shared::health::HealthSnapshot;

/// The server's health for the console (super admins).
#[server(prefix = "/rpc", endpoint = "get_health")]
pub async fn get_health() -> Result<HealthSnapshot, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    services::health::snapshot(&svc, &caller)
        .await
        .map_err(server::fail)
}
