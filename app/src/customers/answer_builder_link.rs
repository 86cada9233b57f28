use leptos::prelude::*;
use shared::AppError;
use shared::customers::{LinkAction, LinkStatus};
use shared::ids::CustomerLinkId;

/// The customer's owner accepts, declines or ends a builder's link.
#[server(prefix = "/rpc", endpoint = "answer_builder_link")]
pub async fn answer_builder_link(
    slug: String,
    link: CustomerLinkId,
    action: LinkAction,
) -> Result<LinkStatus, AppError> {
    use crate::server;
    use shared::customers::Side;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::customers::change_link(
        &svc,
        &caller,
        &ctx.client,
        &slug,
        Side::Customer,
        link,
        action,
    )
    .await
    .map_err(server::fail)
}
