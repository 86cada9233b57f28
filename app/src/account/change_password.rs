use leptos::prelude::*;
use shared::AppError;

/// A new password (after "confirm it's you"); every other session ends.
#[server(prefix = "/rpc", endpoint = "change_password")]
pub async fn change_password(new_password: String) -> Result<(), AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::auth::recovery::change_password(&svc, &caller, &new_password, &ctx.client)
        .await
        .map_err(server::fail)
}
