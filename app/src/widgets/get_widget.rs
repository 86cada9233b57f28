use leptos::prelude::*;
use shared::AppError;
use shared::ids::WidgetId;
use shared::widgets::WidgetDetail;

/// One widget for the editor: its draft, versions and what the caller may do.
#[server(prefix = "/rpc", endpoint = "get_widget")]
pub async fn get_widget(slug: String, id: WidgetId) -> Result<WidgetDetail, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    services::widgets::detail(&svc, &caller, &slug, id)
        .await
        .map_err(server::fail)
}
