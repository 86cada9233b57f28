use leptos::prelude::*;
use shared::AppError;
use shared::ids::ProcessSessionId;

#[server(prefix = "/rpc", endpoint = "clone_session")]
pub async fn clone_session(
    slug: String,
    id: ProcessSessionId,
    #[server(default)] title: String,
    #[server(default)] with_data: Option<String>,
) -> Result<ProcessSessionId, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let with_data = with_data.is_some_and(|v| matches!(v.as_str(), "on" | "true"));
    services::process::sessions::clone(&svc, &caller, &slug, id, &title, with_data)
        .await
        .map_err(server::fail)
}
