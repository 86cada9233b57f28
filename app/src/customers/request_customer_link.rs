use leptos::prelude::*;
use shared::AppError;
use shared::ids::CustomerLinkId;

/// Asks the end-user organization at the address `customer` to become a customer of the
/// builder workspace `slug`.
#[server(prefix = "/rpc", endpoint = "request_customer_link")]
pub async fn request_customer_link(
    slug: String,
    customer: String,
) -> Result<CustomerLinkId, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::customers::request_link(&svc, &caller, &ctx.client, &slug, &customer)
        .await
        .map_err(server::fail)
}
