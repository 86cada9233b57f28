use leptos::prelude::*;
use shared::AppError;
use shared::tenants::WorkspaceHome;

#[server(prefix = "/rpc", endpoint = "get_workspace_home")]
pub async fn get_workspace_home(slug: String) -> Result<WorkspaceHome, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    services::tenants::workspace::home(&svc, &caller, &slug)
        .await
        .map_err(server::fail)
}
