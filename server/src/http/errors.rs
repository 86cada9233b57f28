//! Errors answered by the HTTP layer itself (middleware, JSON API): the status from the
//! error kind, a JSON body for programs and a short page for browsers.

use axum::Json;
use axum::response::{Html, IntoResponse, Response};
use http::header::{ACCEPT, RETRY_AFTER};
use http::{HeaderMap, HeaderValue, StatusCode};
use shared::AppError;

/// An [`AppError`] as an HTTP response.
pub struct ApiError(pub AppError);

impl From<services::Error> for ApiError {
    fn from(err: services::Error) -> Self {
        Self(err.into_app_error())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        respond(&self.0, false)
    }
}

pub fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

pub fn respond(err: &AppError, html: bool) -> Response {
    let status = StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = if html {
        let message = escape(&err.to_string());
        (
            status,
            Html(format!(
                "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{} · Atrium</title></head>\
                 <body><main><h1>{}</h1><p>{message}</p><p><a href=\"/\">Back to Atrium</a></p></main></body></html>",
                status.as_u16(),
                status.canonical_reason().unwrap_or("Error")
            )),
        )
            .into_response()
    } else {
        let mut body = serde_json::to_value(err).unwrap_or_default();
        if let Some(object) = body.as_object_mut() {
            object.insert("message".into(), err.to_string().into());
        }
        (status, Json(body)).into_response()
    };
    if let Some(secs) = err.retry_after()
        && let Ok(value) = HeaderValue::from_str(&secs.to_string())
    {
        response.headers_mut().insert(RETRY_AFTER, value);
    }
    response
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
