use leptos::prelude::*;
use shared::AppError;
use shared::security::SignInView;

/// The caller's latest sign-in attempts, newest first.
#[server(prefix = "/rpc", endpoint = "list_sign_ins")]
pub async fn list_sign_ins() -> Result<Vec<SignInView>, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    services::accounts::sign_ins(&svc, &caller)
        .await
        .map_err(server::fail)
}
