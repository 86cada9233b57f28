//! Demo data: four organizations on different platform variants and people in every role,
//! loaded into an empty database so that a fresh checkout has something to click through.

use shared::email::Email;
use shared::ids::UserId;
use shared::names::{PersonName, TenantName};
use shared::password::Password;
use shared::permissions::Role;
use shared::personas::{Persona, PersonaSet};
use shared::platform::{PlatformVariant, UserStatus};
use shared::slug::Slug;
use tracing::instrument;

use crate::accounts;
use crate::client::ClientInfo;
use crate::error::Result;
use crate::state::Services;
use crate::storage::users::UserRecord;
use crate::tenants;

/// Every demo account signs in with this password.
pub const PASSWORD: &str = "atrium-demo-2026";

pub struct DemoPerson {
    pub email: &'static str,
    pub name: &'static str,
    /// (tenant slug, role) pairs.
    pub memberships: &'static [(&'static str, Role)],
}

pub struct DemoTenant {
    pub slug: &'static str,
    pub name: &'static str,
    pub variant: PlatformVariant,
}

pub const SUPER_ADMIN: (&str, &str) = ("admin@atrium.example", "Sam Superadmin");

pub const TENANTS: &[DemoTenant] = &[
    DemoTenant {
        slug: "northwind",
        name: "Northwind Agency",
        variant: PlatformVariant::Agency,
    },
    DemoTenant {
        slug: "initech",
        name: "Initech Partners",
        variant: PlatformVariant::Partner,
    },
    DemoTenant {
        slug: "acme",
        name: "Acme Corp",
        variant: PlatformVariant::Standard,
    },
    DemoTenant {
        slug: "globex",
        name: "Globex Enterprise",
        variant: PlatformVariant::Enterprise,
    },
];

/// The first membership of each person is the tenant they "own" in the demo story.
pub const PEOPLE: &[DemoPerson] = &[
    DemoPerson {
        email: "bea@northwind.example",
        name: "Bea Builder",
        memberships: &[("northwind", Role::Owner)],
    },
    DemoPerson {
        email: "ben@northwind.example",
        name: "Ben Consultant",
        memberships: &[("northwind", Role::Consultant)],
    },
    DemoPerson {
        email: "ivan@initech.example",
        name: "Ivan Partner",
        memberships: &[("initech", Role::Owner)],
    },
    DemoPerson {
        email: "olivia@acme.example",
        name: "Olivia Owner",
        memberships: &[("acme", Role::Owner), ("globex", Role::Viewer)],
    },
    DemoPerson {
        email: "adam@acme.example",
        name: "Adam Admin",
        memberships: &[("acme", Role::Admin)],
    },
    DemoPerson {
        email: "cora@acme.example",
        name: "Cora Consultant",
        memberships: &[("acme", Role::Consultant)],
    },
    DemoPerson {
        email: "victor@acme.example",
        name: "Victor Viewer",
        memberships: &[("acme", Role::Viewer)],
    },
    DemoPerson {
        email: "gina@globex.example",
        name: "Gina Globex",
        memberships: &[("globex", Role::Owner)],
    },
    DemoPerson {
        email: "max@northwind.example",
        name: "Max Multirole",
        memberships: &[("northwind", Role::Admin), ("acme", Role::Viewer)],
    },
];

