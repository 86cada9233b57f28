use leptos::prelude::*;
use shared::AppError;
use shared::billing::PlansAdminPage;

/// The plans and every tenant's plan and overrides (super admins only).
#[server(prefix = "/rpc", endpoint = "get_plans_admin")]
pub async fn get_plans_admin() -> Result<PlansAdminPage, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    services::billing::plans::admin_page(&svc, &caller)
        .await
        .map_err(server::fail)
}
