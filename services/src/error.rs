//! Service errors: either an [`AppError`] meant for the person, or an internal failure whose
//! cause is logged and never shown.

use shared::{AppError, ValidationError};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An expected outcome the person can act on (bad input, not allowed, not found…).
    #[error(transparent)]
    App(#[from] AppError),
    /// Something broke on our side; the chain is logged with a reference the person sees.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<ValidationError> for Error {
    fn from(err: ValidationError) -> Self {
        Self::App(err.into())
    }
}

impl From<sqlx::Error> for Error {
    fn from(err: sqlx::Error) -> Self {
        Self::Internal(anyhow::Error::new(err).context("database"))
    }
}

impl Error {
    /// Converts to what crosses the wire, logging internal failures with the reference the
    /// person is shown, so a support request can be matched to the log line.
    pub fn into_app_error(self) -> AppError {
        match self {
            Self::App(err) => err,
            Self::Internal(err) => {
                let reference = crate::tokens::short_reference();
                tracing::error!(%reference, error = format!("{err:#}"), "internal error");
                metrics::counter!("atrium_internal_errors_total").increment(1);
                AppError::Internal { reference }
            }
        }
    }

    /// The app-facing error kind without logging (for tests and status mapping).
    pub fn app(&self) -> Option<&AppError> {
        match self {
            Self::App(err) => Some(err),
            Self::Internal(_) => None,
        }
    }
}

/// True when a database error is a unique-constraint violation, on either backend.
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
}
