use leptos::prelude::*;
use shared::AppError;

/// Ends the impersonation this session is in; answers the path to go to: the person's page
/// in the console.
#[server(prefix = "/rpc", endpoint = "end_impersonation")]
pub async fn end_impersonation() -> Result<String, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::impersonation::end(&svc, &caller, &ctx.client)
        .await
        .map_err(server::fail)?;
    let path = format!("{}/{}", super::PATH, caller.user_id);
    server::redirect_form_post(&path);
    Ok(path)
}
