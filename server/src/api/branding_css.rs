use axum::extract::{Path, State};
use axum::http::{Extensions, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use services::Services;

use super::caller;
use crate::http::errors::ApiError;

/// `GET /api/v1/tenants/{slug}/branding.css`: the workspace's branding as a stylesheet, for
/// its members (the page links it with the branding's version in the address, so each
/// version may be kept for good).
pub async fn branding_css(
    State(services): State<Services>,
    Path(slug): Path<String>,
    extensions: Extensions,
) -> Result<Response, ApiError> {
    let caller = caller(&extensions)?;
    let css = services::tenants::workspace::branding_stylesheet(&services, &caller, &slug).await?;
    let mut response = css.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/css; charset=utf-8"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=31536000, immutable"),
    );
    Ok(response)
}
