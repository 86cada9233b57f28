//! `/admin/health`: the server's own figures — request rate, latency percentiles and error
//! rate (overall and per route), the database, live connections, the job queue, memory and
//! uptime — over the last hour and day, refreshed every ten seconds, with the thresholds
//! crossed now.

use std::time::Duration;

use leptos::prelude::*;
use shared::health::{HealthPoint, HealthSnapshot, Percentiles, milliseconds};
use shared::personas::Persona;

use super::get_health::get_health;
use crate::components::errors::ErrorView;
use crate::components::layout::{AppShell, PageHeader, Place, Section};
use crate::components::loaded::{loaded, resource};
use crate::components::time::{format_time, ticker};

pub const PATH: &str = "/admin/health";
/// How often the open page asks again.
const REFRESH: Duration = Duration::from_secs(10);

#[component]
pub fn HealthPage() -> impl IntoView {
    let tick = ticker(REFRESH);
    let health = resource(move || tick.get(), |_| get_health());
    let place = Place {
        persona: Some(Persona::SuperAdmin),
        slug: None,
        section: Section::Health,
    };
    view! {
        <AppShell place crumbs=vec![("System health".to_owned(), None)]>
            <PageHeader title="System health" subtitle="This server's requests, latency, errors, database, connections, jobs and memory — refreshed every ten seconds." />
            {loaded(health, "Loading…", move |result| match result {
                Err(error) => view! { <ErrorView error /> }.into_any(),
                Ok(snapshot) => view! { <Health snapshot /> }.into_any(),
            })}
        </AppShell>
    }
}

fn latency_text(p: Percentiles) -> String {
    let show = |v: Option<f64>| v.map_or_else(|| "—".to_owned(), milliseconds);
    format!(
        "p50 {} · p95 {} · p99 {}",
        show(p.p50_ms),
        show(p.p95_ms),
        show(p.p99_ms)
    )
}

fn uptime(seconds: i64) -> String {
    let (days, hours, minutes) = (
        seconds / 86_400,
        seconds % 86_400 / 3600,
        seconds % 3600 / 60,
    );
    match (days, hours) {
        (0, 0) => format!("{minutes} min"),
        (0, h) => format!("{h} h {minutes} min"),
        (d, h) => format!("{d} days {h} h"),
    }
}

