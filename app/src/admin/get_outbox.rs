use leptos::prelude::*;
use shared::AppError;
use shared::platform::OutboxView;

/// The emails written while no SMTP server is configured (super admins only).
#[server(prefix = "/rpc", endpoint = "get_outbox")]
pub async fn get_outbox() -> Result<Vec<OutboxView>, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    services::platform::outbox(&svc, &caller)
        .await
        .map_err(server::fail)
}
