//! The console's security page: the alerts sign-in activity raised, the accounts locked and
//! addresses blocked now, and the operator's own blocks — what the platform's super admins
//! watch and act on.

use std::net::IpAddr;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::AppError;
use crate::email::Email;
use crate::security::{AlertKind, SecurityAlertView};

/// How many open alerts the page lists (newest activity first)…
pub const OPEN_SHOWN: u32 = 100;
/// …and how many recently resolved ones.
pub const RESOLVED_SHOWN: u32 = 20;
/// The window of the page's counters.
pub const WINDOW_HOURS: i64 = 24;
/// How long an operator may block an address, in hours: the choices offered.
pub const BLOCK_HOURS: [u32; 4] = [1, 24, 168, 720];
/// A block's note, at most.
pub const NOTE_MAX: usize = 200;

impl AlertKind {
    pub const fn label(self) -> &'static str {
        match self {
            Self::CredentialStuffing => "Credential stuffing",
            Self::AccountBruteForce => "Account locked",
            Self::NewDevice => "New device",
        }
    }
}

text_enum! {
    /// What an operator does with an alert: acknowledge it (seen, being looked at) or resolve
    /// it (dealt with; the next occurrence opens a new one).
    pub enum AlertStep {
        Acknowledge => "acknowledge",
        Resolve => "resolve",
    }
}

text_enum! {
    /// What a sign-in lock holds: an account's email, or a network address.
    pub enum LockKind {
        Account => "account",
        Address => "address",
    }
}

/// A lock or block running now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInLock {
    pub kind: LockKind,
    /// The email or the address.
    pub subject: String,
    /// Failures counted in its window (0 for an operator's block).
    pub failures: i64,
    pub until: DateTime<Utc>,
}

/// The page's counters over the last [`WINDOW_HOURS`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreatCounts {
    pub failed_sign_ins: i64,
    pub lockouts: i64,
    pub alerts_raised: i64,
}

/// Everything the security page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreatsConsole {
    pub counts: ThreatCounts,
    /// Open alerts, acknowledged or not, newest activity first.
    pub open: Vec<SecurityAlertView>,
    pub resolved: Vec<SecurityAlertView>,
    pub locks: Vec<SignInLock>,
}

/// An operator's block of an address, parsed once.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddressBlock {
    pub address: IpAddr,
    pub hours: u32,
    pub note: String,
}

impl AddressBlock {
    /// Each bad field is refused with its name: `address` (an IPv4 or IPv6 address),
    /// `hours` (one of [`BLOCK_HOURS`]), `note` (at most [`NOTE_MAX`] characters).
    pub fn parse(address: &str, hours: &str, note: &str) -> Result<Self, AppError> {
        let address = parse_address(address)?;
        let hours = hours
            .trim()
            .parse::<u32>()
            .ok()
            .filter(|h| BLOCK_HOURS.contains(h))
            .ok_or_else(|| {
                AppError::invalid(
                    "hours",
                    "Choose how long: an hour, a day, a week or 30 days.",
                )
            })?;
        let note = note.trim();
        if note.chars().count() > NOTE_MAX {
            return Err(AppError::invalid(
                "note",
                format!("Keep the note under {NOTE_MAX} characters."),
            ));
        }
        Ok(Self {
            address,
            hours,
            note: note.to_owned(),
        })
    }

    pub fn duration(&self) -> TimeDelta {
        TimeDelta::hours(i64::from(self.hours))
    }
}

/// An address as typed: IPv4 or IPv6, nothing else (no ranges, no names).
pub fn parse_address(address: &str) -> Result<IpAddr, AppError> {
    address.trim().parse::<IpAddr>().map_err(|_| {
        AppError::invalid(
            "address",
            "Enter one IP address, like 203.0.113.7 or 2001:db8::1.",
        )
    })
}

/// The lock to lift, as the page names it: its kind and its subject, parsed so only a real
/// email or address reaches the store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LockSubject {
    Account(Email),
    Address(IpAddr),
}

impl LockSubject {
    pub fn kind(&self) -> LockKind {
        match self {
            Self::Account(_) => LockKind::Account,
            Self::Address(_) => LockKind::Address,
        }
    }

    /// The email or the address, as the page shows it.
    pub fn text(&self) -> String {
        match self {
            Self::Account(email) => email.to_string(),
            Self::Address(ip) => ip.to_string(),
        }
    }

    pub fn parse(kind: &str, subject: &str) -> Result<Self, AppError> {
        match kind.parse::<LockKind>() {
            Ok(LockKind::Account) => Email::parse(subject)
                .map(Self::Account)
                .map_err(|_| AppError::invalid("subject", "That is not an email address.")),
            Ok(LockKind::Address) => parse_address(subject).map(Self::Address),
            Err(_) => Err(AppError::invalid(
                "kind",
                "Choose an account or an address.",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_block_names_one_address_for_an_offered_time() {
        let block = AddressBlock::parse(" 203.0.113.7 ", "24", " seen stuffing ").unwrap();
        assert_eq!(block.address.to_string(), "203.0.113.7");
        assert_eq!(block.duration(), TimeDelta::hours(24));
        assert_eq!(block.note, "seen stuffing");
        assert!(AddressBlock::parse("2001:db8::1", "1", "").is_ok());
        for (address, hours, note, field) in [
            ("203.0.113.0/24", "24", "", "address"),
            ("evil.example", "24", "", "address"),
            ("203.0.113.7", "2", "", "hours"),
            ("203.0.113.7", "", "", "hours"),
        ] {
            let err = AddressBlock::parse(address, hours, note).unwrap_err();
            assert_eq!(err.field(), Some(field), "{address} {hours}");
        }
        let long = AddressBlock::parse("203.0.113.7", "24", &"x".repeat(NOTE_MAX + 1));
        assert_eq!(long.unwrap_err().field(), Some("note"));
    }

    #[test]
    fn a_lock_to_lift_is_a_real_email_or_address() {
        assert_eq!(
            LockSubject::parse("address", "203.0.113.7").unwrap(),
            LockSubject::Address("203.0.113.7".parse().unwrap())
        );
        assert!(matches!(
            LockSubject::parse("account", "ada@acme.example"),
            Ok(LockSubject::Account(_))
        ));
        assert_eq!(
            LockSubject::parse("account", "ip:1.2.3.4")
                .unwrap_err()
                .field(),
            Some("subject")
        );
        assert_eq!(
            LockSubject::parse("session", "x").unwrap_err().field(),
            Some("kind")
        );
    }
}
