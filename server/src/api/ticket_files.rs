//! A ticket's files: upload (multipart, one field named `file`) and download, from a
//! workspace or from the console. Both go through the support service, so the permission
//! check and the tenant scope are the ticket page's own.
//!
//! An upload from a plain form post (a browser navigating, `Accept: text/html`) answers
//! with a redirect back to the ticket, or a short page naming the error with its status;
//! from a script it answers JSON (201 with the file, or the error).

use axum::Json;
use axum::extract::multipart::{Multipart, MultipartError, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::{Extensions, HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use services::Services;
use services::support::Scope;
use shared::AppError;
use shared::ids::{TicketFileId, TicketId};
use shared::support::files::{FILE_MAX_BYTES, size_text};

use super::caller;
use crate::http::errors::{ApiError, respond, wants_html};

/// What a download may do once opened: nothing (no scripts, no loads, no framing).
const FILE_POLICY: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; sandbox";

/// The request body may be a little larger than the file for the multipart framing.
pub const BODY_LIMIT: usize = FILE_MAX_BYTES + 64 * 1024;

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

fn unreadable(err: &MultipartError) -> AppError {
    if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return too_large(None);
    }
    AppError::invalid("file", format!("The upload could not be read: {err}."))
}

/// The `file` field's name and bytes, read no further than the size limit.
async fn read_file(
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(String, Vec<u8>), AppError> {
    let mut multipart = multipart.map_err(|_| {
        AppError::invalid(
            "file",
            "Send the file as multipart/form-data, in a field named “file”.",
        )
    })?;
    while let Some(mut field) = multipart.next_field().await.map_err(|e| unreadable(&e))? {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or_default().to_owned();
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(|e| unreadable(&e))? {
            if bytes.len() + chunk.len() > FILE_MAX_BYTES {
                return Err(too_large(Some(&name)));
            }
            bytes.extend_from_slice(&chunk);
        }
        if name.trim().is_empty() {
            return Err(AppError::invalid("file", "Choose a file to attach."));
        }
        return Ok((name, bytes));
    }
    Err(AppError::invalid("file", "Choose a file to attach."))
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
        let (name, bytes) = read_file(multipart).await?;
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
    let disposition = format!(
        "{}; filename=\"{}\"; filename*=UTF-8''{}",
        if stored.kind.inline() {
            "inline"
        } else {
            "attachment"
        },
        stored.name.ascii_fallback(),
        percent_encoding::utf8_percent_encode(
            stored.name.as_str(),
            percent_encoding::NON_ALPHANUMERIC
        )
    );
    let mut response = stored.content.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(stored.kind.mime()),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(FILE_POLICY),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
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
