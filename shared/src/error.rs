//! The one error kind that crosses every boundary: server functions, the REST API, forms.
//!
//! Each variant is a situation a person can understand, with what they need to act on it;
//! the server logs causes, the wire carries only this. Serialized with a `kind` tag so the
//! browser can show the right message next to the right field.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

use crate::validation::ValidationError;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AppError {
    #[error("Please sign in to continue.")]
    Unauthenticated,
    /// An API request's bearer token is unknown, expired or revoked.
    #[error("This API token is not valid: it is unknown, expired or revoked.")]
    InvalidToken,
    /// Wrong password and unknown email read the same, so the answer reveals nothing.
    #[error("Incorrect email or password.")]
    InvalidCredentials,
    #[error(
        "Too many failed sign-in attempts for this account. It is locked for {}; try again later or reset your password.",
        wait_phrase(*retry_after_secs)
    )]
    AccountLocked { retry_after_secs: u64 },
    #[error(
        "This account has been deactivated. Ask your organization's administrator to restore it."
    )]
    AccountDisabled,
    #[error(
        "{tenant} is suspended, so its workspace is unavailable. Contact support to restore access."
    )]
    TenantSuspended { tenant: String },
    #[error("{reason}")]
    Forbidden { reason: String },
    #[error("{what} was not found.")]
    NotFound { what: String },
    #[error("{reason}")]
    Invalid { field: String, reason: String },
    #[error("{reason}")]
    Conflict { reason: String },
    /// An upload over its size limit.
    #[error("{reason}")]
    TooLarge { reason: String },
    /// An upload of a kind that is not taken, or whose bytes are not what its name says.
    #[error("{reason}")]
    UnsupportedType { reason: String },
    /// An action beyond the plan's quota: the message names the limit and the way up.
    #[error("{reason}")]
    QuotaExceeded { reason: String },
    /// The payment provider declined a charge: the reason is the provider's.
    #[error("The payment was declined: {reason}")]
    PaymentDeclined { reason: String },
    #[error("Too many requests. Try again in {}.", wait_phrase(*retry_after_secs))]
    RateLimited { retry_after_secs: u64 },
    #[error("The server is busy right now. Try again in {}.", wait_phrase(*retry_after_secs))]
    Unavailable { retry_after_secs: u64 },
    /// A sensitive change needs the person to confirm who they are first (step-up).
    #[error(
        "Confirm it's you first: enter your password again (and a code when two-factor sign-in is on) under Account → Security, then retry."
    )]
    StepUpRequired,
    /// The organization requires two-factor sign-in and its grace period is over.
    #[error(
        "{tenant} requires two-factor sign-in. Set it up under Account → Security to continue."
    )]
    TwoFactorRequired { tenant: String },
    #[error("This request came from another site and was refused.")]
    CrossSiteRequest,
    #[error(
        "Something went wrong on our side; it has been logged (reference {reference}). Nothing you saved was lost."
    )]
    Internal { reference: String },
    /// Raised in the browser when the server could not be reached at all.
    #[error("Could not reach the server ({message}). Check your connection and try again.")]
    Network { message: String },
}

fn wait_phrase(secs: u64) -> String {
    match secs {
        0..=1 => "a second".to_owned(),
        2..=89 => format!("{secs} seconds"),
        _ => {
            let minutes = secs.div_ceil(60);
            if minutes == 1 {
                "a minute".to_owned()
            } else {
                format!("{minutes} minutes")
            }
        }
    }
}

impl AppError {
    pub fn not_found(what: impl Into<String>) -> Self {
        Self::NotFound { what: what.into() }
    }

    pub fn forbidden(reason: impl Into<String>) -> Self {
        Self::Forbidden {
            reason: reason.into(),
        }
    }

    pub fn conflict(reason: impl Into<String>) -> Self {
        Self::Conflict {
            reason: reason.into(),
        }
    }

