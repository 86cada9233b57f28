use leptos::prelude::*;
use shared::AppError;

/// Ends every session of the caller, this one included, and goes to the sign-in page.
#[server(prefix = "/rpc", endpoint = "sign_out_everywhere")]
pub async fn sign_out_everywhere() -> Result<u64, AppError> {
    use crate::server;
    use services::auth::cookie;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    let ended = services::accounts::sign_out_everywhere(&svc, &caller, &ctx.client)
        .await
        .map_err(server::fail)?;
    server::set_cookie(&cookie::clear_session_cookie(svc.settings()));
    leptos_axum::redirect("/login");
    Ok(ended)
}
