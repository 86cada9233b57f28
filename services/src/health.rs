//! The server's own health, kept in memory for the console: every request counted per minute
//! (a day of minutes, all routes together, and an hour per route), gauges sampled once a
//! minute (live connections, waiting jobs, memory), and the thresholds of
//! `health.*` checked against them — crossing one logs a warning and counts
//! `atrium_health_alerts_total`, and the console lists it while it lasts.
//!
//! Each server instance keeps its own figures; the page shows the instance that answered.
//!
//! Slow database statements are timed by the driver itself: sqlx reports each statement over
//! `health.slow_query_ms` as a warning (target `sqlx::query`, with its summary and time),
//! and [`SlowStatements`], a `tracing` layer the server installs beside its log output, keeps
//! the last day of them. A layer is process-wide, so these are the process's (one server in
//! a deployment; every server of a test run).

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, TimeDelta, Utc};
use shared::health::{
    ALERT_WINDOW_MINUTES, DAY_STEP_MINUTES, DatabaseHealth, HOUR_POINTS, HealthPoint,
    HealthSnapshot, ROUTES_SHOWN, RouteHealth, SLOW_SHOWN, SlowQuery, Thresholds, Traffic, alerts,
};
use shared::permissions::Permission;
use shared::process::JobStatus;
use tracing::instrument;

use crate::authz::{self, Caller};
use crate::error::Result;
use crate::state::Services;

/// Minutes of all-routes traffic kept: a day.
const DAY_MINUTES: usize = 24 * 60;
/// Distinct routes counted; any more share one line, so odd addresses cannot grow memory.
const MAX_ROUTES: usize = 300;
const OTHER_ROUTES: &str = "(other routes)";

/// Gauges read once a minute.
#[derive(Clone, Copy, Debug, Default)]
struct Sample {
    websockets: i64,
    jobs_waiting: i64,
    memory_bytes: Option<u64>,
}

#[derive(Debug)]
struct Minute {
    /// Minutes since the Unix epoch.
    at: i64,
    traffic: Traffic,
    sample: Option<Sample>,
}

#[derive(Debug, Default)]
struct Recent {
    minutes: VecDeque<Minute>,
    routes: HashMap<String, VecDeque<(i64, Traffic)>>,
    /// The alerts raised at the last sample, to log each once when it starts and ends.
    raised: HashSet<String>,
}

pub struct HealthRecorder {
    started_at: DateTime<Utc>,
    websockets: AtomicI64,
    recent: Mutex<Recent>,
}

impl Default for HealthRecorder {
    fn default() -> Self {
        Self {
            started_at: crate::time::now(),
            websockets: AtomicI64::new(0),
            recent: Mutex::default(),
        }
    }
}

fn minute_of(at: DateTime<Utc>) -> i64 {
    at.timestamp().div_euclid(60)
}

fn time_of(minute: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(minute * 60, 0).unwrap_or(DateTime::<Utc>::UNIX_EPOCH)
}

impl HealthRecorder {
    /// The figures, for one short read or update (a panic elsewhere leaves them usable).
    fn recent(&self) -> std::sync::MutexGuard<'_, Recent> {
        self.recent
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Counts one answered request of `route` ("GET /api/v1/…").
    pub fn record(&self, route: &str, status: u16, micros: u64) {
        let now = minute_of(crate::time::now());
        let mut recent = self.recent();
        match recent.minutes.back_mut() {
            Some(minute) if minute.at == now => minute.traffic.record(status, micros),
            _ => {
                let mut traffic = Traffic::default();
                traffic.record(status, micros);
                recent.minutes.push_back(Minute {
                    at: now,
                    traffic,
                    sample: None,
                });
                while recent.minutes.len() > DAY_MINUTES {
                    recent.minutes.pop_front();
                }
            }
        }
        let known = recent.routes.contains_key(route);
        let key = if known || recent.routes.len() < MAX_ROUTES {
            route
        } else {
            OTHER_ROUTES
        };
        let series = recent.routes.entry(key.to_owned()).or_default();
        match series.back_mut() {
            Some((at, traffic)) if *at == now => traffic.record(status, micros),
            _ => {
                let mut traffic = Traffic::default();
                traffic.record(status, micros);
                series.push_back((now, traffic));
                while series
                    .front()
                    .is_some_and(|(at, _)| *at <= now - HOUR_POINTS as i64)
                {
                    series.pop_front();
                }
            }
        }
    }

    /// A live connection opened (`1`) or closed (`-1`).
    pub fn websocket(&self, change: i64) {
        self.websockets.fetch_add(change, Ordering::Relaxed);
    }

