use leptos::prelude::*;
use shared::AppError;
use shared::widgets::submissions::ContactsPage;

/// The contacts and feedback that visitors sent through the workspace's widgets.
#[server(prefix = "/rpc", endpoint = "get_contacts")]
pub async fn get_contacts(slug: String) -> Result<ContactsPage, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    services::widgets::embed::contacts_page(&svc, &caller, &slug)
        .await
        .map_err(server::fail)
}
