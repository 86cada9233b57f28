//! System health as the console shows it: request rate, latency percentiles and error rate
//! (overall, per minute and per route), the database, live connections, the job queue,
//! memory and uptime — and the thresholds that raise alerts.
//!
//! Latencies are counted in fixed buckets on a log scale (about 19 % apart, from 0.1 ms to a
//! minute), so a minute of any number of requests is 40 counters, minutes add up by adding
//! counters, and a percentile is read off to within a bucket.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How many latency buckets there are; the last one takes everything slower.
pub const BUCKETS: usize = 80;
/// The first bucket's upper bound, in microseconds.
const FIRST_MICROS: f64 = 100.0;
/// Each bucket's upper bound over the one before.
const GROWTH: f64 = 1.19;
/// Minutes the per-minute series covers (the last hour)…
pub const HOUR_POINTS: usize = 60;
/// …and the day's series, in steps of this many minutes.
pub const DAY_STEP_MINUTES: usize = 15;
/// Minutes the alerts look back over.
pub const ALERT_WINDOW_MINUTES: usize = 5;
/// Routes the per-route table lists at most (busiest first).
pub const ROUTES_SHOWN: usize = 50;

/// The bucket of a latency in microseconds.
pub fn bucket_of(micros: u64) -> usize {
    let mut upper = FIRST_MICROS;
    for bucket in 0..BUCKETS - 1 {
        if (micros as f64) <= upper {
            return bucket;
        }
        upper *= GROWTH;
    }
    BUCKETS - 1
}

/// A bucket's upper bound in milliseconds.
pub fn bucket_upper_ms(bucket: usize) -> f64 {
    FIRST_MICROS * GROWTH.powi(i32::try_from(bucket).unwrap_or(i32::MAX)) / 1000.0
}

/// Latencies counted per bucket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Latencies(pub Vec<u64>);

impl Default for Latencies {
    fn default() -> Self {
        Self(vec![0; BUCKETS])
    }
}

impl Latencies {
    pub fn record(&mut self, micros: u64) {
        if let Some(count) = self.0.get_mut(bucket_of(micros)) {
            *count += 1;
        }
    }

    pub fn add(&mut self, other: &Latencies) {
        for (mine, theirs) in self.0.iter_mut().zip(&other.0) {
            *mine += theirs;
        }
    }

    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }

    /// The latency (ms, the bucket's upper bound) under which a share `q` of requests
    /// finished; `None` without requests.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        let total = self.total();
        if total == 0 {
            return None;
        }
        let rank = ((q * total as f64).ceil() as u64).clamp(1, total);
        let mut seen = 0;
        for (bucket, n) in self.0.iter().enumerate() {
            seen += n;
            if seen >= rank {
                return Some(bucket_upper_ms(bucket));
            }
        }
        Some(bucket_upper_ms(BUCKETS - 1))
    }

    pub fn percentiles(&self) -> Percentiles {
        Percentiles {
            p50_ms: self.quantile(0.50),
            p95_ms: self.quantile(0.95),
            p99_ms: self.quantile(0.99),
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Percentiles {
    pub p50_ms: Option<f64>,
    pub p95_ms: Option<f64>,
    pub p99_ms: Option<f64>,
}

/// Requests over some span: how many, how many failed (5xx), and how long they took.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Traffic {
    pub requests: u64,
    pub errors: u64,
    pub latencies: Latencies,
}

impl Traffic {
    pub fn record(&mut self, status: u16, micros: u64) {
        self.requests += 1;
        if status >= 500 {
            self.errors += 1;
        }
        self.latencies.record(micros);
    }

    pub fn add(&mut self, other: &Traffic) {
        self.requests += other.requests;
        self.errors += other.errors;
        self.latencies.add(&other.latencies);
    }

    /// Failed requests in percent; 0 without requests.
    pub fn error_percent(&self) -> f64 {
        if self.requests == 0 {
            0.0
        } else {
            self.errors as f64 * 100.0 / self.requests as f64
        }
    }
}

/// One point of a series: a minute (or a step of the day's series).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HealthPoint {
    pub at: DateTime<Utc>,
    pub requests: u64,
    pub errors: u64,
    pub latency: Percentiles,
    /// Sampled at the end of the span (the newest sample in it), when one was taken.
    pub websockets: Option<i64>,
    pub jobs_waiting: Option<i64>,
    pub memory_bytes: Option<u64>,
}

