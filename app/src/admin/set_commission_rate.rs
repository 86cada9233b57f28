use leptos::prelude::*;
use shared::AppError;

/// Sets a builder workspace's commission on its customers' invoices, typed as a percentage
/// (super admins only).
#[server(prefix = "/rpc", endpoint = "set_commission_rate")]
pub async fn set_commission_rate(slug: String, rate: String) -> Result<(), AppError> {
    use crate::server;

    let caller = server::caller()?;
    let rate =
        shared::customers::parse_commission_rate(&rate).map_err(|e| server::fail(e.into()))?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::platform::set_commission_rate(&svc, &caller, &ctx.client, &slug, rate)
        .await
        .map_err(server::fail)
}
