//! `GET /api/v1/platform/tenants/{slug}/export`: a tenant's data as lines of JSON, for super
//! admins, streamed as it is read (see [`services::tenant_removal`]).

use std::convert::Infallible;

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{Extensions, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use services::Services;
use tokio::sync::mpsc;

use super::{caller, client};
use crate::http::errors::ApiError;

/// Lines held between the database and the connection.
const BUFFERED_LINES: usize = 256;

pub async fn tenant_export(
    State(services): State<Services>,
    Path(slug): Path<String>,
    extensions: Extensions,
) -> Result<Response, ApiError> {
    let caller = caller(&extensions)?;
    let export =
        services::tenant_removal::export(&services, &caller, &client(&extensions), &slug).await?;
    let name = export.file_name();
    let (sink, mut lines) = mpsc::channel::<String>(BUFFERED_LINES);
    tokio::spawn(export.run(sink));
    // Polled again after its end (by the compression layer), the channel keeps answering
    // that it has ended.
    let body = futures_util::stream::poll_fn(move |cx| {
        lines
            .poll_recv(cx)
            .map(|line| line.map(|line| Ok::<_, Infallible>(Bytes::from(line))))
    });
    let mut response = Body::from_stream(body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/x-ndjson; charset=utf-8"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}