/// One route over the last hour.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RouteHealth {
    /// `GET /api/v1/tenants/{slug}/usage`, or a server function's address.
    pub route: String,
    pub requests: u64,
    pub errors: u64,
    pub error_percent: f64,
    pub latency: Percentiles,
}

/// The database as the server sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatabaseHealth {
    pub backend: String,
    pub pool_size: u32,
    pub pool_idle: u32,
    pub size_bytes: Option<i64>,
    /// Statements slower than [`Thresholds::slow_query_ms`] over the last hour…
    pub slow_last_hour: u64,
    /// …and the latest of them, newest first.
    pub slow_latest: Vec<SlowQuery>,
}

/// Slow statements listed at most.
pub const SLOW_SHOWN: usize = 20;

/// A statement the database driver timed over the slow line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlowQuery {
    pub at: DateTime<Utc>,
    /// Its first words, as the driver summarizes it (`SELECT COUNT(*) FROM users …`).
    pub statement: String,
    pub micros: u64,
}

/// The lines an operator sets; crossing one raises an alert.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Thresholds {
    /// Failed requests over the last minutes, in percent.
    pub error_percent: f64,
    /// The 99th percentile latency over the last minutes.
    pub p99_ms: f64,
    /// Jobs waiting to run.
    pub jobs_waiting: i64,
    /// The process's resident memory.
    pub memory_mb: u64,
    /// A statement taking longer than this is slow…
    pub slow_query_ms: u64,
    /// …and more slow statements than this over the last minutes raise an alert.
    pub slow_queries: u64,
}

/// A threshold crossed now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HealthAlert {
    /// `error_rate`, `latency`, `queue`, `memory` or `slow_queries`.
    pub metric: String,
    pub message: String,
}

/// What crosses its line: traffic and slow statements over the last
/// [`ALERT_WINDOW_MINUTES`], the queue and the memory as last sampled.
pub fn alerts(
    thresholds: &Thresholds,
    recent: &Traffic,
    slow_queries: u64,
    jobs_waiting: i64,
    memory_bytes: Option<u64>,
) -> Vec<HealthAlert> {
    let mut found = Vec::new();
    let errors = recent.error_percent();
    if recent.errors > 0 && errors > thresholds.error_percent {
        found.push(HealthAlert {
            metric: "error_rate".into(),
            message: format!(
                "{errors:.1} % of requests failed over the last {ALERT_WINDOW_MINUTES} minutes (the line is {} %).",
                thresholds.error_percent
            ),
        });
    }
    if let Some(p99) = recent.latencies.quantile(0.99)
        && p99 > thresholds.p99_ms
    {
        found.push(HealthAlert {
            metric: "latency".into(),
            message: format!(
                "99 % of requests took up to {} over the last {ALERT_WINDOW_MINUTES} minutes (the line is {}).",
                milliseconds(p99),
                milliseconds(thresholds.p99_ms)
            ),
        });
    }
    if slow_queries > thresholds.slow_queries {
        found.push(HealthAlert {
            metric: "slow_queries".into(),
            message: format!(
                "{slow_queries} database statements took over {} in the last {ALERT_WINDOW_MINUTES} minutes (the line is {}).",
                milliseconds(thresholds.slow_query_ms as f64),
                thresholds.slow_queries
            ),
        });
    }
    if jobs_waiting > thresholds.jobs_waiting {
        found.push(HealthAlert {
            metric: "queue".into(),
            message: format!(
                "{jobs_waiting} jobs are waiting to run (the line is {}).",
                thresholds.jobs_waiting
            ),
        });
    }
    if let Some(bytes) = memory_bytes
        && bytes / (1024 * 1024) > thresholds.memory_mb
    {
        found.push(HealthAlert {
            metric: "memory".into(),
            message: format!(
                "The server uses {} MB of memory (the line is {} MB).",
                bytes / (1024 * 1024),
                thresholds.memory_mb
            ),
        });
    }
    found
}

