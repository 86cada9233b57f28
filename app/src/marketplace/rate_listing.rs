use leptos::prelude::*;
use shared::AppError;
use shared::ids::ListingId;

/// Rates another builder's listing, 1 to 5 stars with an optional review.
#[server(prefix = "/rpc", endpoint = "rate_listing")]
pub async fn rate_listing(
    slug: String,
    listing: ListingId,
    stars: String,
    review: String,
) -> Result<(), AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::marketplace::rate(&svc, &caller, &ctx.client, &slug, listing, &stars, &review)
        .await
        .map_err(server::fail)
}
