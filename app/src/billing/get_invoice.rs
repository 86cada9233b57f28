use leptos::prelude::*;
use shared::AppError;
use shared::billing::invoice::Invoice;

/// One of the workspace's invoices, with its lines, totals and payment attempts.
#[server(prefix = "/rpc", endpoint = "get_invoice")]
pub async fn get_invoice(slug: String, number: String) -> Result<Invoice, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    services::billing::invoices::get(&svc, &caller, &slug, &number)
        .await
        .map_err(server::fail)
}
