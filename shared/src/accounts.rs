//! The signed-in person: who they are, where they belong, which sessions they have.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::email::Email;
use crate::ids::{SessionId, UserId};
use crate::names::PersonName;
use crate::permissions::Role;
use crate::personas::{Persona, PersonaSet};
use crate::platform::TenantStatus;
use crate::tenants::TenantSummary;

/// A workspace the person belongs to, with their role there.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workspace {
    pub tenant: TenantSummary,
    pub role: Role,
    /// When the workspace requires two-factor sign-in: the end of the grace period for
    /// members without it.
    pub two_factor_required_by: Option<DateTime<Utc>>,
    /// The grace period was over when this was loaded.
    pub two_factor_overdue: bool,
    /// Its white-label branding, applied to its pages.
    #[serde(default)]
    pub branding: crate::branding::Branding,
    /// Its logo's version ([`crate::branding::logo_path`]), when it has one.
    #[serde(default)]
    pub logo: Option<String>,
}

/// Everything the navigation needs about the signed-in person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub user_id: UserId,
    pub email: Email,
    pub name: PersonName,
    pub personas: PersonaSet,
    pub workspaces: Vec<Workspace>,
    pub two_factor_enabled: bool,
    pub email_verified: bool,
    /// Set while a super admin impersonates this person (the banner on every page).
    #[serde(default)]
    pub impersonation: Option<crate::impersonation::ImpersonationView>,
}

/// Why someone has to set up two-factor sign-in, and by when.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TwoFactorDuty {
    /// Who asks: "Acme Corp", or the platform for super admins.
    pub required_by: String,
    /// Until when they are still let in without it; `None`: not at all.
    pub deadline: Option<DateTime<Utc>>,
    /// They are no longer let in without it.
    pub overdue: bool,
}

impl Me {
    /// The earliest two-factor requirement this person has not met, if any. Super admins
    /// must always use two-factor sign-in.
    pub fn two_factor_duty(&self) -> Option<TwoFactorDuty> {
        if self.two_factor_enabled {
            return None;
        }
        if self.personas.contains(Persona::SuperAdmin) {
            return Some(TwoFactorDuty {
                required_by: "The platform console".to_owned(),
                deadline: None,
                overdue: true,
            });
        }
        self.workspaces
            .iter()
            .filter_map(|w| w.two_factor_required_by.map(|by| (w, by)))
            .min_by_key(|(_, by)| *by)
            .map(|(w, by)| TwoFactorDuty {
                required_by: w.tenant.name.to_string(),
                deadline: Some(by),
                overdue: w.two_factor_overdue,
            })
    }

    /// The workspace of this person's at `slug`, if they belong to it.
    pub fn workspace(&self, slug: &str) -> Option<&Workspace> {
        self.workspaces
            .iter()
            .find(|w| w.tenant.slug.as_str() == slug)
    }

    /// The workspaces that belong under a persona's dashboard.
    pub fn workspaces_for(&self, persona: Persona) -> impl Iterator<Item = &Workspace> {
        self.workspaces.iter().filter(move |w| {
            w.tenant.variant.persona() == persona && self.personas.contains(persona)
        })
    }

    /// Where a persona's dashboard starts for this person, if they can use it.
    pub fn persona_home(&self, persona: Persona) -> Option<String> {
        match persona {
            Persona::SuperAdmin => self
                .personas
                .contains(Persona::SuperAdmin)
                .then(|| Persona::SuperAdmin.url_prefix().to_owned()),
            _ => self
                .workspaces_for(persona)
                .find(|w| w.tenant.status == TenantStatus::Active)
                .or_else(|| self.workspaces_for(persona).next())
                .map(|w| w.tenant.home_path()),
        }
    }

    /// Personas this person can switch to (those with somewhere to land).
    pub fn usable_personas(&self) -> Vec<Persona> {
        Persona::ALL
            .iter()
            .copied()
            .filter(|p| self.persona_home(*p).is_some())
            .collect()
    }

    /// Where to go after signing in: the console for super admins, else the first
    /// workspace, else the account page.
    pub fn home_path(&self) -> String {
        Persona::ALL
            .iter()
            .find_map(|p| self.persona_home(*p))
            .unwrap_or_else(|| "/account".to_owned())
    }
}

/// One of the person's signed-in sessions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    pub id: SessionId,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub ip: Option<String>,
    pub device: String,
    pub current: bool,
}

