use leptos::prelude::*;
use shared::AppError;
use shared::customers::CustomersPage;

/// A builder workspace's customers and the widgets it deployed for them.
#[server(prefix = "/rpc", endpoint = "get_customers")]
pub async fn get_customers(slug: String) -> Result<CustomersPage, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    services::customers::customers_page(&svc, &caller, &slug)
        .await
        .map_err(server::fail)
}
