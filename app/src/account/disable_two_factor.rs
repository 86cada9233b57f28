use leptos::prelude::*;
use shared::AppError;

/// Turns two-factor sign-in off; needs the password and a current code.
#[server(prefix = "/rpc", endpoint = "disable_two_factor")]
pub async fn disable_two_factor(password: String, code: String) -> Result<(), AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::auth::two_factor::disable(&svc, &caller, &password, &code, &ctx.client)
        .await
        .map_err(server::fail)
}
