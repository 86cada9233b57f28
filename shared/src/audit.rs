//! Reading the append-only audit log: the search form (parsed once, here, for the page, the
//! CSV download and the server alike) and the entries as people read them.
//!
//! Super admins read the whole platform's log; a workspace's owners read the entries of
//! their own workspace. Nothing here, or anywhere, edits or deletes an entry.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::AuditId;
use crate::slug::Slug;
use crate::tenants::TenantSummary;
use crate::validation::{ValidationError, query_string, search_text};

/// Entries on one page of the log.
pub const PAGE_SIZE: u32 = 50;
/// Most entries one CSV download holds (the newest that match).
pub const CSV_MAX_ROWS: u32 = 50_000;
/// Longest search text.
pub const SEARCH_MAX: usize = 100;

/// The areas an action belongs to, by the part of its name before the dot (`member` of
/// `member.role_changed`), with the label the filter shows. Every action the server records
/// has its area here (a test in `services` checks it).
pub const AREAS: &[(&str, &str)] = &[
    ("auth", "Sign-in and account security"),
    ("member", "Members"),
    ("invitation", "Invitations"),
    ("tenant", "Workspace settings, plan and credits"),
    ("platform", "Platform administration"),
    ("api_token", "API tokens"),
    ("vault", "API-key vault"),
    ("service", "Services"),
    ("invoice", "Invoices and payments"),
    ("ticket", "Support tickets"),
    ("template", "Process templates"),
    ("session", "Process sessions"),
    ("job", "Orchestration jobs"),
    ("widget", "Widgets"),
    ("customer_link", "Customer links"),
    ("implementation", "Deployments"),
    ("project", "Projects"),
    ("marketplace", "Marketplace"),
];

/// The label of an area, if it is one.
pub fn area_label(area: &str) -> Option<&'static str> {
    AREAS
        .iter()
        .find(|(key, _)| *key == area)
        .map(|(_, label)| *label)
}

/// The area of an action name (`member` of `member.role_changed`).
pub fn area_of(action: &str) -> &str {
    action.split_once('.').map_or(action, |(area, _)| area)
}

/// What the log is searched for. Empty fields of the form mean "any".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditQuery {
    /// Words found, as typed, in the action, target, actor's email, address or details.
    pub text: String,
    /// Only actions of this area (a key of [`AREAS`]).
    pub area: Option<String>,
    /// Only this workspace (the console's filter; a workspace's own log is its own already).
    pub tenant: Option<Slug>,
    /// From the start of this day (UTC).
    pub from: Option<NaiveDate>,
    /// To the end of this day (UTC).
    pub to: Option<NaiveDate>,
    /// Entries older than this one (the next page).
    pub before: Option<AuditId>,
}

fn date(field: &str, value: &str) -> Result<Option<NaiveDate>, ValidationError> {
    match value.trim() {
        "" => Ok(None),
        other => NaiveDate::parse_from_str(other, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| ValidationError::new(field, "Give a date as YYYY-MM-DD.")),
    }
}

impl AuditQuery {
    /// Reads the search form: `q`, `area`, `tenant`, `from`, `to` and `before`.
    pub fn parse(
        text: &str,
        area: &str,
        tenant: &str,
        from: &str,
        to: &str,
        before: &str,
    ) -> Result<Self, ValidationError> {
        let text = search_text(text, SEARCH_MAX)?;
        let area = match area.trim() {
            "" => None,
            other if area_label(other).is_some() => Some(other.to_owned()),
            _ => {
                return Err(ValidationError::new(
                    "area",
                    "Choose an area from the list.",
                ));
            }
        };
        let tenant = match tenant.trim() {
            "" => None,
            other => Some(Slug::parse(other).map_err(|_| {
                ValidationError::new("tenant", format!("No workspace has the address “{other}”."))
            })?),
        };
        let (from, to) = (date("from", from)?, date("to", to)?);
        if let (Some(from), Some(to)) = (from, to)
            && from > to
        {
            return Err(ValidationError::new(
                "to",
                "The end date is before the start date.",
            ));
        }
        let before = match before.trim() {
            "" => None,
            other => Some(other.parse::<AuditId>().map_err(|_| {
                ValidationError::new("before", "This page of the log does not exist.")
            })?),
        };
        Ok(Self {
            text,
            area,
            tenant,
            from,
            to,
            before,
        })
    }

    /// The earliest moment an entry may have.
    pub fn since(&self) -> Option<DateTime<Utc>> {
        self.from
            .map(|d| d.and_time(chrono::NaiveTime::MIN).and_utc())
    }

