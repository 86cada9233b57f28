use leptos::prelude::*;
use shared::AppError;
use shared::ids::ListingId;

/// Takes the workspace's own listing off the marketplace.
#[server(prefix = "/rpc", endpoint = "withdraw_listing")]
pub async fn withdraw_listing(slug: String, listing: ListingId) -> Result<(), AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::marketplace::withdraw(&svc, &caller, &ctx.client, &slug, listing)
        .await
        .map_err(server::fail)
}
