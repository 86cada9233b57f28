use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use services::Services;
use shared::ids::{JobId, TenantId};

use crate::http::errors::ApiError;

#[derive(Deserialize)]
pub struct Signed {
    attempt: i32,
    expires: i64,
    signature: String,
}

/// `POST /api/v1/callbacks/{tenant}/jobs/{job}?attempt=…&expires=…&signature=…`: a webhook endpoint's
/// late answer for a step that it accepted with 202. The signed URL is the credential.
pub async fn complete_job(
    State(services): State<Services>,
    Path((tenant, job)): Path<(TenantId, JobId)>,
    Query(signed): Query<Signed>,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    services::process::orchestrator::callback(
        &services,
        tenant,
        job,
        signed.attempt,
        signed.expires,
        &signed.signature,
        &body,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
