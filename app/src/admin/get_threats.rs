use leptos::prelude::*;
use shared::AppError;
use shared::threats::ThreatsConsole;

/// The console's security page (super admins).
#[server(prefix = "/rpc", endpoint = "get_threats")]
pub async fn get_threats() -> Result<ThreatsConsole, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    services::threats::console(&svc, &caller)
        .await
        .map_err(server::fail)
}
