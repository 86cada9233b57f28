//! The console's tenants: every workspace on the platform, searched, filtered and paged by
//! super admins, who also create them and edit their name and variant.
//!
//! The search form and the edit forms are parsed once, here, for the page and the server.

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::billing::PlanTier;
use crate::email::Email;
use crate::error::AppError;
use crate::ids::TenantId;
use crate::names::TenantName;
use crate::platform::{PlatformVariant, TenantStatus};
use crate::slug::Slug;
use crate::tenants::TenantRow;
use crate::validation::{ValidationError, choice, query_string, search_text};

/// Tenants on one page of the list.
pub const PAGE_SIZE: u32 = 50;
/// Longest search text.
pub const SEARCH_MAX: usize = 100;
/// Most tenants one CSV download holds (the first that match, in the search's order).
pub const CSV_MAX_ROWS: u32 = 100_000;
/// Members a tenant's page lists (the users console, filtered by the tenant, has them all).
pub const MEMBERS_SHOWN: u32 = 50;

text_enum! {
    /// The list's order.
    #[derive(Default)]
    pub enum TenantSort {
        #[default]
        Newest => "newest",
        Oldest => "oldest",
        Name => "name",
    }
}

impl TenantSort {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Newest => "Newest first",
            Self::Oldest => "Oldest first",
            Self::Name => "Name A–Z",
        }
    }
}

/// The search form as it arrives (every field text, empty meaning "any").
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TenantForm {
    pub q: String,
    pub status: String,
    pub variant: String,
    pub plan: String,
    pub sort: String,
    /// The last tenant of the previous page.
    pub after: String,
}

/// What the tenant list is searched for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantQuery {
    /// Words found in the name or the address.
    pub text: String,
    pub status: Option<TenantStatus>,
    pub variant: Option<PlatformVariant>,
    pub plan: Option<PlanTier>,
    pub sort: TenantSort,
    /// The page after this tenant.
    pub after: Option<TenantId>,
}

impl TenantForm {
    /// Reads the form, refusing each field that is not one the form offers.
    pub fn parse(&self) -> Result<TenantQuery, ValidationError> {
        let after = match self.after.trim() {
            "" => None,
            other => Some(other.parse::<TenantId>().map_err(|_| {
                ValidationError::new("after", "This page of the list does not exist.")
            })?),
        };
        Ok(TenantQuery {
            text: search_text(&self.q, SEARCH_MAX)?,
            status: choice("status", &self.status, "a status")?,
            variant: choice("variant", &self.variant, "a variant")?,
            plan: choice("plan", &self.plan, "a plan")?,
            sort: choice("sort", &self.sort, "an order")?.unwrap_or_default(),
            after,
        })
    }
}

impl TenantQuery {
    /// The search as a query string (without `after`), for the next page's link.
    pub fn to_query_string(&self) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if !self.text.is_empty() {
            pairs.push(("q", self.text.clone()));
        }
        if let Some(status) = self.status {
            pairs.push(("status", status.as_str().to_owned()));
        }
        if let Some(variant) = self.variant {
            pairs.push(("variant", variant.as_str().to_owned()));
        }
        if let Some(plan) = self.plan {
            pairs.push(("plan", plan.as_str().to_owned()));
        }
        if self.sort != TenantSort::default() {
            pairs.push(("sort", self.sort.as_str().to_owned()));
        }
        query_string(pairs)
    }
}

/// A page of the tenant list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantsPage {
    pub query: TenantQuery,
    /// How many tenants the search matches in all.
    pub total: u64,
    pub tenants: Vec<TenantRow>,
    /// The next page starts after this tenant.
    pub next: Option<TenantId>,
}

/// How many tenants there are, by status, variant and plan.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantCounts {
    pub total: u64,
    pub by_status: Vec<(TenantStatus, u64)>,
    pub by_variant: Vec<(PlatformVariant, u64)>,
    pub by_plan: Vec<(PlanTier, u64)>,
}

/// The console's page about one tenant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantDetail {
    pub row: TenantRow,
    /// Its members, owners first, at most [`MEMBERS_SHOWN`] (the row counts them all).
    pub members: Vec<crate::members::MemberView>,
    /// Invitations not yet accepted, revoked or expired.
    pub open_invitations: Vec<crate::members::InvitationView>,
    pub branding: crate::branding::Branding,
    /// Its logo's version, when it has one.
    pub logo: Option<String>,
    /// When its data was last exported (a deletion needs one within [`EXPORT_FRESH_HOURS`]).
    pub last_export: Option<DateTime<Utc>>,
    /// What is left to do before it can be deleted ([`deletion_blocker`]), if anything.
    pub deletion_blocker: Option<String>,
    /// Each feature: what its plan says, and what the console switched.
    pub features: Vec<crate::billing::FeatureState>,
}