/// Turns a User-Agent header into the few words a person recognizes: "Chrome on Linux".
pub fn describe_device(user_agent: &str) -> String {
    let ua = user_agent.to_ascii_lowercase();
    let browser = [
        ("edg/", "Edge"),
        ("opr/", "Opera"),
        ("firefox/", "Firefox"),
        ("headlesschrome", "Headless Chrome"),
        ("chrome/", "Chrome"),
        ("chromium/", "Chromium"),
        ("safari/", "Safari"),
        ("curl/", "curl"),
    ]
    .iter()
    .find(|(needle, _)| ua.contains(needle))
    .map(|(_, name)| *name);
    let os = [
        ("android", "Android"),
        ("iphone", "iOS"),
        ("ipad", "iPadOS"),
        ("windows", "Windows"),
        ("mac os", "macOS"),
        ("cros", "ChromeOS"),
        ("linux", "Linux"),
    ]
    .iter()
    .find(|(needle, _)| ua.contains(needle))
    .map(|(_, name)| *name);
    match (browser, os) {
        (Some(b), Some(o)) => format!("{b} on {o}"),
        (Some(b), None) => b.to_owned(),
        (None, Some(o)) => format!("Browser on {o}"),
        (None, None) if ua.trim().is_empty() => "Unknown device".to_owned(),
        (None, None) => "Other client".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::TenantId;
    use crate::names::TenantName;
    use crate::platform::PlatformVariant;
    use crate::slug::Slug;

    fn workspace(slug: &str, variant: PlatformVariant) -> Workspace {
        Workspace {
            tenant: TenantSummary {
                id: TenantId::from_uuid(uuid::Uuid::nil()),
                slug: Slug::parse(slug).unwrap(),
                name: TenantName::parse(slug).unwrap(),
                variant,
                status: TenantStatus::Active,
            },
            role: Role::Owner,
            two_factor_required_by: None,
            two_factor_overdue: false,
            branding: crate::branding::Branding::default(),
            logo: None,
        }
    }

    #[test]
    fn homes_follow_personas_and_workspaces() {
        let mut me = Me {
            user_id: UserId::from_uuid(uuid::Uuid::nil()),
            email: Email::parse("max@example.com").unwrap(),
            name: PersonName::parse("Max").unwrap(),
            personas: PersonaSet::new([Persona::Builder, Persona::EndUser]),
            workspaces: vec![
                workspace("acme", PlatformVariant::Standard),
                workspace("northwind", PlatformVariant::Agency),
            ],
            two_factor_enabled: false,
            email_verified: true,
            impersonation: None,
        };
        assert_eq!(me.home_path(), "/builder/northwind");
        assert_eq!(
            me.persona_home(Persona::EndUser).as_deref(),
            Some("/app/acme")
        );
        assert_eq!(
            me.usable_personas(),
            vec![Persona::Builder, Persona::EndUser]
        );
        assert_eq!(
            me.workspace("northwind").map(|w| w.tenant.variant),
            Some(PlatformVariant::Agency)
        );
        assert!(me.workspace("globex").is_none(), "not a member there");
        me.personas = PersonaSet::new([Persona::EndUser]);
        assert_eq!(
            me.home_path(),
            "/app/acme",
            "a workspace needs the matching persona"
        );
        me.workspaces.clear();
        assert_eq!(me.home_path(), "/account");
    }

    #[test]
    fn the_earliest_two_factor_requirement_is_the_duty() {
        let at = |d: i64| DateTime::<Utc>::from_timestamp(1_700_000_000 + d * 86_400, 0).unwrap();
        let mut acme = workspace("acme", PlatformVariant::Standard);
        acme.two_factor_required_by = Some(at(7));
        let mut globex = workspace("globex", PlatformVariant::Enterprise);
        globex.two_factor_required_by = Some(at(3));
        let mut me = Me {
            user_id: UserId::from_uuid(uuid::Uuid::nil()),
            email: Email::parse("max@example.com").unwrap(),
            name: PersonName::parse("Max").unwrap(),
            personas: PersonaSet::new([Persona::EndUser]),
            workspaces: vec![
                acme,
                globex,
                workspace("initech", PlatformVariant::Standard),
            ],
            two_factor_enabled: false,
            email_verified: true,
            impersonation: None,
        };
        let duty = me.two_factor_duty().unwrap();
        assert_eq!(duty.required_by, "globex");
        assert_eq!(duty.deadline, Some(at(3)));
        me.personas = PersonaSet::new([Persona::EndUser, Persona::SuperAdmin]);
        assert_eq!(
            me.two_factor_duty().unwrap().deadline,
            None,
            "no grace for super admins"
        );
        me.two_factor_enabled = true;
        assert_eq!(me.two_factor_duty(), None);
    }

    #[test]
    fn devices_are_described_plainly() {
        let chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";
        assert_eq!(describe_device(chrome), "Chrome on Linux");
        assert_eq!(describe_device("curl/8.5"), "curl");
        assert_eq!(describe_device(""), "Unknown device");
    }
}
