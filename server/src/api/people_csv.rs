use axum::extract::{Query, State};
use axum::http::Extensions;
use axum::response::Response;
use services::Services;
use shared::AppError;
use shared::people::UserForm;

use super::{caller, csv_download};
use crate::http::errors::ApiError;

/// `GET /api/v1/platform/users.csv`: everyone a search of the console's users matches
/// (super admins), with the same fields as the page's form.
pub async fn people_csv(
    State(services): State<Services>,
    Query(form): Query<UserForm>,
    extensions: Extensions,
) -> Result<Response, ApiError> {
    let caller = caller(&extensions)?;
    let query = form.parse().map_err(|e| ApiError(AppError::from(e)))?;
    let csv = services::people::csv(&services, &caller, query).await?;
    Ok(csv_download(csv, "atrium-users.csv"))
}
