//! A process template: ordered phases, each with the data it collects and the steps that
//! run when the session reaches it. Parsed once from JSON (what the template editor and the
//! database hold); a parsed [`TemplateDefinition`] is always runnable.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::schema::{PhaseSchema, looks_like_url};
use crate::validation::ValidationError;

pub const MAX_PHASES: usize = 20;
pub const MAX_STEPS: usize = 10;
pub const MAX_ATTEMPTS: u32 = 10;
pub const MAX_TIMEOUT_SECS: u32 = 60;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TemplateDefinition {
    pub phases: Vec<PhaseDefinition>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PhaseDefinition {
    /// Short and stable ("P0", "A1"): the key of the phase's data and of its jobs.
    pub key: String,
    pub name: String,
    #[serde(default = "PhaseSchema::empty")]
    pub schema: PhaseSchema,
    pub steps: Vec<StepDefinition>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepDefinition {
    pub key: String,
    pub name: String,
    #[serde(flatten)]
    pub kind: StepKind,
}

/// What a step does when it runs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum StepKind {
    /// The phase's data must be complete (every required field): fails otherwise, naming
    /// what is missing.
    CheckData,
    /// Tells the session's owner in the app that the phase reached this step.
    Notify,
    /// Waits until a member approves the phase.
    Approval,
    /// POSTs the session's context, signed, to an endpoint (an n8n workflow or any URL);
    /// the endpoint answers at once (2xx) or later through the signed callback (202).
    Webhook {
        url: String,
        #[serde(default = "default_timeout")]
        timeout_secs: u32,
        #[serde(default = "default_attempts")]
        max_attempts: u32,
    },
}

const fn default_timeout() -> u32 {
    10
}

const fn default_attempts() -> u32 {
    5
}

impl StepKind {
    pub const fn label(&self) -> &'static str {
        match self {
            Self::CheckData => "Check the data",
            Self::Notify => "Notify the owner",
            Self::Approval => "Approval",
            Self::Webhook { .. } => "Webhook",
        }
    }

    pub const fn as_str(&self) -> &'static str {
        match self {
            Self::CheckData => "check_data",
            Self::Notify => "notify",
            Self::Approval => "approval",
            Self::Webhook { .. } => "webhook",
        }
    }

    /// How many times the step is tried before it is dead-lettered.
    pub const fn max_attempts(&self) -> u32 {
        match self {
            Self::Webhook { max_attempts, .. } => *max_attempts,
            _ => 1,
        }
    }
}

