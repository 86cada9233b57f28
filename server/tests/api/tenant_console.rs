//! The console's tenants: search, filters and keyset pages in each order; creating a tenant
//! whose invited owner takes it; renaming it and changing its variant within its kind.

use shared::AppError;
use shared::billing::invoice::Period;
use shared::billing::{Currency, Money, PlanTier};
use shared::branding::{Branding, stylesheet_path};
use shared::customers::BuildersConsole;
use shared::members::{CreatedInvitation, MembersPage};
use shared::permissions::Role;
use shared::platform::{PlatformVariant, TenantStatus};
use shared::tenant_console::{PAGE_SIZE, TenantDetail, TenantsPage};
use shared::tenants::{PlatformOverview, TenantSummary, WorkspaceHome};

use crate::helpers::{Browser, PASSWORD, assert_redirect_to, enroll, spawn_app, unique_email};
use crate::members::{builder_org, org};

/// The search form's fields as `get_tenants` takes them (every field, as the page sends it).
async fn tenants(browser: &Browser, fields: &[(&str, &str)]) -> TenantsPage {
    let names = ["q", "status", "variant", "plan", "sort", "after"];
    let args: Vec<(String, &str)> = names
        .into_iter()
        .map(|name| {
            let value = fields
                .iter()
                .find(|(n, _)| *n == name)
                .map_or("", |(_, v)| *v);
            (format!("form[{name}]"), value)
        })
        .collect();
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    browser.call_ok("get_tenants", &args).await
}

fn slugs(page: &TenantsPage) -> Vec<&str> {
    page.tenants
        .iter()
        .map(|t| t.tenant.slug.as_str())
        .collect()
}

async fn create(
    admin: &Browser,
    name: &str,
    slug: &str,
    variant: &str,
    owner: &str,
) -> reqwest::Response {
    admin
        .call(
            "create_tenant",
            &[
                ("name", name),
                ("slug", slug),
                ("variant", variant),
                ("owner", owner),
            ],
        )
        .await
}

