//! The console's other tables as CSV downloads (super admins; the one permission check is
//! in each service function).

use axum::extract::State;
use axum::http::Extensions;
use axum::response::Response;
use services::Services;

use super::{caller, csv_download};
use crate::http::errors::ApiError;

/// `GET /api/v1/platform/builders.csv`: the builders page, a line per builder and month.
pub async fn builders(
    State(services): State<Services>,
    extensions: Extensions,
) -> Result<Response, ApiError> {
    let caller = caller(&extensions)?;
    let csv = services::platform::builders_csv(&services, &caller).await?;
    Ok(csv_download(csv, "atrium-builders.csv"))
}

/// `GET /api/v1/platform/security/alerts.csv`: the security page's alerts.
pub async fn alerts(
    State(services): State<Services>,
    extensions: Extensions,
) -> Result<Response, ApiError> {
    let caller = caller(&extensions)?;
    let csv = services::threats::alerts_csv(&services, &caller).await?;
    Ok(csv_download(csv, "atrium-security-alerts.csv"))
}

/// `GET /api/v1/platform/health/routes.csv`: the health page's routes over the last hour.
pub async fn health_routes(
    State(services): State<Services>,
    extensions: Extensions,
) -> Result<Response, ApiError> {
    let caller = caller(&extensions)?;
    let csv = services::health::routes_csv(&services, &caller).await?;
    Ok(csv_download(csv, "atrium-health-routes.csv"))
}