    /// The moment every entry is before (the day after `to` begins).
    pub fn until(&self) -> Option<DateTime<Utc>> {
        self.to.map(|d| {
            (d + TimeDelta::days(1))
                .and_time(chrono::NaiveTime::MIN)
                .and_utc()
        })
    }

    /// The search as a query string (without `before`), for the CSV link and the next page.
    pub fn to_query_string(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if !self.text.is_empty() {
            pairs.push(("q", self.text.clone()));
        }
        if let Some(area) = &self.area {
            pairs.push(("area", area.clone()));
        }
        if let Some(tenant) = &self.tenant {
            pairs.push(("tenant", tenant.to_string()));
        }
        if let Some(from) = self.from {
            pairs.push(("from", from.to_string()));
        }
        if let Some(to) = self.to {
            pairs.push(("to", to.to_string()));
        }
        query_string(pairs)
    }
}

/// One entry as it is read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: AuditId,
    pub at: DateTime<Utc>,
    /// The person who acted (their email), or nobody (the system, an unknown address).
    pub actor: Option<String>,
    /// Whom they acted for: the person a super admin was impersonating (their email).
    #[serde(default)]
    pub on_behalf_of: Option<String>,
    /// The workspace it happened in, if any.
    pub tenant: Option<TenantSummary>,
    /// e.g. `member.role_changed`.
    pub action: String,
    /// What it was done to (a person's email, a ticket number…).
    pub target: Option<String>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// What changed (before and after, amounts, reasons), as the compact JSON stored.
    pub details: String,
}

/// A page of the log, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    /// The workspace whose log this is (`None`: the platform's).
    pub tenant: Option<TenantSummary>,
    pub query: AuditQuery,
    pub entries: Vec<AuditEntry>,
    /// Older entries match: the page after this one starts before this entry.
    pub next: Option<AuditId>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn an_empty_form_searches_everything() {
        let q = AuditQuery::parse("", "", "", "", "", "").unwrap();
        assert_eq!(q, AuditQuery::default());
        assert_eq!(q.to_query_string(), "");
        assert_eq!((q.since(), q.until()), (None, None));
    }

    #[test]
    fn each_field_is_read_once_with_its_own_message() {
        let q = AuditQuery::parse(
            "  role   changed ",
            "member",
            "acme",
            "2026-12-01",
            "2026-12-03",
            "",
        )
        .unwrap();
        assert_eq!(q.text, "role changed");
        assert_eq!(q.area.as_deref(), Some("member"));
        assert_eq!(q.tenant.as_ref().map(Slug::as_str), Some("acme"));
        assert_eq!(q.since().unwrap().to_rfc3339(), "2026-12-01T00:00:00+00:00");
        // The end day is included: everything before the next day starts.
        assert_eq!(q.until().unwrap().to_rfc3339(), "2026-12-04T00:00:00+00:00");
        assert_eq!(
            q.to_query_string(),
            "q=role%20changed&area=member&tenant=acme&from=2026-12-01&to=2026-12-03"
        );

        let refused = |form: [&str; 6]| {
            AuditQuery::parse(form[0], form[1], form[2], form[3], form[4], form[5])
                .unwrap_err()
                .field
        };
        assert_eq!(refused(["", "billing-ish", "", "", "", ""]), "area");
        assert_eq!(refused(["", "", "Not A Slug!", "", "", ""]), "tenant");
        assert_eq!(refused(["", "", "", "3 Dec", "", ""]), "from");
        assert_eq!(refused(["", "", "", "", "2026-13-01", ""]), "to");
        assert_eq!(refused(["", "", "", "2026-12-03", "2026-12-01", ""]), "to");
        assert_eq!(refused(["", "", "", "", "", "not-an-id"]), "before");
        assert_eq!(
            refused([&"x".repeat(SEARCH_MAX + 1), "", "", "", "", ""]),
            "q"
        );
    }

    #[test]
    fn areas_are_named_by_the_part_before_the_dot() {
        assert_eq!(area_of("member.role_changed"), "member");
        assert_eq!(area_of("plain"), "plain");
        assert_eq!(area_label("auth"), Some("Sign-in and account security"));
        assert_eq!(area_label("nothing"), None);
    }

    proptest! {
        #[test]
        fn no_form_makes_the_parser_panic(
            q in ".{0,120}", area in ".{0,20}", tenant in ".{0,40}",
            from in ".{0,12}", to in ".{0,12}", before in ".{0,40}",
        ) {
            if let Ok(query) = AuditQuery::parse(&q, &area, &tenant, &from, &to, &before) {
                // What it writes back reads the same (without the page position).
                let again = query.to_query_string();
                prop_assert!(!again.contains(' '));
            }
        }
    }
}
