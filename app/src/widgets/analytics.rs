//! A widget's analytics in its editor: what its embedded copies reported over the last 30
//! days — totals with conversion and load-time percentiles, a chart per day, and the sites it
//! is shown on — refreshed live as pages report.

use leptos::prelude::*;
use shared::ids::WidgetId;
use shared::live::Topic;
use shared::widgets::events::WidgetAnalytics;

use super::get_widget_analytics::get_widget_analytics;
use crate::components::errors::ErrorView;
use crate::components::loaded::{loaded, resource};
use crate::live::watch;

#[component]
pub fn WidgetAnalyticsPanel(#[prop(into)] slug: Signal<String>, id: WidgetId) -> impl IntoView {
    let version = watch(slug, &[Topic::WidgetStats, Topic::Submissions]);
    let analytics = resource(
        move || (slug.get(), version.get()),
        move |(slug, _)| get_widget_analytics(slug, id),
    );
    view! {
        <section class="panel" aria-labelledby="analytics-title" data-testid="widget-analytics">
            <h2 id="analytics-title">"Analytics · last 30 days"</h2>
            {loaded(analytics, "Loading the analytics…", move |result| match result {
                Err(error) => view! { <ErrorView error /> }.into_any(),
                Ok(analytics) => view! { <AnalyticsBody analytics /> }.into_any(),
            })}
        </section>
    }
}

fn milliseconds(ms: Option<u32>) -> String {
    ms.map_or_else(|| "–".to_owned(), |ms| format!("≤ {ms} ms"))
}

#[component]
fn AnalyticsBody(analytics: WidgetAnalytics) -> impl IntoView {
    let cards = [
        (
            "impressions",
            "Impressions",
            analytics.impressions().to_string(),
        ),
        (
            "interactions",
            "Interactions",
            analytics.interactions().to_string(),
        ),
        ("submissions", "Sent", analytics.submissions().to_string()),
        (
            "conversion",
            "Conversion",
            analytics.conversion().unwrap_or_else(|| "–".to_owned()),
        ),
        ("errors", "Errors", analytics.errors().to_string()),
        (
            "p50",
            "Load time p50",
            milliseconds(analytics.load_percentile(0.5)),
        ),
        (
            "p95",
            "Load time p95",
            milliseconds(analytics.load_percentile(0.95)),
        ),
    ];
    let empty = analytics.days.is_empty();
    view! {
        <dl class="stat-cards">
            {cards.into_iter().map(|(key, label, value)| view! {
                <div class="stat-card" data-stat=key><dt>{label}</dt><dd>{value}</dd></div>
            }).collect_view()}
        </dl>
        {empty.then(|| view! { <p class="muted">"Nothing reported yet: numbers appear as soon as the widget is shown on an allowed site."</p> })}
        {(!empty).then(|| view! { <DaysChart analytics=analytics.clone() /> })}
        {analytics.last_error.clone().map(|message| view! { <p class="notice warn">"Latest error: " {message}</p> })}
        {analytics.by_customer.iter().any(|c| c.customer_id.is_some()).then(|| view! {
            <div class="table-wrap">
                <table data-testid="widget-customers">
                    <caption class="visually-hidden">"By customer"</caption>
                    <thead><tr><th scope="col">"Customer"</th><th scope="col">"Impressions"</th><th scope="col">"Interactions"</th><th scope="col">"Sent"</th><th scope="col">"Errors"</th></tr></thead>
                    <tbody>
                        {analytics.by_customer.iter().map(|c| view! {
                            <tr>
                                <td>{match (&c.customer_id, &c.customer) {
                                    (None, _) => "Your own embed code".to_owned(),
                                    (Some(_), Some(name)) => name.clone(),
                                    (Some(_), None) => "A former customer".to_owned(),
                                }}</td>
                                <td>{c.impressions}</td><td>{c.interactions}</td><td>{c.submissions}</td><td>{c.errors}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        })}
        {(!analytics.by_site.is_empty()).then(|| view! {
            <div class="table-wrap">
                <table data-testid="widget-sites">
                    <thead><tr><th scope="col">"Site"</th><th scope="col">"Impressions"</th><th scope="col">"Interactions"</th><th scope="col">"Errors"</th></tr></thead>
                    <tbody>
                        {analytics.by_site.iter().map(|s| view! {
                            <tr>
                                <td>{if s.site.is_empty() { "(not told)".to_owned() } else { s.site.clone() }}</td>
                                <td>{s.impressions}</td><td>{s.interactions}</td><td>{s.errors}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        })}
    }
}

/// Impressions and submissions per day as bars (SVG geometry: the CSP allows no inline
/// styles), with a text equivalent.
#[component]
fn DaysChart(analytics: WidgetAnalytics) -> impl IntoView {
    const W: i64 = 300;
    const H: i64 = 80;
    const DAYS: i64 = 30;
    let last = analytics.today;
    let max = analytics
        .days
        .iter()
        .map(|d| d.impressions.max(d.submissions))
        .max()
        .unwrap_or(0)
        .max(1);
    let slot = W / DAYS;
    let bars = analytics
        .days
        .iter()
        .map(|d| {
            let index = (DAYS - 1 - (last - d.day).num_days()).clamp(0, DAYS - 1);
            let shown = (d.impressions.saturating_mul((H - 4) as u64) / max) as i64;
            let sent = (d.submissions.saturating_mul((H - 4) as u64) / max) as i64;
            let title = format!(
                "{}: {} impressions, {} sent",
                d.day, d.impressions, d.submissions
            );
            view! {
                <g>
                    <title>{title}</title>
                    <rect class="started" x=index * slot y=H - shown width=slot / 2 height=shown></rect>
                    <rect class="completed" x=index * slot + slot / 2 y=H - sent width=slot / 2 - 1 height=sent></rect>
                </g>
            }
        })
        .collect_view();
    let summary = format!(
        "{} impressions and {} sent over the last 30 days.",
        analytics.impressions(),
        analytics.submissions()
    );
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {W} {H}") role="img" aria-label=summary preserveAspectRatio="none">{bars}</svg>
            <figcaption aria-hidden="true">
                <span class="legend started">"Impressions"</span>
                <span class="legend completed">"Sent"</span>
            </figcaption>
        </figure>
    }
}
