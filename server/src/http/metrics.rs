use axum::extract::State;
use axum::response::IntoResponse;
use http::header::CONTENT_TYPE;
use metrics_exporter_prometheus::PrometheusHandle;
use services::Services;

/// `/metrics` in the Prometheus text format. Pool and session gauges are read at scrape
/// time; request counters and latency histograms are recorded by the request middleware.
pub async fn metrics(
    State(services): State<Services>,
    State(handle): State<PrometheusHandle>,
) -> impl IntoResponse {
    let store = services.store();
    let pool = store.pool_stats();
    metrics::gauge!("atrium_db_pool_connections", "backend" => store.backend_name())
        .set(f64::from(pool.size));
    metrics::gauge!("atrium_db_pool_idle", "backend" => store.backend_name())
        .set(f64::from(pool.idle));
    let now = services::time::now();
    if let Ok(live) = store
        .count_live_sessions(now, now - services.settings().idle_timeout())
        .await
    {
        metrics::gauge!("atrium_sessions_live").set(live as f64);
    }
    (
        [(CONTENT_TYPE, "text/plain; version=0.0.4")],
        handle.render(),
    )
}
