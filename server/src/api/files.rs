//! Files in and out of the API, for every route that takes or serves one (a ticket's files,
//! a listing's screenshots): a multipart upload read no further than its size limit, and a
//! stored file served so that opening it can do nothing but show it.

use axum::extract::multipart::{Multipart, MultipartError, MultipartRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use services::storage::support::StoredFile;
use shared::AppError;

/// What an opened file may do: nothing (no scripts, no loads, no framing).
const FILE_POLICY: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; sandbox";

/// The request body may be a little larger than the file for the multipart framing.
pub const fn body_limit(file_max: usize) -> usize {
    file_max + 64 * 1024
}

fn unreadable(err: &MultipartError, too_large: &impl Fn(Option<&str>) -> AppError) -> AppError {
    if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
        return too_large(None);
    }
    AppError::invalid("file", format!("The upload could not be read: {err}."))
}

/// The `file` field's name and bytes, read no further than `max` bytes; `too_large` words
/// the refusal of a larger one (with its name once known).
pub async fn read_file(
    multipart: Result<Multipart, MultipartRejection>,
    max: usize,
    too_large: impl Fn(Option<&str>) -> AppError,
) -> Result<(String, Vec<u8>), AppError> {
    let mut multipart = multipart.map_err(|_| {
        AppError::invalid(
            "file",
            "Send the file as multipart/form-data, in a field named “file”.",
        )
    })?;
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|e| unreadable(&e, &too_large))?
    {
        if field.name() != Some("file") {
            continue;
        }
        let name = field.file_name().unwrap_or_default().to_owned();
        let mut bytes = Vec::new();
        while let Some(chunk) = field
            .chunk()
            .await
            .map_err(|e| unreadable(&e, &too_large))?
        {
            if bytes.len() + chunk.len() > max {
                return Err(too_large(Some(&name)));
            }
            bytes.extend_from_slice(&chunk);
        }
        if name.trim().is_empty() {
            return Err(AppError::invalid("file", "Choose a file to send."));
        }
        return Ok((name, bytes));
    }
    Err(AppError::invalid("file", "Choose a file to send."))
}

/// A stored file as a response: images open in the browser, everything else downloads, and
/// nothing in it can run. `cache` is its `Cache-Control`.
pub fn serve(stored: StoredFile, cache: &'static str) -> Response {
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
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}
