use leptos::prelude::*;
use shared::AppError;
use shared::two_factor::BackupCodes;

/// A new set of backup codes (after "confirm it's you"); the old set stops working.
#[server(prefix = "/rpc", endpoint = "regenerate_backup_codes")]
pub async fn regenerate_backup_codes() -> Result<BackupCodes, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::auth::two_factor::regenerate_backup_codes(&svc, &caller, &ctx.client)
        .await
        .map_err(server::fail)
}
