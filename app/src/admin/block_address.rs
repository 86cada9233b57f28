use leptos::prelude::*;
use shared::AppError;

/// Blocks sign-ins from an address for a while (super admins).
#[server(prefix = "/rpc", endpoint = "block_address")]
pub async fn block_address(
    address: String,
    hours: String,
    #[server(default)] note: String,
) -> Result<(), AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    let block = shared::threats::AddressBlock::parse(&address, &hours, &note)
        .map_err(|e| server::fail(e.into()))?;
    services::threats::block(&svc, &caller, &ctx.client, block)
        .await
        .map_err(server::fail)?;
    server::redirect_form_post(super::threats::PATH);
    Ok(())
}
