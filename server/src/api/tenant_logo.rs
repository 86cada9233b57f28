//! A tenant's logo: a super admin uploads it from the console (multipart, one field named
//! `file`), and the workspace's members load it at its versioned address. Both go through
//! the services, so the permission check and the scope are the console's and the
//! workspace's own.
//!
//! An upload from a plain form post (`Accept: text/html`) answers with a redirect back to
//! the tenant's page, or a short page naming the error with its status; from a script it
//! answers JSON (201 with the logo's version, or the error).

use axum::Json;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::{Extensions, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use services::Services;
use shared::AppError;
use shared::branding::LOGO_MAX_BYTES;
use shared::support::files::size_text;

use super::{caller, client, files};
use crate::http::errors::{ApiError, respond, wants_html};

/// The request body may be a little larger than the image for the multipart framing.
pub const BODY_LIMIT: usize = files::body_limit(LOGO_MAX_BYTES);

/// Refused while reading, before the whole image is in.
fn too_large(name: Option<&str>) -> AppError {
    let what = name.map_or_else(|| "The image".to_owned(), |name| format!("“{name}”"));
    AppError::TooLarge {
        reason: format!(
            "{what} is larger than {}, the most a logo can be.",
            size_text(LOGO_MAX_BYTES as u64)
        ),
    }
}

/// `POST /api/v1/platform/tenants/{slug}/logo`
pub async fn upload(
    State(services): State<Services>,
    Path(slug): Path<String>,
    extensions: Extensions,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let html = wants_html(&headers);
    let result = async {
        let caller = caller(&extensions).map_err(|e| e.0)?;
        let (name, bytes) = files::read_file(multipart, LOGO_MAX_BYTES, too_large).await?;
        services::platform::set_logo(
            &services,
            &caller,
            &client(&extensions),
            &slug,
            (&name, &bytes),
        )
        .await
        .map_err(services::Error::into_app_error)
    }
    .await;
    match result {
        Ok(_) if html => {
            Redirect::to(&format!("{}/{slug}", app::admin::tenants::PATH)).into_response()
        }
        Ok(version) => (StatusCode::CREATED, Json(version)).into_response(),
        Err(err) => respond(&err, html),
    }
}

/// `GET /api/v1/platform/tenants/{slug}/logo?v=…`: the console's view of it.
pub async fn console_image(
    State(services): State<Services>,
    Path(slug): Path<String>,
    extensions: Extensions,
) -> Result<Response, ApiError> {
    let caller = caller(&extensions)?;
    let stored = services::platform::logo(&services, &caller, &slug).await?;
    Ok(files::serve(stored, "private, max-age=31536000, immutable"))
}

/// `GET /api/v1/tenants/{slug}/logo?v=…`
pub async fn image(
    State(services): State<Services>,
    Path(slug): Path<String>,
    extensions: Extensions,
) -> Result<Response, ApiError> {
    let caller = caller(&extensions)?;
    let stored = services::tenants::workspace::logo(&services, &caller, &slug).await?;
    // The page asks for it at its version, so each version may be kept for good.
    Ok(files::serve(stored, "private, max-age=31536000, immutable"))
}