fn valid_key(key: &str) -> bool {
    (1..=16).contains(&key.len())
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

impl TemplateDefinition {
    /// Whether any step posts to a webhook (which needs the outbound-webhooks feature).
    pub fn has_webhooks(&self) -> bool {
        self.phases.iter().any(|phase| {
            phase
                .steps
                .iter()
                .any(|step| matches!(step.kind, StepKind::Webhook { .. }))
        })
    }

    /// Parses the template editor's JSON, with the reason a person can fix.
    pub fn parse(text: &str) -> Result<Self, ValidationError> {
        let definition: Self = serde_json::from_str(text).map_err(|e| {
            ValidationError::new("definition", format!("The definition is not valid: {e}."))
        })?;
        definition.check()?;
        Ok(definition)
    }

    fn check(&self) -> Result<(), ValidationError> {
        let err = |reason: String| ValidationError::new("definition", reason);
        if self.phases.is_empty() || self.phases.len() > MAX_PHASES {
            return Err(err(format!("A template has 1 to {MAX_PHASES} phases.")));
        }
        for (i, phase) in self.phases.iter().enumerate() {
            if !valid_key(&phase.key) {
                return Err(err(format!(
                    "Phase {}: the key “{}” must be 1 to 16 letters, digits, - or _.",
                    i + 1,
                    phase.key
                )));
            }
            if self.phases[..i].iter().any(|p| p.key == phase.key) {
                return Err(err(format!("Two phases have the key “{}”.", phase.key)));
            }
            if phase.name.trim().is_empty() || phase.name.chars().count() > 80 {
                return Err(err(format!(
                    "Phase {}: the name must be 1 to 80 characters.",
                    phase.key
                )));
            }
            if phase.steps.is_empty() || phase.steps.len() > MAX_STEPS {
                return Err(err(format!(
                    "Phase {}: a phase has 1 to {MAX_STEPS} steps.",
                    phase.key
                )));
            }
            for (j, step) in phase.steps.iter().enumerate() {
                if !valid_key(&step.key) {
                    return Err(err(format!(
                        "Phase {}, step {}: the key “{}” must be 1 to 16 letters, digits, - or _.",
                        phase.key,
                        j + 1,
                        step.key
                    )));
                }
                if phase.steps[..j].iter().any(|s| s.key == step.key) {
                    return Err(err(format!(
                        "Phase {}: two steps have the key “{}”.",
                        phase.key, step.key
                    )));
                }
                if step.name.trim().is_empty() || step.name.chars().count() > 80 {
                    return Err(err(format!(
                        "Phase {}, step {}: the name must be 1 to 80 characters.",
                        phase.key, step.key
                    )));
                }
                if let StepKind::Webhook {
                    url,
                    timeout_secs,
                    max_attempts,
                } = &step.kind
                {
                    if !looks_like_url(url) || url.len() > 2000 {
                        return Err(err(format!(
                            "Phase {}, step {}: the webhook URL must start with https:// or http:// and name a host.",
                            phase.key, step.key
                        )));
                    }
                    if !(1..=MAX_TIMEOUT_SECS).contains(timeout_secs) {
                        return Err(err(format!(
                            "Phase {}, step {}: the timeout is 1 to {MAX_TIMEOUT_SECS} seconds.",
                            phase.key, step.key
                        )));
                    }
                    if !(1..=MAX_ATTEMPTS).contains(max_attempts) {
                        return Err(err(format!(
                            "Phase {}, step {}: attempts are 1 to {MAX_ATTEMPTS}.",
                            phase.key, step.key
                        )));
                    }
                }
            }
        }
        Ok(())
    }

    /// The definition as the editor shows it.
    pub fn to_pretty_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    pub fn phase(&self, index: usize) -> Option<&PhaseDefinition> {
        self.phases.get(index)
    }
}

/// The templates every workspace has, read-only: duplicate one to change it.
pub struct BuiltinTemplate {
    pub key: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub definition: fn() -> TemplateDefinition,
}

pub const BUILTINS: &[BuiltinTemplate] = &[
    BuiltinTemplate {
        key: "consultation",
        name: "Consultation P0–P4",
        description: "A consulting engagement from first contact to follow-up: intake, discovery, proposal, delivery, review.",
        definition: consultation,
    },
    BuiltinTemplate {
        key: "customer-acquisition",
        name: "Customer acquisition A1–A4",
        description: "Winning a customer: qualify the lead, make contact, send the offer, close.",
        definition: customer_acquisition,
    },
];

fn step(key: &str, name: &str, kind: StepKind) -> StepDefinition {
    StepDefinition {
        key: key.into(),
        name: name.into(),
        kind,
    }
}

fn phase(
    key: &str,
    name: &str,
    schema: serde_json::Value,
    steps: Vec<StepDefinition>,
) -> PhaseDefinition {
    PhaseDefinition {
        key: key.into(),
        name: name.into(),
        schema: PhaseSchema::parse(&schema).unwrap_or_else(|_| PhaseSchema::empty()),
        steps,
    }
}

fn consultation() -> TemplateDefinition {
    TemplateDefinition {
        phases: vec![
            phase(
                "P0",
                "Intake",
                json!({"type": "object", "properties": {
                "client": {"type": "string", "title": "Client", "maxLength": 120},
                "contact_email": {"type": "string", "format": "email", "title": "Contact email"},
                "goal": {"type": "string", "format": "textarea", "title": "What the client wants", "maxLength": 2000}
            }, "required": ["client", "contact_email"]}),
                vec![
                    step("check", "Intake complete", StepKind::CheckData),
                    step("notify", "Tell the owner", StepKind::Notify),
                ],
            ),
            phase(
                "P1",
                "Discovery",
                json!({"type": "object", "properties": {
                "findings": {"type": "string", "format": "textarea", "title": "Findings", "maxLength": 5000},
                "workshops": {"type": "integer", "title": "Workshops held", "minimum": 0, "maximum": 50}
            }, "required": ["findings"]}),
                vec![step("check", "Findings written", StepKind::CheckData)],
            ),
            phase(
                "P2",
                "Proposal",
                json!({"type": "object", "properties": {
                "scope": {"type": "string", "format": "textarea", "title": "Scope", "maxLength": 5000},
                "budget": {"type": "number", "title": "Budget (EUR)", "minimum": 0},
                "pricing": {"type": "string", "title": "Pricing", "enum": ["fixed", "time_and_materials", "retainer"]}
            }, "required": ["scope", "budget", "pricing"]}),
                vec![
                    step("check", "Proposal complete", StepKind::CheckData),
                    step("approve", "Proposal approved", StepKind::Approval),
                ],
            ),
            phase(
                "P3",
                "Delivery",
                json!({"type": "object", "properties": {
                    "delivered": {"type": "boolean", "title": "Delivered"},
                    "notes": {"type": "string", "format": "textarea", "title": "Delivery notes", "maxLength": 5000}
                }}),
                vec![step("approve", "Delivery accepted", StepKind::Approval)],
            ),
            phase(
                "P4",
                "Review",
                json!({"type": "object", "properties": {
                "satisfaction": {"type": "integer", "title": "Client satisfaction (1–5)", "minimum": 1, "maximum": 5},
                "lessons": {"type": "string", "format": "textarea", "title": "Lessons learned", "maxLength": 5000}
            }, "required": ["satisfaction"]}),
                vec![
                    step("check", "Review complete", StepKind::CheckData),
                    step("notify", "Tell the owner", StepKind::Notify),
                ],
            ),
        ],
    }
}

fn customer_acquisition() -> TemplateDefinition {
    TemplateDefinition {
        phases: vec![
            phase(
                "A1",
                "Qualify",
                json!({"type": "object", "properties": {
                "company": {"type": "string", "title": "Company", "maxLength": 120},
                "website": {"type": "string", "format": "uri", "title": "Website"},
                "fit": {"type": "string", "title": "Fit", "enum": ["low", "medium", "high"]}
            }, "required": ["company", "fit"]}),
                vec![step("check", "Lead qualified", StepKind::CheckData)],
            ),
            phase(
                "A2",
                "Contact",
                json!({"type": "object", "properties": {
                "contact_name": {"type": "string", "title": "Contact name", "maxLength": 80},
                "contact_email": {"type": "string", "format": "email", "title": "Contact email"},
                "meeting_held": {"type": "boolean", "title": "First meeting held"}
            }, "required": ["contact_email"]}),
                vec![
                    step("check", "Contact made", StepKind::CheckData),
                    step("notify", "Tell the owner", StepKind::Notify),
                ],
            ),
            phase(
                "A3",
                "Offer",
                json!({"type": "object", "properties": {
                "value": {"type": "number", "title": "Offer value (EUR)", "minimum": 0},
                "valid_days": {"type": "integer", "title": "Valid for (days)", "minimum": 1, "maximum": 365}
            }, "required": ["value"]}),
                vec![
                    step("check", "Offer written", StepKind::CheckData),
                    step("approve", "Offer approved", StepKind::Approval),
                ],
            ),
            phase(
                "A4",
                "Close",
                json!({"type": "object", "properties": {
                "outcome": {"type": "string", "title": "Outcome", "enum": ["won", "lost"]},
                "reason": {"type": "string", "format": "textarea", "title": "Why", "maxLength": 2000}
            }, "required": ["outcome"]}),
                vec![step("check", "Outcome recorded", StepKind::CheckData)],
            ),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtins_are_valid_and_round_trip() {
        for builtin in BUILTINS {
            let definition = (builtin.definition)();
            definition.check().unwrap();
            assert!(
                definition
                    .phases
                    .iter()
                    .all(|p| !p.schema.fields().is_empty()),
                "{}",
                builtin.key
            );
            let text = definition.to_pretty_json();
            assert_eq!(TemplateDefinition::parse(&text).unwrap(), definition);
        }
        let keys: Vec<_> = (BUILTINS[0].definition)()
            .phases
            .iter()
            .map(|p| p.key.clone())
            .collect();
        assert_eq!(keys, ["P0", "P1", "P2", "P3", "P4"]);
    }

    #[test]
    fn refusals_name_the_phase_and_step() {
        let cases = [
            (r#"{"phases": []}"#, "1 to 20 phases"),
            (
                r#"{"phases": [{"key": "P0", "name": "A", "steps": []}]}"#,
                "1 to 10 steps",
            ),
            (
                r#"{"phases": [{"key": "P 0", "name": "A", "steps": [{"key": "s", "name": "S", "kind": "notify"}]}]}"#,
                "the key “P 0”",
            ),
            (
                r#"{"phases": [{"key": "P0", "name": "A", "steps": [{"key": "s", "name": "S", "kind": "webhook", "url": "ftp://x"}]}]}"#,
                "Phase P0, step s: the webhook URL",
            ),
            (
                r#"{"phases": [{"key": "P0", "name": "A", "steps": [{"key": "s", "name": "S", "kind": "webhook", "url": "https://x", "max_attempts": 0}]}]}"#,
                "attempts are 1 to 10",
            ),
            (
                r#"{"phases": [{"key": "P0", "name": "A", "steps": [{"key": "s", "name": "S", "kind": "teleport"}]}]}"#,
                "unknown variant",
            ),
            (
                r#"{"phases": [{"key": "P0", "name": "A", "steps": [{"key": "s", "name": "S", "kind": "notify"}]}, {"key": "P0", "name": "B", "steps": [{"key": "s", "name": "S", "kind": "notify"}]}]}"#,
                "Two phases have the key “P0”",
            ),
            (
                r#"{"phases": [{"key": "P0", "name": "A", "schema": {"type": "object", "properties": {"a": {"type": "array"}}}, "steps": [{"key": "s", "name": "S", "kind": "notify"}]}]}"#,
                "type “array”",
            ),
            ("{", "not valid"),
        ];
        for (text, expected) in cases {
            let err = TemplateDefinition::parse(text).unwrap_err();
            assert!(err.reason.contains(expected), "{text}: {}", err.reason);
            assert_eq!(err.field, "definition");
        }
    }

    #[test]
    fn webhook_defaults_apply() {
        let d = TemplateDefinition::parse(
            r#"{"phases": [{"key": "P0", "name": "A", "steps": [{"key": "hook", "name": "Send", "kind": "webhook", "url": "https://n8n.example/webhook/1"}]}]}"#,
        )
        .unwrap();
        assert_eq!(
            d.phases[0].steps[0].kind,
            StepKind::Webhook {
                url: "https://n8n.example/webhook/1".into(),
                timeout_secs: 10,
                max_attempts: 5
            }
        );
    }
}
