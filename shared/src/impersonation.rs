//! Impersonation: a super admin sees the platform as one person sees it, to help them.
//!
//! It is asked for with a reason, lasts a chosen time at most, may be read-only, shows a
//! banner on every page while it lasts, records both people in the audit log, and the person
//! sees afterwards on their security page that it happened and why.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::AppError;

/// How long an impersonation may last, in minutes: the choices offered.
pub const DURATIONS: [u16; 4] = [15, 30, 60, 120];
/// The reason must say something: at least this many characters…
pub const REASON_MIN: usize = 10;
/// …and at most this many.
pub const REASON_MAX: usize = 500;
/// How many past impersonations a person's security page lists.
pub const HISTORY_SHOWN: u32 = 20;

/// What a super admin asks for, parsed once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImpersonationRequest {
    pub reason: String,
    pub minutes: u16,
    pub read_only: bool,
}

impl ImpersonationRequest {
    /// Each bad field is refused with its name: `reason` (why, 10–500 characters) and
    /// `minutes` (one of [`DURATIONS`]).
    pub fn parse(reason: &str, minutes: &str, read_only: bool) -> Result<Self, AppError> {
        let reason = reason.trim();
        let length = reason.chars().count();
        if length < REASON_MIN {
            return Err(AppError::invalid(
                "reason",
                format!(
                    "Say why you need to see this person's account (at least {REASON_MIN} characters); they will read it."
                ),
            ));
        }
        if length > REASON_MAX {
            return Err(AppError::invalid(
                "reason",
                format!("Keep the reason under {REASON_MAX} characters."),
            ));
        }
        let minutes = minutes
            .trim()
            .parse::<u16>()
            .ok()
            .filter(|m| DURATIONS.contains(m))
            .ok_or_else(|| {
                AppError::invalid(
                    "minutes",
                    format!("Choose how long it lasts: {}.", duration_choices()),
                )
            })?;
        Ok(Self {
            reason: reason.to_owned(),
            minutes,
            read_only,
        })
    }

    pub fn duration(&self) -> TimeDelta {
        TimeDelta::minutes(i64::from(self.minutes))
    }
}

/// "15, 30, 60 or 120 minutes".
fn duration_choices() -> String {
    let texts: Vec<String> = DURATIONS.iter().map(u16::to_string).collect();
    match texts.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last} minutes", rest.join(", ")),
        _ => format!("{} minutes", texts.concat()),
    }
}

/// The impersonation under way, for the banner every page shows while it lasts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImpersonationView {
    /// The super admin.
    pub by_name: String,
    pub by_email: String,
    /// The person whose account is shown.
    pub user_name: String,
    pub user_email: String,
    pub read_only: bool,
    pub expires_at: DateTime<Utc>,
}

/// A past or current impersonation of a person's account, as they see it listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupportAccess {
    /// The super admin's name (their email stays theirs).
    pub by_name: String,
    pub reason: String,
    pub read_only: bool,
    pub started_at: DateTime<Utc>,
    /// When it stopped (ended by hand, or ran out), or `None` while it lasts.
    pub stopped_at: Option<DateTime<Utc>>,
}

/// When an impersonation stopped, as of `now`: ended by hand, or ran out; `None` while it
/// lasts.
pub fn stopped_at(
    ended_at: Option<DateTime<Utc>>,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    match ended_at {
        Some(ended) => Some(ended.min(expires_at)),
        None => (expires_at <= now).then_some(expires_at),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_needs_a_reason_and_an_offered_duration() {
        let ok =
            ImpersonationRequest::parse("  Ticket #42: their invoice looks wrong ", "30", true)
                .unwrap();
        assert_eq!(ok.reason, "Ticket #42: their invoice looks wrong");
        assert_eq!(ok.duration(), TimeDelta::minutes(30));
        assert!(ok.read_only);

        let short = ImpersonationRequest::parse("help", "30", false).unwrap_err();
        assert_eq!(short.field(), Some("reason"));
        let long =
            ImpersonationRequest::parse(&"x".repeat(REASON_MAX + 1), "30", false).unwrap_err();
        assert_eq!(long.field(), Some("reason"));
        for bad in ["", "45", "-15", "1e3", "99999"] {
            let err = ImpersonationRequest::parse("Ticket #42: invoice", bad, false).unwrap_err();
            assert_eq!(err.field(), Some("minutes"), "{bad:?}");
            assert!(
                err.to_string().contains("15, 30, 60 or 120 minutes"),
                "{err}"
            );
        }
    }

    #[test]
    fn it_stops_when_ended_or_when_its_time_is_up() {
        let start = DateTime::<Utc>::UNIX_EPOCH;
        let expires = start + TimeDelta::minutes(15);
        let at = |m| start + TimeDelta::minutes(m);
        assert_eq!(stopped_at(None, expires, at(5)), None);
        assert_eq!(stopped_at(None, expires, at(20)), Some(expires));
        assert_eq!(stopped_at(Some(at(3)), expires, at(5)), Some(at(3)));
        assert_eq!(stopped_at(Some(at(30)), expires, at(40)), Some(expires));
    }
}
