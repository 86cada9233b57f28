//! Request counts and latency histograms by route, for `/metrics` and the console's health
//! page.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use services::Services;

pub async fn record(State(services): State<Services>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().as_str().to_owned();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| {
            if req.uri().path().starts_with("/pkg/") {
                "/pkg/{file}".to_owned()
            } else {
                "unmatched".to_owned()
            }
        });
    // Server functions share one route pattern; the page lists each by its address.
    let route = if route.contains('*') && req.uri().path().starts_with("/rpc/") {
        req.uri().path().to_owned()
    } else {
        route
    };
    let response = next.run(req).await;
    let status = response.status().as_u16();
    let elapsed = started.elapsed();
    let seconds = elapsed.as_secs_f64();
    services.health().record(
        &format!("{method} {route}"),
        status,
        u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX),
    );
    metrics::counter!("atrium_http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status.to_string())
        .increment(1);
    metrics::histogram!("atrium_http_request_duration_seconds", "method" => method.clone(), "route" => route.clone())
        .record(seconds);
    if status >= 500 {
        tracing::warn!(%method, %route, status, seconds, "request failed");
    }
    response
}
