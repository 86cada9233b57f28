use leptos::prelude::*;
use shared::AppError;
use shared::billing::PlanTier;

/// A super admin puts a tenant on another plan.
#[server(prefix = "/rpc", endpoint = "set_tenant_plan")]
pub async fn set_tenant_plan(slug: String, tier: PlanTier) -> Result<(), AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::billing::plans::set_tenant_plan(&svc, &caller, &ctx.client, &slug, tier)
        .await
        .map_err(server::fail)
}
