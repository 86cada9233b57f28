use leptos::prelude::*;
use shared::AppError;
use shared::billing::invoice::Invoice;

/// The owner pays an open invoice with the chosen payment method.
#[server(prefix = "/rpc", endpoint = "pay_invoice")]
pub async fn pay_invoice(
    slug: String,
    number: String,
    method: String,
) -> Result<Invoice, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::billing::invoices::pay(&svc, &caller, &ctx.client, &slug, &number, &method)
        .await
        .map_err(server::fail)
}
