use leptos::prelude::*;
use shared::AppError;

/// Renames a tenant and sets its variant (super admins).
#[server(prefix = "/rpc", endpoint = "edit_tenant")]
pub async fn edit_tenant(slug: String, name: String, variant: String) -> Result<(), AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    let edit = shared::tenant_console::TenantEdit::parse(&name, &variant)
        .map_err(|e| server::fail(AppError::from(e).into()))?;
    services::platform::edit_tenant(&svc, &caller, &ctx.client, &slug, edit)
        .await
        .map_err(server::fail)
}
