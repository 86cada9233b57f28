use leptos::prelude::*;
use shared::AppError;
use shared::billing::BillingPage;

/// The workspace's plan, its limits, this month's meters and the usage history.
#[server(prefix = "/rpc", endpoint = "get_billing")]
pub async fn get_billing(slug: String) -> Result<BillingPage, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    services::billing::plans::page(&svc, &caller, &slug)
        .await
        .map_err(server::fail)
}
