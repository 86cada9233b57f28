//! Process templates and sessions (the command center): the state machine, the phase data
//! schema, template definitions with the built-ins, and what the pages receive.

pub mod schema;
pub mod status;
pub mod template;

use std::cmp::Ordering;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::customers::ImplementationStatus;
use crate::ids::{JobId, ProcessSessionId, TemplateId, UserId};
use crate::names::{PersonName, SessionTitle, TemplateName, TenantName};
use crate::permissions::Role;
use crate::tenants::TenantSummary;
pub use status::{SessionAction, SessionStatus, transition};
pub use template::{StepKind, TemplateDefinition};

text_enum! {
    /// Where a job is on the orchestration queue.
    pub enum JobStatus {
        Queued => "queued",
        Running => "running",
        /// Waiting for a person's approval or a webhook's callback.
        Waiting => "waiting",
        Succeeded => "succeeded",
        /// Out of attempts: the dead letter, until someone retries it.
        Failed => "failed",
        Cancelled => "cancelled",
    }
}

impl JobStatus {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Queued => "Queued",
            Self::Running => "Running",
            Self::Waiting => "Waiting",
            Self::Succeeded => "Succeeded",
            Self::Failed => "Dead letter",
            Self::Cancelled => "Cancelled",
        }
    }

    pub const fn is_finished(self) -> bool {
        matches!(self, Self::Succeeded | Self::Failed | Self::Cancelled)
    }
}

text_enum! {
    /// How the session list is ordered.
    pub enum SessionSort {
        Updated => "updated",
        Created => "created",
        Title => "title",
        Status => "status",
    }
}

impl SessionSort {
    /// The order this sort lists two sessions in: the same order the session list's query
    /// asks the database for when it picks a page, so a page read out of order is sorted
    /// back into it. Text compares by bytes (SQLite's default collation); ties go by id.
    pub fn compare(self, a: &SessionRow, b: &SessionRow) -> Ordering {
        let newest_first = || b.updated_at.cmp(&a.updated_at);
        match self {
            Self::Updated => newest_first(),
            Self::Created => b.created_at.cmp(&a.created_at),
            Self::Title => a.title.as_str().cmp(b.title.as_str()),
            Self::Status => a
                .status
                .as_str()
                .cmp(b.status.as_str())
                .then_with(newest_first),
        }
        .then_with(|| a.id.cmp(&b.id))
    }
}

/// The session list's filters, as the URL carries them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionFilter {
    pub status: Option<SessionStatus>,
    pub template: Option<TemplateId>,
    pub owner: Option<UserId>,
    #[serde(default)]
    pub text: String,
    pub sort: Option<SessionSort>,
    #[serde(default)]
    pub page: u32,
}

pub const SESSIONS_PER_PAGE: u32 = 20;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct TemplateSummary {
    pub id: TemplateId,
    pub name: TemplateName,
    pub description: String,
    /// Set for the templates every workspace has; those are read-only.
    pub builtin_key: Option<String>,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
    /// For a template a builder deployed for this workspace (a read-only copy): the builder's
    /// name, and where its deployment stands. Sessions start from it only while it is live.
    #[cfg_attr(feature = "ssr", sqlx(default))]
    pub provided_by: Option<TenantName>,
    #[cfg_attr(feature = "ssr", sqlx(default))]
    pub deployment: Option<ImplementationStatus>,
}

impl TemplateSummary {
    /// How lists order templates: the built-in ones first, then by name (bytes), then id.
    pub fn list_order(a: &Self, b: &Self) -> Ordering {
        b.builtin_key
            .is_some()
            .cmp(&a.builtin_key.is_some())
            .then_with(|| a.name.as_str().cmp(b.name.as_str()))
            .then_with(|| a.id.cmp(&b.id))
    }

    /// Built-in and deployed templates are not the workspace's to change.
    pub fn read_only(&self) -> bool {
        self.builtin_key.is_some() || self.deployment.is_some()
    }

