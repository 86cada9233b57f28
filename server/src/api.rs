//! The JSON API under `/api/v1`. Same services, same permission check as the pages; the
//! caller comes from the session cookie (API tokens arrive with the public REST API).

mod complete_job;
mod get_workspace;
mod invoice_csv;
mod list_members;
mod usage;

use app::server::RequestContext;
use axum::Router;
use axum::http::Extensions;
use axum::routing::{get, post};
use services::Caller;
use shared::AppError;

use crate::http::errors::ApiError;
use crate::startup::AppState;

/// Every API route, as registered; the cross-tenant test walks this list.
pub const ROUTES: &[&str] = &[
    "/api/v1/tenants/{slug}",
    "/api/v1/tenants/{slug}/members",
    "/api/v1/callbacks/{tenant}/jobs/{job}",
    "/api/v1/tenants/{slug}/usage",
    "/api/v1/tenants/{slug}/invoices/{number}/csv",
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route(ROUTES[0], get(get_workspace::get_workspace))
        .route(ROUTES[1], get(list_members::list_members))
        .route(ROUTES[2], post(complete_job::complete_job))
        .route(ROUTES[3], get(usage::get_usage).post(usage::report_usage))
        .route(ROUTES[4], get(invoice_csv::invoice_csv))
}

/// The signed-in caller of an API request, or 401.
fn caller(extensions: &Extensions) -> Result<Caller, ApiError> {
    extensions
        .get::<std::sync::Arc<RequestContext>>()
        .and_then(|ctx| ctx.caller.clone())
        .ok_or(ApiError(AppError::Unauthenticated))
}
