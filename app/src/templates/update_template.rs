use leptos::prelude::*;
use shared::AppError;
use shared::ids::TemplateId;

/// Saves an edit as the template's next version; returns its number.
#[server(prefix = "/rpc", endpoint = "update_template")]
pub async fn update_template(
    slug: String,
    id: TemplateId,
    name: String,
    #[server(default)] description: String,
    definition: String,
) -> Result<i32, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::process::templates::update(
        &svc,
        &caller,
        &ctx.client,
        &slug,
        id,
        &name,
        &description,
        &definition,
    )
    .await
    .map_err(server::fail)
}
