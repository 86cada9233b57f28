use axum::extract::{Path, Query, State};
use axum::http::{Extensions, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use services::Services;
use shared::AppError;
use shared::audit::AuditQuery;

use super::caller;
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
    Ok(download(csv, "atrium-audit.csv"))
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
    Ok(download(csv, &format!("{slug}-audit.csv")))
}

fn download(csv: String, name: &str) -> Response {
    let mut response = csv.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}
