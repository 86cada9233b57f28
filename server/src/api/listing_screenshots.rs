//! A marketplace listing's screenshots: its publisher uploads them (multipart, one field
//! named `file`), and every builder workspace that may see the listing loads them. Both go
//! through the marketplace service, so the permission check and the scope are the listing
//! page's own.
//!
//! An upload from a plain form post (`Accept: text/html`) answers with a redirect back to
//! the listing, or a short page naming the error with its status; from a script it answers
//! JSON (201 with the screenshot, or the error).

use axum::Json;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::{Extensions, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use services::Services;
use shared::AppError;
use shared::ids::{ListingId, ScreenshotId};
use shared::marketplace::SCREENSHOT_MAX_BYTES;
use shared::support::files::size_text;

use super::{caller, files};
use crate::http::errors::{ApiError, respond, wants_html};

/// The request body may be a little larger than the image for the multipart framing.
pub const BODY_LIMIT: usize = files::body_limit(SCREENSHOT_MAX_BYTES);

fn listing_id(raw: &str) -> Result<ListingId, AppError> {
    raw.parse().map_err(|_| AppError::not_found("This listing"))
}

/// Refused while reading, before the whole image is in.
fn too_large(name: Option<&str>) -> AppError {
    let what = name.map_or_else(|| "The image".to_owned(), |name| format!("“{name}”"));
    AppError::TooLarge {
        reason: format!(
            "{what} is larger than {}, the most a screenshot can be.",
            size_text(SCREENSHOT_MAX_BYTES as u64)
        ),
    }
}

/// `POST /api/v1/tenants/{slug}/marketplace/{listing}/screenshots`
pub async fn upload(
    State(services): State<Services>,
    Path((slug, listing)): Path<(String, String)>,
    extensions: Extensions,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let html = wants_html(&headers);
    let result = async {
        let caller = caller(&extensions).map_err(|e| e.0)?;
        let listing = listing_id(&listing)?;
        let (name, bytes) = files::read_file(multipart, SCREENSHOT_MAX_BYTES, too_large).await?;
        let client = super::client(&extensions);
        services::marketplace::add_screenshot(
            &services,
            &caller,
            &client,
            &slug,
            listing,
            (&name, &bytes),
        )
        .await
        .map(|shot| (listing, shot))
        .map_err(services::Error::into_app_error)
    }
    .await;
    match result {
        Ok((listing, _)) if html => {
            Redirect::to(&app::marketplace::listing_path(&slug, listing)).into_response()
        }
        Ok((_, shot)) => (StatusCode::CREATED, Json(shot)).into_response(),
        Err(err) => respond(&err, html),
    }
}

/// `GET /api/v1/tenants/{slug}/marketplace/{listing}/screenshots/{screenshot}`
pub async fn image(
    State(services): State<Services>,
    Path((slug, listing, screenshot)): Path<(String, String, String)>,
    extensions: Extensions,
) -> Result<Response, ApiError> {
    let caller = caller(&extensions)?;
    let listing = listing_id(&listing).map_err(ApiError)?;
    let screenshot: ScreenshotId = screenshot
        .parse()
        .map_err(|_| ApiError(AppError::not_found("This screenshot")))?;
    let stored =
        services::marketplace::screenshot(&services, &caller, &slug, listing, screenshot).await?;
    // A screenshot never changes (a new one gets a new address); a withdrawn listing's stay
    // in a browser's cache for at most five minutes.
    Ok(files::serve(stored, "private, max-age=300"))
}
