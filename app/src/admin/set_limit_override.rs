use leptos::prelude::*;
use shared::AppError;
use shared::billing::Metric;

/// A super admin overrides one of a tenant's limits: a number, "unlimited", or empty to
/// follow the plan again.
#[server(prefix = "/rpc", endpoint = "set_limit_override")]
pub async fn set_limit_override(
    slug: String,
    metric: Metric,
    #[server(default)] limit: String,
) -> Result<(), AppError> {
    use crate::server;
    use shared::billing::parse_limit;

    let limit = if limit.trim().is_empty() {
        None
    } else {
        Some(parse_limit("limit", &limit).map_err(|e| server::fail(e.into()))?)
    };
    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::billing::plans::set_override(&svc, &caller, &ctx.client, &slug, metric, limit)
        .await
        .map_err(server::fail)
}
