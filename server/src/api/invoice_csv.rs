use axum::extract::{Path, State};
use axum::http::Extensions;
use axum::response::Response;
use services::Services;

use super::{caller, csv_download};
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
    // The number passed the lookup, so it is a stored invoice number (letters, digits, dashes).
    Ok(csv_download(csv, &format!("{number}.csv")))
}
