//! A ticket's files: upload (multipart, one field named `file`) and download, from a
//! workspace or from the console. Both go through the support service, so the permission
//! check and the tenant scope are the ticket page's own.
//!
//! An upload from a plain form post (a browser navigating, `Accept: text/html`) answers
//! with a redirect back to the ticket, or a short page naming the error with its status;
//! from a script it answers JSON (201 with the file, or the error).

use axum::Json;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::{Extensions, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use services::Services;
use services::support::Scope;
use shared::AppError;
use shared::ids::{TicketFileId, TicketId};
use shared::support::files::{FILE_MAX_BYTES, size_text};

use super::{caller, files};
use crate::http::errors::{ApiError, respond, wants_html};

/// The request body may be a little larger than the file for the multipart framing.
pub const BODY_LIMIT: usize = files::body_limit(FILE_MAX_BYTES);

fn ticket_id(raw: &str) -> Result<TicketId, AppError> {
    raw.parse().map_err(|_| AppError::not_found("The ticket"))
}

/// Refused while reading, before the whole file is in: how large it is is not known yet.
fn too_large(name: Option<&str>) -> AppError {
    let what = name.map_or_else(|| "The file".to_owned(), |name| format!("“{name}”"));
    AppError::TooLarge {
        reason: format!(
            "{what} is larger than {}, the most a ticket takes.",
            size_text(FILE_MAX_BYTES as u64)
        ),
    }
}

async fn upload(
    services: &Services,
    extensions: &Extensions,
    headers: &HeaderMap,
    scope: Scope<'_>,
    ticket: &str,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let html = wants_html(headers);
    let result = async {
        let caller = caller(extensions).map_err(|e| e.0)?;
        let ticket = ticket_id(ticket)?;
        let (name, bytes) = files::read_file(multipart, FILE_MAX_BYTES, too_large).await?;
        let client = super::client(extensions);
        services::support::attach(services, &caller, &client, scope, ticket, (&name, &bytes))
            .await
            .map(|(file, tenant)| (ticket, file, tenant))
            .map_err(services::Error::into_app_error)
    }
    .await;
    match result {
        Ok((ticket, _, tenant)) if html => {
            let (persona, slug) = match scope {
                Scope::Tenant(_) => (tenant.variant.persona(), Some(tenant.slug.as_str())),
                Scope::Platform => (shared::personas::Persona::SuperAdmin, None),
            };
            Redirect::to(&app::support::ticket_path(persona, slug, ticket)).into_response()
        }
        Ok((_, file, _)) => (StatusCode::CREATED, Json(file)).into_response(),
        Err(err) => respond(&err, html),
    }
}

async fn download(
    services: &Services,
    extensions: &Extensions,
    scope: Scope<'_>,
    (ticket, file): (&str, &str),
) -> Result<Response, ApiError> {
    let caller = caller(extensions)?;
    let ticket = ticket_id(ticket).map_err(ApiError)?;
    let file: TicketFileId = file
        .parse()
        .map_err(|_| ApiError(AppError::not_found("The file")))?;
    let stored = services::support::file(services, &caller, scope, ticket, file).await?;
    Ok(files::serve(stored, "private, no-store"))
}

/// `POST /api/v1/tenants/{slug}/tickets/{ticket}/files`
pub async fn upload_in_workspace(
    State(services): State<Services>,
    Path((slug, ticket)): Path<(String, String)>,
    extensions: Extensions,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    upload(
        &services,
        &extensions,
        &headers,
        Scope::Tenant(&slug),
        &ticket,
        multipart,
    )
    .await
}

/// `GET /api/v1/tenants/{slug}/tickets/{ticket}/files/{file}`
pub async fn download_in_workspace(
    State(services): State<Services>,
    Path((slug, ticket, file)): Path<(String, String, String)>,
    extensions: Extensions,
) -> Result<Response, ApiError> {
    download(
        &services,
        &extensions,
        Scope::Tenant(&slug),
        (&ticket, &file),
    )
    .await
}

/// `POST /api/v1/platform/tickets/{ticket}/files`
pub async fn upload_in_console(
    State(services): State<Services>,
    Path(ticket): Path<String>,
    extensions: Extensions,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    upload(
        &services,
        &extensions,
        &headers,
        Scope::Platform,
        &ticket,
        multipart,
    )
    .await
}

/// `GET /api/v1/platform/tickets/{ticket}/files/{file}`
pub async fn download_in_console(
    State(services): State<Services>,
    Path((ticket, file)): Path<(String, String)>,
    extensions: Extensions,
) -> Result<Response, ApiError> {
    download(&services, &extensions, Scope::Platform, (&ticket, &file)).await
}
