use leptos::prelude::*;
use shared::AppError;
use shared::two_factor::TwoFactorStatus;

/// Whether the signed-in person has two-factor sign-in on, and backup codes left.
#[server(prefix = "/rpc", endpoint = "get_two_factor")]
pub async fn get_two_factor() -> Result<TwoFactorStatus, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    services::auth::two_factor::status(&svc, &caller)
        .await
        .map_err(server::fail)
}
