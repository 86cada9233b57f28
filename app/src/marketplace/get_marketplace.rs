use leptos::prelude::*;
use shared::AppError;
use shared::marketplace::MarketplacePage;

/// The marketplace, searched: words in `q`, a kind, an order (each may be empty).
#[server(prefix = "/rpc", endpoint = "get_marketplace")]
pub async fn get_marketplace(
    slug: String,
    q: String,
    kind: String,
    sort: String,
) -> Result<MarketplacePage, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    services::marketplace::browse(&svc, &caller, &slug, &q, &kind, &sort)
        .await
        .map_err(server::fail)
}
