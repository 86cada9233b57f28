use std::collections::BTreeMap;

use leptos::prelude::*;
use shared::AppError;

/// A super admin switches a tenant's features on or off against its plan: `features` maps
/// each feature to `on`, `off` or `plan` (follow the plan again).
#[server(prefix = "/rpc", endpoint = "set_tenant_features")]
pub async fn set_tenant_features(
    slug: String,
    #[server(default)] features: BTreeMap<String, String>,
) -> Result<(), AppError> {
    use crate::server;
    use shared::billing::FeatureSwitch;

    let switches = FeatureSwitch::parse_form(&features).map_err(|e| server::fail(e.into()))?;
    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::billing::plans::set_features(&svc, &caller, &ctx.client, &slug, &switches)
        .await
        .map_err(server::fail)
}
