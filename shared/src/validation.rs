//! The error a parser returns: which field, and why, in words a person can act on.

use serde::{Deserialize, Serialize};

/// A value was refused by a domain parser.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct ValidationError {
    /// The form field (or domain value) that was refused, e.g. `email`.
    pub field: String,
    /// A sentence a person can act on, e.g. "must contain an @".
    pub reason: String,
}

impl ValidationError {
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// The same reason reported against another field name (a parser names its own
    /// value; a form may call it something else).
    pub fn for_field(mut self, field: impl Into<String>) -> Self {
        self.field = field.into();
        self
    }
}
