use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{Extensions, StatusCode};
use serde::Serialize;
use services::Services;
use shared::AppError;
use shared::ids::WidgetId;

use super::client;
use crate::http::errors::ApiError;

#[derive(Serialize)]
pub struct Accepted {
    accepted: usize,
}

/// `POST /api/v1/widgets/{widget}/events`: an embedded widget's frame reports what happened
/// to it (`shared::widgets::events::EventBatch`: its signed visit, its site and up to 50
/// events). Public — the visit admits it — and limited per address; 202 once stored.
pub async fn report_events(
    State(services): State<Services>,
    Path(widget): Path<String>,
    extensions: Extensions,
    body: Bytes,
) -> Result<(StatusCode, Json<Accepted>), ApiError> {
    let widget: WidgetId = widget
        .parse()
        .map_err(|_| ApiError(AppError::not_found("This widget")))?;
    let accepted =
        services::widgets::analytics::record_events(&services, &client(&extensions), widget, &body)
            .await?;
    Ok((StatusCode::ACCEPTED, Json(Accepted { accepted })))
}
