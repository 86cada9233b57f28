use leptos::prelude::*;
use shared::AppError;
use shared::audit::AuditPage;

/// A page of the platform's audit log (super admins), searched by the log's form.
#[server(prefix = "/rpc", endpoint = "get_platform_audit")]
pub async fn get_platform_audit(
    q: String,
    area: String,
    tenant: String,
    from: String,
    to: String,
    before: String,
) -> Result<AuditPage, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let query = shared::audit::AuditQuery::parse(&q, &area, &tenant, &from, &to, &before)
        .map_err(|e| server::fail(AppError::from(e).into()))?;
    services::audit::platform_log(&svc, &caller, query)
        .await
        .map_err(server::fail)
}
