use leptos::prelude::*;
use shared::AppError;
use shared::ids::WidgetId;
use shared::widgets::events::WidgetAnalytics;

/// A widget's impressions, interactions, submissions, errors and load times over the last 30
/// days, as its embedded copies reported them.
#[server(prefix = "/rpc", endpoint = "get_widget_analytics")]
pub async fn get_widget_analytics(slug: String, id: WidgetId) -> Result<WidgetAnalytics, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    services::widgets::analytics::analytics(&svc, &caller, &slug, id)
        .await
        .map_err(server::fail)
}
