use leptos::prelude::*;
use shared::AppError;
use shared::ids::TicketId;

/// A member opens a ticket in the workspace `slug`.
#[server(prefix = "/rpc", endpoint = "open_ticket")]
pub async fn open_ticket(
    slug: String,
    subject: String,
    priority: String,
    body: String,
) -> Result<TicketId, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    let new = shared::support::NewTicket::parse(&subject, &priority, &body)?;
    services::support::open(&svc, &caller, &ctx.client, &slug, &new)
        .await
        .map_err(server::fail)
}
