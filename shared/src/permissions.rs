//! Roles inside a tenant, the permissions they grant, and the platform's own permissions.
//!
//! This table is the whole access model: the server checks it through one guard, and the UI
//! reads it to hide what a person may not do.

use serde::{Deserialize, Serialize};

text_enum! {
    /// A member's role in one tenant, from most to least powerful.
    pub enum Role {
        Owner => "owner",
        Admin => "admin",
        Consultant => "consultant",
        Viewer => "viewer",
    }
}

text_enum! {
    pub enum Permission {
        /// See the workspace: its name, variant and your own role.
        TenantView => "tenant.view",
        /// See who the members are and their roles.
        MembersView => "members.view",
        /// Invite people and see or revoke pending invitations.
        MembersInvite => "members.invite",
        /// Change members' roles and remove members.
        MembersManage => "members.manage",
        /// Grant or take away the Owner role.
        OwnersManage => "owners.manage",
        /// Reset a member's two-factor sign-in when they lost their authenticator.
        MembersResetTwoFactor => "members.reset_two_factor",
        /// Set the workspace's security rules (require two-factor sign-in).
        SecurityManage => "tenant.security.manage",
        /// Read the workspace's audit log: who did what, when and from where.
        AuditView => "audit.view",
        /// See process templates, sessions, the orchestration queue and its analytics.
        SessionsView => "sessions.view",
        /// Create, edit, clone, start, pause, complete and archive sessions; approve steps.
        SessionsRun => "sessions.run",
        /// Retry or cancel jobs on the orchestration queue.
        JobsManage => "jobs.manage",
        /// Create and edit process templates, and see the webhook signing secret.
        TemplatesManage => "templates.manage",
        /// See the plan, usage against its limits, and what providers cost.
        BillingView => "billing.view",
        /// Change the organization's plan.
        PlanChange => "billing.plan.change",
        /// Pay the organization's invoices.
        InvoicesPay => "billing.invoices.pay",
        /// Report metered usage (tokens, API calls) from an integration.
        UsageReport => "usage.report",
        /// See the service catalog and the organization's services with their status.
        ServicesView => "services.view",
        /// Request services from the catalog and cancel them.
        ServicesRequest => "services.request",
        /// Keep your own provider keys (Groq, Deepgram, Twilio…) in the vault.
        VaultUse => "vault.use",
        /// See the organization's support tickets and their threads.
        TicketsView => "support.view",
        /// Open support tickets and write in them.
        TicketsOpen => "support.open",
        /// Answer, assign, close and reopen the organization's tickets.
        TicketsAnswer => "support.answer",
        /// See the builder workspace's widgets, their drafts and versions.
        WidgetsView => "widgets.view",
        /// Create widgets and save their drafts.
        WidgetsEdit => "widgets.edit",
        /// Publish widgets and roll them back (what customers' sites get).
        WidgetsPublish => "widgets.publish",
        /// See the contacts and feedback that visitors sent through widgets.
        SubmissionsView => "submissions.view",
        /// See the organization's customers (a builder) or builders (a customer), and the
        /// widgets deployed between them.
        CustomersView => "customers.view",
        /// Ask organizations to become customers, end links, deploy widgets for customers.
        CustomersManage => "customers.manage",
        /// Accept, decline or end a builder's link with this organization.
        BuildersApprove => "builders.approve",
        /// A visitor on a site that embeds a widget: send its form or feedback.
        WidgetSubmit => "widgets.submit",
        /// An embedded widget on a visitor's page: report its impressions, interactions,
        /// errors and load times.
        WidgetReport => "widgets.report",
        /// Super admin: see every tenant and user.
        PlatformView => "platform.view",
        /// Super admin: suspend and reactivate tenants.
        TenantsManage => "platform.tenants.manage",
        /// Super admin: activate, deactivate and sign out people, one by one or in bulk.
        UsersManage => "platform.users.manage",
        /// Super admin: read the emails kept while no SMTP server is configured.
        OutboxRead => "platform.outbox.read",
        /// Super admin: read and export the whole platform's audit log.
        AuditRead => "platform.audit.read",
        /// Super admin: edit the plans and a tenant's plan and limits.
        PlansManage => "platform.plans.manage",
        /// Super admin: define catalog services; approve, suspend, resume and cancel them.
        ServicesManage => "platform.services.manage",
        /// Super admin: grant, refund and expire a tenant's credits.
        CreditsManage => "platform.credits.manage",
        /// Super admin, and the platform's monthly run: issue the invoices of a closed month.
        InvoicesIssue => "platform.invoices.issue",
        /// Super admin: see and answer every organization's support tickets.
        SupportManage => "platform.support.manage",
        /// Super admin: see the platform as one person sees it, to help them (with a reason,
        /// for a limited time, shown to them afterwards).
        UsersImpersonate => "platform.users.impersonate",
        /// Super admin: acknowledge and resolve security alerts, block addresses and lift
        /// sign-in locks.
        ThreatsManage => "platform.security.manage",
    }
}

