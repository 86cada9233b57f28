//! The JSON API under `/api/v1`. Same services, same permission check as the pages; the
//! caller comes from the session cookie (API tokens arrive with the public REST API).

mod list_members;

use axum::Router;
use axum::routing::get;

use crate::startup::AppState;

/// Every API route, as registered; the cross-tenant test walks this list.
pub const ROUTES: &[&str] = &["/api/v1/tenants/{slug}/members"];

pub fn router() -> Router<AppState> {
    Router::new().route(ROUTES[0], get(list_members::list_members))
}
