//! What a visitor sends through an embedded widget — a lead form's answers or a feedback
//! score — and what the workspace keeps of it. The widget checks a submission with
//! [`WidgetConfig::check_submission`] before sending it, and the server checks it again with
//! the same code against the live version the visitor saw.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Content, Feedback, FieldKind, LeadForm, WidgetConfig, WidgetKind};
use crate::email::Email;
use crate::ids::{ContactId, SubmissionId, WidgetId};
use crate::names::WidgetName;
use crate::tenants::TenantSummary;
use crate::validation::ValidationError;

/// Longest answer to one lead-form field, and longest feedback comment, in characters.
pub const ANSWER_MAX_CHARS: usize = 2000;
/// Longest answer to a one-line field (text, email, phone), in characters.
pub const LINE_MAX_CHARS: usize = 200;

/// One lead-form answer as sent: the field's key and what was typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub key: String,
    pub value: String,
}

/// What a visitor sends through a widget.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Submission {
    LeadForm {
        answers: Vec<Answer>,
    },
    Feedback {
        score: u8,
        #[serde(default)]
        comment: String,
    },
}

impl Submission {
    pub const fn kind(&self) -> WidgetKind {
        match self {
            Self::LeadForm { .. } => WidgetKind::LeadForm,
            Self::Feedback { .. } => WidgetKind::Feedback,
        }
    }
}

/// A lead form's answers once checked: who sent it, and each answer by its field's label, in
/// the form's order (empty optional fields left out).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lead {
    pub email: Email,
    /// The answer to a field keyed `name`, when the form has one.
    pub name: Option<String>,
    pub answers: Vec<Answer>,
}

/// A checked submission, ready to keep.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Checked {
    Lead(Lead),
    Feedback { score: u8, comment: String },
}

/// Checks one typed answer: length and no control characters other than line breaks.
fn answer_problem(value: &str, multiline: bool) -> Option<String> {
    let max = if multiline {
        ANSWER_MAX_CHARS
    } else {
        LINE_MAX_CHARS
    };
    let chars = value.chars().count();
    if chars > max {
        return Some(format!("Keep it to {max} characters (this has {chars})."));
    }
    let allowed = |c: char| !c.is_control() || (multiline && (c == '\n' || c == '\r'));
    (!value.chars().all(allowed))
        .then(|| "This contains characters that cannot be sent.".to_owned())
}

impl LeadForm {
    /// Every problem with `answers`, each under `answers.<key>` (the field the widget marks).
    fn check_answers(&self, answers: &[Answer]) -> Result<Lead, Vec<ValidationError>> {
        // More answers than fields cannot all be right; refused before any work on them.
        if answers.len() > self.fields.len() {
            return Err(vec![ValidationError::new(
                "answers",
                format!(
                    "This form has {} fields; {} answers were sent.",
                    self.fields.len(),
                    answers.len()
                ),
            )]);
        }
        let mut problems = Vec::new();
        for (i, answer) in answers.iter().enumerate() {
            if !self.fields.iter().any(|f| f.key.as_str() == answer.key) {
                problems.push(ValidationError::new(
                    "answers",
                    format!("This form has no field “{}”.", answer.key),
                ));
            } else if answers[..i].iter().any(|a| a.key == answer.key) {
                problems.push(ValidationError::new(
                    format!("answers.{}", answer.key),
                    "This field was sent twice.",
                ));
            }
        }
        let mut email = None;
        let mut name = None;
        let mut kept = Vec::new();
        for field in &self.fields {
            let path = format!("answers.{}", field.key.as_str());
            let value = answers
                .iter()
                .find(|a| a.key == field.key.as_str())
                .map_or("", |a| a.value.trim());
            if value.is_empty() {
                if field.required {
                    problems.push(ValidationError::new(
                        path,
                        format!("{} is required.", field.label),
                    ));
                }
                continue;
            }
            if let Some(problem) = answer_problem(value, field.kind == FieldKind::LongText) {
                problems.push(ValidationError::new(path, problem));
                continue;
            }
            match field.kind {
                FieldKind::Email => match Email::parse(value) {
                    Ok(parsed) => email = Some(parsed),
                    Err(e) => problems.push(ValidationError::new(path, e.reason)),
                },
                FieldKind::Phone => {
                    let digits = value.chars().filter(char::is_ascii_digit).count();
                    let shape = value
                        .chars()
                        .all(|c| c.is_ascii_digit() || " +-().".contains(c));
                    if !shape || !(6..=15).contains(&digits) {
                        problems.push(ValidationError::new(
                            path,
                            "Give a phone number of 6 to 15 digits (spaces, +, - and brackets are fine).",
                        ));
                    }
                }
                FieldKind::Text | FieldKind::LongText => {}
            }
            if field.key.as_str() == "name" {
                name = Some(value.to_owned());
            }
            kept.push(Answer {
                key: field.key.as_str().to_owned(),
                value: value.to_owned(),
            });
        }
        match (problems.is_empty(), email) {
            (true, Some(email)) => Ok(Lead {
                email,
                name,
                answers: kept,
            }),
            // A published form always has a required email field, so the email is missing
            // only alongside a problem naming it.
            _ => Err(problems),
        }
    }
}

