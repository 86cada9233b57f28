use leptos::prelude::*;
use shared::AppError;
use shared::support::TicketSummary;

/// Every organization's tickets, for the super admins' console.
#[server(prefix = "/rpc", endpoint = "get_support_queue")]
pub async fn get_support_queue() -> Result<Vec<TicketSummary>, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    services::support::queue(&svc, &caller)
        .await
        .map_err(server::fail)
}
