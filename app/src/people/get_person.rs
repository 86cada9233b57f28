use leptos::prelude::*;
use shared::AppError;
use shared::people::PersonDetail;

/// The console's page about one person (super admins).
#[server(prefix = "/rpc", endpoint = "get_person")]
pub async fn get_person(id: String) -> Result<PersonDetail, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    services::people::detail(&svc, &caller, &id)
        .await
        .map_err(server::fail)
}
