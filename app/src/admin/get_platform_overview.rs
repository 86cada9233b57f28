use leptos::prelude::*;
use shared::AppError;
use shared::tenants::PlatformOverview;

#[server(prefix = "/rpc", endpoint = "get_platform_overview")]
pub async fn get_platform_overview() -> Result<PlatformOverview, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    services::platform::overview(&svc, &caller)
        .await
        .map_err(server::fail)
}
