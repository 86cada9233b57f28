//! A builder's projects (seed 000): named bodies of work, each for some of its customers. A
//! customer link belongs to at most one project, so every invoice a customer is issued (and
//! the commission it earns) is attributed to the project its link was in that day; a
//! project's deployments are those made for its customers. A project moves active ⇄ on
//! hold → completed, any → archived, and a completed or archived one can be reopened.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::billing::Money;
use crate::customers::{Implementation, Link, RevenueMonth};
use crate::ids::{ImplementationId, ProjectId};
use crate::names::ProjectName;
use crate::tenants::TenantSummary;
use crate::validation::ValidationError;

text_enum! {
    /// Where a project stands.
    pub enum ProjectStatus {
        Active => "active",
        OnHold => "on_hold",
        Completed => "completed",
        Archived => "archived",
    }
}

impl ProjectStatus {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Active => "Active",
            Self::OnHold => "On hold",
            Self::Completed => "Completed",
            Self::Archived => "Archived",
        }
    }

    /// Customers may join the project (its work is not over).
    pub const fn takes_customers(self) -> bool {
        matches!(self, Self::Active | Self::OnHold)
    }

    /// Listed in the portfolio unless archived ones are asked for.
    pub const fn in_portfolio(self) -> bool {
        !matches!(self, Self::Archived)
    }
}

text_enum! {
    pub enum ProjectAction {
        Hold => "hold",
        Resume => "resume",
        Complete => "complete",
        Reopen => "reopen",
        Archive => "archive",
    }
}

impl ProjectAction {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Hold => "Put on hold",
            Self::Resume => "Resume",
            Self::Complete => "Complete",
            Self::Reopen => "Reopen",
            Self::Archive => "Archive",
        }
    }

    const fn allowed_from(self) -> &'static [ProjectStatus] {
        use ProjectStatus::{Active, Archived, Completed, OnHold};
        match self {
            Self::Hold => &[Active],
            Self::Resume => &[OnHold],
            Self::Complete => &[Active, OnHold],
            Self::Reopen => &[Completed, Archived],
            Self::Archive => &[Active, OnHold, Completed],
        }
    }

    const fn to_state(self) -> ProjectStatus {
        match self {
            Self::Hold => ProjectStatus::OnHold,
            Self::Resume | Self::Reopen => ProjectStatus::Active,
            Self::Complete => ProjectStatus::Completed,
            Self::Archive => ProjectStatus::Archived,
        }
    }

    pub fn applies_to(self, status: ProjectStatus) -> bool {
        self.allowed_from().contains(&status)
    }
}

/// Where `action` takes a project that is `from`, or why it cannot.
pub fn project_transition(
    from: ProjectStatus,
    action: ProjectAction,
) -> Result<ProjectStatus, ValidationError> {
    if action.applies_to(from) {
        return Ok(action.to_state());
    }
    let from_list = action
        .allowed_from()
        .iter()
        .map(|s| s.label().to_lowercase())
        .collect::<Vec<_>>()
        .join(" or ");
    Err(ValidationError::new(
        "status",
        format!(
            "This project is {}, so “{}” does not apply: only {from_list} projects can.",
            from.label().to_lowercase(),
            action.label().to_lowercase()
        ),
    ))
}

/// The longest project description, in characters.
pub const DESCRIPTION_MAX: usize = 2_000;

/// A project's name and description as a builder typed them, checked once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectDraft {
    pub name: ProjectName,
    /// Free text (may be empty), trimmed.
    pub description: String,
}

impl ProjectDraft {
    /// Checks the form's fields; the first problem is reported.
    pub fn parse(name: &str, description: &str) -> Result<Self, ValidationError> {
        let name = ProjectName::parse(name)?;
        let description = description.trim().to_owned();
        let chars = description.chars().count();
        if chars > DESCRIPTION_MAX {
            return Err(ValidationError::new(
                "description",
                format!(
                    "The description must be at most {DESCRIPTION_MAX} characters (it has {chars})."
                ),
            ));
        }
        if description
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
        {
            return Err(ValidationError::new(
                "description",
                "The description cannot contain control characters.",
            ));
        }
        Ok(Self { name, description })
    }
}

