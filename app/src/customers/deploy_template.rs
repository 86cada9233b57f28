use leptos::prelude::*;
use shared::AppError;
use shared::ids::{CustomerLinkId, ImplementationId, TemplateId};

/// Deploys one of the builder's process templates for the customer of `link`, as a draft;
/// going live gives the customer's workspace a read-only copy to start sessions from.
#[server(prefix = "/rpc", endpoint = "deploy_template")]
pub async fn deploy_template(
    slug: String,
    link: CustomerLinkId,
    template: TemplateId,
) -> Result<ImplementationId, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    let deployed = services::storage::customers::Deployed::Template(template);
    services::customers::deploy(&svc, &caller, &ctx.client, &slug, link, deployed)
        .await
        .map_err(server::fail)
}
