//! `GET /api/v1/platform/tenants/{slug}/export`: a tenant's data as lines of JSON, for super
//! admins, streamed as it is read (see [`services::tenant_removal`]).

use std::convert::Infallible;

use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::Extensions;
use axum::response::{IntoResponse, Response};
use services::Services;
use tokio::sync::mpsc;

use super::{caller, client, download};
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
    Ok(download(
        Body::from_stream(body).into_response(),
        "application/x-ndjson; charset=utf-8",
        &name,
    ))
}
