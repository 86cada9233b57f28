use leptos::prelude::*;
use shared::AppError;
use shared::ids::CustomerLinkId;

/// Puts a customer in one of the builder's projects; an empty `project` takes it out of
/// any.
#[server(prefix = "/rpc", endpoint = "place_customer")]
pub async fn place_customer(
    slug: String,
    link: CustomerLinkId,
    project: String,
) -> Result<(), AppError> {
    use crate::server;

    let project = shared::projects::parse_project_choice(&project)?;
    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::projects::place_customer(&svc, &caller, &ctx.client, &slug, link, project)
        .await
        .map_err(server::fail)
}
