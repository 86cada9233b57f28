//! The one permission check.
//!
//! A request becomes a [`Caller`] when its session is valid. To touch a tenant's data the
//! caller must be admitted by [`enter_tenant`], which yields a [`TenantAccess`]; platform
//! data needs a [`PlatformAccess`] from [`enter_platform`]. Both are the only keys to the
//! storage layer's [`TenantData`](crate::storage::TenantData) and
//! [`PlatformData`](crate::storage::PlatformData), and [`require`] checks a permission
//! against either — for pages, server functions, REST handlers, WebSocket topics and jobs
//! alike.

use chrono::{DateTime, Utc};
use shared::AppError;
use shared::api_tokens::ApiScope;
use shared::customers::LinkStatus;
use shared::email::Email;
use shared::ids::{ApiTokenId, ImpersonationId, SessionId, TenantId, UserId};
use shared::ids::{ImplementationId, WidgetId};
use shared::names::PersonName;
use shared::permissions::{Permission, Role, SUPER_ADMIN, SYSTEM, VISITOR};
use shared::personas::{Persona, PersonaSet};
use shared::platform::TenantStatus;
use shared::slug::Slug;
use shared::tenants::{TenantSummary, TwoFactorPolicy};
use shared::widgets::{AllowedOrigin, WidgetConfig};
use tracing::instrument;

use crate::error::Result;
use crate::storage::Store;

/// A person with a valid session, as established by the session layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    pub user_id: UserId,
    pub session_id: SessionId,
    pub email: Email,
    pub name: PersonName,
    pub personas: PersonaSet,
    /// When the person last proved who they are in this session (sign-in or step-up).
    pub authenticated_at: DateTime<Utc>,
    /// Whether the person signs in with a second factor.
    pub has_two_factor: bool,
    /// Whether the person confirmed their email address.
    pub email_verified: bool,
    /// Set when the request came with an API token: it reaches one workspace, and only
    /// what its scopes allow there.
    pub token: Option<TokenGrant>,
    /// Set while a super admin impersonates this person: the caller is the person, and
    /// this is who is really at the keyboard.
    pub impersonator: Option<Impersonator>,
}

/// The super admin behind an impersonation, and its terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Impersonator {
    pub impersonation: ImpersonationId,
    pub user_id: UserId,
    pub email: Email,
    pub name: PersonName,
    /// Only what lets its holder look is kept of the person's roles.
    pub read_only: bool,
    pub expires_at: DateTime<Utc>,
}

/// What an API token lets its holder do: one workspace, some scopes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenGrant {
    pub id: ApiTokenId,
    pub tenant: TenantId,
    pub scopes: Vec<ApiScope>,
}

impl Caller {
    pub fn is_super_admin(&self) -> bool {
        self.personas.contains(Persona::SuperAdmin)
    }

    /// Refuses while someone impersonates the person: their sign-in, email, second factor,
    /// sessions, devices and tokens are theirs alone to change.
    pub fn in_person(&self) -> Result<()> {
        match &self.impersonator {
            None => Ok(()),
            Some(by) => Err(AppError::forbidden(format!(
                "While impersonating {}, {} cannot change their sign-in, email, two-factor, sessions or tokens.",
                self.name, by.name
            ))
            .into()),
        }
    }

    /// Refuses during a read-only impersonation: for the person's own changes that no
    /// workspace role governs (marking notifications read).
    pub fn may_change(&self) -> Result<()> {
        match &self.impersonator {
            Some(by) if by.read_only => Err(AppError::forbidden(
                "This impersonation is read-only: nothing can be changed.",
            )
            .into()),
            _ => Ok(()),
        }
    }
}

/// Proof that a caller is a member of a tenant that is running, with their role there.
#[derive(Clone, Debug)]
pub struct TenantAccess {
    caller: Caller,
    tenant: TenantSummary,
    role: Role,
    tenant_created_at: DateTime<Utc>,
    two_factor: TwoFactorPolicy,
    /// An API token's scopes, when the caller came with one.
    scopes: Option<Vec<ApiScope>>,
}

impl TenantAccess {
    pub fn tenant_id(&self) -> TenantId {
        self.tenant.id
    }

    pub fn tenant(&self) -> &TenantSummary {
        &self.tenant
    }

    pub fn role(&self) -> Role {
        self.role
    }

    pub fn caller(&self) -> &Caller {
        &self.caller
    }

