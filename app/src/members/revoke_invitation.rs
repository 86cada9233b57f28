use leptos::prelude::*;
use shared::AppError;
use shared::ids::InvitationId;

#[server(prefix = "/rpc", endpoint = "revoke_invitation")]
pub async fn revoke_invitation(slug: String, id: InvitationId) -> Result<(), AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::tenants::invitations::revoke(&svc, &caller, &ctx.client, &slug, id)
        .await
        .map_err(server::fail)
}
