use leptos::prelude::*;
use shared::AppError;
use shared::ids::{CustomerLinkId, ImplementationId, WidgetId};

/// Deploys one of the builder's widgets for the customer of `link`, as a draft.
#[server(prefix = "/rpc", endpoint = "deploy_widget")]
pub async fn deploy_widget(
    slug: String,
    link: CustomerLinkId,
    widget: WidgetId,
) -> Result<ImplementationId, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    let deployed = services::storage::customers::Deployed::Widget(widget);
    services::customers::deploy(&svc, &caller, &ctx.client, &slug, link, deployed)
        .await
        .map_err(server::fail)
}
