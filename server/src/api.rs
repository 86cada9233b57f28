//! The JSON API under `/api/v1`. Same services, same permission check as the pages; the
//! caller comes from the session cookie or an API token — except the widget events route,
//! where embedded widgets report with the visit their page was signed for.

mod audit_csv;
mod branding_css;
mod complete_job;
mod console_csv;
mod files;
mod get_workspace;
mod invoice_csv;
mod list_members;
mod listing_screenshots;
mod people_csv;
mod tenant_export;
mod tenant_logo;
mod tenants_csv;
pub mod ticket_files;
mod usage;
mod widget_events;

use app::server::RequestContext;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{Extensions, HeaderValue, header};
use axum::response::{IntoResponse, Response};
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
    "/api/v1/tenants/{slug}/tickets/{ticket}/files",
    "/api/v1/tenants/{slug}/tickets/{ticket}/files/{file}",
    "/api/v1/platform/tickets/{ticket}/files",
    "/api/v1/platform/tickets/{ticket}/files/{file}",
    "/api/v1/widgets/{widget}/events",
    "/api/v1/tenants/{slug}/marketplace/{listing}/screenshots",
    "/api/v1/tenants/{slug}/marketplace/{listing}/screenshots/{screenshot}",
    "/api/v1/platform/audit.csv",
    "/api/v1/tenants/{slug}/audit.csv",
    "/api/v1/platform/users.csv",
    "/api/v1/platform/tenants.csv",
    "/api/v1/tenants/{slug}/branding.css",
    "/api/v1/platform/tenants/{slug}/export",
    "/api/v1/platform/tenants/{slug}/logo",
    "/api/v1/tenants/{slug}/logo",
    "/api/v1/platform/builders.csv",
    "/api/v1/platform/security/alerts.csv",
    "/api/v1/platform/health/routes.csv",
];

pub fn router() -> Router<AppState> {
    Router::new()
        .route(ROUTES[0], get(get_workspace::get_workspace))
        .route(ROUTES[1], get(list_members::list_members))
        .route(ROUTES[2], post(complete_job::complete_job))
        .route(ROUTES[3], get(usage::get_usage).post(usage::report_usage))
        .route(ROUTES[4], get(invoice_csv::invoice_csv))
        .route(
            ROUTES[5],
            post(ticket_files::upload_in_workspace)
                .layer(DefaultBodyLimit::max(ticket_files::BODY_LIMIT)),
        )
        .route(ROUTES[6], get(ticket_files::download_in_workspace))
        .route(
            ROUTES[7],
            post(ticket_files::upload_in_console)
                .layer(DefaultBodyLimit::max(ticket_files::BODY_LIMIT)),
        )
        .route(ROUTES[8], get(ticket_files::download_in_console))
        .route(
            ROUTES[9],
            post(widget_events::report_events).layer(DefaultBodyLimit::max(
                shared::widgets::events::BATCH_MAX_BYTES,
            )),
        )
        .route(
            ROUTES[10],
            post(listing_screenshots::upload)
                .layer(DefaultBodyLimit::max(listing_screenshots::BODY_LIMIT)),
        )
        .route(ROUTES[11], get(listing_screenshots::image))
        .route(ROUTES[12], get(audit_csv::platform))
        .route(ROUTES[13], get(audit_csv::workspace))
        .route(ROUTES[14], get(people_csv::people_csv))
        .route(ROUTES[15], get(tenants_csv::tenants_csv))
        .route(ROUTES[16], get(branding_css::branding_css))
        .route(ROUTES[17], get(tenant_export::tenant_export))
        .route(
            ROUTES[18],
            post(tenant_logo::upload)
                .layer(DefaultBodyLimit::max(tenant_logo::BODY_LIMIT))
                .get(tenant_logo::console_image),
        )
        .route(ROUTES[19], get(tenant_logo::image))
        .route(ROUTES[20], get(console_csv::builders))
        .route(ROUTES[21], get(console_csv::alerts))
        .route(ROUTES[22], get(console_csv::health_routes))
}

/// Who is on the other end of the request (for audit entries).
fn client(extensions: &Extensions) -> services::ClientInfo {
    extensions
        .get::<std::sync::Arc<RequestContext>>()
        .map(|ctx| ctx.client.clone())
        .unwrap_or_default()
}

/// The signed-in caller of an API request, or 401.
fn caller(extensions: &Extensions) -> Result<Caller, ApiError> {
    extensions
        .get::<std::sync::Arc<RequestContext>>()
        .and_then(|ctx| ctx.caller.clone())
        .ok_or(ApiError(AppError::Unauthenticated))
}

/// A CSV document as a private download named `name` (a name built from values that passed
/// their lookup, so it needs no quoting).
fn csv_download(csv: String, name: &str) -> Response {
    download(csv.into_response(), "text/csv; charset=utf-8", name)
}

/// `response` as a private download of `content_type` named `name` (unquoted, as above).
fn download(mut response: Response, content_type: &'static str, name: &str) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    if let Ok(value) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}
