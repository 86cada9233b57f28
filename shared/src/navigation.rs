//! What a workspace's members find where: the entries of its navigation and the panels of
//! its home, in the order its platform variant gives them. A variant leads with its main
//! job — a Standard organization with the services it buys, an Enterprise one with the
//! processes it runs and who may do what, a Partner with what it sells and earns, an Agency
//! with the customers it delivers for — and never hides what its kind may use: every
//! variant of a kind lists the same entries, in its own order.

use crate::permissions::Permission;
use crate::platform::PlatformVariant;

/// An entry of a workspace's navigation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Area {
    Home,
    Members,
    Widgets,
    Customers,
    Projects,
    Marketplace,
    Builders,
    Contacts,
    CommandCenter,
    Templates,
    Services,
    Billing,
    Support,
    ApiKeys,
    AuditLog,
}

impl Area {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Home => "Home",
            Self::Members => "Members",
            Self::Widgets => "Widgets",
            Self::Customers => "Customers",
            Self::Projects => "Projects",
            Self::Marketplace => "Marketplace",
            Self::Builders => "Builders",
            Self::Contacts => "Contacts",
            Self::CommandCenter => "Command center",
            Self::Templates => "Templates",
            Self::Services => "Services",
            Self::Billing => "Plan & usage",
            Self::Support => "Support",
            Self::ApiKeys => "API keys",
            Self::AuditLog => "Audit log",
        }
    }

    /// Its address under the workspace's (`/app/acme` + this); empty for the home.
    pub const fn path(self) -> &'static str {
        match self {
            Self::Home => "",
            Self::Members => "/members",
            Self::Widgets => "/widgets",
            Self::Customers => "/customers",
            Self::Projects => "/projects",
            Self::Marketplace => "/marketplace",
            Self::Builders => "/builders",
            Self::Contacts => "/contacts",
            Self::CommandCenter => "/command-center",
            Self::Templates => "/templates",
            Self::Services => "/services",
            Self::Billing => "/billing",
            Self::Support => "/support",
            Self::ApiKeys => "/api-keys",
            Self::AuditLog => "/audit",
        }
    }

    /// The permission a member's role needs for the entry to be listed (the page itself
    /// checks it again); `None`: every member sees it.
    pub const fn permission(self) -> Option<Permission> {
        match self {
            Self::ApiKeys => Some(Permission::VaultUse),
            Self::AuditLog => Some(Permission::AuditView),
            _ => None,
        }
    }
}

/// A panel of a workspace's home.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Panel {
    /// Two-step sign-in among the members, the organization's requirement and the audit
    /// log's activity.
    Governance,
    /// The organization's services and their live status.
    Services,
    /// This month's meters against the plan.
    Usage,
    /// Revenue from customers, commissions earned and their months.
    Earnings,
    /// Customers, deployed widgets and the open projects.
    Delivery,
    /// The members by role, your role and the workspace's facts.
    Team,
}

use Area::*;

const STANDARD: &[Area] = &[
    Home,
    Services,
    Billing,
    Support,
    CommandCenter,
    Templates,
    Contacts,
    Builders,
    Members,
    ApiKeys,
    AuditLog,
];
const ENTERPRISE: &[Area] = &[
    Home,
    CommandCenter,
    Templates,
    Contacts,
    Members,
    AuditLog,
    Services,
    Builders,
    ApiKeys,
    Billing,
    Support,
];
const PARTNER: &[Area] = &[
    Home,
    Widgets,
    Marketplace,
    Customers,
    Projects,
    Contacts,
    CommandCenter,
    Templates,
    Members,
    Services,
    Billing,
    Support,
    ApiKeys,
    AuditLog,
];
const AGENCY: &[Area] = &[
    Home,
    Customers,
    Projects,
    Widgets,
    Contacts,
    CommandCenter,
    Templates,
    Marketplace,
    Members,
    Services,
    Billing,
    Support,
    ApiKeys,
    AuditLog,
];

impl PlatformVariant {
    /// The workspace's navigation, in order.
    pub const fn areas(self) -> &'static [Area] {
        match self {
            Self::Standard => STANDARD,
            Self::Enterprise => ENTERPRISE,
            Self::Partner => PARTNER,
            Self::Agency => AGENCY,
        }
    }

    /// The workspace's home, panel by panel.
    pub const fn panels(self) -> &'static [Panel] {
        match self {
            Self::Standard => &[Panel::Services, Panel::Usage, Panel::Team],
            Self::Enterprise => &[
                Panel::Governance,
                Panel::Services,
                Panel::Usage,
                Panel::Team,
            ],
            Self::Partner => &[Panel::Earnings, Panel::Delivery, Panel::Team],
            Self::Agency => &[Panel::Delivery, Panel::Earnings, Panel::Team],
        }
    }

    pub fn shows(self, panel: Panel) -> bool {
        self.panels().contains(&panel)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    fn set(areas: &[Area]) -> HashSet<Area> {
        areas.iter().copied().collect()
    }

    #[test]
    fn variants_of_a_kind_list_the_same_entries_each_once_in_their_own_order() {
        for variant in PlatformVariant::ALL {
            let areas = variant.areas();
            assert_eq!(areas[0], Home, "{variant:?}");
            assert_eq!(set(areas).len(), areas.len(), "{variant:?} lists each once");
        }
        let (standard, enterprise) = (PlatformVariant::Standard, PlatformVariant::Enterprise);
        let (partner, agency) = (PlatformVariant::Partner, PlatformVariant::Agency);
        assert_eq!(set(standard.areas()), set(enterprise.areas()));
        assert_eq!(set(partner.areas()), set(agency.areas()));
        assert_ne!(standard.areas(), enterprise.areas());
        assert_ne!(partner.areas(), agency.areas());
        // What only one kind has: builders build widgets for customers, organizations hire
        // builders.
        for only in [Widgets, Customers, Projects, Marketplace] {
            assert!(partner.areas().contains(&only) && !standard.areas().contains(&only));
        }
        assert!(standard.areas().contains(&Builders) && !agency.areas().contains(&Builders));
        assert_eq!(standard.areas()[1], Services);
        assert_eq!(enterprise.areas()[1], CommandCenter);
        assert_eq!(partner.areas()[1], Widgets);
        assert_eq!(agency.areas()[1], Customers);
    }

    #[test]
    fn each_variant_leads_its_home_with_its_job_and_keeps_the_team_last() {
        assert_eq!(PlatformVariant::Enterprise.panels()[0], Panel::Governance);
        assert!(!PlatformVariant::Standard.shows(Panel::Governance));
        assert_eq!(PlatformVariant::Partner.panels()[0], Panel::Earnings);
        assert_eq!(PlatformVariant::Agency.panels()[0], Panel::Delivery);
        for variant in PlatformVariant::ALL {
            assert_eq!(variant.panels().last(), Some(&Panel::Team));
            let builder = variant.persona() == crate::personas::Persona::Builder;
            assert_eq!(variant.shows(Panel::Earnings), builder, "{variant:?}");
            assert_eq!(variant.shows(Panel::Usage), !builder, "{variant:?}");
        }
    }

    #[test]
    fn only_the_entries_some_roles_lack_need_a_permission() {
        assert_eq!(ApiKeys.permission(), Some(Permission::VaultUse));
        assert_eq!(AuditLog.permission(), Some(Permission::AuditView));
        assert_eq!(Home.permission(), None);
        assert_eq!(Home.path(), "");
        assert_eq!(Billing.path(), "/billing");
        assert_eq!(Billing.label(), "Plan & usage");
    }
}
