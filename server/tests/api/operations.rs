use shared::accounts::Me;
use shared::personas::Persona;

use crate::helpers::{spawn_app, unique_email};

#[tokio::test]
async fn health_reports_the_database() {
    let app = spawn_app().await;
    let response = app
        .browser()
        .client
        .get(format!("{}/healthz", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    let expected = match crate::helpers::backend() {
        crate::helpers::Backend::Sqlite => "sqlite",
        crate::helpers::Backend::Postgres => "postgres",
    };
    assert_eq!(body["database"], expected);
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_show_the_pool() {
    let app = spawn_app().await;
    let (browser, home) = app
        .sign_up("end_user", "Acme", &unique_email("m", "acme.example"))
        .await;
    assert_eq!(browser.page(&home).await.status(), 200);
    let text = browser
        .client
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains(
            "atrium_http_requests_total{method=\"GET\",route=\"/app/{slug}\",status=\"200\"}"
        ),
        "{text}"
    );
    assert!(
        text.contains("atrium_http_request_duration_seconds_bucket"),
        "latency histograms"
    );
    assert!(text.contains("atrium_db_pool_connections"));
    assert!(text.contains("atrium_sessions_live"));
    assert!(
        text.contains("atrium_jobs{status=\"queued\"}"),
        "queue depth by status"
    );
    assert!(text.contains("atrium_password_hash_seconds"));
}

#[tokio::test]
async fn demo_data_gives_every_persona_a_working_home() {
    let app = spawn_app().await;
    assert!(services::demo::load_if_empty(&app.services).await.unwrap());
    assert!(
        !services::demo::load_if_empty(&app.services).await.unwrap(),
        "loading twice changes nothing"
    );
    let logins = services::demo::logins();
    assert!(logins.len() >= 10);
    for (persona, email, _) in logins {
        let browser = app.signed_in(email, services::demo::PASSWORD).await;
        if persona.starts_with("Super") {
            let console = browser.page("/admin").await;
            assert_eq!(
                console.status(),
                403,
                "super admins set up an authenticator before the console opens"
            );
            crate::helpers::enroll(&browser).await;
        }
        let me: Me = browser.me().await.unwrap();
        let home = me.home_path();
        let page = browser.page(&home).await;
        assert_eq!(page.status(), 200, "{persona} {email} at {home}");
        let expected = if persona.starts_with("Super") {
            "/admin"
        } else if persona.starts_with("Builder") {
            "/builder/"
        } else {
            "/app/"
        };
        assert!(
            home.starts_with(expected),
            "{persona} {email} landed on {home}"
        );
    }
    let max = app
        .signed_in("max@northwind.example", services::demo::PASSWORD)
        .await
        .me()
        .await
        .unwrap();
    assert_eq!(
        max.usable_personas(),
        vec![Persona::Builder, Persona::EndUser]
    );
    let olivia = app
        .signed_in("olivia@acme.example", services::demo::PASSWORD)
        .await
        .me()
        .await
        .unwrap();
    assert_eq!(
        olivia.workspaces_for(Persona::EndUser).count(),
        2,
        "Olivia switches between Acme and Globex"
    );
    // Acme uses the catalog: one service active, one waiting for the super admin.
    let acme: shared::catalog::ServicesPage = app
        .signed_in("olivia@acme.example", services::demo::PASSWORD)
        .await
        .call_ok("get_services", &[("slug", "acme")])
        .await;
    let mine: Vec<_> = acme
        .mine()
        .map(|e| {
            (
                e.service.name.to_string(),
                e.activation.as_ref().map(|a| a.status),
            )
        })
        .collect();
    assert_eq!(
        mine,
        [
            (
                "Lead enrichment".to_owned(),
                Some(shared::catalog::ActivationStatus::Requested)
            ),
            (
                "Voice agent".to_owned(),
                Some(shared::catalog::ActivationStatus::Active)
            ),
        ]
    );
    // Northwind's lead form, deployed live for Acme (which accepted Northwind as its
    // builder), was sent once from Acme's site: the contact is Acme's, not Northwind's.
    let olivia = app
        .signed_in("olivia@acme.example", services::demo::PASSWORD)
        .await;
    let contacts: shared::widgets::submissions::ContactsPage =
        olivia.call_ok("get_contacts", &[("slug", "acme")]).await;
    assert_eq!(contacts.contacts.len(), 1);
    assert_eq!(
        contacts.contacts[0].origin.as_deref(),
        Some("https://www.acme.example")
    );
    let bea = app
        .signed_in("bea@northwind.example", services::demo::PASSWORD)
        .await;
    let own: shared::widgets::submissions::ContactsPage =
        bea.call_ok("get_contacts", &[("slug", "northwind")]).await;
    assert!(own.contacts.is_empty());
    let customers: shared::customers::CustomersPage =
        bea.call_ok("get_customers", &[("slug", "northwind")]).await;
    let statuses: Vec<_> = customers
        .links
        .iter()
        .map(|l| (l.other_slug.to_string(), l.status))
        .collect();
    assert_eq!(
        statuses,
        [
            ("globex".to_owned(), shared::customers::LinkStatus::Pending),
            ("acme".to_owned(), shared::customers::LinkStatus::Active),
        ]
    );
    assert_eq!(
        customers.implementations[0].status,
        shared::customers::ImplementationStatus::Live
    );
    // Acme's invoice for last month earned Northwind its commission.
    let overview: shared::customers::BuilderOverview = bea
        .call_ok("get_builder_overview", &[("slug", "northwind")])
        .await;
    assert_eq!(overview.by_customer.len(), 1);
    assert_eq!(overview.by_customer[0].name.as_str(), "Acme Corp");
    assert_eq!(overview.months.len(), 1);
    // Its contact form is listed on the marketplace, as its own.
    let market: shared::marketplace::MarketplacePage = bea
        .call_ok(
            "get_marketplace",
            &[("slug", "northwind"), ("q", ""), ("kind", ""), ("sort", "")],
        )
        .await;
    let listed: Vec<_> = market
        .listings
        .iter()
        .map(|l| (l.title.to_string(), l.own))
        .collect();
    assert_eq!(listed, [("Calm contact form".to_owned(), true)]);
    let variants: std::collections::BTreeSet<_> =
        services::demo::TENANTS.iter().map(|t| t.variant).collect();
    assert!(variants.len() >= 3, "the demo spans the platform variants");
}

#[tokio::test]
async fn pages_render_on_the_server_with_real_data() {
    let app = spawn_app().await;
    services::demo::load_if_empty(&app.services).await.unwrap();
    let olivia = app
        .signed_in("olivia@acme.example", services::demo::PASSWORD)
        .await;
    let html = olivia.page("/app/acme/members").await.text().await.unwrap();
    for needle in [
        "Members",
        "Adam Admin",
        "victor@acme.example",
        "Invite someone",
        "Globex Enterprise",
    ] {
        assert!(
            html.contains(needle),
            "{needle} in the server-rendered members page"
        );
    }
    let victor = app
        .signed_in("victor@acme.example", services::demo::PASSWORD)
        .await;
    let html = victor.page("/app/acme").await.text().await.unwrap();
    assert!(html.contains("you are Viewer"));
    assert!(
        !victor
            .page("/app/acme/members")
            .await
            .text()
            .await
            .unwrap()
            .contains("Invite someone")
    );
    let wrong_prefix = olivia.page("/builder/acme").await;
    assert_eq!(
        wrong_prefix.status(),
        302,
        "the URL follows the workspace's persona"
    );
    assert_eq!(wrong_prefix.headers()["location"], "/app/acme");
}

/// Starting more servers in the same process (as a deployment's tests and `spawn_instance`
/// do) never stalls a page another one is rendering. Reading the route list keeps every
/// resource in the process from loading while it runs (leptos#4773), so it must happen
/// once per process, not once per server: with it per server, this test hangs.
#[tokio::test]
async fn pages_render_while_other_servers_start() {
    let app = spawn_app().await;
    let (browser, home) = app
        .sign_up("end_user", "Steady", &unique_email("steady", "example.com"))
        .await;
    let starting: Vec<_> = (0..2)
        .map(|_| {
            std::thread::spawn(|| {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                runtime.block_on(async {
                    for _ in 0..3 {
                        drop(spawn_app().await);
                    }
                });
            })
        })
        .collect();
    let mut rendered = 0;
    while rendered < 10 || starting.iter().any(|thread| !thread.is_finished()) {
        let page = tokio::time::timeout(std::time::Duration::from_secs(20), browser.page(&home))
            .await
            .expect("the page renders within 20 s while other servers start");
        assert_eq!(page.status(), 200);
        assert!(page.text().await.unwrap().contains("Steady"));
        rendered += 1;
    }
    for thread in starting {
        thread.join().unwrap();
    }
}
