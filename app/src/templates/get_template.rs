use leptos::prelude::*;
use shared::AppError;
use shared::ids::TemplateId;
use shared::process::TemplateDetail;

#[server(prefix = "/rpc", endpoint = "get_template")]
pub async fn get_template(slug: String, id: TemplateId) -> Result<TemplateDetail, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    services::process::templates::detail(&svc, &caller, &slug, id)
        .await
        .map_err(server::fail)
}
