use leptos::prelude::*;
use shared::AppError;
use shared::members::MembersPage;

#[server(prefix = "/rpc", endpoint = "get_members_page")]
pub async fn get_members_page(slug: String) -> Result<MembersPage, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    services::tenants::members::page(&svc, &caller, &slug)
        .await
        .map_err(server::fail)
}
