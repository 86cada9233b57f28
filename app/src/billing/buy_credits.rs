use leptos::prelude::*;
use shared::AppError;

/// The owner buys a pack of credits through the payment provider; the new balance.
#[server(prefix = "/rpc", endpoint = "buy_credits")]
pub async fn buy_credits(slug: String, amount: String, method: String) -> Result<i64, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    let pack = shared::credits::parse_pack(&amount)?;
    services::billing::credits::purchase(&svc, &caller, &ctx.client, &slug, pack, &method)
        .await
        .map_err(server::fail)
}