/// A new tenant as the console's form sends it: its owner is invited by email.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewTenantForm {
    pub name: TenantName,
    /// Chosen address; derived from the name when left empty.
    pub slug: Option<Slug>,
    pub variant: PlatformVariant,
    pub owner: Email,
}

impl NewTenantForm {
    pub fn parse(
        name: &str,
        slug: &str,
        variant: &str,
        owner: &str,
    ) -> Result<Self, ValidationError> {
        Ok(Self {
            name: TenantName::parse(name).map_err(|e| e.for_field("name"))?,
            slug: match slug.trim() {
                "" => None,
                other => Some(Slug::parse(other).map_err(|e| e.for_field("slug"))?),
            },
            variant: choice("variant", variant, "a variant")?
                .ok_or_else(|| ValidationError::new("variant", "Choose a variant."))?,
            owner: Email::parse(owner).map_err(|e| e.for_field("owner"))?,
        })
    }
}

/// A tenant's name and variant as the console's edit form sends them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TenantEdit {
    pub name: TenantName,
    pub variant: PlatformVariant,
}

impl TenantEdit {
    pub fn parse(name: &str, variant: &str) -> Result<Self, ValidationError> {
        Ok(Self {
            name: TenantName::parse(name).map_err(|e| e.for_field("name"))?,
            variant: choice("variant", variant, "a variant")?
                .ok_or_else(|| ValidationError::new("variant", "Choose a variant."))?,
        })
    }

    /// Refuses a variant of the other kind: an organization cannot become a builder
    /// workspace (or the reverse), since its members, projects and customers belong to one.
    pub fn check_variant(&self, from: PlatformVariant) -> Result<(), ValidationError> {
        if self.variant.persona() == from.persona() {
            return Ok(());
        }
        let allowed: Vec<&str> = PlatformVariant::ALL
            .iter()
            .filter(|v| v.persona() == from.persona())
            .map(|v| v.label())
            .collect();
        Err(ValidationError::new(
            "variant",
            format!(
                "{} is a variant for {} workspaces; this one can be {}.",
                self.variant.label(),
                self.variant.persona().label().to_lowercase(),
                allowed.join(" or "),
            ),
        ))
    }
}

/// How long an export counts as the one taken before deleting: a tenant is deleted only
/// within this many hours of its data being exported.
pub const EXPORT_FRESH_HOURS: i64 = 24;

/// What must hold before a tenant is deleted, checked by the page (to say what is left to
/// do) and the server (to refuse): it is suspended, so its members are already out, and its
/// data was exported within the last [`EXPORT_FRESH_HOURS`] hours.
pub fn deletion_blocker(
    status: TenantStatus,
    last_export: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<&'static str> {
    if status != TenantStatus::Suspended {
        return Some(
            "Suspend the tenant first, so its members are signed out of it before it goes.",
        );
    }
    match last_export {
        Some(at) if now - at <= TimeDelta::hours(EXPORT_FRESH_HOURS) => None,
        Some(_) => Some("Its last export is more than a day old: export its data again first."),
        None => Some("Export its data first: deleting cannot be undone."),
    }
}

/// A deletion as the console's form sends it: the tenant's address typed again, and the
/// conditions of [`deletion_blocker`].
pub fn check_deletion(
    typed: &str,
    slug: &Slug,
    status: TenantStatus,
    last_export: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if typed.trim() != slug.as_str() {
        return Err(ValidationError::new(
            "confirm",
            format!("Type the tenant's address, “{slug}”, to confirm."),
        )
        .into());
    }
    match deletion_blocker(status, last_export, now) {
        Some(reason) => Err(AppError::conflict(reason)),
        None => Ok(()),
    }
}

/// Where a tenant's export downloads from (super admins).
pub fn export_path(slug: &Slug) -> String {
    format!("/api/v1/platform/tenants/{slug}/export")
}

