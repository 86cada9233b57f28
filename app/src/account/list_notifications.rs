use leptos::prelude::*;
use shared::AppError;
use shared::security::NotificationView;

#[server(prefix = "/rpc", endpoint = "list_notifications")]
pub async fn list_notifications() -> Result<Vec<NotificationView>, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    services::notifications::list(&svc, &caller)
        .await
        .map_err(server::fail)
}
