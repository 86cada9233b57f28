use axum::Json;
use axum::extract::{Path, State};
use axum::http::Extensions;
use services::Services;
use shared::members::MemberView;

use super::caller;
use crate::http::errors::ApiError;

/// `GET /api/v1/tenants/{slug}/members`: the members of a workspace you belong to.
pub async fn list_members(
    State(services): State<Services>,
    Path(slug): Path<String>,
    extensions: Extensions,
) -> Result<Json<Vec<MemberView>>, ApiError> {
    let caller = caller(&extensions)?;
    Ok(Json(
        services::tenants::members::list(&services, &caller, &slug).await?,
    ))
}