#[tokio::test]
async fn super_admins_search_filter_and_page_every_tenant() {
    let app = spawn_app().await;
    let admin = app.super_admin().await;
    let builder = builder_org(&app, "Northwind", "nw.example").await;
    // 55 more, created by the console (each with its owner invited).
    for n in 0..55 {
        let response = create(
            &admin,
            &format!("Tenant {n:02}"),
            &format!("t{n:02}"),
            if n % 5 == 0 { "enterprise" } else { "standard" },
            &format!("owner{n}@t.example"),
        )
        .await;
        assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    }

    let first = tenants(&admin, &[]).await;
    assert_eq!(first.total, 56);
    assert_eq!(first.tenants.len(), PAGE_SIZE as usize);
    assert_eq!(slugs(&first)[0], "t54", "newest first");
    let after = first.next.unwrap().to_string();
    let second = tenants(&admin, &[("after", &after)]).await;
    assert_eq!(
        slugs(&second),
        vec!["t04", "t03", "t02", "t01", "t00", builder.slug.as_str()]
    );
    assert_eq!(second.next, None);

    // By name, in pages of 50: the builder's "Northwind" comes before every "Tenant".
    let by_name = tenants(&admin, &[("sort", "name")]).await;
    assert_eq!(slugs(&by_name)[..2], [builder.slug.as_str(), "t00"]);
    let rest = tenants(
        &admin,
        &[
            ("sort", "name"),
            ("after", &by_name.next.unwrap().to_string()),
        ],
    )
    .await;
    assert_eq!(slugs(&rest), vec!["t49", "t50", "t51", "t52", "t53", "t54"]);

    // Words of the name or the address; each filter alone and together.
    assert_eq!(
        slugs(&tenants(&admin, &[("q", "tenant 07")]).await),
        vec!["t07"]
    );
    assert_eq!(slugs(&tenants(&admin, &[("q", "T1")]).await).len(), 10);
    let agencies = tenants(&admin, &[("variant", "partner")]).await;
    assert_eq!(slugs(&agencies), vec![builder.slug.as_str()]);
    assert_eq!(agencies.tenants[0].commission.unwrap().text(), "10 %");
    assert_eq!(agencies.tenants[0].member_count, 4);
    assert_eq!(
        tenants(&admin, &[("variant", "enterprise")]).await.total,
        11
    );
    let _: () = admin
        .call_ok(
            "set_tenant_status",
            &[("slug", "t10"), ("status", "suspended")],
        )
        .await;
    let _: () = admin
        .call_ok("set_tenant_plan", &[("slug", "t10"), ("tier", "pro")])
        .await;
    let _: () = admin
        .call_ok("set_tenant_plan", &[("slug", "t11"), ("tier", "pro")])
        .await;
    let suspended = tenants(&admin, &[("status", "suspended")]).await;
    assert_eq!(slugs(&suspended), vec!["t10"]);
    assert_eq!(suspended.tenants[0].tenant.status, TenantStatus::Suspended);
    assert_eq!(suspended.tenants[0].plan, PlanTier::Pro);
    assert_eq!(
        slugs(&tenants(&admin, &[("plan", "pro"), ("sort", "oldest")]).await),
        vec!["t10", "t11"]
    );
    assert_eq!(
        tenants(
            &admin,
            &[
                ("plan", "pro"),
                ("variant", "enterprise"),
                ("status", "suspended")
            ]
        )
        .await
        .total,
        1
    );

    // The overview counts the same tenants by status, variant and plan.
    let overview: PlatformOverview = admin.call_ok("get_platform_overview", &[]).await;
    assert_eq!(overview.tenants.total, 56);
    assert_eq!(
        overview.tenants.by_status,
        vec![(TenantStatus::Active, 55), (TenantStatus::Suspended, 1)]
    );
    assert_eq!(
        overview.tenants.by_variant,
        vec![
            (PlatformVariant::Standard, 44),
            (PlatformVariant::Partner, 1),
            (PlatformVariant::Agency, 0),
            (PlatformVariant::Enterprise, 11)
        ]
    );
    assert_eq!(
        overview.tenants.by_plan,
        vec![
            (PlanTier::Free, 54),
            (PlanTier::Pro, 2),
            (PlanTier::Enterprise, 0)
        ]
    );

    // A field the form does not offer: 422 naming it.
    for (field, value) in [
        ("plan", "platinum"),
        ("status", "gone"),
        ("sort", "size"),
        ("after", "x"),
    ] {
        let args = [(format!("form[{field}]"), value)];
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        let (status, error) = admin.call_err("get_tenants", &args).await;
        assert_eq!(status, 422, "{field}");
        assert!(
            matches!(&error, AppError::Invalid { field: f, .. } if f == field),
            "{error:?}"
        );
    }

    // The same search downloads as CSV, for super admins only.
    let csv = |browser: &Browser, query: &str| {
        let request = browser
            .client
            .get(browser.url(&format!("/api/v1/platform/tenants.csv{query}")));
        async move { request.send().await.unwrap() }
    };
    let response = csv(&admin, "?plan=pro&sort=name").await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("atrium-tenants.csv")
    );
    let text = response.text().await.unwrap();
    let lines: Vec<&str> = text.trim().lines().collect();
    assert_eq!(
        lines[0],
        "name,address,variant,plan,status,members,commission,created,id"
    );
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[1].starts_with("Tenant 10,t10,enterprise,pro,suspended,0,,"),
        "{text}"
    );
    assert!(
        lines[2].starts_with("Tenant 11,t11,standard,pro,active,0,,"),
        "{text}"
    );
    let text = csv(&admin, "?variant=partner").await.text().await.unwrap();
    assert!(text.contains(",partner,free,active,4,10 %,"), "{text}");
    assert_eq!(csv(&admin, "?plan=platinum").await.status(), 422);
    assert_eq!(csv(&builder.owner, "").await.status(), 403);
    assert_eq!(csv(&app.browser(), "").await.status(), 401);

    // The list and a tenant's page render on the server.
    let html = admin
        .page("/admin/tenants?q=northwind")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("1 tenant match") && html.contains("Northwind"),
        "{html}"
    );
    let html = admin
        .page("/admin/tenants?variant=galactic")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Choose a variant from the list."), "{html}");
}

