//! Timestamps as people read them. Absolute and in UTC, so the server's render and the
//! browser's hydration agree to the character.

use std::time::Duration;

use chrono::{DateTime, Utc};
use leptos::prelude::*;

pub fn format_time(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

pub fn format_date(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d").to_string()
}

/// `<time datetime=…>` content for machines alongside the readable text.
pub fn machine_time(at: DateTime<Utc>) -> String {
    at.to_rfc3339()
}

/// A count that goes up every `every` while the page is open, for a page that reads its data
/// again on a clock (figures no event announces). It starts in the browser, never on the
/// server, and stops when the page goes away.
pub fn ticker(every: Duration) -> ReadSignal<u32> {
    let (tick, set_tick) = signal(0u32);
    Effect::new(move |_| {
        if let Ok(handle) = set_interval_with_handle(move || set_tick.update(|n| *n += 1), every) {
            on_cleanup(move || handle.clear());
        }
    });
    tick
}