    /// Whether new sessions may start from it: the workspace's own and built-in templates,
    /// and a builder's while its deployment is live.
    pub fn startable(&self) -> bool {
        self.deployment
            .is_none_or(|status| status == ImplementationStatus::Live)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TemplateVersionView {
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub author: Option<PersonName>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TemplateDetail {
    pub tenant: TenantSummary,
    pub my_role: Role,
    pub template: TemplateSummary,
    pub definition: TemplateDefinition,
    pub versions: Vec<TemplateVersionView>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TemplatesPage {
    pub tenant: TenantSummary,
    pub my_role: Role,
    pub templates: Vec<TemplateSummary>,
    /// The secret webhook receivers verify signatures with; only for template managers.
    pub signing_secret: Option<String>,
}

/// A session as lists show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct SessionRow {
    pub id: ProcessSessionId,
    pub title: SessionTitle,
    pub status: SessionStatus,
    pub template_id: TemplateId,
    pub template_name: TemplateName,
    pub template_version: i32,
    pub phase_index: i32,
    pub phase_count: i32,
    pub phase_name: String,
    pub owner_id: UserId,
    pub owner_name: PersonName,
    pub is_example: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JobView {
    pub id: JobId,
    pub session_id: ProcessSessionId,
    pub session_title: SessionTitle,
    pub phase_key: String,
    pub step_key: String,
    pub step_name: String,
    pub kind: String,
    pub status: JobStatus,
    pub attempts: i32,
    pub max_attempts: i32,
    pub run_after: DateTime<Utc>,
    pub last_error: Option<String>,
    pub updated_at: DateTime<Utc>,
}

impl JobView {
    /// The orchestration panel's order: running jobs, then those waiting, then queued, then
    /// the rest (dead letters); within each, the latest change first, then by id.
    pub fn panel_order(a: &Self, b: &Self) -> Ordering {
        let rank = |job: &Self| match job.status {
            JobStatus::Running => 0,
            JobStatus::Waiting => 1,
            JobStatus::Queued => 2,
            _ => 3,
        };
        rank(a)
            .cmp(&rank(b))
            .then_with(|| b.updated_at.cmp(&a.updated_at))
            .then_with(|| a.id.cmp(&b.id))
    }

    /// Queued again after a failed attempt.
    pub fn is_retrying(&self) -> bool {
        self.status == JobStatus::Queued && self.attempts > 0
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionAnalytics {
    pub by_status: Vec<(SessionStatus, i64)>,
    /// Completed ÷ (completed + failed), when any session has finished.
    pub completion_rate: Option<f64>,
    /// Median time from a phase's start to its end, over finished phases.
    pub median_phase_seconds: Option<i64>,
    /// Sessions started and completed per day, the last 14 days, oldest first.
    pub throughput: Vec<ThroughputDay>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThroughputDay {
    pub day: String,
    pub started: i64,
    pub completed: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CommandCenter {
    pub tenant: TenantSummary,
    pub my_role: Role,
    pub filter: SessionFilter,
    pub sessions: Vec<SessionRow>,
    pub total: i64,
    pub examples: Vec<SessionRow>,
    pub templates: Vec<TemplateSummary>,
    pub owners: Vec<(UserId, PersonName)>,
    pub jobs: Vec<JobView>,
    pub analytics: SessionAnalytics,
}

/// One line of a session's audit trail.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrailEntry {
    pub at: DateTime<Utc>,
    /// `None` when the orchestrator did it.
    pub actor: Option<PersonName>,
    pub action: String,
    pub changes: Vec<FieldChange>,
}

/// One value that changed: where, and from what to what.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldChange {
    pub path: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

impl FieldChange {
    /// "P0.client: “Acme” → “Acme Corp”".
    pub fn describe(&self) -> String {
        let show = |v: &Option<Value>| match v {
            None | Some(Value::Null) => "(empty)".to_owned(),
            Some(Value::String(s)) => format!("“{s}”"),
            Some(other) => other.to_string(),
        };
        format!(
            "{}: {} → {}",
            self.path,
            show(&self.before),
            show(&self.after)
        )
    }
}

/// What changed between two JSON values, key by key (objects are walked; anything else is
/// compared whole), in a stable order.
pub fn diff(before: &Value, after: &Value) -> Vec<FieldChange> {
    let mut changes = Vec::new();
    walk("", before, after, &mut changes);
    changes
}

fn walk(path: &str, before: &Value, after: &Value, out: &mut Vec<FieldChange>) {
    match (before, after) {
        (Value::Object(b), Value::Object(a)) => {
            let empty = Map::new();
            let mut keys: Vec<&String> = b.keys().chain(a.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let child = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                match (b.get(key), a.get(key)) {
                    (Some(x), Some(y)) => walk(&child, x, y, out),
                    (Some(Value::Object(x)), None) => walk(
                        &child,
                        &Value::Object(x.clone()),
                        &Value::Object(empty.clone()),
                        out,
                    ),
                    (None, Some(Value::Object(y))) => walk(
                        &child,
                        &Value::Object(empty.clone()),
                        &Value::Object(y.clone()),
                        out,
                    ),
                    (x, y) => out.push(FieldChange {
                        path: child,
                        before: x.cloned(),
                        after: y.cloned(),
                    }),
                }
            }
        }
        (b, a) if b != a => out.push(FieldChange {
            path: path.to_owned(),
            before: Some(b.clone()),
            after: Some(a.clone()),
        }),
        _ => {}
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SessionDetail {
    pub tenant: TenantSummary,
    pub my_role: Role,
    pub session: SessionRow,
    pub data: Map<String, Value>,
    pub definition: TemplateDefinition,
    pub jobs: Vec<JobView>,
    pub trail: Vec<TrailEntry>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn diff_names_each_changed_value() {
        let before = json!({"P0": {"client": "Acme", "budget": 10}, "P1": {}});
        let after = json!({"P0": {"client": "Acme Corp", "budget": 10, "urgent": true}, "P1": {}});
        let changes = diff(&before, &after);
        let text: Vec<_> = changes.iter().map(FieldChange::describe).collect();
        assert_eq!(
            text,
            [
                "P0.client: “Acme” → “Acme Corp”",
                "P0.urgent: (empty) → true"
            ]
        );
        assert!(diff(&before, &before).is_empty());
        let removed = diff(&json!({"P0": {"a": 1}}), &json!({}));
        assert_eq!(removed[0].describe(), "P0.a: 1 → (empty)");
    }

    fn session(
        n: u128,
        title: &str,
        status: SessionStatus,
        created: i64,
        updated: i64,
    ) -> SessionRow {
        let at = |s| DateTime::from_timestamp(s, 0).unwrap();
        SessionRow {
            id: ProcessSessionId::from_uuid(uuid::Uuid::from_u128(n)),
            title: SessionTitle::parse(title).unwrap(),
            status,
            template_id: TemplateId::from_uuid(uuid::Uuid::from_u128(1)),
            template_name: TemplateName::parse("Consultation").unwrap(),
            template_version: 1,
            phase_index: 0,
            phase_count: 5,
            phase_name: "P0".into(),
            owner_id: UserId::from_uuid(uuid::Uuid::from_u128(1)),
            owner_name: PersonName::parse("Olivia").unwrap(),
            is_example: false,
            created_at: at(created),
            updated_at: at(updated),
        }
    }

    fn ids_in(sort: SessionSort, rows: &[SessionRow]) -> Vec<u128> {
        let mut rows = rows.to_vec();
        rows.sort_by(|a, b| sort.compare(a, b));
        rows.iter().map(|row| row.id.as_uuid().as_u128()).collect()
    }

    #[test]
    fn each_session_sort_orders_as_the_list_query_does() {
        use SessionStatus::*;
        let rows = [
            session(3, "beta", Paused, 100, 400),
            session(1, "Zulu", Active, 300, 200),
            session(2, "alpha", Active, 200, 400),
            session(4, "alpha", Draft, 300, 100),
        ];
        // updated_at DESC, id
        assert_eq!(ids_in(SessionSort::Updated, &rows), [2, 3, 1, 4]);
        // created_at DESC, id
        assert_eq!(ids_in(SessionSort::Created, &rows), [1, 4, 2, 3]);
        // title ASC by bytes (capitals first), id
        assert_eq!(ids_in(SessionSort::Title, &rows), [1, 2, 4, 3]);
        // status ASC as text, updated_at DESC, id
        assert_eq!(ids_in(SessionSort::Status, &rows), [2, 1, 4, 3]);
    }

    #[test]
    fn templates_list_built_ins_first_then_by_name() {
        let template = |n: u128, name: &str, builtin: bool| TemplateSummary {
            id: TemplateId::from_uuid(uuid::Uuid::from_u128(n)),
            name: TemplateName::parse(name).unwrap(),
            description: String::new(),
            builtin_key: builtin.then(|| format!("key{n}")),
            version: 1,
            updated_at: DateTime::from_timestamp(0, 0).unwrap(),
            provided_by: None,
            deployment: None,
        };
        let mut list = [
            template(1, "Onboarding", false),
            template(2, "Customer acquisition", true),
            template(3, "Audit", false),
            template(4, "Consultation", true),
        ];
        list.sort_by(TemplateSummary::list_order);
        let names: Vec<_> = list.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Consultation",
                "Customer acquisition",
                "Audit",
                "Onboarding"
            ]
        );
    }

    #[test]
    fn the_panel_lists_running_then_waiting_then_queued_then_dead_letters() {
        let job = |n: u128, status: JobStatus, updated: i64| JobView {
            id: JobId::from_uuid(uuid::Uuid::from_u128(n)),
            session_id: ProcessSessionId::from_uuid(uuid::Uuid::from_u128(1)),
            session_title: SessionTitle::parse("Acme").unwrap(),
            phase_key: "P0".into(),
            step_key: "s".into(),
            step_name: "Step".into(),
            kind: "webhook".into(),
            status,
            attempts: 0,
            max_attempts: 5,
            run_after: DateTime::from_timestamp(0, 0).unwrap(),
            last_error: None,
            updated_at: DateTime::from_timestamp(updated, 0).unwrap(),
        };
        let mut jobs = [
            job(1, JobStatus::Failed, 900),
            job(2, JobStatus::Queued, 100),
            job(3, JobStatus::Running, 50),
            job(4, JobStatus::Queued, 300),
            job(5, JobStatus::Waiting, 10),
            job(6, JobStatus::Queued, 300),
        ];
        jobs.sort_by(JobView::panel_order);
        let ids: Vec<_> = jobs.iter().map(|j| j.id.as_uuid().as_u128()).collect();
        assert_eq!(ids, [3, 5, 4, 6, 2, 1]);
    }
}
