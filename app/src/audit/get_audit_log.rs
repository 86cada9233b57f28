use leptos::prelude::*;
use shared::AppError;
use shared::audit::AuditPage;

/// A page of a workspace's audit log (its owners), searched by the log's form.
#[server(prefix = "/rpc", endpoint = "get_audit_log")]
pub async fn get_audit_log(
    slug: String,
    q: String,
    area: String,
    from: String,
    to: String,
    before: String,
) -> Result<AuditPage, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    let query = shared::audit::AuditQuery::parse(&q, &area, "", &from, &to, &before)
        .map_err(|e| server::fail(AppError::from(e).into()))?;
    services::audit::tenant_log(&svc, &caller, &slug, query)
        .await
        .map_err(server::fail)
}
