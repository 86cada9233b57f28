use leptos::prelude::*;
use shared::AppError;
use shared::ids::TicketId;
use shared::support::TicketDetail;

/// A ticket with its thread: from the workspace `slug`, or from the console without one.
#[server(prefix = "/rpc", endpoint = "get_ticket")]
pub async fn get_ticket(slug: Option<String>, ticket: TicketId) -> Result<TicketDetail, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    services::support::detail(&svc, &caller, super::scope(&slug), ticket)
        .await
        .map_err(server::fail)
}