/// A project picked in a form: empty for "no project".
pub fn parse_project_choice(input: &str) -> Result<Option<ProjectId>, ValidationError> {
    let input = input.trim();
    if input.is_empty() {
        return Ok(None);
    }
    input
        .parse()
        .map(Some)
        .map_err(|_| ValidationError::new("project", "Choose a project from the list."))
}

/// A project as the portfolio lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectSummary {
    pub id: ProjectId,
    pub name: ProjectName,
    pub description: String,
    pub status: ProjectStatus,
    /// Customers whose link is in the project (pending or active).
    pub customers: u32,
    pub live_deployments: u32,
    /// All-time revenue attributed to the project, per currency.
    pub revenue: Vec<Money>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A builder workspace's project portfolio.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectsPage {
    pub tenant: TenantSummary,
    /// Open projects first, then by the latest change.
    pub projects: Vec<ProjectSummary>,
    pub can_manage: bool,
}

/// What one deployment in a project did over the last [`ACTIVITY_DAYS`] days.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeploymentActivity {
    pub implementation: Option<ImplementationId>,
    pub impressions: u64,
    pub interactions: u64,
    pub submissions: u64,
    pub errors: u64,
}

impl DeploymentActivity {
    /// Adds `other`'s counters to these.
    pub fn add(&mut self, other: &Self) {
        self.impressions = self.impressions.saturating_add(other.impressions);
        self.interactions = self.interactions.saturating_add(other.interactions);
        self.submissions = self.submissions.saturating_add(other.submissions);
        self.errors = self.errors.saturating_add(other.errors);
    }

    /// Submissions per impression, in whole percent (none without impressions).
    pub fn conversion_percent(&self) -> Option<u64> {
        (self.impressions > 0).then(|| {
            self.submissions
                .saturating_mul(100)
                .checked_div(self.impressions)
                .unwrap_or(0)
        })
    }
}

/// How far back a project's deployment activity reaches.
pub const ACTIVITY_DAYS: u32 = 30;

/// One project in full: its customers, their deployments and what they did, and the
/// revenue attributed to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectPage {
    pub tenant: TenantSummary,
    pub project: ProjectSummary,
    /// The customers in the project.
    pub customers: Vec<Link>,
    /// Deployments made for them.
    pub implementations: Vec<Implementation>,
    /// Activity per deployment (those with any), and the sum.
    pub activity: Vec<DeploymentActivity>,
    pub activity_total: DeploymentActivity,
    /// Revenue attributed to the project, by month (the last twelve, oldest first).
    pub months: Vec<RevenueMonth>,
    /// Current customers in no project, which may be added to this one.
    pub addable: Vec<Link>,
    pub can_manage: bool,
}

/// What one project's customers' invoices brought a builder, in one currency (`None` for
/// invoices of customers in no project at the time).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectRevenue {
    pub project: Option<ProjectId>,
    pub name: Option<ProjectName>,
    pub revenue: Money,
    pub commission: Money,
    pub invoices: u32,
}

