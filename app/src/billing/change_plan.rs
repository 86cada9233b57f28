use leptos::prelude::*;
use shared::AppError;
use shared::billing::PlanTier;

/// The owner moves the workspace to another plan.
#[server(prefix = "/rpc", endpoint = "change_plan")]
pub async fn change_plan(slug: String, tier: PlanTier) -> Result<(), AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::billing::plans::change(&svc, &caller, &ctx.client, &slug, tier)
        .await
        .map_err(server::fail)
}
