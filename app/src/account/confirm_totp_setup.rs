use leptos::prelude::*;
use shared::AppError;
use shared::two_factor::BackupCodes;

/// Step two: the first code from the authenticator app turns two-factor sign-in on; the
/// answer holds the backup codes, shown once.
#[server(prefix = "/rpc", endpoint = "confirm_totp_setup")]
pub async fn confirm_totp_setup(code: String) -> Result<BackupCodes, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::auth::two_factor::confirm_enrollment(&svc, &caller, &code, &ctx.client)
        .await
        .map_err(server::fail)
}