impl Feedback {
    fn check_answer(&self, score: u8, comment: &str) -> Result<Checked, Vec<ValidationError>> {
        let mut problems = Vec::new();
        if !self.scale.range().contains(&score) {
            let range = self.scale.range();
            problems.push(ValidationError::new(
                "score",
                format!("Choose a score from {} to {}.", range.start(), range.end()),
            ));
        }
        let comment = comment.trim();
        if !comment.is_empty() && self.follow_up.trim().is_empty() {
            problems.push(ValidationError::new(
                "comment",
                "This prompt asks for a score only.",
            ));
        } else if let Some(problem) = answer_problem(comment, true) {
            problems.push(ValidationError::new("comment", problem));
        }
        if problems.is_empty() {
            Ok(Checked::Feedback {
                score,
                comment: comment.to_owned(),
            })
        } else {
            Err(problems)
        }
    }
}

impl WidgetConfig {
    /// Checks what a visitor sends against this configuration (the live version they saw):
    /// every problem, each naming the field the widget marks.
    pub fn check_submission(
        &self,
        submission: &Submission,
    ) -> Result<Checked, Vec<ValidationError>> {
        match (&self.content, submission) {
            (Content::LeadForm(form), Submission::LeadForm { answers }) => {
                form.check_answers(answers).map(Checked::Lead)
            }
            (Content::Feedback(feedback), Submission::Feedback { score, comment }) => {
                feedback.check_answer(*score, comment)
            }
            _ => Err(vec![ValidationError::new(
                "kind",
                format!(
                    "This widget is a {}; it does not take a {}.",
                    self.kind().label().to_lowercase(),
                    submission.kind().label().to_lowercase()
                ),
            )]),
        }
    }
}

/// What a widget sends back once a submission is kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmissionReceipt {
    pub id: SubmissionId,
}

