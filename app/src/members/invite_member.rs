use leptos::prelude::*;
use shared::AppError;
use shared::members::CreatedInvitation;
use shared::permissions::Role;

#[server(prefix = "/rpc", endpoint = "invite_member")]
pub async fn invite_member(
    slug: String,
    email: String,
    role: Role,
) -> Result<CreatedInvitation, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::tenants::invitations::invite(&svc, &caller, &ctx.client, &slug, &email, role)
        .await
        .map_err(server::fail)
}
