use leptos::prelude::*;
use shared::AppError;
use shared::customers::BuildersConsole;

/// Every builder workspace with its figures (super admins).
#[server(prefix = "/rpc", endpoint = "get_builders_console")]
pub async fn get_builders_console() -> Result<BuildersConsole, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    services::platform::builders(&svc, &caller)
        .await
        .map_err(server::fail)
}