    pub fn tenant_created_at(&self) -> DateTime<Utc> {
        self.tenant_created_at
    }

    pub fn two_factor_policy(&self) -> TwoFactorPolicy {
        self.two_factor
    }
}

/// Proof that a caller holds the Super Admin persona.
#[derive(Clone, Debug)]
pub struct PlatformAccess {
    caller: Caller,
}

impl PlatformAccess {
    pub fn caller(&self) -> &Caller {
        &self.caller
    }
}

/// Proof that work runs on the platform's own schedule (the monthly invoice run) rather
/// than for a person: it holds [`SYSTEM`]'s permissions and nothing else.
#[derive(Clone, Debug)]
pub struct SystemAccess {
    job: &'static str,
}

impl SystemAccess {
    pub fn job(&self) -> &'static str {
        self.job
    }
}

/// Admits the platform's scheduled work named `job`; only the server's own tasks call it.
pub(crate) fn enter_system(job: &'static str) -> SystemAccess {
    SystemAccess { job }
}

impl Grants for SystemAccess {
    fn holds(&self, permission: Permission) -> bool {
        SYSTEM.contains(&permission)
    }

    fn holder(&self) -> String {
        format!("The platform's {} run", self.job)
    }
}

/// Proof that an anonymous visitor reaches a published widget: its workspace is running,
/// and the site showing it — when the browser names one — is among the sites its live version
/// allows. Holds [`VISITOR`]'s permissions in that workspace, for that widget, and nothing else.
#[derive(Clone, Debug)]
pub struct EmbedAccess {
    tenant: TenantId,
    /// Where what visitors send is kept: the customer's workspace when they came through
    /// an implementation, else the widget's own.
    records: TenantId,
    implementation: Option<ImplementationId>,
    widget: WidgetId,
    version: i32,
    config: WidgetConfig,
    site: Option<AllowedOrigin>,
}

impl EmbedAccess {
    pub fn tenant_id(&self) -> TenantId {
        self.tenant
    }

    pub fn widget(&self) -> WidgetId {
        self.widget
    }

    /// The workspace that keeps what visitors send (contacts, feedback) and whose services a
    /// status badge lists: the customer's, for a widget deployed for one.
    pub fn records_tenant(&self) -> TenantId {
        self.records
    }

    /// The deployment for a customer the visitor came through, if any.
    pub fn implementation(&self) -> Option<ImplementationId> {
        self.implementation
    }

    /// The live version the visitor gets.
    pub fn version(&self) -> i32 {
        self.version
    }

    pub fn config(&self) -> &WidgetConfig {
        &self.config
    }

    /// The site showing the widget, when the browser said which.
    pub fn site(&self) -> Option<&AllowedOrigin> {
        self.site.as_ref()
    }
}

impl Grants for EmbedAccess {
    fn holds(&self, permission: Permission) -> bool {
        VISITOR.contains(&permission)
    }

    fn holder(&self) -> String {
        "A visitor of an embedded widget".to_owned()
    }
}

/// Admits a visitor to the published widget `widget` on the site `site` (the embedding
/// page's origin as the browser gave it; `None` when it gave none — the widget's document is
/// then still framed only by the sites its `frame-ancestors` names), through the customer
/// deployment `implementation` when the embed code names one. A widget that does not exist,
/// one never published, and a deployment of another widget are the same "not found"; a
/// suspended workspace's widgets (the builder's or the customer's), a paused or retired
/// deployment and one whose link ended are "not available", saying nothing of why.
#[instrument(skip_all, fields(%widget))]
pub async fn enter_embed(
    store: &Store,
    widget: WidgetId,
    implementation: Option<ImplementationId>,
    site: Option<&str>,
) -> Result<EmbedAccess> {
    let unavailable = || AppError::forbidden("This widget is not available right now.");
    let (live, serving) = match implementation {
        None => (store.live_widget(widget).await?, None),
        Some(id) => {
            let (live, serving) =
                tokio::try_join!(store.live_widget(widget), store.serving_implementation(id))?;
            (live, serving.filter(|s| s.widget == widget))
        }
    };
    let live = live.ok_or_else(|| AppError::not_found("This widget"))?;
    if implementation.is_some() && serving.is_none() {
        return Err(AppError::not_found("This widget").into());
    }
    if live.tenant_status == TenantStatus::Suspended {
        return Err(unavailable().into());
    }
    let records = match serving {
        None => live.tenant_id,
        Some(s) => {
            if !s.status.serves_visitors()
                || s.link_status != LinkStatus::Active
                || s.customer_status == TenantStatus::Suspended
            {
                return Err(unavailable().into());
            }
            s.customer
        }
    };
    // Drawn as the editor's preview draws it: with the workspace's branding applied.
    let config = WidgetConfig::parse(&live.config)
        .map_err(|e| anyhow::anyhow!("stored widget version {widget}/{}: {e:?}", live.version))?
        .branded(&live.branding());
    let site = match site {
        None => None,
        Some(site) => {
            let allowed = config
                .allowed_origins
                .iter()
                .find(|o| o.matches(site))
                .cloned();
            if allowed.is_none() {
                metrics::counter!("atrium_widget_origin_refused_total").increment(1);
                return Err(AppError::forbidden(format!(
                    "This widget may not be shown on {site}: it is not one of the sites the widget allows."
                ))
                .into());
            }
            allowed
        }
    };
    Ok(EmbedAccess {
        tenant: live.tenant_id,
        records,
        implementation,
        widget,
        version: live.version,
        config,
        site,
    })
}

