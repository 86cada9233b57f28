use leptos::prelude::*;
use shared::AppError;
use shared::members::CreatedInvitation;
use shared::tenants::TenantSummary;

/// Creates a tenant and invites its owner by email (super admins).
#[server(prefix = "/rpc", endpoint = "create_tenant")]
pub async fn create_tenant(
    name: String,
    #[server(default)] slug: String,
    variant: String,
    owner: String,
) -> Result<(TenantSummary, CreatedInvitation), AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    let form = shared::tenant_console::NewTenantForm::parse(&name, &slug, &variant, &owner)
        .map_err(|e| server::fail(AppError::from(e).into()))?;
    services::platform::create_tenant(&svc, &caller, &ctx.client, form)
        .await
        .map_err(server::fail)
}
