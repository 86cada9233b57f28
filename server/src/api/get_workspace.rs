use axum::Json;
use axum::extract::{Path, State};
use axum::http::Extensions;
use services::Services;
use shared::tenants::WorkspaceHome;

use super::caller;
use crate::http::errors::ApiError;

/// `GET /api/v1/tenants/{slug}`: a workspace's home data — the tenant, your role and
/// permissions, members per role — the same data its dashboard page renders.
pub async fn get_workspace(
    State(services): State<Services>,
    Path(slug): Path<String>,
    extensions: Extensions,
) -> Result<Json<WorkspaceHome>, ApiError> {
    let caller = caller(&extensions)?;
    Ok(Json(
        services::tenants::workspace::home(&services, &caller, &slug).await?,
    ))
}