/// The export's file name: the tenant and the minute it was taken.
pub fn export_file_name(slug: &Slug, at: DateTime<Utc>) -> String {
    format!("atrium-{slug}-{}.jsonl", at.format("%Y%m%d-%H%M"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_search_form_is_read_once_and_refuses_what_it_does_not_offer() {
        let form = TenantForm {
            q: "  acme   corp ".into(),
            status: "suspended".into(),
            variant: "agency".into(),
            plan: "pro".into(),
            sort: "name".into(),
            after: String::new(),
        };
        let query = form.parse().unwrap();
        assert_eq!(query.text, "acme corp");
        assert_eq!(query.status, Some(TenantStatus::Suspended));
        assert_eq!(query.variant, Some(PlatformVariant::Agency));
        assert_eq!(query.plan, Some(PlanTier::Pro));
        assert_eq!(query.sort, TenantSort::Name);
        assert_eq!(
            query.to_query_string(),
            "q=acme%20corp&status=suspended&variant=agency&plan=pro&sort=name"
        );
        assert_eq!(
            TenantForm::default().parse().unwrap(),
            TenantQuery::default()
        );

        let bad = TenantForm {
            plan: "platinum".into(),
            ..TenantForm::default()
        };
        let err = bad.parse().unwrap_err();
        assert_eq!(
            (err.field.as_str(), err.reason.as_str()),
            ("plan", "Choose a plan from the list.")
        );
        let bad = TenantForm {
            after: "nope".into(),
            ..TenantForm::default()
        };
        assert_eq!(bad.parse().unwrap_err().field, "after");
    }

    #[test]
    fn a_new_tenant_names_each_bad_field() {
        let ok = NewTenantForm::parse(" Umbrella  Co ", "", "enterprise", "ceo@umbrella.example")
            .unwrap();
        assert_eq!(ok.name.as_str(), "Umbrella Co");
        assert_eq!(ok.slug, None);
        assert_eq!(ok.variant, PlatformVariant::Enterprise);
        let chosen = NewTenantForm::parse("U", "umbrella", "standard", "a@b.example").unwrap();
        assert_eq!(chosen.slug.unwrap().as_str(), "umbrella");
        for (fields, field) in [
            (["", "", "standard", "a@b.example"], "name"),
            (["U", "Not A Slug!", "standard", "a@b.example"], "slug"),
            (["U", "", "", "a@b.example"], "variant"),
            (["U", "", "galactic", "a@b.example"], "variant"),
            (["U", "", "standard", "nobody"], "owner"),
        ] {
            let err = NewTenantForm::parse(fields[0], fields[1], fields[2], fields[3]).unwrap_err();
            assert_eq!(err.field, field, "{fields:?}");
        }
    }

    #[test]
    fn a_variant_changes_within_its_kind_only() {
        let edit = TenantEdit::parse("Acme", "enterprise").unwrap();
        assert_eq!(edit.check_variant(PlatformVariant::Standard), Ok(()));
        let edit = TenantEdit::parse("Acme", "agency").unwrap();
        let err = edit.check_variant(PlatformVariant::Standard).unwrap_err();
        assert_eq!(err.field, "variant");
        assert_eq!(
            err.reason,
            "Agency is a variant for builder workspaces; this one can be Standard or Enterprise."
        );
        assert_eq!(TenantEdit::parse(" ", "agency").unwrap_err().field, "name");
    }

    #[test]
    fn a_tenant_is_deleted_only_suspended_freshly_exported_and_named_again() {
        let slug = Slug::parse("acme").unwrap();
        let now = DateTime::parse_from_rfc3339("2026-12-04T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let hour_ago = Some(now - TimeDelta::hours(1));
        let ok = check_deletion(" acme ", &slug, TenantStatus::Suspended, hour_ago, now);
        assert_eq!(ok, Ok(()));
        let typo = check_deletion("acm", &slug, TenantStatus::Suspended, hour_ago, now);
        assert!(matches!(typo, Err(AppError::Invalid { ref field, .. }) if field == "confirm"));
        let active = check_deletion("acme", &slug, TenantStatus::Active, hour_ago, now);
        assert!(
            matches!(active, Err(AppError::Conflict { ref reason }) if reason.contains("Suspend"))
        );
        let never = check_deletion("acme", &slug, TenantStatus::Suspended, None, now);
        assert!(
            matches!(never, Err(AppError::Conflict { ref reason }) if reason.contains("Export"))
        );
        let stale = Some(now - TimeDelta::hours(EXPORT_FRESH_HOURS) - TimeDelta::minutes(1));
        let old = check_deletion("acme", &slug, TenantStatus::Suspended, stale, now);
        assert!(matches!(old, Err(AppError::Conflict { ref reason }) if reason.contains("again")));
        assert_eq!(
            export_file_name(&slug, now),
            "atrium-acme-20261204-1200.jsonl"
        );
        assert_eq!(export_path(&slug), "/api/v1/platform/tenants/acme/export");
    }
}
