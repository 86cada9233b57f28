use leptos::prelude::*;
use shared::AppError;
use shared::ids::ProcessSessionId;
use shared::process::{SessionAction, SessionStatus};

/// Start, pause, resume, complete, fail or archive a session.
#[server(prefix = "/rpc", endpoint = "change_session_status")]
pub async fn change_session_status(
    slug: String,
    id: ProcessSessionId,
    action: SessionAction,
) -> Result<SessionStatus, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    services::process::sessions::act(&svc, &caller, &slug, id, action)
        .await
        .map_err(server::fail)
}
