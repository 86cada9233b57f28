use leptos::prelude::*;
use shared::AppError;
use shared::ids::TicketId;
use shared::support::TicketStatus;

/// Writes in a ticket's thread (from the workspace `slug`, or from the console).
#[server(prefix = "/rpc", endpoint = "reply_ticket")]
pub async fn reply_ticket(
    slug: Option<String>,
    ticket: TicketId,
    body: String,
) -> Result<TicketStatus, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::support::reply(
        &svc,
        &caller,
        &ctx.client,
        super::scope(&slug),
        ticket,
        &body,
    )
    .await
    .map_err(server::fail)
}
