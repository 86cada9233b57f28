use leptos::prelude::*;
use shared::AppError;

/// Turns two-factor sign-in off; needs a recent "confirm it's you" (password and code).
#[server(prefix = "/rpc", endpoint = "disable_two_factor")]
pub async fn disable_two_factor() -> Result<(), AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::auth::two_factor::disable(&svc, &caller, &ctx.client)
        .await
        .map_err(server::fail)
}
