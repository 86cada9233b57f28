use leptos::prelude::*;
use shared::AppError;
use shared::ids::TemplateId;

#[server(prefix = "/rpc", endpoint = "create_template")]
pub async fn create_template(
    slug: String,
    name: String,
    #[server(default)] description: String,
    definition: String,
) -> Result<TemplateId, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::process::templates::create(
        &svc,
        &caller,
        &ctx.client,
        &slug,
        &name,
        &description,
        &definition,
    )
    .await
    .map_err(server::fail)
}
