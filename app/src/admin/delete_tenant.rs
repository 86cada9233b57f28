use leptos::prelude::*;
use shared::AppError;

/// Deletes a suspended tenant whose data was exported within the last day, its address
/// typed again as `confirm` (super admins only). Answers the path of the tenant list.
#[server(prefix = "/rpc", endpoint = "delete_tenant")]
pub async fn delete_tenant(slug: String, confirm: String) -> Result<String, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::tenant_removal::delete(&svc, &caller, &ctx.client, &slug, &confirm)
        .await
        .map_err(server::fail)?;
    let path = format!("{}?deleted={slug}", super::tenants::PATH);
    server::redirect_form_post(&path);
    Ok(path)
}
