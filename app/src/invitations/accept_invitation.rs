use leptos::prelude::*;
use shared::AppError;

/// Accepts as the signed-in invitee; answers with the workspace to open.
#[server(prefix = "/rpc", endpoint = "accept_invitation")]
pub async fn accept_invitation(token: String) -> Result<String, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    let path = services::tenants::invitations::accept(&svc, &caller, &ctx.client, &token)
        .await
        .map_err(server::fail)?;
    server::redirect_form_post(&path);
    Ok(path)
}