/// A scope in which permissions are held: a tenant (through a role) or the platform.
pub trait Grants {
    fn holds(&self, permission: Permission) -> bool;
    /// Who holds these grants, for refusals: "Your role (Viewer)".
    fn holder(&self) -> String;
}

impl Grants for TenantAccess {
    fn holds(&self, permission: Permission) -> bool {
        self.role.can(permission)
            && self
                .scopes
                .as_ref()
                .is_none_or(|scopes| scopes.iter().any(|s| s.permission() == permission))
            && self
                .caller
                .impersonator
                .as_ref()
                .is_none_or(|by| !by.read_only || permission.only_reads())
    }

    fn holder(&self) -> String {
        if self
            .caller
            .impersonator
            .as_ref()
            .is_some_and(|by| by.read_only)
            && self.role.can(Permission::TenantView)
        {
            return "This read-only impersonation".to_owned();
        }
        match &self.scopes {
            Some(scopes) if self.role.can(Permission::TenantView) => {
                format!("This API token (scopes: {})", ApiScope::list_text(scopes))
            }
            _ => format!("Your role ({})", self.role.label()),
        }
    }
}

impl Grants for PlatformAccess {
    fn holds(&self, permission: Permission) -> bool {
        SUPER_ADMIN.contains(&permission)
    }

    fn holder(&self) -> String {
        "The Super Admin persona".to_owned()
    }
}

/// Refuses unless the scope grants `permission`.
pub fn require(scope: &impl Grants, permission: Permission) -> Result<()> {
    if scope.holds(permission) {
        return Ok(());
    }
    metrics::counter!("atrium_permission_denied_total", "permission" => permission.as_str())
        .increment(1);
    Err(AppError::forbidden(format!(
        "{} does not allow you to {}.",
        scope.holder(),
        permission.describe()
    ))
    .into())
}

/// Admits a caller to the tenant with this slug. Someone who is not a member learns nothing
/// (the same "not found" as for a tenant that does not exist).
#[instrument(skip_all, fields(slug))]
pub async fn enter_tenant(store: &Store, caller: &Caller, slug: &str) -> Result<TenantAccess> {
    let not_found = || AppError::not_found(format!("The workspace “{slug}”"));
    let slug = Slug::parse(slug).map_err(|_| not_found())?;
    let membership = store
        .membership_by_slug(caller.user_id, &slug)
        .await?
        .ok_or_else(not_found)?;
    admit(caller, membership)
}

/// Admits a caller to the tenant with this id: for work that names its tenant by id (jobs,
/// webhook callbacks, live topics), under exactly the rules of [`enter_tenant`].
#[instrument(skip_all, fields(tenant = %tenant))]
pub async fn enter_tenant_by_id(
    store: &Store,
    caller: &Caller,
    tenant: TenantId,
) -> Result<TenantAccess> {
    let membership = store
        .memberships_of(caller.user_id)
        .await?
        .iter()
        .find(|m| m.tenant.id == tenant)
        .cloned()
        .ok_or_else(|| AppError::not_found("The workspace"))?;
    admit(caller, membership)
}

