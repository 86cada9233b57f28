use leptos::prelude::*;
use shared::AppError;
use shared::ids::WidgetId;

/// Saves the editor's draft: its name and configuration (JSON, parsed by the same
/// `shared::widgets` rules the editor ran).
#[server(prefix = "/rpc", endpoint = "save_widget")]
pub async fn save_widget(
    slug: String,
    id: WidgetId,
    name: String,
    config: String,
) -> Result<(), AppError> {
    use crate::server;
    use shared::names::WidgetName;
    use shared::widgets::WidgetConfig;

    let caller = server::caller()?;
    let invalid = |e: shared::ValidationError| server::fail(e.into());
    let name = WidgetName::parse(&name).map_err(invalid)?;
    let config = WidgetConfig::parse(&config).map_err(invalid)?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::widgets::save_draft(&svc, &caller, &ctx.client, &slug, id, &name, &config)
        .await
        .map_err(server::fail)
}
