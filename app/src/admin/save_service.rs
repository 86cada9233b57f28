use leptos::prelude::*;
use shared::AppError;
use shared::ids::ServiceId;

/// A super admin adds a service (no `id`) or changes one, as typed into its form. The plans
/// that may use it arrive as checkboxes `tiers[free]`, `tiers[pro]`, `tiers[enterprise]`.
#[server(prefix = "/rpc", endpoint = "save_service")]
pub async fn save_service(
    #[server(default)] id: Option<ServiceId>,
    name: String,
    #[server(default)] description: String,
    price: String,
    unit: String,
    #[server(default)] tiers: std::collections::BTreeMap<String, String>,
    #[server(default)] offered: Option<String>,
) -> Result<ServiceId, AppError> {
    use crate::server;
    use shared::catalog::ServiceInput;

    let tiers: Vec<String> = tiers.into_keys().collect();
    let input = ServiceInput::parse(
        &name,
        &description,
        &price,
        &unit,
        &tiers,
        offered.is_some(),
    )
    .map_err(|e| server::fail(e.into()))?;
    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::catalog::save_service(&svc, &caller, &ctx.client, id, &input)
        .await
        .map_err(server::fail)
}
