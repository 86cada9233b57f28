use std::collections::BTreeMap;

use leptos::prelude::*;
use shared::AppError;
use shared::ids::ProcessSessionId;

/// Saves one phase's form; `fields[name]` carries its inputs.
#[server(prefix = "/rpc", endpoint = "update_session_data")]
pub async fn update_session_data(
    slug: String,
    id: ProcessSessionId,
    phase: String,
    #[server(default)] fields: BTreeMap<String, String>,
) -> Result<(), AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let inputs: Vec<(String, String)> = fields.into_iter().collect();
    services::process::sessions::update_data(&svc, &caller, &slug, id, &phase, &inputs)
        .await
        .map_err(server::fail)
}
