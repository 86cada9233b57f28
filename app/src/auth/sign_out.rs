use leptos::prelude::*;
use shared::AppError;

/// Ends this session and clears the cookie; the browser lands on the sign-in page.
#[server(prefix = "/rpc", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::server;
    use services::auth::cookie;

    let svc = server::services()?;
    let ctx = server::request_context();
    if let (Some(caller), Some(token)) = (&ctx.caller, &ctx.session_token) {
        services::accounts::sign_out(&svc, caller, &ctx.client, token)
            .await
            .map_err(server::fail)?;
    }
    server::set_cookie(&cookie::clear_session_cookie(svc.settings()));
    leptos_axum::redirect("/login");
    Ok(())
}
