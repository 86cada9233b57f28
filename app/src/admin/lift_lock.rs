use leptos::prelude::*;
use shared::AppError;

/// Lifts a running account lock or address block (super admins).
#[server(prefix = "/rpc", endpoint = "lift_lock")]
pub async fn lift_lock(kind: String, subject: String) -> Result<(), AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    let subject =
        shared::threats::LockSubject::parse(&kind, &subject).map_err(|e| server::fail(e.into()))?;
    services::threats::lift(&svc, &caller, &ctx.client, subject)
        .await
        .map_err(server::fail)?;
    server::redirect_form_post(super::threats::PATH);
    Ok(())
}