/// Loads the demo data unless the database already has tenants. Returns whether it loaded.
#[instrument(skip_all)]
pub async fn load_if_empty(svc: &Services) -> Result<bool> {
    let anyone = svc
        .store()
        .user_by_email(&Email::parse(SUPER_ADMIN.0)?)
        .await?;
    if anyone.is_some()
        || svc
            .store()
            .slug_taken(&Slug::parse(TENANTS[0].slug)?)
            .await?
    {
        return Ok(false);
    }
    accounts::create_super_admin(svc, SUPER_ADMIN.0, SUPER_ADMIN.1, PASSWORD).await?;

    let password = Password::parse(PASSWORD, None)?;
    let hash = svc.hasher().hash(&password).await?;
    let client = ClientInfo {
        ip: None,
        user_agent: Some("atrium demo".into()),
        impersonator: None,
    };
    let now = crate::time::now();
    let mut tx = svc.store().begin().await?;
    let mut ids: Vec<(&str, UserId)> = Vec::new();
    for person in PEOPLE {
        let personas = PersonaSet::new(
            person
                .memberships
                .iter()
                .map(|(slug, _)| variant_of(slug).persona()),
        );
        let user = UserRecord {
            id: UserId::from_uuid(uuid::Uuid::now_v7()),
            email: Email::parse(person.email)?,
            name: PersonName::parse(person.name)?,
            password_hash: hash.clone(),
            personas,
            status: UserStatus::Active,
            created_at: now,
            last_sign_in_at: None,
        };
        tx.insert_user(&user).await?;
        tx.mark_email_verified(user.id, now).await?;
        ids.push((person.email, user.id));
    }
    for tenant in TENANTS {
        let owner = PEOPLE
            .iter()
            .find(|p| {
                p.memberships
                    .first()
                    .is_some_and(|(slug, role)| *slug == tenant.slug && *role == Role::Owner)
            })
            .and_then(|p| ids.iter().find(|(email, _)| *email == p.email))
            .map(|(_, id)| *id)
            .ok_or_else(|| anyhow::anyhow!("demo tenant {} has no owner", tenant.slug))?;
        let created = tenants::create(
            &mut tx,
            &TenantName::parse(tenant.name)?,
            Some(Slug::parse(tenant.slug)?),
            tenant.variant,
            (owner, Some(owner)),
            &client,
        )
        .await?;
        for person in PEOPLE {
            for (slug, role) in person.memberships {
                if *slug == tenant.slug
                    && !(*role == Role::Owner
                        && ids.iter().any(|(e, id)| *e == person.email && *id == owner))
                {
                    let user = ids
                        .iter()
                        .find(|(e, _)| *e == person.email)
                        .map(|(_, id)| *id);
                    if let Some(user) = user {
                        tx.insert_membership(created.id, user, *role, now).await?;
                    }
                }
            }
        }
    }
    tx.commit().await?;
    let find = |wanted: &str| {
        ids.iter()
            .find(|(email, _)| *email == wanted)
            .map(|(_, id)| *id)
    };
    if let Some(olivia) = find("olivia@acme.example") {
        process_sessions(svc, olivia).await?;
        usage_history(svc, olivia).await?;
        catalog(svc, olivia).await?;
        // Northwind builds for Acme before last month's invoices are issued, so Acme's
        // invoice earns Northwind its commission.
        if let Some(bea) = find("bea@northwind.example") {
            widget(svc, bea, olivia).await?;
        }
        crate::billing::invoices::issue_for_demo(svc, crate::time::now()).await?;
        if let Some(cora) = find("cora@acme.example") {
            support_ticket(svc, cora, olivia).await?;
        }
    }
    Ok(true)
}

/// A local page the demo widget may be embedded on, to try its script tag without a site
/// (`python3 -m http.server 8080` in a folder with an HTML page holding the snippet).
pub const DEMO_LOCAL_SITE: &str = "http://localhost:8080";

