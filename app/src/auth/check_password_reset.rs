use leptos::prelude::*;
use shared::AppError;

/// Whether a reset link still works (its page asks before showing the form).
#[server(prefix = "/rpc", endpoint = "check_password_reset")]
pub async fn check_password_reset(token: String) -> Result<(), AppError> {
    use crate::server;

    let svc = server::services()?;
    let ctx = server::request_context();
    services::auth::recovery::check_password_reset(&svc, &token, &ctx.client)
        .await
        .map_err(server::fail)
}
