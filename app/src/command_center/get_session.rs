use leptos::prelude::*;
use shared::AppError;
use shared::ids::ProcessSessionId;
use shared::process::SessionDetail;

#[server(prefix = "/rpc", endpoint = "get_session")]
pub async fn get_session(slug: String, id: ProcessSessionId) -> Result<SessionDetail, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    services::process::sessions::detail(&svc, &caller, &slug, id)
        .await
        .map_err(server::fail)
}
