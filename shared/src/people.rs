//! The console's people: every account on the platform, searched and filtered by super
//! admins, and the bulk actions they take on a selection or on everything a search matches.
//!
//! The search form is parsed once, here, for the page and the server alike; a bulk action
//! names the count its confirmation stated, and the server refuses it if the search has
//! come to match another number of people since.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::UserId;
use crate::permissions::Role;
use crate::personas::{Persona, PersonaSet};
use crate::platform::UserStatus;
use crate::slug::Slug;
use crate::validation::{ValidationError, choice, query_string, search_text};

/// People on one page of the list.
pub const PAGE_SIZE: u32 = 50;
/// Longest search text.
pub const SEARCH_MAX: usize = 100;
/// Most people one CSV download holds (the first that match, in the search's order).
pub const CSV_MAX_ROWS: u32 = 100_000;
/// Most people one selection (ticked boxes) may name.
pub const SELECTION_MAX: usize = 500;
/// Per-person lines a bulk action's result lists (its counts cover everyone).
pub const RESULT_LINES_MAX: usize = 200;

text_enum! {
    /// When a person last signed in, as the filter offers it.
    pub enum SignInFilter {
        Day => "1d",
        Week => "7d",
        Month => "30d",
        /// Not in the last 30 days, or never.
        Dormant => "dormant",
        Never => "never",
    }
}

impl SignInFilter {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Day => "In the last day",
            Self::Week => "In the last 7 days",
            Self::Month => "In the last 30 days",
            Self::Dormant => "Not in 30 days",
            Self::Never => "Never",
        }
    }

    /// The moment the filter measures from, as of `now`.
    pub fn since(self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            Self::Day => Some(now - TimeDelta::days(1)),
            Self::Week => Some(now - TimeDelta::days(7)),
            Self::Month | Self::Dormant => Some(now - TimeDelta::days(30)),
            Self::Never => None,
        }
    }
}

text_enum! {
    /// The list's order.
    #[derive(Default)]
    pub enum UserSort {
        #[default]
        Newest => "newest",
        Oldest => "oldest",
        Email => "email",
        Name => "name",
    }
}

impl UserSort {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Newest => "Newest first",
            Self::Oldest => "Oldest first",
            Self::Email => "Email A–Z",
            Self::Name => "Name A–Z",
        }
    }
}

/// The search form as it arrives (every field text, empty meaning "any"), from the page's
/// address or a server call.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserForm {
    pub q: String,
    pub persona: String,
    pub status: String,
    pub tenant: String,
    pub role: String,
    pub signed_in: String,
    pub two_factor: String,
    pub sort: String,
    /// The last person of the previous page.
    pub after: String,
}

/// What the people list is searched for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserQuery {
    /// Words found in the email or name.
    pub text: String,
    pub persona: Option<Persona>,
    pub status: Option<UserStatus>,
    /// Members of this workspace.
    pub tenant: Option<Slug>,
    /// Holding this role (in the chosen workspace, or in any).
    pub role: Option<Role>,
    pub signed_in: Option<SignInFilter>,
    /// With (`true`) or without two-step sign-in.
    pub two_factor: Option<bool>,
    pub sort: UserSort,
    /// The page after this person.
    pub after: Option<UserId>,
}

impl UserForm {
    /// Reads the form, refusing each field that is not one the form offers.
    pub fn parse(&self) -> Result<UserQuery, ValidationError> {
        let text = search_text(&self.q, SEARCH_MAX)?;
        let tenant = match self.tenant.trim() {
            "" => None,
            other => Some(Slug::parse(other).map_err(|_| {
                ValidationError::new("tenant", format!("No workspace has the address “{other}”."))
            })?),
        };
        let two_factor = match self.two_factor.trim() {
            "" => None,
            "on" => Some(true),
            "off" => Some(false),
            _ => {
                return Err(ValidationError::new(
                    "two_factor",
                    "Choose on or off from the list.",
                ));
            }
        };
        let after = match self.after.trim() {
            "" => None,
            other => Some(other.parse::<UserId>().map_err(|_| {
                ValidationError::new("after", "This page of the list does not exist.")
            })?),
        };
        Ok(UserQuery {
            text,
            persona: choice("persona", &self.persona, "a persona")?,
            status: choice("status", &self.status, "a status")?,
            tenant,
            role: choice("role", &self.role, "a role")?,
            signed_in: choice("signed_in", &self.signed_in, "a sign-in period")?,
            two_factor,
            sort: choice("sort", &self.sort, "an order")?.unwrap_or_default(),
            after,
        })
    }
}

