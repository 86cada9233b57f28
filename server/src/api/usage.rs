use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{Extensions, StatusCode};
use services::Services;
use shared::AppError;
use shared::billing::{BillingPage, UsageRecorded, UsageReport};

use super::caller;
use crate::http::errors::ApiError;

/// `POST /api/v1/tenants/{slug}/usage`: an integration reports metered usage (tokens, API
/// calls) for the workspace. It counts against the plan's monthly quota first: beyond it the
/// answer is 402 with the limit and the way up, and nothing is counted.
pub async fn report_usage(
    State(services): State<Services>,
    Path(slug): Path<String>,
    extensions: Extensions,
    body: Bytes,
) -> Result<(StatusCode, Json<UsageRecorded>), ApiError> {
    let caller = caller(&extensions)?;
    let report: UsageReport = serde_json::from_slice(&body).map_err(|err| {
        ApiError(AppError::invalid(
            "body",
            format!(
                "The body must be JSON such as {{\"metric\": \"tokens\", \"quantity\": 120, \"provider\": \"groq\"}} ({err})."
            ),
        ))
    })?;
    let recorded = services::billing::usage::report(&services, &caller, &slug, &report).await?;
    Ok((StatusCode::CREATED, Json(recorded)))
}

/// `GET /api/v1/tenants/{slug}/usage`: the plan, its limits and this month's meters, the
/// same data the Plan & usage page renders.
pub async fn get_usage(
    State(services): State<Services>,
    Path(slug): Path<String>,
    extensions: Extensions,
) -> Result<Json<BillingPage>, ApiError> {
    let caller = caller(&extensions)?;
    Ok(Json(
        services::billing::plans::page(&services, &caller, &slug).await?,
    ))
}
