use leptos::prelude::*;
use shared::AppError;
use shared::people::{BulkResult, UserForm};

/// Applies `action` to the ticked people (`ids`), or, with no ids, to everyone the search
/// `form` matches — `expected` being the count the confirmation stated. Giving or taking a
/// persona names it in `bulk_persona`; a role change names the role in `bulk_role`.
#[server(prefix = "/rpc", endpoint = "bulk_people")]
pub async fn bulk_people(
    form: UserForm,
    ids: String,
    expected: String,
    action: String,
    #[server(default)] bulk_persona: String,
    #[server(default)] bulk_role: String,
) -> Result<BulkResult, AppError> {
    use crate::server;
    use shared::people::{BulkChange, BulkTargets};

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    let parsed = (|| {
        let query = form.parse()?;
        let change = BulkChange::parse(&action, &bulk_persona, &bulk_role, &query)?;
        Ok::<_, shared::ValidationError>((query, BulkTargets::parse(&ids, &expected)?, change))
    })();
    let (query, targets, change) = parsed.map_err(|e| server::fail(AppError::from(e).into()))?;
    services::people::bulk(&svc, &caller, &ctx.client, &query, targets, change)
        .await
        .map_err(server::fail)
}
