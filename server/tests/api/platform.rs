use shared::AppError;
use shared::billing::invoice::Period;
use shared::billing::{Currency, Money};
use shared::personas::Persona;
use shared::tenants::PlatformOverview;

use crate::helpers::{spawn_app, unique_email};

#[tokio::test]
async fn the_super_admin_sees_every_tenant_and_person() {
    let app = spawn_app().await;
    let (owner, _) = app
        .sign_up("end_user", "Acme", &unique_email("o", "acme.example"))
        .await;
    app.sign_up("builder", "Northwind", &unique_email("b", "nw.example"))
        .await;
    let admin = app.super_admin().await;
    let me = admin.me().await.unwrap();
    assert_eq!(me.home_path(), "/admin");
    let overview: PlatformOverview = admin.call_ok("get_platform_overview", &[]).await;
    assert_eq!(overview.tenants.total, 2);
    assert_eq!(
        overview.tenants.by_variant,
        vec![
            (shared::platform::PlatformVariant::Standard, 1),
            (shared::platform::PlatformVariant::Partner, 1),
            (shared::platform::PlatformVariant::Agency, 0),
            (shared::platform::PlatformVariant::Enterprise, 0),
        ]
    );
    assert_eq!(overview.users_total, 3);
    assert_eq!(
        overview.users_by_persona,
        vec![
            (Persona::SuperAdmin, 1),
            (Persona::Builder, 1),
            (Persona::EndUser, 1)
        ]
    );
    assert!(overview.active_sessions >= 3);
    assert!(overview.sign_ins_last_day >= 1);
    // Everyone signed in today (sign-up signs in); a month-old sign-in counts for the month.
    assert_eq!(
        (
            overview.active_people.day,
            overview.active_people.week,
            overview.active_people.month
        ),
        (3, 3, 3)
    );
    app.exec(&format!(
        "UPDATE users SET last_sign_in_at = {} WHERE email LIKE '%@nw.example'",
        crate::helpers::sql_time(chrono::Utc::now() - chrono::TimeDelta::days(20))
    ))
    .await;
    let overview: PlatformOverview = admin.call_ok("get_platform_overview", &[]).await;
    assert_eq!(
        (
            overview.active_people.day,
            overview.active_people.week,
            overview.active_people.month
        ),
        (2, 2, 3)
    );

    // Growth over twelve months: this month's sign-ups and tenants, one tenant moved back
    // two months; the tokens Acme reports and its Pro invoice for the month.
    let now = chrono::Utc::now();
    let this = Period::of(now);
    let two_ago = this.previous().previous();
    app.exec(&format!(
        "UPDATE tenants SET created_at = {} WHERE slug = 'northwind'",
        crate::helpers::sql_time(two_ago.start() + chrono::TimeDelta::days(3))
    ))
    .await;
    let _: () = owner
        .call_ok("change_plan", &[("slug", "acme"), ("tier", "pro")])
        .await;
    let response = owner
        .api_post(
            "/api/v1/tenants/acme/usage",
            r#"{"metric": "tokens", "quantity": 40}"#,
        )
        .await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    services::billing::invoices::issue_due(
        &app.services,
        this.next().start() + chrono::TimeDelta::hours(1),
    )
    .await
    .unwrap();
    let overview: PlatformOverview = admin.call_ok("get_platform_overview", &[]).await;
    assert_eq!(overview.growth.len(), 12);
    let last = &overview.growth[11];
    assert_eq!(last.period, this);
    assert_eq!((last.new_people, last.new_tenants), (3, 1));
    assert_eq!(last.tokens, 40);
    assert_eq!(last.revenue, vec![Money::new(4_900, Currency::Usd)]);
    let earlier = &overview.growth[9];
    assert_eq!(earlier.period, two_ago);
    assert_eq!((earlier.new_people, earlier.new_tenants), (0, 1));
    assert!(earlier.revenue.is_empty() && earlier.tokens == 0);
    assert_eq!(overview.top_usage.len(), 1);
    assert_eq!(overview.top_usage[0].tenant.slug.as_str(), "acme");
    assert_eq!(overview.top_usage[0].tokens, 40);

    let page = admin.page("/admin").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Platform overview") && html.contains("Tenants by plan"));
    assert!(
        html.contains("Growth, the last 12 months") && html.contains("$49.00"),
        "{html}"
    );
    assert!(html.contains("Active this month") && html.contains("Tenants by variant"));
}

#[tokio::test]
async fn nobody_else_reaches_the_console() {
    let app = spawn_app().await;
    let (owner, _) = app
        .sign_up("end_user", "Acme", &unique_email("o", "acme.example"))
        .await;
    let (status, error) = owner.call_err("get_platform_overview", &[]).await;
    assert_eq!(status, 403);
    assert!(matches!(error, AppError::Forbidden { .. }));
    let (status, _) = owner
        .call_err(
            "set_tenant_status",
            &[("slug", "acme"), ("status", "suspended")],
        )
        .await;
    assert_eq!(status, 403);
    let page = owner.page("/admin").await;
    assert_eq!(page.status(), 403);
    let (status, _) = app.browser().call_err("get_platform_overview", &[]).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn suspending_a_tenant_shows_its_members_a_clear_page_until_reactivated() {
    let app = spawn_app().await;
    let (owner, _) = app
        .sign_up("end_user", "Acme", &unique_email("o", "acme.example"))
        .await;
    let admin = app.super_admin().await;
    admin
        .call_ok::<()>(
            "set_tenant_status",
            &[("slug", "acme"), ("status", "suspended")],
        )
        .await;

    let page = owner.page("/app/acme").await;
    assert_eq!(page.status(), 403);
    let html = page.text().await.unwrap();
    assert!(html.contains("Acme is suspended"), "{html}");
    let (status, error) = owner
        .call_err("get_members_page", &[("slug", "acme")])
        .await;
    assert_eq!(
        (status.as_u16(), error),
        (
            403,
            AppError::TenantSuspended {
                tenant: "Acme".into()
            }
        )
    );

    admin
        .call_ok::<()>(
            "set_tenant_status",
            &[("slug", "acme"), ("status", "active")],
        )
        .await;
    assert_eq!(owner.page("/app/acme").await.status(), 200);
    let since = chrono::Utc::now() - chrono::TimeDelta::minutes(5);
    let store = app.services.store();
    assert_eq!(
        store
            .audit_entries("tenant.suspended", since, 10)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        store
            .audit_entries("tenant.reactivated", since, 10)
            .await
            .unwrap()
            .len(),
        1
    );

    let (status, _) = admin
        .call_err(
            "set_tenant_status",
            &[("slug", "no-such-org"), ("status", "suspended")],
        )
        .await;
    assert_eq!(status, 404);
}
