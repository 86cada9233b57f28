use leptos::prelude::*;
use shared::AppError;
use shared::ids::UserId;

/// Resets a member's two-factor sign-in (owners and admins; audited, the member is told).
#[server(prefix = "/rpc", endpoint = "reset_member_two_factor")]
pub async fn reset_member_two_factor(slug: String, user_id: UserId) -> Result<(), AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::tenants::two_factor_policy::reset_member(&svc, &caller, &ctx.client, &slug, user_id)
        .await
        .map_err(server::fail)
}
