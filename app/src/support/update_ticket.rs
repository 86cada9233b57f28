use leptos::prelude::*;
use shared::AppError;
use shared::ids::{TicketId, UserId};
use shared::support::{TicketAction, TicketStatus};

/// Support closes, reopens, assigns or unassigns a ticket.
#[server(prefix = "/rpc", endpoint = "update_ticket")]
pub async fn update_ticket(
    slug: Option<String>,
    ticket: TicketId,
    action: TicketAction,
    assignee: Option<UserId>,
) -> Result<TicketStatus, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::support::update(
        &svc,
        &caller,
        &ctx.client,
        super::scope(&slug),
        ticket,
        action,
        assignee,
    )
    .await
    .map_err(server::fail)
}
