use leptos::prelude::*;
use shared::AppError;
use shared::credits::CreditKind;

/// A super admin grants, refunds or expires a tenant's credits; the new balance.
#[server(prefix = "/rpc", endpoint = "adjust_credits")]
pub async fn adjust_credits(
    slug: String,
    kind: CreditKind,
    amount: String,
    #[server(default)] note: String,
) -> Result<i64, AppError> {
    use crate::server;
    use shared::credits::CreditAdjustment;

    let caller = server::caller()?;
    let adjustment =
        CreditAdjustment::parse(kind, &amount, &note).map_err(|e| server::fail(e.into()))?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::billing::credits::adjust(&svc, &caller, &ctx.client, &slug, &adjustment)
        .await
        .map_err(server::fail)
}
