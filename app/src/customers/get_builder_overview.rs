use leptos::prelude::*;
use shared::AppError;
use shared::customers::BuilderOverview;

/// A builder workspace's dashboard figures: customers, deployments, revenue and commissions.
#[server(prefix = "/rpc", endpoint = "get_builder_overview")]
pub async fn get_builder_overview(slug: String) -> Result<BuilderOverview, AppError> {
    use crate::server;

    let caller = server::caller()?;
    let svc = server::services()?;
    services::customers::overview(&svc, &caller, &slug)
        .await
        .map_err(server::fail)
}
