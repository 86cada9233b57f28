use leptos::prelude::*;
use shared::AppError;
use shared::ids::ListingId;
use shared::marketplace::Installed;

/// Installs a listing: a published widget for `site`, and for `customer` (a link, or empty)
/// a draft deployment.
#[server(prefix = "/rpc", endpoint = "install_listing")]
pub async fn install_listing(
    slug: String,
    listing: ListingId,
    name: String,
    site: String,
    customer: String,
) -> Result<Installed, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::marketplace::install(
        &svc,
        &caller,
        &ctx.client,
        &slug,
        listing,
        &name,
        &site,
        &customer,
    )
    .await
    .map_err(server::fail)
}
