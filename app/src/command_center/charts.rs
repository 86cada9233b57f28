//! Small charts drawn as SVG on the server (readable without JavaScript), each with a text
//! equivalent for screen readers.

use leptos::prelude::*;
use shared::process::{SessionStatus, ThroughputDay};

/// Sessions per status as horizontal bars.
#[component]
pub fn StatusBars(counts: Vec<(SessionStatus, i64)>) -> impl IntoView {
    let max = counts.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    view! {
        <ul class="status-bars" data-testid="status-bars">
            {SessionStatus::ALL.iter().map(|status| {
                let n = counts.iter().find(|(s, _)| s == status).map_or(0, |(_, n)| *n);
                // SVG geometry, not inline styles: the page's CSP allows no style attributes.
                let width = n * 100 / max;
                view! {
                    <li>
                        <span class="bar-label">{status.label()}</span>
                        <svg class="bar-track" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
                            <rect class=format!("bar-fill status-{}", status.as_str()) width=width height="10"></rect>
                        </svg>
                        <span class="bar-value" data-count=status.as_str()>{n}</span>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// Sessions started and completed per day, the last fortnight.
#[component]
pub fn ThroughputChart(days: Vec<ThroughputDay>) -> impl IntoView {
    const W: i64 = 280;
    const H: i64 = 90;
    let max = days
        .iter()
        .map(|d| d.started.max(d.completed))
        .max()
        .unwrap_or(0)
        .max(1);
    let slot = W / (days.len().max(1) as i64);
    let bar = (slot / 2 - 1).max(1);
    let started_total: i64 = days.iter().map(|d| d.started).sum();
    let completed_total: i64 = days.iter().map(|d| d.completed).sum();
    let summary =
        format!("Last 14 days: {started_total} sessions started, {completed_total} completed.");
    let rects = days
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let x = i as i64 * slot;
            let hs = d.started * (H - 10) / max;
            let hc = d.completed * (H - 10) / max;
            let title = format!(
                "{}: {} started, {} completed",
                d.day, d.started, d.completed
            );
            view! {
                <g>
                    <title>{title}</title>
                    <rect class="started" x=x y=H - hs width=bar height=hs></rect>
                    <rect class="completed" x=x + bar + 1 y=H - hc width=bar height=hc></rect>
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <svg viewBox=format!("0 0 {W} {H}") role="img" aria-label=summary.clone() preserveAspectRatio="none">{rects}</svg>
            <figcaption>
                <span class="legend started">"Started"</span>
                <span class="legend completed">"Completed"</span>
                <span class="visually-hidden">{summary}</span>
            </figcaption>
        </figure>
    }
}

/// "3 min", "2 h 5 min", "4 days".
pub fn duration(seconds: i64) -> String {
    match seconds {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => format!("{} min", s / 60),
        s if s < 86_400 => format!("{} h {} min", s / 3600, (s % 3600) / 60),
        s => format!("{} days", s / 86_400),
    }
}
