use leptos::prelude::*;
use shared::AppError;

/// Sets a tenant's accent color and typeface (super admins); empty keeps the platform's.
#[server(prefix = "/rpc", endpoint = "set_tenant_branding")]
pub async fn set_tenant_branding(
    slug: String,
    #[server(default)] accent: String,
    #[server(default)] font: String,
) -> Result<(), AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    let branding = shared::branding::Branding::parse(&accent, &font)
        .map_err(|e| server::fail(AppError::from(e).into()))?;
    services::platform::set_branding(&svc, &caller, &ctx.client, &slug, branding)
        .await
        .map_err(server::fail)
}
