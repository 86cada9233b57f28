use leptos::prelude::*;
use shared::AppError;

/// The second step of signing in: the code from the authenticator app (or a backup code)
/// swaps the password-only session for a full one, under a new token. With `trust_device`
/// the browser also gets a device cookie that skips this step for 30 days.
#[server(prefix = "/rpc", endpoint = "verify_second_factor")]
pub async fn verify_second_factor(
    code: String,
    next: Option<String>,
    trust_device: Option<String>,
) -> Result<String, AppError> {
    use crate::server;
    use services::auth::{cookie, trusted_devices, two_factor};

    let svc = server::services()?;
    let ctx = server::request_context();
    let (signed_in, device) = two_factor::verify_sign_in(
        &svc,
        ctx.session_token.as_deref(),
        &code,
        trust_device.is_some(),
        &ctx.client,
    )
    .await
    .map_err(server::fail)?;
    server::set_cookie(&cookie::session_cookie(
        svc.settings(),
        &signed_in.session.token,
    ));
    if let Some(device) = device {
        server::set_cookie(&cookie::device_cookie(
            svc.settings(),
            &device.token,
            trusted_devices::lifetime().num_seconds(),
        ));
    }
    let target = super::safe_return_path(next.as_deref()).unwrap_or(signed_in.home);
    server::redirect_form_post(&target);
    Ok(target)
}
