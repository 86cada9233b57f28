use leptos::prelude::*;
use shared::AppError;

/// Creates the invitee's account, accepts, signs them in and answers with the workspace.
#[server(prefix = "/rpc", endpoint = "join_with_invitation")]
pub async fn join_with_invitation(
    token: String,
    name: String,
    password: String,
) -> Result<String, AppError> {
    use crate::server;
    use services::auth::cookie;

    let svc = server::services()?;
    let ctx = server::request_context();
    let (session, path) = services::tenants::invitations::accept_with_new_account(
        &svc,
        &ctx.client,
        &token,
        &name,
        &password,
    )
    .await
    .map_err(server::fail)?;
    server::set_cookie(&cookie::session_cookie(svc.settings(), &session.token));
    server::redirect_form_post(&path);
    Ok(path)
}
