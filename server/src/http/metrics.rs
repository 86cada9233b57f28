use axum::extract::State;
use axum::response::IntoResponse;
use http::header::CONTENT_TYPE;
use metrics_exporter_prometheus::PrometheusHandle;
use services::Services;

/// `/metrics` in the Prometheus text format. Pool, session and job-queue gauges are read at
/// scrape time; request counters and latency histograms are recorded by the request middleware.
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
    if let Ok(counts) = store.job_counts().await {
        for status in shared::process::JobStatus::ALL {
            let n = counts
                .iter()
                .find(|(s, _)| s == status)
                .map_or(0, |(_, n)| *n);
            metrics::gauge!("atrium_jobs", "status" => status.as_str()).set(n as f64);
        }
    }
    (
        [(CONTENT_TYPE, "text/plain; version=0.0.4")],
        handle.render(),
    )
}
