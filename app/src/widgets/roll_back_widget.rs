use leptos::prelude::*;
use shared::AppError;
use shared::ids::WidgetId;

/// Makes an earlier published version live again (the draft becomes it).
#[server(prefix = "/rpc", endpoint = "roll_back_widget")]
pub async fn roll_back_widget(slug: String, id: WidgetId, version: i32) -> Result<(), AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::widgets::roll_back(&svc, &caller, &ctx.client, &slug, id, version)
        .await
        .map_err(server::fail)
}