    fn remember(&self, sample: Sample) {
        let now = minute_of(crate::time::now());
        let mut recent = self.recent();
        match recent.minutes.back_mut() {
            Some(minute) if minute.at == now => minute.sample = Some(sample),
            _ => recent.minutes.push_back(Minute {
                at: now,
                traffic: Traffic::default(),
                sample: Some(sample),
            }),
        }
        // Routes quiet for an hour are forgotten.
        recent.routes.retain(|_, series| {
            series
                .back()
                .is_some_and(|(at, _)| *at > now - HOUR_POINTS as i64)
        });
    }

    /// All routes together over the minutes since `since` (inclusive).
    fn traffic_since(recent: &Recent, since: i64) -> Traffic {
        let mut total = Traffic::default();
        for minute in recent.minutes.iter().rev().take_while(|m| m.at >= since) {
            total.add(&minute.traffic);
        }
        total
    }

    /// `count` points of `step` minutes each, ending with the current minute, oldest first.
    fn series(recent: &Recent, now: i64, step: usize, count: usize) -> Vec<HealthPoint> {
        let step = step as i64;
        let first = now - step * count as i64 + 1;
        let mut points: Vec<(Traffic, Option<Sample>)> =
            (0..count).map(|_| (Traffic::default(), None)).collect();
        for minute in recent.minutes.iter().filter(|m| m.at >= first) {
            let index = usize::try_from((minute.at - first) / step).unwrap_or(0);
            if let Some((traffic, sample)) = points.get_mut(index) {
                traffic.add(&minute.traffic);
                if minute.sample.is_some() {
                    *sample = minute.sample;
                }
            }
        }
        points
            .into_iter()
            .enumerate()
            .map(|(i, (traffic, sample))| HealthPoint {
                at: time_of(first + i as i64 * step),
                requests: traffic.requests,
                errors: traffic.errors,
                latency: traffic.latencies.percentiles(),
                websockets: sample.map(|s| s.websockets),
                jobs_waiting: sample.map(|s| s.jobs_waiting),
                memory_bytes: sample.and_then(|s| s.memory_bytes),
            })
            .collect()
    }
}

/// Slow statements kept at most (the oldest go first), so a storm cannot grow memory.
const SLOW_KEPT: usize = 2_000;

/// The slow statements of the last day, oldest first.
static SLOW: Mutex<VecDeque<SlowQuery>> = Mutex::new(VecDeque::new());

fn slow_statements() -> std::sync::MutexGuard<'static, VecDeque<SlowQuery>> {
    SLOW.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The `tracing` layer that keeps the slow statements sqlx reports.
#[derive(Clone, Copy, Debug, Default)]
pub struct SlowStatements;

impl SlowStatements {
    /// What the layer needs to see: sqlx's statement reports at the level of slow ones.
    pub fn filter() -> tracing_subscriber::filter::Targets {
        tracing_subscriber::filter::Targets::new().with_target("sqlx::query", tracing::Level::WARN)
    }

    fn keep(slow: SlowQuery) {
        let mut kept = slow_statements();
        let day_ago = slow.at - TimeDelta::days(1);
        while kept
            .front()
            .is_some_and(|s| s.at < day_ago || kept.len() >= SLOW_KEPT)
        {
            kept.pop_front();
        }
        kept.push_back(slow);
    }

    /// How many since `since`, and the latest `shown` of them, newest first.
    fn since(since: DateTime<Utc>, shown: usize) -> (u64, Vec<SlowQuery>) {
        let kept = slow_statements();
        let recent: Vec<&SlowQuery> = kept.iter().rev().take_while(|s| s.at >= since).collect();
        let count = u64::try_from(recent.len()).unwrap_or(u64::MAX);
        (count, recent.into_iter().take(shown).cloned().collect())
    }
}

/// The fields of one of sqlx's statement reports.
#[derive(Default)]
struct Report {
    slow: bool,
    summary: Option<String>,
    seconds: Option<f64>,
}

impl tracing::field::Visit for Report {
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        if field.name() == "summary" {
            self.summary = Some(value.to_owned());
        }
    }

    fn record_f64(&mut self, field: &tracing::field::Field, value: f64) {
        if field.name() == "elapsed_secs" {
            self.seconds = Some(value);
        }
    }

    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        match field.name() {
            // Only the slow report carries the line it crossed.
            "slow_threshold" => self.slow = true,
            "summary" if self.summary.is_none() => self.summary = Some(format!("{value:?}")),
            _ => {}
        }
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for SlowStatements {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        if event.metadata().target() != "sqlx::query" {
            return;
        }
        let mut report = Report::default();
        event.record(&mut report);
        if let (true, Some(statement), Some(seconds)) =
            (report.slow, report.summary, report.seconds)
        {
            Self::keep(SlowQuery {
                at: crate::time::now(),
                statement,
                micros: (seconds * 1_000_000.0) as u64,
            });
        }
    }
}