/// "0.8 ms", "12 ms", "1.4 s".
pub fn milliseconds(ms: f64) -> String {
    if ms < 1.0 {
        format!("{ms:.1} ms")
    } else if ms < 1000.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{:.1} s", ms / 1000.0)
    }
}

/// Everything the health page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HealthSnapshot {
    pub version: String,
    pub started_at: DateTime<Utc>,
    pub uptime_seconds: i64,
    pub memory_bytes: Option<u64>,
    pub database: DatabaseHealth,
    pub websockets: i64,
    /// Jobs per status now.
    pub jobs: Vec<(crate::process::JobStatus, i64)>,
    /// The last hour, all routes together.
    pub hour: Traffic,
    /// The last hour minute by minute, oldest first.
    pub last_hour: Vec<HealthPoint>,
    /// The last day in steps of [`DAY_STEP_MINUTES`], oldest first.
    pub last_day: Vec<HealthPoint>,
    /// The busiest routes of the last hour.
    pub routes: Vec<RouteHealth>,
    pub thresholds: Thresholds,
    pub alerts: Vec<HealthAlert>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_grow_on_a_log_scale_and_percentiles_read_within_one() {
        assert_eq!(bucket_of(0), 0);
        assert_eq!(bucket_of(100), 0);
        assert_eq!(bucket_of(101), 1);
        assert_eq!(bucket_of(u64::MAX), BUCKETS - 1);
        assert!(bucket_upper_ms(BUCKETS - 2) > 60_000.0, "a minute fits");
        let mut latencies = Latencies::default();
        for ms in 1..=100u64 {
            latencies.record(ms * 1000);
        }
        for (q, exact) in [(0.5, 50.0), (0.95, 95.0), (0.99, 99.0)] {
            let read = latencies.quantile(q).unwrap();
            assert!(
                read >= exact && read <= exact * GROWTH,
                "p{q}: {read} for {exact}"
            );
        }
        assert_eq!(Latencies::default().quantile(0.5), None);
    }

    #[test]
    fn traffic_adds_up_and_alerts_name_what_crossed_its_line() {
        let mut minute = Traffic::default();
        for _ in 0..90 {
            minute.record(200, 2_000);
        }
        for _ in 0..10 {
            minute.record(503, 900_000);
        }
        let mut hour = Traffic::default();
        hour.add(&minute);
        hour.add(&minute);
        assert_eq!((hour.requests, hour.errors), (200, 20));
        assert!((hour.error_percent() - 10.0).abs() < 1e-9);

        let lines = Thresholds {
            error_percent: 5.0,
            p99_ms: 500.0,
            jobs_waiting: 100,
            memory_mb: 512,
            slow_query_ms: 100,
            slow_queries: 10,
        };
        let found = alerts(&lines, &hour, 11, 101, Some(600 * 1024 * 1024));
        let metrics: Vec<&str> = found.iter().map(|a| a.metric.as_str()).collect();
        assert_eq!(
            metrics,
            ["error_rate", "latency", "slow_queries", "queue", "memory"]
        );
        assert!(
            found[0].message.starts_with("10.0 % of requests failed"),
            "{}",
            found[0].message
        );

        let quiet = Traffic::default();
        assert!(alerts(&lines, &quiet, 10, 0, Some(1024)).is_empty());
    }
}
