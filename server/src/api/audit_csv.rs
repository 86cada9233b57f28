use axum::extract::{Path, Query, State};
use axum::http::Extensions;
use axum::response::Response;
use serde::Deserialize;
use services::Services;
use shared::AppError;
use shared::audit::AuditQuery;

use super::{caller, csv_download};
use crate::http::errors::ApiError;

/// The log's search form, as the page's "Download CSV" link carries it.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Search {
    q: String,
    area: String,
    tenant: String,
    from: String,
    to: String,
}

impl Search {
    fn parse(&self) -> Result<AuditQuery, ApiError> {
        AuditQuery::parse(&self.q, &self.area, &self.tenant, &self.from, &self.to, "")
            .map_err(|e| ApiError(AppError::from(e)))
    }
}

/// `GET /api/v1/platform/audit.csv`: the platform's log, searched (super admins).
pub async fn platform(
    State(services): State<Services>,
    Query(search): Query<Search>,
    extensions: Extensions,
) -> Result<Response, ApiError> {
    let caller = caller(&extensions)?;
    let csv = services::audit::platform_csv(&services, &caller, search.parse()?).await?;
    Ok(csv_download(csv, "atrium-audit.csv"))
}

/// `GET /api/v1/tenants/{slug}/audit.csv`: a workspace's log, searched (its owners).
pub async fn workspace(
    State(services): State<Services>,
    Path(slug): Path<String>,
    Query(search): Query<Search>,
    extensions: Extensions,
) -> Result<Response, ApiError> {
    let caller = caller(&extensions)?;
    let csv = services::audit::tenant_csv(&services, &caller, &slug, search.parse()?).await?;
    // The slug passed the permission check, so it is a stored slug (letters, digits, dashes).
    Ok(csv_download(csv, &format!("{slug}-audit.csv")))
}
