use leptos::prelude::*;
use shared::AppError;
use shared::accounts::SessionView;

#[server(prefix = "/rpc", endpoint = "list_sessions")]
pub async fn list_sessions() -> Result<Vec<SessionView>, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    services::accounts::sessions(&svc, &caller)
        .await
        .map_err(server::fail)
}