fn admit(
    caller: &Caller,
    membership: crate::storage::tenants::MembershipLookup,
) -> Result<TenantAccess> {
    // A token reaches its own workspace only; any other is as unknown as to a stranger.
    if let Some(token) = &caller.token
        && token.tenant != membership.tenant.id
    {
        return Err(
            AppError::not_found(format!("The workspace “{}”", membership.tenant.slug)).into(),
        );
    }
    let persona = membership.tenant.variant.persona();
    if !caller.personas.contains(persona) {
        return Err(AppError::forbidden(format!(
            "{} is a {} workspace, and your account does not have the {} persona.",
            membership.tenant.name,
            persona.label(),
            persona.label()
        ))
        .into());
    }
    if membership.tenant.status == TenantStatus::Suspended {
        return Err(AppError::TenantSuspended {
            tenant: membership.tenant.name.to_string(),
        }
        .into());
    }
    let two_factor = membership.two_factor_policy();
    if !caller.has_two_factor
        && two_factor
            .deadline()
            .is_some_and(|deadline| deadline <= crate::time::now())
    {
        return Err(AppError::TwoFactorRequired {
            tenant: membership.tenant.name.to_string(),
        }
        .into());
    }
    Ok(TenantAccess {
        caller: caller.clone(),
        tenant: membership.tenant,
        role: membership.role,
        tenant_created_at: membership.tenant_created_at,
        two_factor,
        scopes: caller.token.as_ref().map(|t| t.scopes.clone()),
    })
}

/// The person a background job acts for, as a caller without a session: the job then passes
/// the same permission check that person would (an account deactivated, a membership
/// removed or a role lowered since the job was queued stops it). Such a caller never passes
/// step-up.
#[instrument(skip_all, fields(user = %user))]
pub async fn acting_for(store: &Store, user: UserId) -> Result<Caller> {
    let record = store
        .user_by_id(user)
        .await?
        .filter(|u| u.status == shared::platform::UserStatus::Active)
        .ok_or_else(|| {
            AppError::forbidden("The person this work acts for no longer has an active account.")
        })?;
    Ok(Caller {
        user_id: record.id,
        session_id: SessionId::from_uuid(uuid::Uuid::nil()),
        email: record.email,
        name: record.name,
        personas: record.personas,
        authenticated_at: DateTime::<Utc>::UNIX_EPOCH,
        has_two_factor: store.has_two_factor(record.id).await?,
        email_verified: true,
        token: None,
        impersonator: None,
    })
}

/// The caller an API token stands for: its person, limited to the token's workspace and
/// scopes; `None` when the person's account is no longer active.
pub fn acting_by_token(token: &crate::storage::api_tokens::TokenLookup) -> Option<Caller> {
    (token.status == shared::platform::UserStatus::Active).then(|| Caller {
        user_id: token.user_id,
        session_id: SessionId::from_uuid(uuid::Uuid::nil()),
        email: token.email.clone(),
        name: token.name.clone(),
        personas: token.personas.clone(),
        authenticated_at: DateTime::<Utc>::UNIX_EPOCH,
        has_two_factor: token.has_two_factor,
        email_verified: true,
        token: Some(TokenGrant {
            id: token.id,
            tenant: token.tenant_id,
            scopes: token.scopes(),
        }),
        impersonator: None,
    })
}