impl UserQuery {
    /// The search as a query string (without `after`), for the next page's link.
    pub fn to_query_string(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if !self.text.is_empty() {
            pairs.push(("q", self.text.clone()));
        }
        if let Some(persona) = self.persona {
            pairs.push(("persona", persona.as_str().to_owned()));
        }
        if let Some(status) = self.status {
            pairs.push(("status", status.as_str().to_owned()));
        }
        if let Some(tenant) = &self.tenant {
            pairs.push(("tenant", tenant.to_string()));
        }
        if let Some(role) = self.role {
            pairs.push(("role", role.as_str().to_owned()));
        }
        if let Some(signed_in) = self.signed_in {
            pairs.push(("signed_in", signed_in.as_str().to_owned()));
        }
        if let Some(on) = self.two_factor {
            pairs.push(("two_factor", if on { "on" } else { "off" }.to_owned()));
        }
        if self.sort != UserSort::default() {
            pairs.push(("sort", self.sort.as_str().to_owned()));
        }
        query_string(pairs)
    }
}

/// One person as the list shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserListing {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub personas: PersonaSet,
    pub status: UserStatus,
    pub created_at: DateTime<Utc>,
    pub last_sign_in_at: Option<DateTime<Utc>>,
    pub two_factor: bool,
    /// How many workspaces they belong to.
    pub workspaces: u32,
}

/// A page of the people list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsersPage {
    pub query: UserQuery,
    /// How many people the search matches in all.
    pub total: u64,
    pub people: Vec<UserListing>,
    /// The next page starts after this person.
    pub next: Option<UserId>,
}

/// Entries of a person's activity their page shows (the audit log has them all).
pub const ACTIVITY_LINES: u32 = 20;

/// The console's page about one person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonDetail {
    pub person: UserListing,
    /// The workspaces they belong to, with their role in each.
    pub workspaces: Vec<crate::accounts::Workspace>,
    /// Where they are signed in now.
    pub sessions: Vec<crate::accounts::SessionView>,
    /// The newest audit entries naming them, as actor or target.
    pub activity: Vec<crate::audit::AuditEntry>,
    /// What they used in each workspace over the last [`USAGE_DAYS`] days, by workspace
    /// and metric (from the daily roll-ups, which keep who each use was for).
    #[serde(default)]
    pub usage: Vec<PersonUsage>,
}

/// How far back a person's page sums their usage.
pub const USAGE_DAYS: i64 = 30;

/// One metric of one person's usage in one workspace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonUsage {
    pub workspace: String,
    pub slug: Slug,
    pub metric: crate::billing::Metric,
    pub quantity: u64,
    /// What the providers charged for it, in the workspace's plan currency.
    pub cost: crate::billing::Money,
}

text_enum! {
    /// The bulk actions the list offers (what each needs besides is in [`BulkChange`]).
    pub enum BulkAction {
        Activate => "activate",
        Deactivate => "deactivate",
        SignOutEverywhere => "sign_out_everywhere",
        ForcePasswordReset => "force_password_reset",
        GrantPersona => "grant_persona",
        RemovePersona => "remove_persona",
        ChangeRole => "change_role",
    }
}

impl BulkAction {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Activate => "Activate",
            Self::Deactivate => "Deactivate",
            Self::SignOutEverywhere => "Sign out everywhere",
            Self::ForcePasswordReset => "Force password reset",
            Self::GrantPersona => "Give a persona",
            Self::RemovePersona => "Take a persona away",
            Self::ChangeRole => "Change role in the workspace",
        }
    }
}

/// The personas the console gives and takes in bulk. Super Admin is not one of them: only
/// the command line makes a super admin.
pub const BULK_PERSONAS: [Persona; 2] = [Persona::Builder, Persona::EndUser];

/// What a bulk action does to each person, with what it needs: the persona given or taken,
/// the role set and the workspace it is held in. Parsed once, by the page before it asks for
/// a confirmation and by the server before it acts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum BulkChange {
    Activate,
    Deactivate,
    SignOutEverywhere,
    ForcePasswordReset,
    GrantPersona(Persona),
    RemovePersona(Persona),
    /// The role each member of the workspace gets; people who are not members are skipped.
    ChangeRole {
        tenant: Slug,
        role: Role,
    },
}