#[component]
fn Health(snapshot: HealthSnapshot) -> impl IntoView {
    let hour = snapshot.hour.clone();
    let waiting = snapshot
        .jobs
        .iter()
        .filter(|(s, _)| *s == shared::process::JobStatus::Queued)
        .map(|(_, n)| *n)
        .sum::<i64>();
    let failed = snapshot
        .jobs
        .iter()
        .filter(|(s, _)| *s == shared::process::JobStatus::Failed)
        .map(|(_, n)| *n)
        .sum::<i64>();
    let db = snapshot.database.clone();
    let lines = snapshot.thresholds.clone();
    view! {
        <section class="panel" aria-labelledby="health-alerts" data-testid="health-alerts">
            <h2 id="health-alerts">"Alerts"</h2>
            {if snapshot.alerts.is_empty() {
                view! { <p class="muted" data-testid="health-ok">"Every figure is within its line."</p> }.into_any()
            } else {
                view! {
                    <ul class="plain">
                        {snapshot.alerts.into_iter().map(|a| view! {
                            <li class="banner warn" data-metric=a.metric>{a.message}</li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <p class="muted small">{format!(
                "Lines: {} % failed requests, a p99 over {} or {} database statements over {} in the last five minutes, {} waiting jobs, {} MB of memory.",
                lines.error_percent, milliseconds(lines.p99_ms), lines.slow_queries,
                milliseconds(lines.slow_query_ms as f64), lines.jobs_waiting, lines.memory_mb
            )}</p>
        </section>
        <div class="cards" data-testid="health-cards">
            <section class="panel card" aria-labelledby="traffic-card">
                <h2 id="traffic-card">"Last hour"</h2>
                <p class="figure" data-testid="health-requests">{hour.requests}</p>
                <p class="muted small">{format!("requests · {} failed ({:.1} %)", hour.errors, hour.error_percent())}</p>
                <p class="muted small" data-testid="health-latency">{latency_text(hour.latencies.percentiles())}</p>
            </section>
            <section class="panel card" aria-labelledby="server-card">
                <h2 id="server-card">"Server"</h2>
                <dl class="facts" data-testid="health-server">
                    <dt>"Version"</dt>
                    <dd>{snapshot.version}</dd>
                    <dt>"Up for"</dt>
                    <dd>{uptime(snapshot.uptime_seconds)}</dd>
                    <dt>"Since"</dt>
                    <dd>{format_time(snapshot.started_at)}</dd>
                    <dt>"Memory"</dt>
                    <dd>{snapshot.memory_bytes.map_or_else(|| "—".to_owned(), |b| format!("{} MB", b / (1024 * 1024)))}</dd>
                    <dt>"Live connections"</dt>
                    <dd data-testid="health-websockets">{snapshot.websockets}</dd>
                </dl>
            </section>
            <section class="panel card" aria-labelledby="database-card">
                <h2 id="database-card">"Database"</h2>
                <dl class="facts" data-testid="health-database">
                    <dt>"Backend"</dt>
                    <dd>{db.backend}</dd>
                    <dt>"Connections"</dt>
                    <dd>{format!("{} open, {} idle", db.pool_size, db.pool_idle)}</dd>
                    <dt>"Size"</dt>
                    <dd>{db.size_bytes.map_or_else(|| "—".to_owned(), |b| format!("{:.1} MB", b as f64 / 1_048_576.0))}</dd>
                    <dt>"Slow statements, last hour"</dt>
                    <dd data-testid="health-slow-count">{db.slow_last_hour}</dd>
                </dl>
            </section>
            <section class="panel card" aria-labelledby="jobs-card">
                <h2 id="jobs-card">"Job queue"</h2>
                <dl class="facts" data-testid="health-jobs">
                    <dt>"Waiting"</dt>
                    <dd>{waiting}</dd>
                    <dt>"Failed (dead letters)"</dt>
                    <dd>{failed}</dd>
                </dl>
            </section>
        </div>
        <section class="panel" aria-labelledby="hour-charts">
            <h2 id="hour-charts">"The last hour, minute by minute"</h2>
            <div class="cards">
                <RequestsChart points=snapshot.last_hour.clone() span="minute" />
                <LatencyChart points=snapshot.last_hour span="minute" />
            </div>
        </section>
        <section class="panel" aria-labelledby="day-charts">
            <h2 id="day-charts">"The last day, by quarter hour"</h2>
            <div class="cards">
                <RequestsChart points=snapshot.last_day.clone() span="quarter hour" />
                <LatencyChart points=snapshot.last_day span="quarter hour" />
            </div>
        </section>
        <section class="panel" aria-labelledby="slow-title">
            <h2 id="slow-title">"Slow database statements"</h2>
            <p class="muted small">{format!(
                "Statements that took {} or longer, newest first (the server's log has each in full).",
                milliseconds(lines.slow_query_ms as f64)
            )}</p>
            {if db.slow_latest.is_empty() {
                view! { <p class="muted" data-testid="health-slow-none">"None in the last hour."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table data-testid="health-slow">
                            <thead>
                                <tr>
                                    <th scope="col">"When"</th>
                                    <th scope="col">"Statement"</th>
                                    <th scope="col">"Took"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {db.slow_latest.into_iter().map(|q| view! {
                                    <tr>
                                        <td class="nowrap">{format_time(q.at)}</td>
                                        <td class="break"><code>{q.statement}</code></td>
                                        <td class="nowrap">{milliseconds(q.micros as f64 / 1000.0)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
        <section class="panel" aria-labelledby="routes-title">
            <div class="panel-head">
                <h2 id="routes-title">"Routes, last hour"</h2>
                <a class="button" href="/api/v1/platform/health/routes.csv" download="" data-testid="health-routes-csv">"Download CSV"</a>
            </div>
            <div class="table-wrap">
                <table data-testid="health-routes">
                    <thead>
                        <tr>
                            <th scope="col">"Route"</th>
                            <th scope="col">"Requests"</th>
                            <th scope="col">"Failed"</th>
                            <th scope="col">"Latency"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {snapshot.routes.into_iter().map(|r| {
                            let failing = r.errors > 0;
                            let route = r.route.clone();
                            view! {
                            <tr data-route=route>
                                <td class="break"><code>{r.route}</code></td>
                                <td>{r.requests}</td>
                                <td class:danger=failing>{format!("{} ({:.1} %)", r.errors, r.error_percent)}</td>
                                <td class="nowrap">{latency_text(r.latency)}</td>
                            </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

const W: f64 = 300.0;
const H: f64 = 90.0;

/// Requests per span as bars, the failed ones over them.
#[component]
fn RequestsChart(points: Vec<HealthPoint>, span: &'static str) -> impl IntoView {
    let most = points.iter().map(|p| p.requests).max().unwrap_or(0).max(1) as f64;
    let slot = W / points.len().max(1) as f64;
    let total: u64 = points.iter().map(|p| p.requests).sum();
    let failed: u64 = points.iter().map(|p| p.errors).sum();
    let summary = format!("{total} requests, {failed} failed, per {span}; the busiest had {most}.");
    let bars = points
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let x = i as f64 * slot;
            let h = p.requests as f64 * (H - 4.0) / most;
            let e = p.errors as f64 * (H - 4.0) / most;
            let title = format!(
                "{}: {} requests, {} failed",
                format_time(p.at),
                p.requests,
                p.errors
            );
            view! {
                <g>
                    <title>{title}</title>
                    <rect class="requests" x=x y=H - h width=(slot - 0.5).max(0.5) height=h></rect>
                    <rect class="errors" x=x y=H - e width=(slot - 0.5).max(0.5) height=e></rect>
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="chart panel card" data-testid="requests-chart">
            <svg viewBox=format!("0 0 {W} {H}") role="img" aria-label=summary.clone() preserveAspectRatio="none">{bars}</svg>
            <figcaption>
                <span class="legend requests">"Requests"</span>
                <span class="legend errors">"Failed"</span>
                <span class="visually-hidden">{summary}</span>
            </figcaption>
        </figure>
    }
}

/// p50, p95 and p99 per span as lines (gaps where nothing was answered).
#[component]
fn LatencyChart(points: Vec<HealthPoint>, span: &'static str) -> impl IntoView {
    let most = points
        .iter()
        .filter_map(|p| p.latency.p99_ms)
        .fold(1.0_f64, f64::max);
    let slot = W / points.len().max(1) as f64;
    let line = |pick: fn(&Percentiles) -> Option<f64>| {
        points
            .iter()
            .enumerate()
            .filter_map(|(i, p)| {
                pick(&p.latency).map(|ms| {
                    format!(
                        "{:.1},{:.1}",
                        i as f64 * slot + slot / 2.0,
                        H - ms * (H - 4.0) / most
                    )
                })
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let summary = format!(
        "Latency per {span}: the slowest p99 was {}.",
        milliseconds(most)
    );
    view! {
        <figure class="chart panel card" data-testid="latency-chart">
            <svg viewBox=format!("0 0 {W} {H}") role="img" aria-label=summary.clone() preserveAspectRatio="none">
                <polyline class="p50" points=line(|p| p.p50_ms)></polyline>
                <polyline class="p95" points=line(|p| p.p95_ms)></polyline>
                <polyline class="p99" points=line(|p| p.p99_ms)></polyline>
            </svg>
            <figcaption>
                <span class="legend p50">"p50"</span>
                <span class="legend p95">"p95"</span>
                <span class="legend p99">"p99"</span>
                <span class="visually-hidden">{summary}</span>
            </figcaption>
        </figure>
    }
}
