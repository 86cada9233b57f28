use leptos::prelude::*;
use shared::AppError;
use shared::ids::WidgetId;
use shared::widgets::WidgetKind;

/// Makes a widget of `kind` from one of its presets.
#[server(prefix = "/rpc", endpoint = "create_widget")]
pub async fn create_widget(
    slug: String,
    name: String,
    kind: WidgetKind,
    preset: String,
) -> Result<WidgetId, AppError> {
    use crate::server;
    use shared::names::WidgetName;

    let caller = server::caller()?;
    let name = WidgetName::parse(&name).map_err(|e| server::fail(e.into()))?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::widgets::create(&svc, &caller, &ctx.client, &slug, &name, kind, &preset)
        .await
        .map_err(server::fail)
}
