use leptos::prelude::*;
use shared::AppError;
use shared::ids::{TemplateId, UserId};
use shared::process::{CommandCenter, SessionSort, SessionStatus};

/// The command center's three panels; the filters are the URL's query.
#[server(prefix = "/rpc", endpoint = "get_command_center")]
pub async fn get_command_center(
    slug: String,
    status: Option<SessionStatus>,
    template: Option<TemplateId>,
    owner: Option<UserId>,
    text: Option<String>,
    sort: Option<SessionSort>,
    page: Option<u32>,
) -> Result<CommandCenter, AppError> {
    use crate::server;
    use shared::process::SessionFilter;

    let caller = server::caller()?;
    let svc = server::services()?;
    let filter = SessionFilter {
        status,
        template,
        owner,
        text: text.unwrap_or_default(),
        sort,
        page: page.unwrap_or(0),
    };
    services::process::sessions::command_center(&svc, &caller, &slug, filter)
        .await
        .map_err(server::fail)
}
