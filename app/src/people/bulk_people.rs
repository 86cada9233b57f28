use leptos::prelude::*;
use shared::AppError;
use shared::people::{BulkResult, UserForm};

/// Activates, deactivates or signs out the ticked people (`ids`), or, with no ids, everyone
/// the search `form` matches — `expected` being the count the confirmation stated.
#[server(prefix = "/rpc", endpoint = "bulk_people")]
pub async fn bulk_people(
    form: UserForm,
    ids: String,
    expected: String,
    action: String,
) -> Result<BulkResult, AppError> {
    use crate::server;
    use shared::people::{BulkAction, BulkTargets};

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    let parsed = (|| {
        let action = action.parse::<BulkAction>().map_err(|_| {
            shared::ValidationError::new("action", "Choose an action from the list.")
        })?;
        Ok::<_, shared::ValidationError>((
            form.parse()?,
            BulkTargets::parse(&ids, &expected)?,
            action,
        ))
    })();
    let (query, targets, action) = parsed.map_err(|e| server::fail(AppError::from(e).into()))?;
    services::people::bulk(&svc, &caller, &ctx.client, &query, targets, action)
        .await
        .map_err(server::fail)
}
