use leptos::prelude::*;
use shared::AppError;
use shared::ids::{ListingId, WidgetId};

/// Lists a published widget on the marketplace (again, with its live version).
#[server(prefix = "/rpc", endpoint = "list_widget")]
pub async fn list_widget(
    slug: String,
    widget: WidgetId,
    title: String,
    summary: String,
    description: String,
) -> Result<ListingId, AppError> {
    use crate::server;

    let draft = shared::marketplace::ListingDraft::parse(&title, &summary, &description)?;
    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::marketplace::list_widget(&svc, &caller, &ctx.client, &slug, widget, &draft)
        .await
        .map_err(server::fail)
}
