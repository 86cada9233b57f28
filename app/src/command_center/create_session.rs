use std::collections::BTreeMap;

use leptos::prelude::*;
use shared::AppError;
use shared::ids::{ProcessSessionId, TemplateId};

/// Creates a draft session; `fields[name]` carries the first phase's form.
#[server(prefix = "/rpc", endpoint = "create_session")]
pub async fn create_session(
    slug: String,
    template: TemplateId,
    title: String,
    #[server(default)] fields: BTreeMap<String, String>,
    #[server(default)] example: Option<String>,
) -> Result<ProcessSessionId, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let inputs: Vec<(String, String)> = fields.into_iter().collect();
    let example = example.is_some_and(|v| matches!(v.as_str(), "on" | "true"));
    services::process::sessions::create(&svc, &caller, &slug, template, &title, &inputs, example)
        .await
        .map_err(server::fail)
}
