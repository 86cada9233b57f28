use leptos::prelude::*;
use shared::AppError;

/// The second step of signing in: the code from the authenticator app (or a backup code)
/// swaps the password-only session for a full one, under a new token.
#[server(prefix = "/rpc", endpoint = "verify_second_factor")]
pub async fn verify_second_factor(code: String, next: Option<String>) -> Result<String, AppError> {
    use crate::server;
    use services::auth::{cookie, two_factor};

    let svc = server::services()?;
    let ctx = server::request_context();
    let signed_in =
        two_factor::verify_sign_in(&svc, ctx.session_token.as_deref(), &code, &ctx.client)
            .await
            .map_err(server::fail)?;
    server::set_cookie(&cookie::session_cookie(
        svc.settings(),
        &signed_in.session.token,
    ));
    let target = super::safe_return_path(next.as_deref()).unwrap_or(signed_in.home);
    server::redirect_form_post(&target);
    Ok(target)
}
