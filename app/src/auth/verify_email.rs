use leptos::prelude::*;
use shared::AppError;
use shared::email::Email;

/// Follows an email-verification or email-change link.
#[server(prefix = "/rpc", endpoint = "verify_email")]
pub async fn verify_email(token: String) -> Result<Email, AppError> {
    use crate::server;

    let svc = server::services()?;
    let ctx = server::request_context();
    let email = services::auth::recovery::verify_email(&svc, &token, &ctx.client)
        .await
        .map_err(server::fail)?;
    server::redirect_form_post("/");
    Ok(email)
}
