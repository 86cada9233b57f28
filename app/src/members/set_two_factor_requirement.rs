use leptos::prelude::*;
use shared::AppError;
use shared::tenants::TwoFactorPolicy;

/// Requires two-factor sign-in of every member (owners only), with a grace period for
/// members who have not set it up yet; or stops requiring it.
#[server(prefix = "/rpc", endpoint = "set_two_factor_requirement")]
pub async fn set_two_factor_requirement(
    slug: String,
    require: bool,
    grace_days: u32,
) -> Result<TwoFactorPolicy, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::tenants::two_factor_policy::set_requirement(
        &svc,
        &caller,
        &ctx.client,
        &slug,
        require,
        grace_days,
    )
    .await
    .map_err(server::fail)
}
