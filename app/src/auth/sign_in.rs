use leptos::prelude::*;
use shared::AppError;

/// Checks the credentials, sets the new session cookie and answers with where to go.
#[server(prefix = "/rpc", endpoint = "sign_in")]
pub async fn sign_in(
    email: String,
    password: String,
    next: Option<String>,
) -> Result<String, AppError> {
    use crate::server;
    use services::auth::{cookie, sign_in};

    let svc = server::services()?;
    let ctx = server::request_context();
    let device = server::cookie(cookie::device_cookie_name(svc.settings()));
    let signed_in = sign_in::sign_in(
        &svc,
        &email,
        &password,
        &ctx.client,
        ctx.session_token.as_deref(),
        device.as_deref(),
    )
    .await
    .map_err(server::fail)?;
    server::set_cookie(&cookie::session_cookie(
        svc.settings(),
        &signed_in.session.token,
    ));
    let next = super::safe_return_path(next.as_deref());
    let target = if signed_in.needs_second_factor {
        super::second_step_path(next.as_deref())
    } else {
        next.unwrap_or(signed_in.home)
    };
    server::redirect_form_post(&target);
    Ok(target)
}
