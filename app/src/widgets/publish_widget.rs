use leptos::prelude::*;
use shared::AppError;
use shared::ids::WidgetId;

/// Publishes the saved draft as the next version; answers its number.
#[server(prefix = "/rpc", endpoint = "publish_widget")]
pub async fn publish_widget(slug: String, id: WidgetId) -> Result<i32, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::widgets::publish(&svc, &caller, &ctx.client, &slug, id)
        .await
        .map_err(server::fail)
}
