//! Timestamps as people read them. Absolute and in UTC, so the server's render and the
//! browser's hydration agree to the character.

use chrono::{DateTime, Utc};

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
