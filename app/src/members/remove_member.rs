use leptos::prelude::*;
use shared::AppError;
use shared::ids::UserId;

#[server(prefix = "/rpc", endpoint = "remove_member")]
pub async fn remove_member(slug: String, user_id: UserId) -> Result<(), AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::tenants::members::change(&svc, &caller, &ctx.client, &slug, user_id, None)
        .await
        .map_err(server::fail)
}
