use leptos::prelude::*;
use shared::AppError;
use shared::ids::UserId;
use shared::permissions::Role;

#[server(prefix = "/rpc", endpoint = "change_member_role")]
pub async fn change_member_role(slug: String, user_id: UserId, role: Role) -> Result<(), AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::tenants::members::change(&svc, &caller, &ctx.client, &slug, user_id, Some(role))
        .await
        .map_err(server::fail)
}