impl BulkChange {
    /// Reads the chosen action and what it needs: `persona` for giving or taking one, `role`
    /// for a role change, which is made in the workspace the search is filtered by.
    pub fn parse(
        action: &str,
        persona: &str,
        role: &str,
        search: &UserQuery,
    ) -> Result<Self, ValidationError> {
        let action = choice::<BulkAction>("action", action, "an action")?
            .ok_or_else(|| ValidationError::new("action", "Choose an action from the list."))?;
        let persona = || {
            let persona = choice::<Persona>("bulk_persona", persona, "a persona")?
                .ok_or_else(|| ValidationError::new("bulk_persona", "Choose a persona."))?;
            if BULK_PERSONAS.contains(&persona) {
                Ok(persona)
            } else {
                Err(ValidationError::new(
                    "bulk_persona",
                    "Super admins are made from the command line (atrium create-super-admin); the console does not give or take that persona.",
                ))
            }
        };
        Ok(match action {
            BulkAction::Activate => Self::Activate,
            BulkAction::Deactivate => Self::Deactivate,
            BulkAction::SignOutEverywhere => Self::SignOutEverywhere,
            BulkAction::ForcePasswordReset => Self::ForcePasswordReset,
            BulkAction::GrantPersona => Self::GrantPersona(persona()?),
            BulkAction::RemovePersona => Self::RemovePersona(persona()?),
            BulkAction::ChangeRole => {
                let tenant = search.tenant.clone().ok_or_else(|| {
                    ValidationError::new(
                        "bulk_role",
                        "Filter the list by a workspace address first: a role is held in one workspace.",
                    )
                })?;
                let role = choice::<Role>("bulk_role", role, "a role")?
                    .ok_or_else(|| ValidationError::new("bulk_role", "Choose the new role."))?;
                Self::ChangeRole { tenant, role }
            }
        })
    }

    pub const fn action(&self) -> BulkAction {
        match self {
            Self::Activate => BulkAction::Activate,
            Self::Deactivate => BulkAction::Deactivate,
            Self::SignOutEverywhere => BulkAction::SignOutEverywhere,
            Self::ForcePasswordReset => BulkAction::ForcePasswordReset,
            Self::GrantPersona(_) => BulkAction::GrantPersona,
            Self::RemovePersona(_) => BulkAction::RemovePersona,
            Self::ChangeRole { .. } => BulkAction::ChangeRole,
        }
    }

    /// The action in a few words, for the confirmation's question and the result's heading.
    pub fn title(&self) -> String {
        match self {
            Self::GrantPersona(persona) => format!("Give the {} persona", persona.label()),
            Self::RemovePersona(persona) => format!("Take the {} persona away", persona.label()),
            Self::ChangeRole { tenant, role } => {
                format!("Make {} in “{tenant}”", role.label())
            }
            other => other.action().label().to_owned(),
        }
    }

    /// The confirmation's question about `whom` (“the 3 people you selected”).
    pub fn question(&self, whom: &str) -> String {
        match self {
            Self::GrantPersona(persona) => {
                format!("Give the {} persona to {whom}?", persona.label())
            }
            Self::RemovePersona(persona) => {
                format!("Take the {} persona from {whom}?", persona.label())
            }
            Self::ChangeRole { tenant, role } => {
                format!(
                    "Change the role of {whom} in “{tenant}” to {}?",
                    role.label()
                )
            }
            other => format!("{} {whom}?", other.action().label()),
        }
    }

    /// The confirmation's button: an action with no object, then the count.
    pub fn verb(&self) -> &'static str {
        match self {
            Self::GrantPersona(_) => "Give to",
            Self::RemovePersona(_) => "Take from",
            Self::ChangeRole { .. } => "Change role for",
            other => other.action().label(),
        }
    }

    /// Whether it takes something away (its button is red).
    pub const fn harsh(&self) -> bool {
        matches!(
            self,
            Self::Deactivate | Self::ForcePasswordReset | Self::RemovePersona(_)
        )
    }

    /// What confirming it does, for the confirmation.
    pub fn consequence(&self) -> String {
        match self {
            Self::Activate => "They can sign in again.".to_owned(),
            Self::Deactivate => "They are signed out at once and cannot sign in or use their API tokens until activated again. Nothing of theirs is deleted.".to_owned(),
            Self::SignOutEverywhere => {
                "Every session they have ends; they can sign in again with their password.".to_owned()
            }
            Self::ForcePasswordReset => "Their password stops working and every session ends; each is emailed a link to choose a new one (it works for 60 minutes; after that, “Forgot your password?” sends another).".to_owned(),
            Self::GrantPersona(persona) => format!(
                "They can enter the {} workspaces they belong to or are invited to, and switch to that dashboard.",
                persona.label()
            ),
            Self::RemovePersona(persona) => format!(
                "At once they cannot enter {} workspaces (those pages tell them their account lacks the persona) until it is given back. Their memberships and everything in those workspaces stay.",
                persona.label()
            ),
            Self::ChangeRole { tenant, role } => format!(
                "Each of them who is a member of “{tenant}” gets the {} role there at once; anyone who is not a member is skipped, and the workspace always keeps at least one owner.",
                role.label()
            ),
        }
    }
}

