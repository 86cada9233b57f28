//! The command center's services: process templates, sessions with their state machine
//! and audit trail, and the orchestration queue that runs each phase's steps.
//!
//! Every entry point takes a caller and passes the one permission check (`authz`) before it
//! touches the tenant's data; the queue's worker does the same for the person a job acts for.

pub mod orchestrator;
pub mod outbound;
pub mod sessions;
pub mod templates;
pub mod webhooks;

use serde_json::{Map, Value};
use shared::AppError;
use shared::ValidationError;
use shared::process::TemplateDefinition;

use crate::error::Result;

/// A stored definition: it was valid when saved, so a failure here is ours.
fn stored_definition(text: &str) -> Result<TemplateDefinition> {
    serde_json::from_str(text)
        .map_err(|e| anyhow::anyhow!("stored template definition unreadable: {e}").into())
}

fn stored_data(text: &str) -> Map<String, Value> {
    serde_json::from_str(text).unwrap_or_default()
}

/// Several field errors as the one error kind: the first field, every reason.
fn invalid(errors: Vec<ValidationError>) -> crate::Error {
    let field = errors
        .first()
        .map(|e| e.field.clone())
        .unwrap_or_else(|| "form".into());
    let reason = errors
        .iter()
        .map(|e| e.reason.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    AppError::invalid(field, reason).into()
}