/// Northwind's first widget: a lead form for Acme's site (and a local page), published once,
/// listed on the marketplace and deployed live for Acme, which accepted Northwind as its
/// builder; Globex has not answered Northwind's request yet. Each customer is in a project of
/// Northwind's.
async fn widget(svc: &Services, builder: UserId, acme_owner: UserId) -> Result<()> {
    use shared::customers::{ImplementationAction, LinkAction, Side};
    use shared::widgets::{AllowedOrigin, WidgetKind, preset};
    let client = ClientInfo {
        ip: None,
        user_agent: Some("atrium demo".into()),
        impersonator: None,
    };
    let caller = crate::authz::acting_for(svc.store(), builder).await?;
    let olivia = crate::authz::acting_for(svc.store(), acme_owner).await?;
    let name = shared::names::WidgetName::parse("Acme contact form")?;
    let id = crate::widgets::create(
        svc,
        &caller,
        &client,
        "northwind",
        &name,
        WidgetKind::LeadForm,
        "clean",
    )
    .await?;
    let mut config = preset(WidgetKind::LeadForm, "clean")
        .ok_or_else(|| anyhow::anyhow!("the clean lead form preset is missing"))?
        .config;
    config.allowed_origins = vec![
        AllowedOrigin::parse("https://www.acme.example")?,
        AllowedOrigin::parse(DEMO_LOCAL_SITE)?,
    ];
    crate::widgets::save_draft(svc, &caller, &client, "northwind", id, &name, &config).await?;
    crate::widgets::publish(svc, &caller, &client, "northwind", id).await?;
    // Listed on the marketplace, so other builders can install it for their customers.
    let listing = shared::marketplace::ListingDraft::parse(
        "Calm contact form",
        "Name, email and message on a light card; each answer is a contact of the customer's.",
        "The lead form Northwind built for Acme's relaunch, without Acme's sites. Installing it \
         gives you the same fields, texts and colors to adjust in your own editor.",
    )?;
    crate::marketplace::list_widget(svc, &caller, &client, "northwind", id, &listing).await?;
    let link = crate::customers::request_link(svc, &caller, &client, "northwind", "acme").await?;
    crate::customers::change_link(
        svc,
        &olivia,
        &client,
        "acme",
        Side::Customer,
        link,
        LinkAction::Accept,
    )
    .await?;
    let globex =
        crate::customers::request_link(svc, &caller, &client, "northwind", "globex").await?;
    // Two projects: Acme's relaunch (its invoice is attributed there) and a pilot waiting
    // for Globex's answer.
    let relaunch = crate::projects::create(
        svc,
        &caller,
        &client,
        "northwind",
        "Acme website relaunch",
        "New site with a contact form that feeds Acme's contacts; NPS prompt to follow.",
    )
    .await?;
    crate::projects::place_customer(svc, &caller, &client, "northwind", link, Some(relaunch))
        .await?;
    let pilot = crate::projects::create(
        svc,
        &caller,
        &client,
        "northwind",
        "Globex support pilot",
        "Service status badge on Globex's help center, once Globex accepts.",
    )
    .await?;
    crate::projects::place_customer(svc, &caller, &client, "northwind", globex, Some(pilot))
        .await?;
    let deployed = crate::storage::customers::Deployed::Widget(id);
    let implementation =
        crate::customers::deploy(svc, &caller, &client, "northwind", link, deployed).await?;
    crate::customers::change_implementation(
        svc,
        &caller,
        &client,
        "northwind",
        implementation,
        ImplementationAction::GoLive,
    )
    .await?;
    // A visitor of Acme's site sent it once, through the same path as every visitor: the
    // contact is Acme's.
    let site = Some("https://www.acme.example");
    let visit = crate::widgets::embed::visit(svc, id, Some(implementation), site)
        .await?
        .visit;
    let answer = |key: &str, value: &str| shared::widgets::submissions::Answer {
        key: key.to_owned(),
        value: value.to_owned(),
    };
    crate::widgets::embed::submit(
        svc,
        &client,
        id,
        site,
        &visit,
        &shared::widgets::submissions::Submission::LeadForm {
            answers: vec![
                answer("name", "Dana Whitfield"),
                answer("email", "dana@whitfield-logistics.example"),
                answer(
                    "message",
                    "We route 400 calls a day; can the voice agent take the overflow?",
                ),
            ],
        },
    )
    .await?;
    Ok(())
}

