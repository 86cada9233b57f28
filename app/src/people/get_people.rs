use leptos::prelude::*;
use shared::AppError;
use shared::people::{UserForm, UsersPage};

/// A page of the platform's people (super admins), searched by the list's form.
#[server(prefix = "/rpc", endpoint = "get_people")]
pub async fn get_people(form: UserForm) -> Result<UsersPage, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let query = form
        .parse()
        .map_err(|e| server::fail(AppError::from(e).into()))?;
    services::people::search(&svc, &caller, query)
        .await
        .map_err(server::fail)
}
