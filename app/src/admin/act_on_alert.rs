use leptos::prelude::*;
use shared::AppError;

/// Acknowledges or resolves a security alert (super admins).
#[server(prefix = "/rpc", endpoint = "act_on_alert")]
pub async fn act_on_alert(id: String, step: String) -> Result<(), AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    let step = step.parse::<shared::threats::AlertStep>().map_err(|_| {
        server::fail(AppError::invalid("step", "Acknowledge or resolve the alert.").into())
    })?;
    services::threats::advance(&svc, &caller, &ctx.client, &id, step)
        .await
        .map_err(server::fail)?;
    server::redirect_form_post(super::threats::PATH);
    Ok(())
}