impl Permission {
    /// Completes "You may …" / "Your role does not allow you to …".
    pub const fn describe(self) -> &'static str {
        match self {
            Self::TenantView => "see this workspace",
            Self::MembersView => "see its members",
            Self::MembersInvite => "invite members",
            Self::MembersManage => "change members' roles or remove members",
            Self::OwnersManage => "grant or remove the Owner role",
            Self::MembersResetTwoFactor => "reset members' two-factor sign-in",
            Self::SecurityManage => "require two-factor sign-in of members",
            Self::AuditView => "read the workspace's audit log",
            Self::SessionsView => "see process sessions",
            Self::SessionsRun => "create or change process sessions",
            Self::JobsManage => "retry or cancel orchestration jobs",
            Self::TemplatesManage => "create or edit process templates",
            Self::BillingView => "see the plan and usage",
            Self::PlanChange => "change the organization's plan",
            Self::InvoicesPay => "pay the organization's invoices",
            Self::UsageReport => "report usage",
            Self::ServicesView => "see the organization's services",
            Self::ServicesRequest => "request or cancel services",
            Self::VaultUse => "keep provider keys in the vault",
            Self::TicketsView => "see support tickets",
            Self::TicketsOpen => "open or write in support tickets",
            Self::TicketsAnswer => "answer, assign or close support tickets",
            Self::WidgetsView => "see the workspace's widgets",
            Self::WidgetsEdit => "create widgets and edit their drafts",
            Self::WidgetsPublish => "publish widgets or roll them back",
            Self::SubmissionsView => "see the contacts and feedback sent through widgets",
            Self::CustomersView => "see the organization's customers or builders",
            Self::CustomersManage => "link customers and deploy widgets for them",
            Self::BuildersApprove => "accept, decline or end builders' links",
            Self::WidgetSubmit => "send a widget's form or feedback",
            Self::WidgetReport => "report a widget's usage",
            Self::PlatformView => "see every tenant and user",
            Self::TenantsManage => "suspend and reactivate tenants",
            Self::UsersManage => "activate, deactivate and sign out people",
            Self::OutboxRead => "read the outbox of unsent emails",
            Self::AuditRead => "read the platform's audit log",
            Self::PlansManage => "edit plans and tenants' limits",
            Self::ServicesManage => "manage the service catalog and activations",
            Self::CreditsManage => "grant, refund or expire credits",
            Self::InvoicesIssue => "issue invoices",
            Self::SupportManage => "answer every organization's support tickets",
            Self::UsersImpersonate => "impersonate people",
            Self::ThreatsManage => "act on security alerts, blocks and locks",
        }
    }

    /// Whether the permission only lets its holder look: what a read-only impersonation
    /// keeps of the person's role.
    pub const fn only_reads(self) -> bool {
        matches!(
            self,
            Self::TenantView
                | Self::MembersView
                | Self::AuditView
                | Self::SessionsView
                | Self::BillingView
                | Self::ServicesView
                | Self::TicketsView
                | Self::WidgetsView
                | Self::SubmissionsView
                | Self::CustomersView
                | Self::PlatformView
        )
    }
}

