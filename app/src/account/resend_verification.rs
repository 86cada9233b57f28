use leptos::prelude::*;
use shared::AppError;

/// Mails the email-verification link again.
#[server(prefix = "/rpc", endpoint = "resend_verification")]
pub async fn resend_verification() -> Result<(), AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::auth::recovery::resend_verification(&svc, &caller, &ctx.client)
        .await
        .map_err(server::fail)
}
