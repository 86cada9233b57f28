use leptos::prelude::*;
use shared::AppError;
use shared::ids::ListingId;
use shared::marketplace::ListingPage;

/// One marketplace listing: its template, reviews, and what the caller may do with it.
#[server(prefix = "/rpc", endpoint = "get_listing")]
pub async fn get_listing(slug: String, listing: ListingId) -> Result<ListingPage, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    services::marketplace::listing(&svc, &caller, &slug, listing)
        .await
        .map_err(server::fail)
}