text_enum! {
    /// What a bulk action did to one person.
    pub enum BulkOutcome {
        Changed => "changed",
        /// Already so (already active, no session to end).
        Unchanged => "unchanged",
        /// Left alone, with the reason in the line's note.
        Skipped => "skipped",
    }
}

/// One person's line in a bulk action's result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkLine {
    pub email: String,
    pub outcome: BulkOutcome,
    pub note: String,
}

/// What a bulk action did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkResult {
    pub change: BulkChange,
    pub changed: u64,
    pub unchanged: u64,
    pub skipped: u64,
    /// The skipped people first, then the others, at most [`RESULT_LINES_MAX`].
    pub lines: Vec<BulkLine>,
}

impl BulkResult {
    pub fn total(&self) -> u64 {
        self.changed + self.unchanged + self.skipped
    }
}

/// Which people a bulk action is for: the ticked ones, or everyone the search matches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BulkTargets {
    Selected(Vec<UserId>),
    /// Everyone the search matches; the count the confirmation stated.
    Matching(u64),
}

impl BulkTargets {
    /// Reads the ticked ids (space- or comma-separated) or, when none are given, the count
    /// the person confirmed for the whole search.
    pub fn parse(ids: &str, expected: &str) -> Result<Self, ValidationError> {
        let ids: Vec<&str> = ids
            .split([',', ' ', '\n'])
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .collect();
        if ids.is_empty() {
            let expected = expected.trim().parse::<u64>().map_err(|_| {
                ValidationError::new("expected", "Say how many people the action is for.")
            })?;
            return Ok(Self::Matching(expected));
        }
        if ids.len() > SELECTION_MAX {
            return Err(ValidationError::new(
                "ids",
                format!(
                    "Select at most {SELECTION_MAX} people, or apply the action to everyone the search matches."
                ),
            ));
        }
        let mut parsed = ids
            .into_iter()
            .map(|id| {
                id.parse::<UserId>()
                    .map_err(|_| ValidationError::new("ids", "The selection names no such person."))
            })
            .collect::<Result<Vec<_>, _>>()?;
        parsed.sort_unstable();
        parsed.dedup();
        Ok(Self::Selected(parsed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> UserForm {
        let mut form = UserForm::default();
        for (name, value) in pairs {
            let value = (*value).to_owned();
            match *name {
                "q" => form.q = value,
                "persona" => form.persona = value,
                "status" => form.status = value,
                "tenant" => form.tenant = value,
                "role" => form.role = value,
                "signed_in" => form.signed_in = value,
                "two_factor" => form.two_factor = value,
                "sort" => form.sort = value,
                "after" => form.after = value,
                other => panic!("no field {other}"),
            }
        }
        form
    }

    #[test]
    fn an_empty_form_lists_everyone_newest_first() {
        let query = UserForm::default().parse().unwrap();
        assert_eq!(query, UserQuery::default());
        assert_eq!(query.sort, UserSort::Newest);
        assert_eq!(query.to_query_string(), "");
    }

    #[test]
    fn every_filter_is_read_and_written_back() {
        let query = form(&[
            ("q", "  ann   smith "),
            ("persona", "builder"),
            ("status", "disabled"),
            ("tenant", "acme"),
            ("role", "viewer"),
            ("signed_in", "dormant"),
            ("two_factor", "off"),
            ("sort", "email"),
        ])
        .parse()
        .unwrap();
        assert_eq!(query.text, "ann smith");
        assert_eq!(query.persona, Some(Persona::Builder));
        assert_eq!(query.status, Some(UserStatus::Disabled));
        assert_eq!(query.role, Some(Role::Viewer));
        assert_eq!(query.signed_in, Some(SignInFilter::Dormant));
        assert_eq!(query.two_factor, Some(false));
        assert_eq!(
            query.to_query_string(),
            "q=ann%20smith&persona=builder&status=disabled&tenant=acme&role=viewer&signed_in=dormant&two_factor=off&sort=email"
        );
    }

    #[test]
    fn each_bad_field_is_named() {
        for (field, value) in [
            ("persona", "wizard"),
            ("status", "asleep"),
            ("tenant", "Not A Slug!"),
            ("role", "king"),
            ("signed_in", "yesterday"),
            ("two_factor", "maybe"),
            ("sort", "random"),
            ("after", "page-2"),
        ] {
            let err = form(&[(field, value)]).parse().unwrap_err();
            assert_eq!(err.field, field, "{value}");
        }
        let long = "x".repeat(SEARCH_MAX + 1);
        assert_eq!(form(&[("q", &long)]).parse().unwrap_err().field, "q");
    }

    #[test]
    fn targets_are_a_selection_or_a_confirmed_count() {
        let id = |n: u128| UserId::from_uuid(uuid::Uuid::from_u128(n + 1));
        let (a, b) = (id(1), id(2));
        let ids = format!("{a}, {b} {a}");
        match BulkTargets::parse(&ids, "").unwrap() {
            BulkTargets::Selected(ids) => assert_eq!(ids.len(), 2),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            BulkTargets::parse("", "37").unwrap(),
            BulkTargets::Matching(37)
        );
        assert_eq!(BulkTargets::parse("", "").unwrap_err().field, "expected");
        assert_eq!(BulkTargets::parse("nope", "").unwrap_err().field, "ids");
        let many = (0..=SELECTION_MAX)
            .map(|n| id(n as u128 + 10).to_string())
            .collect::<Vec<_>>()
            .join(",");
        assert_eq!(BulkTargets::parse(&many, "").unwrap_err().field, "ids");
    }

    #[test]
    fn a_bulk_change_names_what_it_needs() {
        let everyone = UserQuery::default();
        let acme = form(&[("tenant", "acme")]).parse().unwrap();
        assert_eq!(
            BulkChange::parse("deactivate", "", "", &everyone).unwrap(),
            BulkChange::Deactivate
        );
        assert_eq!(
            BulkChange::parse("grant_persona", "builder", "", &everyone).unwrap(),
            BulkChange::GrantPersona(Persona::Builder)
        );
        assert_eq!(
            BulkChange::parse("remove_persona", "end_user", "", &everyone)
                .unwrap()
                .title(),
            "Take the End User persona away"
        );
        let change = BulkChange::parse("change_role", "", "viewer", &acme).unwrap();
        assert_eq!(
            change,
            BulkChange::ChangeRole {
                tenant: Slug::parse("acme").unwrap(),
                role: Role::Viewer
            }
        );
        assert!(change.consequence().contains("“acme”"));
        assert_eq!(
            change.question("the 2 people you selected"),
            "Change the role of the 2 people you selected in “acme” to Viewer?"
        );
        assert_eq!(
            BulkChange::Deactivate.question("all 3 people this search matches"),
            "Deactivate all 3 people this search matches?"
        );
        for (action, persona, role, search, field) in [
            ("", "", "", &everyone, "action"),
            ("promote", "", "", &everyone, "action"),
            ("grant_persona", "", "", &everyone, "bulk_persona"),
            (
                "grant_persona",
                "super_admin",
                "",
                &everyone,
                "bulk_persona",
            ),
            (
                "remove_persona",
                "super_admin",
                "",
                &everyone,
                "bulk_persona",
            ),
            ("change_role", "", "viewer", &everyone, "bulk_role"),
            ("change_role", "", "", &acme, "bulk_role"),
            ("change_role", "", "king", &acme, "bulk_role"),
        ] {
            let err = BulkChange::parse(action, persona, role, search).unwrap_err();
            assert_eq!(err.field, field, "{action} {persona} {role}");
        }
    }

    #[test]
    fn sign_in_periods_measure_back_from_now() {
        let now = DateTime::<Utc>::from_timestamp(1_700_000_000, 0).unwrap();
        assert_eq!(
            SignInFilter::Week.since(now),
            Some(now - TimeDelta::days(7))
        );
        assert_eq!(SignInFilter::Never.since(now), None);
    }
}