/// A contact as the workspace sees it: the latest answers of the person with this email.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    pub id: ContactId,
    pub email: Email,
    pub name: Option<String>,
    /// The latest lead form's answers.
    pub answers: Vec<Answer>,
    /// The widget the latest submission came through (gone if it was deleted).
    pub widget: Option<WidgetName>,
    /// The site it was sent on, when the browser said.
    pub origin: Option<String>,
    /// How many lead forms this person has sent.
    pub submissions: u32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One feedback answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedbackResponse {
    pub id: SubmissionId,
    pub widget: WidgetId,
    pub widget_name: WidgetName,
    pub score: u8,
    pub comment: String,
    pub origin: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// The contacts page of a workspace: who sent its lead forms, and its feedback.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactsPage {
    pub tenant: TenantSummary,
    /// Most recently heard from first.
    pub contacts: Vec<Contact>,
    /// Newest first.
    pub feedback: Vec<FeedbackResponse>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::widgets::{WidgetKind, presets};
    use proptest::prelude::*;

    fn lead_form() -> WidgetConfig {
        presets(WidgetKind::LeadForm).remove(0).config
    }

    fn feedback() -> WidgetConfig {
        presets(WidgetKind::Feedback).remove(0).config
    }

    fn answers(pairs: &[(&str, &str)]) -> Submission {
        Submission::LeadForm {
            answers: pairs
                .iter()
                .map(|(key, value)| Answer {
                    key: (*key).to_owned(),
                    value: (*value).to_owned(),
                })
                .collect(),
        }
    }

    fn fields(result: Result<Checked, Vec<ValidationError>>) -> Vec<String> {
        result.unwrap_err().into_iter().map(|p| p.field).collect()
    }

    #[test]
    fn a_complete_lead_becomes_a_contact_by_its_email() {
        let checked = lead_form()
            .check_submission(&answers(&[
                ("name", "  Ada Lovelace "),
                ("email", "Ada@Example.COM"),
                ("message", ""),
            ]))
            .unwrap();
        let Checked::Lead(lead) = checked else {
            panic!("a lead form gives a lead");
        };
        assert_eq!(lead.email.as_str(), "ada@example.com");
        assert_eq!(lead.name.as_deref(), Some("Ada Lovelace"));
        // The empty optional answer is not kept.
        assert_eq!(lead.answers.len(), 2);
    }

    #[test]
    fn each_problem_names_its_field() {
        let form = lead_form();
        assert_eq!(
            fields(form.check_submission(&answers(&[("email", "not-an-email")]))),
            vec!["answers.name", "answers.email"]
        );
        assert_eq!(
            fields(form.check_submission(&answers(&[
                ("name", "Ada"),
                ("email", "ada@example.com"),
                ("favourite_colour", "blue"),
            ]))),
            vec!["answers"]
        );
        assert_eq!(
            fields(form.check_submission(&answers(&[
                ("name", "Ada"),
                ("name", "Bob"),
                ("email", "ada@example.com"),
            ]))),
            vec!["answers.name"]
        );
        let flood: Vec<(&str, &str)> = vec![("name", "Ada"); 10_000];
        assert_eq!(
            fields(form.check_submission(&answers(&flood))),
            vec!["answers"]
        );
        let long = "x".repeat(LINE_MAX_CHARS + 1);
        assert_eq!(
            fields(form.check_submission(&answers(&[("name", &long), ("email", "a@b.co")]))),
            vec!["answers.name"]
        );
        assert_eq!(
            fields(form.check_submission(&Submission::Feedback {
                score: 3,
                comment: String::new()
            })),
            vec!["kind"]
        );
    }

    #[test]
    fn feedback_scores_stay_on_the_scale() {
        let config = feedback();
        let Content::Feedback(prompt) = &config.content else {
            panic!("a feedback preset");
        };
        let top = *prompt.scale.range().end();
        assert!(matches!(
            config.check_submission(&Submission::Feedback {
                score: top,
                comment: " Great ".into()
            }),
            Ok(Checked::Feedback { score, comment }) if score == top && comment == "Great"
        ));
        assert_eq!(
            fields(config.check_submission(&Submission::Feedback {
                score: top + 1,
                comment: String::new()
            })),
            vec!["score"]
        );
    }

    proptest! {
        #[test]
        fn no_submission_panics(json in ".{0,400}", score in any::<u8>(), value in ".{0,300}") {
            let form = lead_form();
            let prompt = feedback();
            if let Ok(submission) = serde_json::from_str::<Submission>(&json) {
                let _ = form.check_submission(&submission);
                let _ = prompt.check_submission(&submission);
            }
            let _ = prompt.check_submission(&Submission::Feedback { score, comment: value.clone() });
            let _ = form.check_submission(&answers(&[("email", &value), ("name", &value), ("phone", &value)]));
        }
    }
}
