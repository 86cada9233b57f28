use leptos::prelude::*;
use shared::AppError;

/// "Forgot your password?": the answer is the same whether or not an account has the email.
#[server(prefix = "/rpc", endpoint = "request_password_reset")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    use crate::server;

    let svc = server::services()?;
    let ctx = server::request_context();
    services::auth::recovery::request_password_reset(&svc, &email, &ctx.client)
        .await
        .map_err(server::fail)?;
    server::redirect_form_post("/forgot-password?sent=1");
    Ok(())
}
