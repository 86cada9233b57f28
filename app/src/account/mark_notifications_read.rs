use leptos::prelude::*;
use shared::AppError;

#[server(prefix = "/rpc", endpoint = "mark_notifications_read")]
pub async fn mark_notifications_read() -> Result<u64, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    services::notifications::mark_read(&svc, &caller)
        .await
        .map_err(server::fail)
}
