use leptos::prelude::*;
use shared::AppError;

/// Starts impersonating a person in this session (super admins, after step-up); answers
/// the path to go to: their home.
#[server(prefix = "/rpc", endpoint = "start_impersonation")]
pub async fn start_impersonation(
    id: String,
    reason: String,
    minutes: String,
    #[server(default)] read_only: Option<String>,
) -> Result<String, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    let request =
        shared::impersonation::ImpersonationRequest::parse(&reason, &minutes, read_only.is_some())
            .map_err(|e| server::fail(e.into()))?;
    services::impersonation::start(&svc, &caller, &ctx.client, &id, request)
        .await
        .map_err(server::fail)?;
    server::redirect_form_post("/");
    Ok("/".to_owned())
}