/// The platform's starting catalog, and Acme using two of its services: one approved
/// before the demo began, one waiting for the super admin.
async fn catalog(svc: &Services, owner: UserId) -> Result<()> {
    use shared::catalog::{ActivationStatus, ServiceInput};

    const SERVICES: &[(&str, &str, &str, &str, &[&str])] = &[
        (
            "Voice agent",
            "Answers and routes phone calls with a speech model; each call's transcript lands in the command center.",
            "0.05",
            "minute",
            &["pro", "enterprise"],
        ),
        (
            "Lead enrichment",
            "Adds company, role and size to new contacts from public sources.",
            "0.02",
            "request",
            &["free", "pro", "enterprise"],
        ),
        (
            "Transcription",
            "Turns recordings into searchable text, with speakers told apart.",
            "0.01",
            "minute",
            &["free", "pro", "enterprise"],
        ),
        (
            "Managed onboarding",
            "A specialist sets up your workspace, templates and widgets with you in two sessions.",
            "299",
            "once",
            &["pro", "enterprise"],
        ),
        (
            "Dedicated support line",
            "A named engineer and a one-hour response time, around the clock.",
            "499",
            "month",
            &["enterprise"],
        ),
    ];
    let inputs = SERVICES
        .iter()
        .map(|(name, description, price, unit, tiers)| {
            let tiers: Vec<String> = tiers.iter().map(|t| (*t).to_owned()).collect();
            ServiceInput::parse(name, description, price, unit, &tiers, true)
        })
        .collect::<std::result::Result<Vec<_>, _>>()?;
    let now = crate::time::now();
    svc.store().install_catalog(&inputs, now).await?;
    let caller = crate::authz::acting_for(svc.store(), owner).await?;
    let client = ClientInfo {
        ip: None,
        user_agent: Some("atrium demo".into()),
        impersonator: None,
    };
    let page = crate::catalog::page(svc, &caller, "acme").await?;
    let id_of = |name: &str| {
        page.entries
            .iter()
            .find(|e| e.service.name.as_str() == name)
            .map(|e| e.service.id)
            .ok_or_else(|| anyhow::anyhow!("demo service {name} missing"))
    };
    let voice =
        crate::catalog::request(svc, &caller, &client, "acme", id_of("Voice agent")?).await?;
    crate::catalog::request(svc, &caller, &client, "acme", id_of("Lead enrichment")?).await?;
    let access = crate::authz::enter_tenant(svc.store(), &caller, "acme").await?;
    let mut tx = svc.store().begin().await?;
    svc.store()
        .tenant(&access)
        .set_activation_status(
            &mut tx,
            voice,
            ActivationStatus::Requested,
            ActivationStatus::Active,
            now,
        )
        .await?;
    tx.commit().await
}

/// Acme on the Pro plan with a month of usage behind it. The plan change goes through the
/// owner's own path; the past days are written through the tenant's storage (they happened
/// before the demo started), and this month's counters follow from them.
async fn usage_history(svc: &Services, owner: UserId) -> Result<()> {
    use chrono::{Datelike as _, TimeDelta};
    use shared::billing::{Metric, PlanTier, period_of};

    use crate::storage::billing::NewUsage;

    let caller = crate::authz::acting_for(svc.store(), owner).await?;
    let client = ClientInfo {
        ip: None,
        user_agent: Some("atrium demo".into()),
        impersonator: None,
    };
    crate::billing::plans::change(svc, &caller, &client, "acme", PlanTier::Pro).await?;
    let access = crate::authz::enter_tenant(svc.store(), &caller, "acme").await?;
    let data = svc.store().tenant(&access);
    let now = crate::time::now();
    let period = period_of(now);
    let mut this_month = [0u64; 2];
    let mut tx = svc.store().begin().await?;
    for days_ago in (1..30i64).rev() {
        let at = now - TimeDelta::days(days_ago);
        // A working-week rhythm, so the chart has a shape.
        let weekday = at.weekday().num_days_from_monday() as u64;
        let busy = if weekday < 5 { 3 } else { 1 };
        let calls = busy * (900 + (days_ago as u64 * 137) % 400);
        let tokens = busy * (40_000 + (days_ago as u64 * 7_919) % 30_000);
        let entries = [
            (Metric::ApiCalls, calls, None, 0),
            (
                Metric::Tokens,
                tokens * 2 / 3,
                Some("groq"),
                (tokens * 2 / 3 / 1_000) as i64,
            ),
            (
                Metric::Tokens,
                tokens / 3,
                Some("deepgram"),
                (tokens / 3 / 400) as i64,
            ),
        ];
        for (metric, quantity, provider, cost_minor) in entries {
            data.record_usage(
                &mut tx,
                &NewUsage {
                    vault_key: None,
                    user: Some(owner),
                    metric,
                    quantity,
                    service: Some("assistant"),
                    provider,
                    cost_minor,
                    at,
                },
            )
            .await?;
            if period_of(at) == period {
                this_month[usize::from(metric == Metric::Tokens)] += quantity;
            }
        }
    }
    for (metric, used) in [
        (Metric::ApiCalls, this_month[0]),
        (Metric::Tokens, this_month[1]),
    ] {
        if used > 0 {
            data.consume_quota(&mut tx, metric, &period, used, None)
                .await?;
        }
    }
    tx.commit().await
}

