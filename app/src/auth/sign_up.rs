use leptos::prelude::*;
use shared::AppError;
use shared::platform::SignUpKind;

/// Creates the person and their organization, signs them in and answers with their home.
#[server(prefix = "/rpc", endpoint = "sign_up")]
pub async fn sign_up(
    name: String,
    email: String,
    password: String,
    organization: String,
    slug: Option<String>,
    kind: SignUpKind,
) -> Result<String, AppError> {
    use crate::server;
    use services::auth::{cookie, sign_up};

    let svc = server::services()?;
    let ctx = server::request_context();
    let form = sign_up::SignUpForm {
        name: &name,
        email: &email,
        password: &password,
        organization: &organization,
        slug: slug.as_deref(),
        kind,
    };
    let signed_up = sign_up::sign_up(&svc, form, &ctx.client)
        .await
        .map_err(server::fail)?;
    if let Some(previous) = ctx.session_token.as_deref() {
        services::auth::sessions::end(&svc, previous)
            .await
            .map_err(server::fail)?;
    }
    server::set_cookie(&cookie::session_cookie(
        svc.settings(),
        &signed_up.session.token,
    ));
    server::redirect_form_post(&signed_up.home);
    Ok(signed_up.home)
}