const OWNER: &[Permission] = &[
    Permission::TenantView,
    Permission::MembersView,
    Permission::MembersInvite,
    Permission::MembersManage,
    Permission::OwnersManage,
    Permission::MembersResetTwoFactor,
    Permission::SecurityManage,
    Permission::AuditView,
    Permission::SessionsView,
    Permission::SessionsRun,
    Permission::JobsManage,
    Permission::TemplatesManage,
    Permission::BillingView,
    Permission::PlanChange,
    Permission::InvoicesPay,
    Permission::UsageReport,
    Permission::ServicesView,
    Permission::ServicesRequest,
    Permission::VaultUse,
    Permission::TicketsView,
    Permission::TicketsOpen,
    Permission::TicketsAnswer,
    Permission::WidgetsView,
    Permission::WidgetsEdit,
    Permission::WidgetsPublish,
    Permission::SubmissionsView,
    Permission::CustomersView,
    Permission::CustomersManage,
    Permission::BuildersApprove,
];
const ADMIN: &[Permission] = &[
    Permission::TenantView,
    Permission::MembersView,
    Permission::MembersInvite,
    Permission::MembersManage,
    Permission::MembersResetTwoFactor,
    Permission::SessionsView,
    Permission::SessionsRun,
    Permission::JobsManage,
    Permission::TemplatesManage,
    Permission::BillingView,
    Permission::UsageReport,
    Permission::ServicesView,
    Permission::ServicesRequest,
    Permission::VaultUse,
    Permission::TicketsView,
    Permission::TicketsOpen,
    Permission::TicketsAnswer,
    Permission::WidgetsView,
    Permission::WidgetsEdit,
    Permission::WidgetsPublish,
    Permission::SubmissionsView,
    Permission::CustomersView,
    Permission::CustomersManage,
];
const CONSULTANT: &[Permission] = &[
    Permission::TenantView,
    Permission::MembersView,
    Permission::SessionsView,
    Permission::SessionsRun,
    Permission::JobsManage,
    Permission::BillingView,
    Permission::UsageReport,
    Permission::ServicesView,
    Permission::VaultUse,
    Permission::TicketsView,
    Permission::TicketsOpen,
    Permission::WidgetsView,
    Permission::WidgetsEdit,
    Permission::SubmissionsView,
    Permission::CustomersView,
];
const VIEWER: &[Permission] = &[
    Permission::TenantView,
    Permission::MembersView,
    Permission::SessionsView,
    Permission::BillingView,
    Permission::ServicesView,
    Permission::TicketsView,
    Permission::WidgetsView,
    Permission::SubmissionsView,
    Permission::CustomersView,
];

/// What the Super Admin persona holds at platform scope.
pub const SUPER_ADMIN: &[Permission] = &[
    Permission::PlatformView,
    Permission::TenantsManage,
    Permission::UsersManage,
    Permission::OutboxRead,
    Permission::AuditRead,
    Permission::PlansManage,
    Permission::ServicesManage,
    Permission::CreditsManage,
    Permission::InvoicesIssue,
    Permission::SupportManage,
    Permission::UsersImpersonate,
    Permission::ThreatsManage,
];

/// What an anonymous visitor holds on a site that embeds a published widget (admitted by the
/// widget's live version and its allowed sites, never by a session).
pub const VISITOR: &[Permission] = &[Permission::WidgetSubmit, Permission::WidgetReport];

/// What the platform's own scheduled work holds (the monthly invoice run), acting for no one.
pub const SYSTEM: &[Permission] = &[Permission::InvoicesIssue];

impl Role {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Owner => "Owner",
            Self::Admin => "Admin",
            Self::Consultant => "Consultant",
            Self::Viewer => "Viewer",
        }
    }

    pub const fn permissions(self) -> &'static [Permission] {
        match self {
            Self::Owner => OWNER,
            Self::Admin => ADMIN,
            Self::Consultant => CONSULTANT,
            Self::Viewer => VIEWER,
        }
    }

    pub fn can(self, permission: Permission) -> bool {
        self.permissions().contains(&permission)
    }
}

/// Why a member change is refused, decided from roles alone so the UI and the server agree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum MemberChangeRefusal {
    /// The actor lacks the permission for this change.
    NotAllowed(Permission),
    /// The change would leave the tenant without an owner.
    LastOwner,
}

impl MemberChangeRefusal {
    pub fn message(self, actor: Role) -> String {
        match self {
            Self::NotAllowed(p) => format!(
                "Your role ({}) does not allow you to {}.",
                actor.label(),
                p.describe()
            ),
            Self::LastOwner => {
                "Every organization needs at least one owner: make someone else an owner first."
                    .to_owned()
            }
        }
    }
}

/// Checks a role change (`to = Some(role)`) or a removal (`to = None`) of a member who
/// currently holds `from`, made by someone holding `actor`; `owners` is how many owners the
/// tenant has now.
pub fn check_member_change(
    actor: Role,
    from: Role,
    to: Option<Role>,
    owners: usize,
) -> Result<(), MemberChangeRefusal> {
    if !actor.can(Permission::MembersManage) {
        return Err(MemberChangeRefusal::NotAllowed(Permission::MembersManage));
    }
    let touches_owner = from == Role::Owner || to == Some(Role::Owner);
    if touches_owner && !actor.can(Permission::OwnersManage) {
        return Err(MemberChangeRefusal::NotAllowed(Permission::OwnersManage));
    }
    let loses_owner = from == Role::Owner && to != Some(Role::Owner);
    if loses_owner && owners <= 1 {
        return Err(MemberChangeRefusal::LastOwner);
    }
    Ok(())
}

