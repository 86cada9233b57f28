use leptos::prelude::*;
use shared::AppError;
use shared::widgets::WidgetsPage;

/// The builder workspace's widgets.
#[server(prefix = "/rpc", endpoint = "get_widgets")]
pub async fn get_widgets(slug: String) -> Result<WidgetsPage, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    services::widgets::page(&svc, &caller, &slug)
        .await
        .map_err(server::fail)
}
