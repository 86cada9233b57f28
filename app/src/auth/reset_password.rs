use leptos::prelude::*;
use shared::AppError;

/// Sets a new password through a reset link; every session of the account ends.
#[server(prefix = "/rpc", endpoint = "reset_password")]
pub async fn reset_password(token: String, new_password: String) -> Result<(), AppError> {
    use crate::server;

    let svc = server::services()?;
    let ctx = server::request_context();
    services::auth::recovery::reset_password(&svc, &token, &new_password, &ctx.client)
        .await
        .map_err(server::fail)?;
    server::redirect_form_post("/login?reset=1");
    Ok(())
}
