//! Account security beyond the second factor: the sign-in history, trusted devices,
//! step-up, in-app notifications, the alerts kept for the platform's operators, and the
//! networks and links these rules are written in.

use std::net::IpAddr;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{NotificationId, SecurityAlertId, TrustedDeviceId};

/// How long "trust this device" skips the second step.
pub const TRUSTED_DEVICE_DAYS: i64 = 30;
/// How long a password-reset link works.
pub const PASSWORD_RESET_MINUTES: i64 = 60;
/// How long an email-verification (or email-change) link works.
pub const EMAIL_LINK_HOURS: i64 = 48;

text_enum! {
    /// What became of one sign-in attempt.
    pub enum SignInOutcome {
        /// Signed in (after the second factor, or skipping it on a trusted device).
        Success => "success",
        /// The password was right; the second step was asked.
        PasswordAccepted => "password_accepted",
        WrongPassword => "wrong_password",
        WrongCode => "wrong_code",
        /// Refused without checking: the account or the address was locked.
        Locked => "locked",
        /// No account has this email (kept as evidence for operators, never shown to anyone
        /// as such).
        NoAccount => "no_account",
    }
}

impl SignInOutcome {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Success => "Signed in",
            Self::PasswordAccepted => "Password accepted, code asked",
            Self::WrongPassword | Self::NoAccount => "Wrong password",
            Self::WrongCode => "Wrong code",
            Self::Locked => "Refused: locked",
        }
    }

    /// A failed attempt (what counts towards alerts).
    pub const fn is_failure(self) -> bool {
        matches!(
            self,
            Self::WrongPassword | Self::WrongCode | Self::NoAccount | Self::Locked
        )
    }
}

/// One entry of a person's sign-in history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInView {
    pub at: DateTime<Utc>,
    pub ip: Option<String>,
    pub device: String,
    pub outcome: SignInOutcome,
    /// The first successful sign-in from this kind of device.
    pub new_device: bool,
    /// The first successful sign-in from this network.
    pub new_network: bool,
}

/// A browser that may skip the second step until `expires_at`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustedDeviceView {
    pub id: TrustedDeviceId,
    pub device: String,
    pub ip: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// The browser asking.
    pub current: bool,
}

/// Whether the session proved recently enough who is at the keyboard for a sensitive
/// change (changing the password or email, turning two-factor off, new backup codes).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepUpStatus {
    /// Sensitive changes are allowed until then; `None` when the window has closed.
    pub fresh_until: Option<DateTime<Utc>>,
    /// Confirming asks for an authenticator or backup code as well as the password.
    pub needs_code: bool,
}

impl StepUpStatus {
    /// Whether sensitive changes are open now.
    pub fn is_open(&self) -> bool {
        self.fresh_until.is_some()
    }
}

text_enum! {
    /// What a single-use link sent by email does when it is followed.
    pub enum LinkPurpose {
        PasswordReset => "password_reset",
        EmailVerification => "email_verification",
        EmailChange => "email_change",
    }
}

text_enum! {
    /// What an in-app notification is about.
    pub enum NotificationKind {
        NewSignIn => "new_sign_in",
        PasswordChanged => "password_changed",
        EmailChanged => "email_changed",
        TwoFactorReset => "two_factor_reset",
        TwoFactorRequired => "two_factor_required",
        /// A process session reached a step that tells its owner.
        ProcessStep => "process_step",
        /// The organization is at 80 % or 100 % of a limit.
        UsageWarning => "usage_warning",
        /// A service from the catalog was approved, suspended, resumed or cancelled.
        ServiceStatus => "service_status",
        /// The organization's credits fell below the low-balance line.
        LowCredits => "low_credits",
        /// A super admin opened the person's account to help them.
        Impersonated => "impersonated",
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationView {
    pub id: NotificationId,
    pub kind: NotificationKind,
    pub title: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

text_enum! {
    /// Alerts raised by sign-in activity, kept for the platform's operators.
    pub enum AlertKind {
        /// Failures for many different accounts from one address.
        CredentialStuffing => "credential_stuffing",
        /// Repeated failures on one account (it was locked).
        AccountBruteForce => "account_brute_force",
        /// A successful sign-in from a device or network not seen before.
        NewDevice => "new_device",
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityAlertView {
    pub id: SecurityAlertId,
    pub kind: AlertKind,
    /// The address or email the alert is about.
    pub subject: String,
    pub reason: String,
    /// JSON: what was seen (counts, sample accounts, addresses).
    pub evidence: String,
    pub occurrences: i64,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    #[serde(default)]
    pub acknowledged_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub resolved_at: Option<DateTime<Utc>>,
}

/// The network an address belongs to, as far as "a sign-in from a new network" goes:
/// the /24 of an IPv4 address, the /48 of an IPv6 one.
pub fn network_of(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            format!("{a}.{b}.{c}.0/24")
        }
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => network_of(IpAddr::V4(v4)),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}::/48", s[0], s[1], s[2])
            }
        },
    }
}

/// When a requirement that started at `since` with `grace_days` to comply stops waiting.
pub fn grace_deadline(since: DateTime<Utc>, grace_days: i64) -> DateTime<Utc> {
    since + TimeDelta::days(grace_days.max(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn networks_group_nearby_addresses() {
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        assert_eq!(network_of(ip("203.0.113.9")), "203.0.113.0/24");
        assert_eq!(
            network_of(ip("203.0.113.200")),
            network_of(ip("203.0.113.9"))
        );
        assert_ne!(network_of(ip("203.0.114.9")), network_of(ip("203.0.113.9")));
        assert_eq!(network_of(ip("2001:db8:1:2::5")), "2001:db8:1::/48");
        assert_eq!(network_of(ip("::ffff:10.1.2.3")), "10.1.2.0/24");
    }

    #[test]
    fn step_up_is_open_only_while_a_window_lasts() {
        let status = |fresh_until| StepUpStatus {
            fresh_until,
            needs_code: true,
        };
        assert!(status(Some(Utc::now())).is_open());
        assert!(!status(None).is_open());
    }

    #[test]
    fn outcomes_read_plainly_and_hide_unknown_accounts() {
        assert_eq!(
            SignInOutcome::NoAccount.label(),
            SignInOutcome::WrongPassword.label()
        );
        assert!(SignInOutcome::WrongCode.is_failure());
        assert!(!SignInOutcome::PasswordAccepted.is_failure());
        assert_eq!("locked".parse::<SignInOutcome>(), Ok(SignInOutcome::Locked));
    }

    #[test]
    fn grace_never_runs_backwards() {
        let since = DateTime::<Utc>::from_timestamp(1_700_000_000, 0).unwrap();
        assert_eq!(grace_deadline(since, 7) - since, TimeDelta::days(7));
        assert_eq!(grace_deadline(since, -3), since);
    }

    proptest! {
        #[test]
        fn every_address_has_one_network(a: u8, b: u8, c: u8, d: u8, e: u8) {
            let one = network_of(IpAddr::from([a, b, c, d]));
            let other = network_of(IpAddr::from([a, b, c, e]));
            prop_assert_eq!(&one, &other);
            prop_assert!(one.ends_with(".0/24"));
        }
    }
}
