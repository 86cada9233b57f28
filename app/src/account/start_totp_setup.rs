use leptos::prelude::*;
use shared::AppError;
use shared::two_factor::TotpSetup;

/// Step one of turning on two-factor sign-in: a new secret with its QR code.
#[server(prefix = "/rpc", endpoint = "start_totp_setup")]
pub async fn start_totp_setup() -> Result<TotpSetup, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    services::auth::two_factor::start_enrollment(&svc, &caller)
        .await
        .map_err(server::fail)
}