/// Admits a super admin to platform-wide data. Super admins must always sign in with a
/// second factor: until they set one up, the console stays closed.
pub fn enter_platform(caller: &Caller) -> Result<PlatformAccess> {
    if caller.token.is_some() {
        return Err(AppError::forbidden("API tokens cannot reach the platform console.").into());
    }
    if caller.impersonator.is_some() {
        return Err(AppError::forbidden(
            "End the impersonation to return to the platform console.",
        )
        .into());
    }
    if !caller.is_super_admin() {
        return Err(AppError::forbidden("The platform console is only for super admins.").into());
    }
    if !caller.has_two_factor {
        return Err(AppError::TwoFactorRequired {
            tenant: "The platform console".to_owned(),
        }
        .into());
    }
    Ok(PlatformAccess {
        caller: caller.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::names::TenantName;
    use shared::platform::PlatformVariant;
    use uuid::Uuid;

    fn caller(personas: &[Persona]) -> Caller {
        Caller {
            user_id: UserId::from_uuid(Uuid::nil()),
            session_id: SessionId::from_uuid(Uuid::nil()),
            email: Email::parse("v@acme.example").unwrap(),
            name: PersonName::parse("V").unwrap(),
            personas: PersonaSet::new(personas.iter().copied()),
            authenticated_at: Utc::now(),
            has_two_factor: true,
            email_verified: true,
            token: None,
            impersonator: None,
        }
    }

    fn access(role: Role) -> TenantAccess {
        TenantAccess {
            caller: caller(&[Persona::EndUser]),
            tenant: TenantSummary {
                id: TenantId::from_uuid(Uuid::nil()),
                slug: Slug::parse("acme").unwrap(),
                name: TenantName::parse("Acme").unwrap(),
                variant: PlatformVariant::Standard,
                status: TenantStatus::Active,
            },
            role,
            tenant_created_at: Utc::now(),
            two_factor: TwoFactorPolicy {
                required_since: None,
                grace_days: 7,
            },
            scopes: None,
        }
    }

    #[test]
    fn require_follows_the_role_table() {
        assert!(require(&access(Role::Admin), Permission::MembersInvite).is_ok());
        let err = require(&access(Role::Viewer), Permission::MembersInvite).unwrap_err();
        let app = err.app().unwrap();
        assert_eq!(app.status(), 403);
        assert_eq!(
            app.to_string(),
            "Your role (Viewer) does not allow you to invite members."
        );
        assert!(require(&access(Role::Owner), Permission::TenantsManage).is_err());
    }

    #[test]
    fn only_super_admins_enter_the_platform() {
        assert!(enter_platform(&caller(&[Persona::Builder])).is_err());
        let mut without_second_factor = caller(&[Persona::SuperAdmin]);
        without_second_factor.has_two_factor = false;
        let err = enter_platform(&without_second_factor).unwrap_err();
        assert_eq!(
            err.app(),
            Some(&AppError::TwoFactorRequired {
                tenant: "The platform console".into()
            })
        );
        let platform = enter_platform(&caller(&[Persona::SuperAdmin])).unwrap();
        assert!(require(&platform, Permission::TenantsManage).is_ok());
        assert!(require(&platform, Permission::MembersInvite).is_err());
    }

    #[test]
    fn a_read_only_impersonation_keeps_only_what_looks() {
        let mut owner = access(Role::Owner);
        let by = Impersonator {
            impersonation: ImpersonationId::from_uuid(Uuid::nil()),
            user_id: UserId::from_uuid(Uuid::nil()),
            email: Email::parse("ops@atrium.example").unwrap(),
            name: PersonName::parse("Ops").unwrap(),
            read_only: true,
            expires_at: Utc::now(),
        };
        owner.caller.impersonator = Some(by.clone());
        assert!(require(&owner, Permission::AuditView).is_ok());
        let err = require(&owner, Permission::MembersInvite).unwrap_err();
        assert_eq!(
            err.app().unwrap().to_string(),
            "This read-only impersonation does not allow you to invite members."
        );
        assert!(owner.caller.may_change().is_err());
        assert!(owner.caller.in_person().is_err());

        owner.caller.impersonator = Some(Impersonator {
            read_only: false,
            ..by
        });
        assert!(require(&owner, Permission::MembersInvite).is_ok());
        assert!(owner.caller.may_change().is_ok());
        let err = owner.caller.in_person().unwrap_err();
        assert!(err.app().unwrap().to_string().contains("Ops cannot change"));

        let mut admin = caller(&[Persona::SuperAdmin]);
        admin.impersonator = owner.caller.impersonator.clone();
        assert!(
            enter_platform(&admin).is_err(),
            "no console from inside an impersonation"
        );
    }

    #[test]
    fn a_token_holds_what_its_role_and_its_scopes_both_allow() {
        let mut owner = access(Role::Owner);
        owner.scopes = Some(vec![ApiScope::UsageRead]);
        assert!(require(&owner, Permission::BillingView).is_ok());
        let err = require(&owner, Permission::UsageReport).unwrap_err();
        assert_eq!(
            err.app().unwrap().to_string(),
            "This API token (scopes: usage:read) does not allow you to report usage."
        );
        let mut viewer = access(Role::Viewer);
        viewer.scopes = Some(vec![ApiScope::UsageWrite]);
        assert!(
            require(&viewer, Permission::UsageReport).is_err(),
            "a scope never grants what the role lacks"
        );
        let mut with_token = caller(&[Persona::SuperAdmin]);
        with_token.token = Some(TokenGrant {
            id: ApiTokenId::from_uuid(Uuid::nil()),
            tenant: TenantId::from_uuid(Uuid::nil()),
            scopes: vec![ApiScope::WorkspaceRead],
        });
        assert!(enter_platform(&with_token).is_err());
    }
}
