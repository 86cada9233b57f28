//! Logs (`tracing`) and metrics (Prometheus text at `/metrics`).

use std::sync::OnceLock;
use std::time::Duration;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use services::config::LogSettings;
use services::health::SlowStatements;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::Layer as _;
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;

/// Structured logs to stdout (`RUST_LOG` overrides the configured filter), and beside them
/// the health page's record of slow database statements, which sees sqlx's reports whatever
/// the log filter lets through.
pub fn init_logging(settings: &LogSettings) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(&settings.filter));
    let registry =
        tracing_subscriber::registry().with(SlowStatements.with_filter(SlowStatements::filter()));
    let result = if settings.format == "json" {
        registry
            .with(tracing_subscriber::fmt::layer().json().with_filter(filter))
            .try_init()
    } else {
        registry
            .with(
                tracing_subscriber::fmt::layer()
                    .compact()
                    .with_filter(filter),
            )
            .try_init()
    };
    // A second initialization (tests start several servers in one process) keeps the first.
    let _ = result;
}

/// The health page's record of slow database statements, as a layer seeing only sqlx's
/// reports (whatever the log filter lets through).
pub fn slow_statements<S>() -> impl tracing_subscriber::Layer<S>
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    SlowStatements.with_filter(SlowStatements::filter())
}

/// Latency buckets in seconds, fine-grained where our budgets are (1–50 ms).
const LATENCY_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

/// The process-wide Prometheus recorder. The `metrics` facade has one global recorder by
/// design, so it is installed once per process and shared by every server in it.
pub fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), LATENCY_BUCKETS)
                .map(|b| b.build_recorder())
                .unwrap_or_else(|_| PrometheusBuilder::new().build_recorder());
            let handle = recorder.handle();
            let _ = metrics::set_global_recorder(recorder);
            let upkeep = handle.clone();
            std::thread::Builder::new()
                .name("metrics-upkeep".into())
                .spawn(move || {
                    loop {
                        std::thread::sleep(Duration::from_secs(5));
                        upkeep.run_upkeep();
                    }
                })
                .ok();
            handle
        })
        .clone()
}