impl ProjectRevenue {
    pub fn title(&self) -> String {
        self.name
            .as_ref()
            .map_or_else(|| "Not in a project".to_owned(), ToString::to_string)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_transition_is_allowed_or_refused_as_the_table_says() {
        use ProjectAction::*;
        use ProjectStatus::*;
        let table = [
            (Active, Hold, Some(OnHold)),
            (Active, Resume, None),
            (Active, Complete, Some(Completed)),
            (Active, Reopen, None),
            (Active, Archive, Some(Archived)),
            (OnHold, Hold, None),
            (OnHold, Resume, Some(Active)),
            (OnHold, Complete, Some(Completed)),
            (OnHold, Reopen, None),
            (OnHold, Archive, Some(Archived)),
            (Completed, Hold, None),
            (Completed, Resume, None),
            (Completed, Complete, None),
            (Completed, Reopen, Some(Active)),
            (Completed, Archive, Some(Archived)),
            (Archived, Hold, None),
            (Archived, Resume, None),
            (Archived, Complete, None),
            (Archived, Reopen, Some(Active)),
            (Archived, Archive, None),
        ];
        assert_eq!(
            table.len(),
            ProjectStatus::ALL.len() * ProjectAction::ALL.len()
        );
        for (from, action, to) in table {
            match to {
                Some(to) => assert_eq!(project_transition(from, action), Ok(to)),
                None => assert_eq!(
                    project_transition(from, action).unwrap_err().field,
                    "status"
                ),
            }
        }
        assert_eq!(
            project_transition(Completed, Hold).unwrap_err().reason,
            "This project is completed, so “put on hold” does not apply: only active projects can."
        );
        assert_eq!(
            project_transition(Active, Reopen).unwrap_err().reason,
            "This project is active, so “reopen” does not apply: only completed or archived projects can."
        );
        assert!(Active.takes_customers() && OnHold.takes_customers());
        assert!(!Completed.takes_customers() && !Archived.takes_customers());
    }

    #[test]
    fn drafts_are_checked_once() {
        let draft = ProjectDraft::parse("  Acme   relaunch ", "  Lead form and NPS.\n").unwrap();
        assert_eq!(draft.name.as_str(), "Acme relaunch");
        assert_eq!(draft.description, "Lead form and NPS.");
        assert_eq!(
            ProjectDraft::parse(" ", "").unwrap_err().reason,
            "Project name is required."
        );
        let long = "x".repeat(DESCRIPTION_MAX + 1);
        let err = ProjectDraft::parse("A", &long).unwrap_err();
        assert_eq!(err.field, "description");
        assert_eq!(
            err.reason,
            "The description must be at most 2000 characters (it has 2001)."
        );
        assert_eq!(
            ProjectDraft::parse("A", "bell\u{7}").unwrap_err().field,
            "description"
        );
        assert!(ProjectDraft::parse("A", "two\nlines\twith a tab").is_ok());
    }

    #[test]
    fn a_project_choice_is_one_of_ours_or_none() {
        assert_eq!(parse_project_choice(" "), Ok(None));
        let id = ProjectId::from_uuid(uuid::Uuid::from_u128(7));
        assert_eq!(parse_project_choice(&id.to_string()), Ok(Some(id)));
        assert_eq!(
            parse_project_choice("acme").unwrap_err().reason,
            "Choose a project from the list."
        );
    }

    #[test]
    fn activity_adds_up_and_converts() {
        let mut total = DeploymentActivity::default();
        assert_eq!(total.conversion_percent(), None);
        total.add(&DeploymentActivity {
            implementation: None,
            impressions: 40,
            interactions: 10,
            submissions: 3,
            errors: 1,
        });
        total.add(&DeploymentActivity {
            implementation: None,
            impressions: 60,
            interactions: 5,
            submissions: 2,
            errors: 0,
        });
        assert_eq!((total.impressions, total.submissions), (100, 5));
        assert_eq!(total.conversion_percent(), Some(5));
    }

    proptest! {
        #[test]
        fn no_sequence_of_actions_reaches_an_unlisted_state(
            actions in proptest::collection::vec(proptest::sample::select(ProjectAction::ALL), 0..40),
        ) {
            let mut status = ProjectStatus::Active;
            for action in actions {
                match project_transition(status, action) {
                    Ok(to) => {
                        prop_assert!(action.applies_to(status));
                        prop_assert_eq!(to, action.to_state());
                        status = to;
                    }
                    Err(err) => {
                        prop_assert!(!action.applies_to(status));
                        prop_assert_eq!(err.field, "status");
                    }
                }
                prop_assert!(ProjectStatus::ALL.contains(&status));
            }
        }

        #[test]
        fn any_description_parses_or_is_refused_without_panicking(name in ".{0,100}", description in ".{0,2100}") {
            if let Ok(draft) = ProjectDraft::parse(&name, &description) {
                prop_assert!(draft.description.chars().count() <= DESCRIPTION_MAX);
            }
        }
    }
}
