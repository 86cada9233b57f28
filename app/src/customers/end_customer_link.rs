use leptos::prelude::*;
use shared::AppError;
use shared::customers::LinkStatus;
use shared::ids::CustomerLinkId;

/// The builder ends its link with a customer (or withdraws a request not yet answered).
#[server(prefix = "/rpc", endpoint = "end_customer_link")]
pub async fn end_customer_link(slug: String, link: CustomerLinkId) -> Result<LinkStatus, AppError> {
    use crate::server;
    use shared::customers::{LinkAction, Side};

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::customers::change_link(
        &svc,
        &caller,
        &ctx.client,
        &slug,
        Side::Builder,
        link,
        LinkAction::End,
    )
    .await
    .map_err(server::fail)
}
