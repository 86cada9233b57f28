use leptos::prelude::*;
use shared::AppError;
use shared::ids::{ListingId, ScreenshotId};

/// Removes a screenshot from the workspace's own listing.
#[server(prefix = "/rpc", endpoint = "remove_screenshot")]
pub async fn remove_screenshot(
    slug: String,
    listing: ListingId,
    screenshot: ScreenshotId,
) -> Result<(), AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::marketplace::remove_screenshot(&svc, &caller, &ctx.client, &slug, listing, screenshot)
        .await
        .map_err(server::fail)
}