    pub fn quota_exceeded(reason: impl Into<String>) -> Self {
        Self::QuotaExceeded {
            reason: reason.into(),
        }
    }

    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// The HTTP status that carries this error.
    pub const fn status(&self) -> u16 {
        match self {
            Self::Unauthenticated | Self::InvalidCredentials | Self::InvalidToken => 401,
            Self::AccountDisabled
            | Self::TenantSuspended { .. }
            | Self::Forbidden { .. }
            | Self::StepUpRequired
            | Self::TwoFactorRequired { .. }
            | Self::CrossSiteRequest => 403,
            Self::QuotaExceeded { .. } | Self::PaymentDeclined { .. } => 402,
            Self::NotFound { .. } => 404,
            Self::Conflict { .. } => 409,
            Self::TooLarge { .. } => 413,
            Self::UnsupportedType { .. } => 415,
            Self::Invalid { .. } => 422,
            Self::AccountLocked { .. } => 423,
            Self::RateLimited { .. } => 429,
            Self::Internal { .. } => 500,
            Self::Network { .. } => 502,
            Self::Unavailable { .. } => 503,
        }
    }

    /// Seconds a client should wait before retrying, for a `Retry-After` header.
    pub const fn retry_after(&self) -> Option<u64> {
        match self {
            Self::AccountLocked { retry_after_secs }
            | Self::RateLimited { retry_after_secs }
            | Self::Unavailable { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        }
    }

    /// The form field this error belongs to, when it belongs to one.
    pub fn field(&self) -> Option<&str> {
        match self {
            Self::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }
}

impl From<crate::support::files::FileRefusal> for AppError {
    fn from(refusal: crate::support::files::FileRefusal) -> Self {
        use crate::support::files::FileRefusal;
        match refusal {
            FileRefusal::Invalid(err) => err.into(),
            FileRefusal::TooLarge(reason) => Self::TooLarge { reason },
            FileRefusal::Unsupported(reason) => Self::UnsupportedType { reason },
        }
    }
}

impl From<ValidationError> for AppError {
    fn from(err: ValidationError) -> Self {
        Self::Invalid {
            field: err.field,
            reason: err.reason,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(message) => Self::Network { message },
            ServerFnErrorErr::Args(reason) | ServerFnErrorErr::Deserialization(reason) => {
                Self::Invalid {
                    field: "form".to_owned(),
                    reason: format!("The form could not be read: {reason}"),
                }
            }
            ServerFnErrorErr::MissingArg(field) => Self::Invalid {
                reason: format!("The form is missing “{field}”."),
                field,
            },
            other => Self::Internal {
                reference: format!("server-fn: {other}"),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_cross_the_wire_intact() {
        let cases = [
            AppError::InvalidCredentials,
            AppError::AccountLocked {
                retry_after_secs: 900,
            },
            AppError::invalid("email", "Email must contain an @."),
            AppError::TenantSuspended {
                tenant: "Acme".into(),
            },
        ];
        for err in cases {
            let bytes = err.ser();
            assert_eq!(AppError::de(bytes), err);
        }
    }

    #[test]
    fn json_is_tagged_by_kind() {
        let json = serde_json::to_value(AppError::not_found("Member")).unwrap();
        assert_eq!(json["kind"], "not_found");
        assert_eq!(json["what"], "Member");
    }

    #[test]
    fn statuses_and_messages_are_specific() {
        assert_eq!(AppError::InvalidCredentials.status(), 401);
        assert_eq!(AppError::forbidden("no").status(), 403);
        assert_eq!(AppError::invalid("email", "bad").status(), 422);
        let locked = AppError::AccountLocked {
            retry_after_secs: 900,
        };
        assert_eq!(locked.status(), 423);
        assert_eq!(locked.retry_after(), Some(900));
        assert!(locked.to_string().contains("15 minutes"), "{locked}");
        assert!(
            AppError::RateLimited {
                retry_after_secs: 30
            }
            .to_string()
            .contains("30 seconds")
        );
    }

    #[test]
    fn malformed_arguments_become_invalid_input() {
        let err = AppError::from_server_fn_error(ServerFnErrorErr::Args("role: unknown".into()));
        assert_eq!(err.status(), 422);
    }
}