/// The process's resident memory, where the system tells (Linux).
fn resident_memory() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

fn jobs_waiting(counts: &[(JobStatus, i64)]) -> i64 {
    counts
        .iter()
        .filter(|(status, _)| *status == JobStatus::Queued)
        .map(|(_, n)| *n)
        .sum()
}

pub fn thresholds(svc: &Services) -> Thresholds {
    let lines = &svc.settings().health;
    Thresholds {
        error_percent: lines.error_percent,
        p99_ms: lines.p99_ms,
        jobs_waiting: lines.jobs_waiting,
        memory_mb: lines.memory_mb,
        slow_query_ms: lines.slow_query_ms,
        slow_queries: lines.slow_queries,
    }
}

/// Samples the gauges and checks the thresholds; the server runs it once a minute.
pub async fn sample(svc: &Services) {
    let recorder = svc.health();
    let jobs = match svc.store().job_counts().await {
        Ok(counts) => jobs_waiting(&counts),
        Err(err) => {
            tracing::warn!(error = %err.into_app_error(), "reading the job queue for health failed");
            return;
        }
    };
    let sample = Sample {
        websockets: recorder.websockets.load(Ordering::Relaxed),
        jobs_waiting: jobs,
        memory_bytes: resident_memory(),
    };
    recorder.remember(sample);
    let now = minute_of(crate::time::now());
    let mut recent = recorder.recent();
    let window = HealthRecorder::traffic_since(&recent, now - ALERT_WINDOW_MINUTES as i64 + 1);
    let (slow, _) = SlowStatements::since(time_of(now - ALERT_WINDOW_MINUTES as i64 + 1), 0);
    let found = alerts(&thresholds(svc), &window, slow, jobs, sample.memory_bytes);
    let metrics: HashSet<String> = found.iter().map(|a| a.metric.clone()).collect();
    for alert in &found {
        if !recent.raised.contains(&alert.metric) {
            metrics::counter!("atrium_health_alerts_total", "metric" => alert.metric.clone())
                .increment(1);
            tracing::warn!(metric = %alert.metric, "{}", alert.message);
        }
    }
    for ended in recent.raised.difference(&metrics) {
        tracing::info!(metric = %ended, "health alert cleared");
    }
    recent.raised = metrics;
}

/// The console's health page (super admins).
#[instrument(skip_all)]
pub async fn snapshot(svc: &Services, caller: &Caller) -> Result<HealthSnapshot> {
    let access = authz::enter_platform(caller)?;
    authz::require(&access, Permission::PlatformView)?;
    let store = svc.store();
    let (jobs, size_bytes) = tokio::try_join!(store.job_counts(), store.database_size())?;
    let pool = store.pool_stats();
    let recorder = svc.health();
    let memory_bytes = resident_memory();
    let websockets = recorder.websockets.load(Ordering::Relaxed);
    let now_at = crate::time::now();
    let now = minute_of(now_at);
    let recent = recorder.recent();
    let hour = HealthRecorder::traffic_since(&recent, now - HOUR_POINTS as i64 + 1);
    let window = HealthRecorder::traffic_since(&recent, now - ALERT_WINDOW_MINUTES as i64 + 1);
    let mut routes: Vec<RouteHealth> = recent
        .routes
        .iter()
        .map(|(route, series)| {
            let mut traffic = Traffic::default();
            for (at, minute) in series {
                if *at > now - HOUR_POINTS as i64 {
                    traffic.add(minute);
                }
            }
            RouteHealth {
                route: route.clone(),
                requests: traffic.requests,
                errors: traffic.errors,
                error_percent: traffic.error_percent(),
                latency: traffic.latencies.percentiles(),
            }
        })
        .filter(|r| r.requests > 0)
        .collect();
    routes.sort_by(|a, b| b.requests.cmp(&a.requests).then(a.route.cmp(&b.route)));
    routes.truncate(ROUTES_SHOWN);
    let last_hour = HealthRecorder::series(&recent, now, 1, HOUR_POINTS);
    let last_day = HealthRecorder::series(
        &recent,
        now,
        DAY_STEP_MINUTES,
        DAY_MINUTES / DAY_STEP_MINUTES,
    );
    drop(recent);
    let lines = thresholds(svc);
    let (slow_window, _) = SlowStatements::since(time_of(now - ALERT_WINDOW_MINUTES as i64 + 1), 0);
    let (slow_last_hour, slow_latest) =
        SlowStatements::since(time_of(now - HOUR_POINTS as i64 + 1), SLOW_SHOWN);
    let raised = alerts(
        &lines,
        &window,
        slow_window,
        jobs_waiting(&jobs),
        memory_bytes,
    );
    Ok(HealthSnapshot {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        started_at: recorder.started_at,
        uptime_seconds: (now_at - recorder.started_at)
            .max(TimeDelta::zero())
            .num_seconds(),
        memory_bytes,
        database: DatabaseHealth {
            backend: store.backend_name().to_owned(),
            pool_size: pool.size,
            pool_idle: pool.idle,
            size_bytes,
            slow_last_hour,
            slow_latest,
        },
        websockets,
        jobs,
        hour,
        last_hour,
        last_day,
        routes,
        thresholds: lines,
        alerts: raised,
    })
}

