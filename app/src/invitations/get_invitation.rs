use leptos::prelude::*;
use shared::AppError;
use shared::members::InvitationPreview;

#[server(prefix = "/rpc", endpoint = "get_invitation")]
pub async fn get_invitation(token: String) -> Result<InvitationPreview, AppError> {
    use crate::server;

    let svc = server::services()?;
    let caller = server::request_context().caller.clone();
    services::tenants::invitations::preview(&svc, caller.as_ref(), &token)
        .await
        .map_err(server::fail)
}
