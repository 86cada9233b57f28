use app::server::RequestContext;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::Extensions;
use services::Services;
use shared::AppError;
use shared::members::MemberView;

use crate::http::errors::ApiError;

/// `GET /api/v1/tenants/{slug}/members`: the members of a workspace you belong to.
pub async fn list_members(
    State(services): State<Services>,
    Path(slug): Path<String>,
    extensions: Extensions,
) -> Result<Json<Vec<MemberView>>, ApiError> {
    let caller = extensions
        .get::<RequestContext>()
        .and_then(|ctx| ctx.caller.clone())
        .ok_or(ApiError(AppError::Unauthenticated))?;
    Ok(Json(
        services::tenants::members::list(&services, &caller, &slug).await?,
    ))
}