/// The health page's routes over the last hour as CSV (latencies in milliseconds).
#[instrument(skip_all)]
pub async fn routes_csv(svc: &Services, caller: &Caller) -> Result<String> {
    let page = snapshot(svc, caller).await?;
    let mut out = crate::csv_table::CsvTable::new(&[
        "route",
        "requests",
        "errors",
        "error percent",
        "p50 ms",
        "p95 ms",
        "p99 ms",
    ])?;
    let ms = |v: Option<f64>| v.map(|v| format!("{v:.2}")).unwrap_or_default();
    for route in &page.routes {
        out.row([
            route.route.clone(),
            route.requests.to_string(),
            route.errors.to_string(),
            format!("{:.2}", route.error_percent),
            ms(route.latency.p50_ms),
            ms(route.latency.p95_ms),
            ms(route.latency.p99_ms),
        ])?;
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_counted_per_minute_and_per_route_within_bounds() {
        let recorder = HealthRecorder::default();
        recorder.record("GET /a", 200, 1_000);
        recorder.record("GET /a", 500, 2_000);
        for n in 0..MAX_ROUTES + 5 {
            recorder.record(&format!("GET /r{n}"), 200, 1_000);
        }
        let recent = recorder.recent.lock().unwrap();
        let now = minute_of(crate::time::now());
        let all = HealthRecorder::traffic_since(&recent, now - 1);
        assert_eq!((all.requests, all.errors), (MAX_ROUTES as u64 + 7, 1));
        assert_eq!(
            recent.routes.len(),
            MAX_ROUTES + 1,
            "the rest share one line"
        );
        assert_eq!(recent.routes[OTHER_ROUTES][0].1.requests, 6);
        let hour = HealthRecorder::series(&recent, now, 1, HOUR_POINTS);
        assert_eq!(hour.len(), HOUR_POINTS);
        assert_eq!(hour.last().unwrap().requests, all.requests);
        assert!(hour[..HOUR_POINTS - 1].iter().all(|p| p.requests == 0));
        let day = HealthRecorder::series(&recent, now, DAY_STEP_MINUTES, 96);
        assert_eq!(day.len(), 96);
        assert_eq!(day.last().unwrap().requests, all.requests);
    }

    #[test]
    fn the_slow_statements_sqlx_reports_are_kept_and_the_others_ignored() {
        use tracing_subscriber::layer::SubscriberExt as _;
        let subscriber = tracing_subscriber::registry().with(SlowStatements);
        let before = crate::time::now() - TimeDelta::seconds(1);
        tracing::subscriber::with_default(subscriber, || {
            // The two reports sqlx makes (`sqlx_core::logger`): only a slow one names its line.
            tracing::warn!(
                target: "sqlx::query",
                summary = "select count(*) from people_test …",
                elapsed_secs = 0.25,
                slow_threshold = ?std::time::Duration::from_millis(200),
                "slow statement: execution time exceeded alert threshold"
            );
            tracing::warn!(target: "sqlx::query", summary = "select 1 from people_test", elapsed_secs = 0.001, "select");
            tracing::warn!(target: "elsewhere", summary = "select 2 from people_test", elapsed_secs = 9.0, slow_threshold = 1, "slow");
        });
        let (_, latest) = SlowStatements::since(before, SLOW_KEPT);
        let ours: Vec<&SlowQuery> = latest
            .iter()
            .filter(|s| s.statement.contains("people_test"))
            .collect();
        assert_eq!(ours.len(), 1, "{latest:?}");
        assert_eq!(ours[0].statement, "select count(*) from people_test …");
        assert_eq!(ours[0].micros, 250_000);
    }
}
