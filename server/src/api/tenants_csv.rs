use axum::extract::{Query, State};
use axum::http::Extensions;
use axum::response::Response;
use services::Services;
use shared::AppError;
use shared::tenant_console::TenantForm;

use super::{caller, csv_download};
use crate::http::errors::ApiError;

/// `GET /api/v1/platform/tenants.csv`: every tenant a search of the console's tenant list
/// matches (super admins), with the same fields as the page's form.
pub async fn tenants_csv(
    State(services): State<Services>,
    Query(form): Query<TenantForm>,
    extensions: Extensions,
) -> Result<Response, ApiError> {
    let caller = caller(&extensions)?;
    let query = form.parse().map_err(|e| ApiError(AppError::from(e)))?;
    let csv = services::platform::tenants_csv(&services, &caller, query).await?;
    Ok(csv_download(csv, "atrium-tenants.csv"))
}
