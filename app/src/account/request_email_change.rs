use leptos::prelude::*;
use shared::AppError;

/// Moves the account to another address once the link mailed there is followed (after
/// "confirm it's you").
#[server(prefix = "/rpc", endpoint = "request_email_change")]
pub async fn request_email_change(email: String) -> Result<(), AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::auth::recovery::request_email_change(&svc, &caller, &email, &ctx.client)
        .await
        .map_err(server::fail)
}
