use leptos::prelude::*;
use shared::AppError;
use shared::accounts::Me;

/// The signed-in person and where they belong; `None` for visitors.
#[server(prefix = "/rpc", endpoint = "get_me")]
pub async fn get_me() -> Result<Option<Me>, AppError> {
    use crate::server;

    let Some(caller) = server::request_context().caller.clone() else {
        return Ok(None);
    };
    let svc = server::services()?;
    services::accounts::me(&svc, &caller)
        .await
        .map(Some)
        .map_err(server::fail)
}