/// A ticket on Acme's Support page, asked by its consultant and answered by its owner.
async fn support_ticket(svc: &Services, asker: UserId, owner: UserId) -> Result<()> {
    let client = ClientInfo {
        ip: None,
        user_agent: Some("atrium demo".into()),
        impersonator: None,
    };
    let new = shared::support::NewTicket::parse(
        "Can the voice agent take a second phone number?",
        "normal",
        "We open a second office next month and would like its line answered too.",
    )
    .map_err(shared::AppError::from)?;
    let caller = crate::authz::acting_for(svc.store(), asker).await?;
    let ticket = crate::support::open(svc, &caller, &client, "acme", &new).await?;
    let caller = crate::authz::acting_for(svc.store(), owner).await?;
    crate::support::reply(
        svc,
        &caller,
        &client,
        crate::support::Scope::Tenant("acme"),
        ticket,
        "Yes: request it under Services and we'll add it to the plan.",
    )
    .await?;
    Ok(())
}

/// Acme's command center, not empty: a training example and a few sessions, made through
/// the same services (and permission check) as a person's clicks.
async fn process_sessions(svc: &Services, owner: UserId) -> Result<()> {
    use shared::process::SessionAction;
    let caller = crate::authz::acting_for(svc.store(), owner).await?;
    let center =
        crate::process::sessions::command_center(svc, &caller, "acme", Default::default()).await?;
    let Some(consultation) = center
        .templates
        .iter()
        .find(|t| t.builtin_key.as_deref() == Some("consultation"))
    else {
        return Ok(());
    };
    let Some(acquisition) = center
        .templates
        .iter()
        .find(|t| t.builtin_key.as_deref() == Some("customer-acquisition"))
    else {
        return Ok(());
    };
    let fields = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    };
    let create = |template, title: &'static str, inputs: Vec<(String, String)>, example| {
        let caller = caller.clone();
        async move {
            crate::process::sessions::create(
                svc, &caller, "acme", template, title, &inputs, example,
            )
            .await
        }
    };
    create(
        consultation.id,
        "Example: intake for a small agency",
        fields(&[
            ("client", "Brightside Agency"),
            ("contact_email", "hello@brightside.example"),
            ("goal", "Automate client onboarding."),
        ]),
        true,
    )
    .await?;
    let started = create(
        consultation.id,
        "Globex onboarding",
        fields(&[
            ("client", "Globex"),
            ("contact_email", "gina@globex.example"),
        ]),
        false,
    )
    .await?;
    // Discovery and the proposal are written, so the session runs to the proposal's approval
    // and waits there for someone to press Approve.
    for (phase, inputs) in [
        (
            "P1",
            fields(&[
                ("findings", "Manual onboarding takes two weeks per client."),
                ("workshops", "2"),
            ]),
        ),
        (
            "P2",
            fields(&[
                ("scope", "Automate onboarding with three workflows."),
                ("budget", "18000"),
                ("pricing", "fixed"),
            ]),
        ),
    ] {
        crate::process::sessions::update_data(svc, &caller, "acme", started, phase, &inputs)
            .await?;
    }
    crate::process::sessions::act(svc, &caller, "acme", started, SessionAction::Start).await?;
    create(
        acquisition.id,
        "Initech renewal",
        fields(&[("company", "Initech"), ("fit", "high")]),
        false,
    )
    .await?;
    Ok(())
}

fn variant_of(slug: &str) -> PlatformVariant {
    TENANTS
        .iter()
        .find(|t| t.slug == slug)
        .map(|t| t.variant)
        .unwrap_or(PlatformVariant::Standard)
}

/// One line per demo login, for the start-up banner.
pub fn logins() -> Vec<(String, &'static str, String)> {
    let mut rows = vec![(
        Persona::SuperAdmin.label().to_owned(),
        SUPER_ADMIN.0,
        "platform console (sets up an authenticator app at first sign-in)".to_owned(),
    )];
    for person in PEOPLE {
        let personas = PersonaSet::new(
            person
                .memberships
                .iter()
                .map(|(slug, _)| variant_of(slug).persona()),
        );
        let persona = personas
            .iter()
            .map(|p| p.label())
            .collect::<Vec<_>>()
            .join(" + ");
        let roles = person
            .memberships
            .iter()
            .map(|(slug, role)| format!("{} of {slug}", role.label()))
            .collect::<Vec<_>>()
            .join(", ");
        rows.push((persona, person.email, roles));
    }
    rows
}
