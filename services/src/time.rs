//! The one clock. Timestamps are truncated to microseconds, the precision PostgreSQL keeps,
//! so a value read back equals the value written on both backends.

use chrono::{DateTime, DurationRound, TimeDelta, Utc};

pub fn now() -> DateTime<Utc> {
    let now = Utc::now();
    now.duration_trunc(TimeDelta::microseconds(1))
        .unwrap_or(now)
}
