use axum::extract::{Path, State};
use axum::http::{Extensions, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use services::Services;

use super::caller;
use crate::http::errors::ApiError;

/// `GET /api/v1/tenants/{slug}/invoices/{number}/csv`: an invoice's lines and totals as a
/// CSV download (the same figures as its page).
pub async fn invoice_csv(
    State(services): State<Services>,
    Path((slug, number)): Path<(String, String)>,
    extensions: Extensions,
) -> Result<Response, ApiError> {
    let caller = caller(&extensions)?;
    let csv = services::billing::invoices::csv(&services, &caller, &slug, &number).await?;
    let mut response = csv.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    // The number passed the lookup, so it is a stored invoice number (letters, digits, dashes).
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{number}.csv\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}
