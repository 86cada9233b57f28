use leptos::prelude::*;
use shared::AppError;
use shared::ids::TemplateId;

#[server(prefix = "/rpc", endpoint = "duplicate_template")]
pub async fn duplicate_template(slug: String, id: TemplateId) -> Result<TemplateId, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::process::templates::duplicate(&svc, &caller, &ctx.client, &slug, id)
        .await
        .map_err(server::fail)
}
