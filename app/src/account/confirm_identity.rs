use leptos::prelude::*;
use shared::AppError;
use shared::security::StepUpStatus;

/// "Confirm it's you": the password again (and a code when two-factor sign-in is on) opens
/// a few minutes in which sensitive changes are allowed.
#[server(prefix = "/rpc", endpoint = "confirm_identity")]
pub async fn confirm_identity(
    password: String,
    code: Option<String>,
) -> Result<StepUpStatus, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::auth::step_up::confirm(&svc, &caller, &password, code.as_deref(), &ctx.client)
        .await
        .map_err(server::fail)
}