#[tokio::test]
async fn a_super_admin_creates_a_tenant_and_its_invited_owner_takes_it() {
    let app = spawn_app().await;
    let admin = app.super_admin().await;
    let owner_email = unique_email("ceo", "umbrella.example");
    let (tenant, invitation): (TenantSummary, CreatedInvitation) = admin
        .call_ok(
            "create_tenant",
            &[
                ("name", "  Umbrella   Corp "),
                ("slug", ""),
                ("variant", "enterprise"),
                ("owner", &owner_email),
            ],
        )
        .await;
    assert_eq!(tenant.name.as_str(), "Umbrella Corp");
    assert_eq!(tenant.slug.as_str(), "umbrella-corp");
    assert_eq!(tenant.variant, PlatformVariant::Enterprise);
    assert_eq!(invitation.invitation.role, Role::Owner);
    assert_eq!(invitation.invitation.email.as_str(), owner_email);
    let mailed = app.mailed_link(&owner_email, "/invite/").await;
    assert!(invitation.link.ends_with(&mailed), "{mailed}");

    // Until the owner accepts, the tenant has no member and one open invitation.
    let detail: TenantDetail = admin
        .call_ok("get_tenant_detail", &[("slug", "umbrella-corp")])
        .await;
    assert_eq!(detail.row.member_count, 0);
    assert!(detail.members.is_empty());
    assert_eq!(detail.open_invitations.len(), 1);
    assert_eq!(detail.open_invitations[0].role, Role::Owner);

    let token = invitation.link.rsplit('/').next().unwrap();
    let owner = app.browser();
    let path: String = owner
        .call_ok(
            "join_with_invitation",
            &[("token", token), ("name", "Cee Eo"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(path, "/app/umbrella-corp");
    let members: MembersPage = owner
        .call_ok("get_members_page", &[("slug", "umbrella-corp")])
        .await;
    assert_eq!(members.members.len(), 1);
    assert_eq!(members.members[0].role, Role::Owner);
    let detail: TenantDetail = admin
        .call_ok("get_tenant_detail", &[("slug", "umbrella-corp")])
        .await;
    assert_eq!(detail.row.member_count, 1);
    assert_eq!(detail.members[0].email.as_str(), owner_email);
    assert!(detail.open_invitations.is_empty());
    let html = admin
        .page("/admin/tenants/umbrella-corp")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Umbrella Corp") && html.contains("Cee Eo"),
        "{html}"
    );
    let creations = app
        .count(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'tenant.created' AND target = 'umbrella-corp'",
        )
        .await;
    assert_eq!(creations, 1);

    // A taken address: 409; a bad field: 422 naming it; nothing is created either way.
    let (status, error) = admin
        .call_err(
            "create_tenant",
            &[
                ("name", "Other"),
                ("slug", "umbrella-corp"),
                ("variant", "standard"),
                ("owner", "x@other.example"),
            ],
        )
        .await;
    assert_eq!(status, 409);
    assert_eq!(
        error.to_string(),
        "The address “umbrella-corp” is taken; choose another."
    );
    for (fields, field) in [
        (["", "", "standard", "x@y.example"], "name"),
        (["Y", "Bad Slug", "standard", "x@y.example"], "slug"),
        (["Y", "", "galactic", "x@y.example"], "variant"),
        (["Y", "", "standard", "not-an-email"], "owner"),
    ] {
        let response = create(&admin, fields[0], fields[1], fields[2], fields[3]).await;
        assert_eq!(response.status(), 422, "{fields:?}");
        let error: AppError = response.json().await.unwrap();
        assert!(
            matches!(&error, AppError::Invalid { field: f, .. } if f == field),
            "{error:?}"
        );
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM tenants").await, 1);

    // Only super admins create tenants.
    let (status, _) = owner
        .call_err(
            "create_tenant",
            &[
                ("name", "Mine"),
                ("slug", ""),
                ("variant", "standard"),
                ("owner", "me@mine.example"),
            ],
        )
        .await;
    assert_eq!(status, 403);
    assert_eq!(app.count("SELECT COUNT(*) FROM tenants").await, 1);
}

#[tokio::test]
async fn a_super_admin_renames_a_tenant_and_changes_its_variant_within_its_kind() {
    let app = spawn_app().await;
    let acme = org(&app, "Acme", "acme.example").await;
    let admin = app.super_admin().await;
    // The owner's pages have the old name cached; the change reaches them at once.
    let before: MembersPage = acme
        .owner
        .call_ok("get_members_page", &[("slug", &acme.slug)])
        .await;
    assert_eq!(before.tenant.name.as_str(), "Acme");
    let home = async |member: &Browser| -> WorkspaceHome {
        member
            .call_ok("get_workspace_home", &[("slug", &acme.slug)])
            .await
    };
    assert_eq!(
        home(&acme.owner).await.governance,
        None,
        "a Standard home has none"
    );
    enroll(&acme.admin).await;

    let _: () = admin
        .call_ok(
            "edit_tenant",
            &[
                ("slug", &acme.slug),
                ("name", "Acme Global"),
                ("variant", "enterprise"),
            ],
        )
        .await;
    // An Enterprise home leads with governance: two-step sign-in among the members and
    // the audit log's month, for those who may read it.
    let governance = home(&acme.owner)
        .await
        .governance
        .expect("an Enterprise home has a governance panel");
    assert_eq!((governance.two_factor_members, governance.members), (1, 4));
    assert_eq!(governance.two_factor_share(), "1 of 4 members (25 %)");
    assert_eq!(governance.two_factor_required_since, None);
    let audited = governance.audit_entries.expect("owners read the audit log");
    assert!(audited >= 3, "three invitations and more: {audited}");
    let viewers = home(&acme.viewer).await.governance.expect("viewers see it");
    assert_eq!(
        viewers.audit_entries, None,
        "but not the audit log's figure"
    );
    let after: MembersPage = acme
        .owner
        .call_ok("get_members_page", &[("slug", &acme.slug)])
        .await;
    assert_eq!(after.tenant.name.as_str(), "Acme Global");
    assert_eq!(after.tenant.variant, PlatformVariant::Enterprise);
    let edits = app
        .query_text(&format!(
            "SELECT CAST(details AS TEXT) FROM audit_log WHERE action = 'tenant.edited' AND target = '{}'",
            acme.slug
        ))
        .await
        .unwrap();
    assert!(
        edits.contains("\"before\"") && edits.contains("\"Acme\"") && edits.contains("Acme Global"),
        "{edits}"
    );

    // A builder variant for an organization: 422 with the reason, and nothing changes.
    let (status, error) = admin
        .call_err(
            "edit_tenant",
            &[
                ("slug", &acme.slug),
                ("name", "Acme Agency"),
                ("variant", "agency"),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(
        error.to_string(),
        "Agency is a variant for builder workspaces; this one can be Standard or Enterprise."
    );
    let (status, _) = admin
        .call_err(
            "edit_tenant",
            &[("slug", &acme.slug), ("name", " "), ("variant", "standard")],
        )
        .await;
    assert_eq!(status, 422);
    let detail: TenantDetail = admin
        .call_ok("get_tenant_detail", &[("slug", &acme.slug)])
        .await;
    assert_eq!(detail.row.tenant.name.as_str(), "Acme Global");
    assert_eq!(detail.row.tenant.variant, PlatformVariant::Enterprise);

    let (status, _) = admin
        .call_err(
            "edit_tenant",
            &[
                ("slug", "no-such-org"),
                ("name", "X"),
                ("variant", "standard"),
            ],
        )
        .await;
    assert_eq!(status, 404);
    let (status, _) = admin
        .call_err("get_tenant_detail", &[("slug", "no-such-org")])
        .await;
    assert_eq!(status, 404);
    // Its own owner cannot do it either: only super admins edit tenants.
    let (status, _) = acme
        .owner
        .call_err(
            "edit_tenant",
            &[
                ("slug", &acme.slug),
                ("name", "Mine"),
                ("variant", "standard"),
            ],
        )
        .await;
    assert_eq!(status, 403);
    assert_eq!(acme.owner.page("/admin/tenants").await.status(), 403);
}

#[tokio::test]
async fn the_builders_page_shows_each_builders_customers_deployments_and_earnings() {
    let app = spawn_app().await;
    let admin = app.super_admin().await;
    let team = builder_org(&app, "Busy Builders", "busy.example").await;
    let idle = builder_org(&app, "Idle Builders", "idle.example").await;
    let customer = org(&app, "Paying Customer", "paying.example").await;
    let waiting = org(&app, "Waiting Customer", "waiting.example").await;
    crate::customers::live_deployment(&team, &customer).await;
    let _: shared::ids::CustomerLinkId = team
        .owner
        .call_ok(
            "request_customer_link",
            &[("slug", &team.slug), ("customer", &waiting.slug)],
        )
        .await;
    let _: () = customer
        .owner
        .call_ok("change_plan", &[("slug", &customer.slug), ("tier", "pro")])
        .await;
    // The month closes: the Pro plan's $49.00 earns the builder 10 %.
    let next_month = Period::of(chrono::Utc::now()).next().start() + chrono::TimeDelta::hours(1);
    services::billing::invoices::issue_due(&app.services, next_month)
        .await
        .unwrap();

    let page: BuildersConsole = admin.call_ok("get_builders_console", &[]).await;
    let names: Vec<&str> = page
        .builders
        .iter()
        .map(|b| b.row.tenant.name.as_str())
        .collect();
    assert_eq!(
        names,
        vec!["Busy Builders", "Idle Builders"],
        "builders only, by name"
    );
    let busy = &page.builders[0];
    assert_eq!(
        (
            busy.active_customers,
            busy.waiting_customers,
            busy.live_deployments,
            busy.open_deployments
        ),
        (1, 1, 1, 1)
    );
    assert_eq!(busy.row.commission.unwrap().basis_points(), 1_000);
    assert_eq!(busy.months.len(), 1);
    assert_eq!(busy.months[0].period, Period::of(chrono::Utc::now()));
    assert_eq!(busy.months[0].revenue, Money::new(4_900, Currency::Usd));
    assert_eq!(busy.months[0].commission, Money::new(490, Currency::Usd));
    let quiet = &page.builders[1];
    assert_eq!(quiet.row.tenant.slug.as_str(), idle.slug);
    assert_eq!(
        (
            quiet.active_customers,
            quiet.open_deployments,
            quiet.months.len()
        ),
        (0, 0, 0)
    );

    // The page renders on the server; other personas are refused.
    let html = admin.page("/admin/builders").await.text().await.unwrap();
    assert!(
        html.contains("Busy Builders") && html.contains("$49.00") && html.contains("$4.90"),
        "{html}"
    );
    let (status, _) = team.owner.call_err("get_builders_console", &[]).await;
    assert_eq!(status, 403);
    assert_eq!(team.owner.page("/admin/builders").await.status(), 403);

    // The same table downloads as CSV: a line per builder and month, none for a quiet one.
    let response = admin
        .client
        .get(admin.url("/api/v1/platform/builders.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("atrium-builders.csv")
    );
    let text = response.text().await.unwrap();
    let lines: Vec<&str> = text.trim().lines().collect();
    assert_eq!(
        lines,
        vec![
            "builder,address,variant,active customers,waiting customers,live deployments,\
             open deployments,commission rate,month,currency,revenue,commission,invoices"
                .to_owned(),
            format!(
                "Busy Builders,{},{},1,1,1,1,10 %,{},usd,49.00,4.90,1",
                team.slug,
                busy.row.tenant.variant.as_str(),
                Period::of(chrono::Utc::now())
            ),
            format!(
                "Idle Builders,{},{},0,0,0,0,{},,,,,",
                idle.slug,
                quiet.row.tenant.variant.as_str(),
                quiet.row.commission.map(|r| r.text()).unwrap_or_default()
            ),
        ]
    );
    let response = team
        .owner
        .client
        .get(team.owner.url("/api/v1/platform/builders.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
}

#[tokio::test]
async fn a_super_admin_brands_a_tenant_and_its_members_pages_carry_it() {
    let app = spawn_app().await;
    let acme = org(&app, "Acme", "acme.example").await;
    let other = org(&app, "Other", "other.example").await;
    let admin = app.super_admin().await;
    let home = format!("/app/{}", acme.slug);
    let page = |browser: &Browser, path: String| {
        let browser = browser.clone();
        async move { browser.page(&path).await.text().await.unwrap() }
    };
    assert!(
        !page(&acme.viewer, home.clone())
            .await
            .contains("branding.css")
    );

    // A bad color or font: 422 naming it, and nothing is saved.
    for (accent, font, field) in [("blue", "", "accent"), ("#aa3300", "comic", "font")] {
        let (status, error) = admin
            .call_err(
                "set_tenant_branding",
                &[("slug", &acme.slug), ("accent", accent), ("font", font)],
            )
            .await;
        assert_eq!(status, 422, "{accent} {font}");
        assert!(
            matches!(&error, AppError::Invalid { field: f, .. } if f == field),
            "{error:?}"
        );
    }
    let detail: TenantDetail = admin
        .call_ok("get_tenant_detail", &[("slug", &acme.slug)])
        .await;
    assert!(detail.branding.is_default());

    // Saved while the tenant has no white-label feature, its members still see the
    // platform's look; switched on, they see it at once.
    let _: () = admin
        .call_ok(
            "set_tenant_branding",
            &[
                ("slug", &acme.slug),
                ("accent", "#AA3300"),
                ("font", "serif"),
            ],
        )
        .await;
    assert!(
        !page(&acme.viewer, home.clone())
            .await
            .contains("branding.css")
    );
    white_label(&admin, &acme.slug).await;
    let _: () = admin
        .call_ok(
            "set_tenant_branding",
            &[
                ("slug", &acme.slug),
                ("accent", "#AA3300"),
                ("font", "serif"),
            ],
        )
        .await;
    let branding = Branding::parse("#aa3300", "serif").unwrap();
    let detail: TenantDetail = admin
        .call_ok("get_tenant_detail", &[("slug", &acme.slug)])
        .await;
    assert_eq!(detail.branding, branding);
    // Every member's pages link the stylesheet at once (the cached memberships dropped).
    let stylesheet = stylesheet_path(&acme.slug, &branding);
    assert!(page(&acme.viewer, home.clone()).await.contains(&stylesheet));
    let response = acme
        .viewer
        .client
        .get(acme.viewer.url(&stylesheet))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/css; charset=utf-8"
    );
    let css = response.text().await.unwrap();
    assert!(
        css.starts_with(".app { --accent: #aa3300; --accent-text: #ffffff;")
            && css.contains("--font: Georgia"),
        "{css}"
    );
    // Another tenant's members neither get Acme's stylesheet nor see it on their pages.
    let response = other
        .owner
        .client
        .get(other.owner.url(&stylesheet))
        .send()
        .await
        .unwrap();
    assert!(matches!(response.status().as_u16(), 403 | 404));
    assert!(!response.text().await.unwrap().contains("aa3300"));
    assert!(
        !page(&other.owner, format!("/app/{}", other.slug))
            .await
            .contains("branding.css")
    );
    let changes = app
        .count("SELECT COUNT(*) FROM audit_log WHERE action = 'tenant.branding_changed'")
        .await;
    assert_eq!(changes, 1);

    // Only super admins brand tenants; clearing both returns to the platform's look.
    let (status, _) = acme
        .owner
        .call_err(
            "set_tenant_branding",
            &[("slug", &acme.slug), ("accent", "#000000"), ("font", "")],
        )
        .await;
    assert_eq!(status, 403);
    let _: () = admin
        .call_ok(
            "set_tenant_branding",
            &[("slug", &acme.slug), ("accent", ""), ("font", "")],
        )
        .await;
    assert!(!page(&acme.viewer, home).await.contains("branding.css"));
}

#[tokio::test]
async fn a_super_admin_uploads_a_logo_that_its_members_top_bar_shows() {
    use crate::support::PNG;
    use shared::branding::{LOGO_MAX_BYTES, logo_path, logo_upload_path};

    let app = spawn_app().await;
    let acme = org(&app, "Acme", "acme.example").await;
    let other = org(&app, "Other", "other.example").await;
    let admin = app.super_admin().await;
    let upload = logo_upload_path(&acme.slug);
    let home = format!("/app/{}", acme.slug);

    // Not an image a page shows, not what its name says, too large: each refused with its
    // status and reason, and nothing is kept.
    let big = [PNG, &vec![0; LOGO_MAX_BYTES]].concat();
    for (name, bytes, status, reason) in [
        (
            "logo.svg",
            &b"<svg onload=alert(1)></svg>"[..],
            415,
            "is not an image a page shows",
        ),
        (
            "logo.png",
            &b"GIF89a\x01\0\x01\0\x80\0\0"[..],
            415,
            "but its content is a GIF image",
        ),
        ("logo.png", &big[..], 413, "the most a logo can be"),
        ("logo.png", &b""[..], 422, "is empty"),
    ] {
        let response = admin.upload(&upload, name, bytes, false).await;
        assert_eq!(response.status(), status, "{name}");
        let body = response.text().await.unwrap();
        assert!(body.contains(reason), "{name}: {body}");
    }
    // Only super admins set it, whatever their role in the workspace.
    let response = acme.owner.upload(&upload, "logo.png", PNG, false).await;
    assert_eq!(response.status(), 403);
    let detail: TenantDetail = admin
        .call_ok("get_tenant_detail", &[("slug", &acme.slug)])
        .await;
    assert_eq!(detail.logo, None);

    white_label(&admin, &acme.slug).await;
    let response = admin.upload(&upload, "logo.png", PNG, false).await;
    assert_eq!(response.status(), 201);
    let version: String = response.json().await.unwrap();
    let detail: TenantDetail = admin
        .call_ok("get_tenant_detail", &[("slug", &acme.slug)])
        .await;
    assert_eq!(detail.logo.as_deref(), Some(version.as_str()));
    // The console shows it (its super admins are no members); the workspace's owner may
    // not load it there.
    let console = shared::branding::console_logo_path(&acme.slug, &version);
    let response = admin.client.get(admin.url(&console)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.bytes().await.unwrap().as_ref(), PNG);
    let response = acme
        .owner
        .client
        .get(acme.owner.url(&console))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    // Every member's top bar shows it at once, at its version.
    let path = logo_path(&acme.slug, &version);
    let page = acme.viewer.page(&home).await.text().await.unwrap();
    assert!(page.contains(&path), "{page}");
    let response = acme
        .viewer
        .client
        .get(acme.viewer.url(&path))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "image/png");
    assert!(
        response.headers()["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    assert_eq!(response.bytes().await.unwrap().as_ref(), PNG);
    // Not another tenant's to load, and not on its pages.
    let response = other
        .owner
        .client
        .get(other.owner.url(&path))
        .send()
        .await
        .unwrap();
    assert!(matches!(response.status().as_u16(), 403 | 404));
    let page = other
        .owner
        .page(&format!("/app/{}", other.slug))
        .await
        .text()
        .await
        .unwrap();
    assert!(!page.contains("/logo?v="));
    // A plain form post goes back to the tenant's page.
    let response = admin.upload(&upload, "logo.png", PNG, true).await;
    assert_redirect_to(&response, &format!("/admin/tenants/{}", acme.slug));

    // Removed: gone from the pages and its address; recorded both ways.
    let _: () = admin
        .call_ok("remove_tenant_logo", &[("slug", &acme.slug)])
        .await;
    let page = acme.viewer.page(&home).await.text().await.unwrap();
    assert!(!page.contains("/logo?v="));
    let response = acme
        .viewer
        .client
        .get(acme.viewer.url(&path))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let changes = app
        .count("SELECT COUNT(*) FROM audit_log WHERE action IN ('tenant.logo_changed', 'tenant.logo_removed')")
        .await;
    assert_eq!(changes, 3);
}

/// Switches the white-label feature on for a tenant (its branding shows only then).
pub async fn white_label(admin: &Browser, slug: &str) {
    let _: () = admin
        .call_ok(
            "set_tenant_features",
            &[("slug", slug), ("features[white_label]", "on")],
        )
        .await;
}

/// The next tenant event a console tab receives.
async fn next_tenant_event(tab: &mut crate::command_center::Tab) -> TenantStatus {
    loop {
        match tab.next(5000).await {
            Some(shared::live::ServerMessage::Event { slug, event }) => {
                assert_eq!(slug, shared::live::PLATFORM);
                if let shared::live::Change::Tenant { status } = event.change {
                    return status;
                }
            }
            Some(shared::live::ServerMessage::Subscribed { .. }) => {}
            other => panic!("expected a tenant event: {other:?}"),
        }
    }
}

#[tokio::test]
async fn the_overview_hears_of_tenants_coming_and_changing_live_and_only_super_admins_do() {
    let app = spawn_app().await;
    let admin = app.super_admin().await;
    let subscribe =
        r#"{"type":"subscribe","slug":"@platform","topics":["tenants","usage"],"since":null}"#;
    let mut console = crate::command_center::open_tab(&app.address, &admin, Some(&app.address))
        .await
        .unwrap();
    console.send(subscribe).await;
    assert!(matches!(
        console.next(5000).await,
        Some(shared::live::ServerMessage::Subscribed { .. })
    ));

    // A sign-up anywhere reaches the console's tab.
    let (owner, home) = app
        .sign_up("end_user", "Live Co", &unique_email("o", "live.example"))
        .await;
    assert_eq!(next_tenant_event(&mut console).await, TenantStatus::Active);
    let slug = home.rsplit('/').next().unwrap().to_owned();
    let _: () = admin
        .call_ok(
            "set_tenant_status",
            &[("slug", slug.as_str()), ("status", "suspended")],
        )
        .await;
    assert_eq!(
        next_tenant_event(&mut console).await,
        TenantStatus::Suspended
    );

    // A member cannot watch the platform's tenants or usage.
    let mut tab = crate::command_center::open_tab(&app.address, &owner, Some(&app.address))
        .await
        .unwrap();
    tab.send(subscribe).await;
    assert!(matches!(
        tab.next(5000).await,
        Some(shared::live::ServerMessage::Refused { .. })
    ));
}