/// Checks resetting the second factor of a member holding `target`, by someone holding
/// `actor`: the same rule as role changes — only owners touch owners.
pub fn check_two_factor_reset(actor: Role, target: Role) -> Result<(), MemberChangeRefusal> {
    if !actor.can(Permission::MembersResetTwoFactor) {
        return Err(MemberChangeRefusal::NotAllowed(
            Permission::MembersResetTwoFactor,
        ));
    }
    if target == Role::Owner && !actor.can(Permission::OwnersManage) {
        return Err(MemberChangeRefusal::NotAllowed(Permission::OwnersManage));
    }
    Ok(())
}

/// The roles `actor` may hand out in an invitation or a role change.
pub fn assignable_roles(actor: Role) -> Vec<Role> {
    Role::ALL
        .iter()
        .copied()
        .filter(|r| {
            actor.can(Permission::MembersInvite)
                && (*r != Role::Owner || actor.can(Permission::OwnersManage))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_nested() {
        for p in Role::Viewer.permissions() {
            assert!(Role::Consultant.can(*p));
        }
        for p in Role::Consultant.permissions() {
            assert!(Role::Admin.can(*p));
        }
        for p in Role::Admin.permissions() {
            assert!(Role::Owner.can(*p));
        }
        assert!(!Role::Viewer.can(Permission::MembersInvite));
        assert!(!Role::Admin.can(Permission::OwnersManage));
        assert!(
            !Role::Owner.can(Permission::TenantsManage),
            "platform powers are not tenant roles"
        );
    }

    #[test]
    fn a_viewer_only_reads_and_reading_changes_nothing() {
        for p in Role::Viewer.permissions() {
            assert!(p.only_reads(), "{p:?}");
        }
        for p in [
            Permission::MembersInvite,
            Permission::SessionsRun,
            Permission::TicketsOpen,
            Permission::VaultUse,
            Permission::WidgetsEdit,
            Permission::UsersImpersonate,
        ] {
            assert!(!p.only_reads(), "{p:?}");
        }
    }

    #[test]
    fn only_owners_reset_owners_second_factor() {
        use MemberChangeRefusal::*;
        assert_eq!(check_two_factor_reset(Role::Admin, Role::Viewer), Ok(()));
        assert_eq!(
            check_two_factor_reset(Role::Admin, Role::Owner),
            Err(NotAllowed(Permission::OwnersManage))
        );
        assert_eq!(check_two_factor_reset(Role::Owner, Role::Owner), Ok(()));
        assert_eq!(
            check_two_factor_reset(Role::Consultant, Role::Viewer),
            Err(NotAllowed(Permission::MembersResetTwoFactor))
        );
    }

    #[test]
    fn member_changes_follow_the_rules() {
        use MemberChangeRefusal::*;
        assert_eq!(
            check_member_change(Role::Viewer, Role::Viewer, Some(Role::Admin), 1),
            Err(NotAllowed(Permission::MembersManage))
        );
        assert_eq!(
            check_member_change(Role::Admin, Role::Owner, Some(Role::Viewer), 2),
            Err(NotAllowed(Permission::OwnersManage))
        );
        assert_eq!(
            check_member_change(Role::Admin, Role::Viewer, Some(Role::Owner), 1),
            Err(NotAllowed(Permission::OwnersManage))
        );
        assert_eq!(
            check_member_change(Role::Owner, Role::Owner, None, 1),
            Err(LastOwner)
        );
        assert_eq!(
            check_member_change(Role::Owner, Role::Owner, Some(Role::Admin), 1),
            Err(LastOwner)
        );
        assert_eq!(
            check_member_change(Role::Owner, Role::Owner, Some(Role::Admin), 2),
            Ok(())
        );
        assert_eq!(
            check_member_change(Role::Admin, Role::Viewer, Some(Role::Consultant), 1),
            Ok(())
        );
        assert_eq!(
            check_member_change(Role::Admin, Role::Consultant, None, 1),
            Ok(())
        );
        assert!(
            LastOwner
                .message(Role::Owner)
                .contains("at least one owner")
        );
        assert!(
            NotAllowed(Permission::MembersManage)
                .message(Role::Viewer)
                .contains("Viewer")
        );
    }

    #[test]
    fn assignable_roles_depend_on_the_actor() {
        assert_eq!(assignable_roles(Role::Owner), Role::ALL.to_vec());
        assert_eq!(
            assignable_roles(Role::Admin),
            vec![Role::Admin, Role::Consultant, Role::Viewer]
        );
        assert!(assignable_roles(Role::Viewer).is_empty());
    }
}
