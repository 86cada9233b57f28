//! Plans, quotas and metering against the real server, on both databases.

use futures_util::future::join_all;
use shared::AppError;
use shared::billing::{BillingPage, Metric, PlanTier, PlansAdminPage, UsageLevel, UsageRecorded};
use shared::live::{Change, ServerMessage};

use crate::command_center::open_tab;
use crate::helpers::{Browser, TestApp, spawn_app};
use crate::members::org;

async fn billing(browser: &Browser, slug: &str) -> BillingPage {
    browser.call_ok("get_billing", &[("slug", slug)]).await
}

fn meter(page: &BillingPage, metric: Metric) -> (u64, Option<u64>) {
    let m = page.meters.iter().find(|m| m.metric == metric).unwrap();
    (m.used, m.limit)
}

async fn report(browser: &Browser, slug: &str, json: &str) -> reqwest::Response {
    browser
        .api_post(&format!("/api/v1/tenants/{slug}/usage"), json)
        .await
}

/// A super admin gives the tenant its own limit for `metric`.
async fn override_limit(app: &TestApp, slug: &str, metric: Metric, limit: &str) {
    let admin = app.super_admin().await;
    let _: () = admin
        .call_ok(
            "set_limit_override",
            &[
                ("slug", slug),
                ("metric", metric.as_str()),
                ("limit", limit),
            ],
        )
        .await;
}

#[tokio::test]
async fn a_quota_is_never_overspent_under_concurrency() {
    let app = spawn_app().await;
    let team = org(&app, "Quota Co", "quota.example").await;
    override_limit(&app, &team.slug, Metric::Tokens, "100").await;

    let answers = join_all((0..200).map(|_| {
        report(
            &team.consultant,
            &team.slug,
            r#"{"metric": "tokens", "quantity": 1, "provider": "groq", "cost_minor": 2}"#,
        )
    }))
    .await;
    let mut created = 0;
    let mut refused = 0;
    for response in answers {
        match response.status().as_u16() {
            201 => created += 1,
            402 => {
                refused += 1;
                let error: AppError = response.json().await.unwrap();
                assert_eq!(
                    error.to_string(),
                    "This organization has used all 100 tokens of its Free plan this month. Upgrade to Pro under Plan & usage for more."
                );
            }
            other => panic!("unexpected {other}: {}", response.text().await.unwrap()),
        }
    }
    assert_eq!((created, refused), (100, 100));
    let page = billing(&team.owner, &team.slug).await;
    assert_eq!(meter(&page, Metric::Tokens), (100, Some(100)));
    assert_eq!(app.count("SELECT COUNT(*) FROM usage_events").await, 100);
    assert_eq!(
        app.count("SELECT CAST(SUM(quantity) AS BIGINT) FROM usage_daily")
            .await,
        100,
        "the roll-up agrees with the events"
    );
    assert_eq!(page.costs.len(), 1);
    assert_eq!(page.costs[0].provider, "groq");
    assert_eq!(page.costs[0].cost.minor, 200);
    assert_eq!(page.costs[0].quantity, 100);
}

#[tokio::test]
async fn the_usage_page_lists_providers_most_expensive_first() {
    let app = spawn_app().await;
    let team = org(&app, "Costs Co", "costs.example").await;
    let unused = billing(&team.owner, &team.slug).await;
    assert!(
        unused.history.is_empty() && unused.costs.is_empty(),
        "nothing used yet: {:?} {:?}",
        unused.history,
        unused.costs
    );
    for json in [
        r#"{"metric": "tokens", "quantity": 10, "provider": "groq", "cost_minor": 2}"#,
        r#"{"metric": "tokens", "quantity": 3, "provider": "twilio", "cost_minor": 9}"#,
        r#"{"metric": "tokens", "quantity": 4, "provider": "deepgram", "cost_minor": 9}"#,
        r#"{"metric": "tokens", "quantity": 5}"#,
    ] {
        assert_eq!(
            report(&team.consultant, &team.slug, json).await.status(),
            201
        );
    }
    let page = billing(&team.owner, &team.slug).await;
    let costs: Vec<(&str, i64, u64)> = page
        .costs
        .iter()
        .map(|c| (c.provider.as_str(), c.cost.minor, c.quantity))
        .collect();
    assert_eq!(
        costs,
        [("deepgram", 9, 4), ("twilio", 9, 3), ("groq", 2, 10)],
        "by cost, then by name; usage without a provider costs nothing here"
    );
    let tokens: u64 = page
        .history
        .iter()
        .filter(|d| d.metric == Metric::Tokens)
        .map(|d| d.quantity)
        .sum();
    assert_eq!(
        tokens, 22,
        "the history counts usage with and without a provider"
    );
    assert!(
        page.history
            .windows(2)
            .all(|w| (w[0].day, w[0].metric.as_str()) < (w[1].day, w[1].metric.as_str())),
        "one entry per day and metric, in order"
    );
}

#[tokio::test]
async fn usage_is_metered_warned_about_and_shown_live() {
    let app = spawn_app().await;
    let team = org(&app, "Meter Co", "meter.example").await;
    override_limit(&app, &team.slug, Metric::Tokens, "1000").await;
    let mut tab = open_tab(&app.address, &team.viewer, Some(&app.address))
        .await
        .unwrap();
    tab.send(&format!(
        r#"{{"type":"subscribe","slug":"{}","topics":["usage"],"since":null}}"#,
        team.slug
    ))
    .await;
    assert!(matches!(
        tab.next(5000).await,
        Some(ServerMessage::Subscribed { .. })
    ));

    let response = report(
        &team.consultant,
        &team.slug,
        r#"{"metric": "tokens", "quantity": 790, "service": "summaries", "provider": "groq", "cost_minor": 79}"#,
    )
    .await;
    assert_eq!(response.status(), 201);
    let recorded: UsageRecorded = response.json().await.unwrap();
    assert_eq!(
        (recorded.used, recorded.limit, recorded.level),
        (790, Some(1000), UsageLevel::Normal)
    );
    match tab.next(3000).await {
        Some(ServerMessage::Event { event, .. }) => assert_eq!(
            event.change,
            Change::Usage {
                metric: Metric::Tokens,
                used: 790
            }
        ),
        other => panic!("no live usage event: {other:?}"),
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM notifications WHERE kind = 'usage_warning'")
            .await,
        0
    );

    // Crossing 80 % tells the owner and the admin, once.
    for _ in 0..2 {
        let response = report(
            &team.consultant,
            &team.slug,
            r#"{"metric": "tokens", "quantity": 10}"#,
        )
        .await;
        assert_eq!(response.status(), 201);
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM notifications WHERE kind = 'usage_warning'")
            .await,
        2,
        "one each for the owner and the admin"
    );
    let notes: Vec<shared::security::NotificationView> =
        team.owner.call_ok("list_notifications", &[]).await;
    assert!(
        notes
            .iter()
            .any(|n| n.title == "Meter Co is at 80 % of its tokens this month"),
        "{notes:?}"
    );

    // The rest of the quota is spent exactly; beyond it, refused with the way up.
    let response = report(
        &team.consultant,
        &team.slug,
        r#"{"metric": "tokens", "quantity": 190}"#,
    )
    .await;
    let recorded: UsageRecorded = response.json().await.unwrap();
    assert_eq!(recorded.level, UsageLevel::Reached);
    let response = report(
        &team.consultant,
        &team.slug,
        r#"{"metric": "tokens", "quantity": 1}"#,
    )
    .await;
    assert_eq!(response.status(), 402);

    let page = billing(&team.viewer, &team.slug).await;
    assert_eq!(meter(&page, Metric::Tokens), (1000, Some(1000)));
    assert_eq!(page.plan.tier, PlanTier::Free);
    assert!(!page.can_change_plan, "a viewer sees but cannot change");
    let today: u64 = page
        .history
        .iter()
        .filter(|d| d.metric == Metric::Tokens)
        .map(|d| d.quantity)
        .sum();
    assert_eq!(today, 1000);
    // The REST API serves the same page.
    let response = team
        .viewer
        .client
        .get(
            team.viewer
                .url(&format!("/api/v1/tenants/{}/usage", team.slug)),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let over_rest: BillingPage = response.json().await.unwrap();
    assert_eq!(over_rest.meters, page.meters);
}

#[tokio::test]
async fn bad_usage_reports_get_specific_errors_and_count_nothing() {
    let app = spawn_app().await;
    let team = org(&app, "Bad Input Co", "bad-input.example").await;
    for (body, status, field) in [
        ("not json", 422, "body"),
        (r#"{"metric": "tokens"}"#, 422, "body"),
        (r#"{"metric": "members", "quantity": 1}"#, 422, "metric"),
        (r#"{"metric": "tokens", "quantity": 0}"#, 422, "quantity"),
        (
            r#"{"metric": "tokens", "quantity": 1, "provider": "two words"}"#,
            422,
            "provider",
        ),
        (
            r#"{"metric": "tokens", "quantity": 1, "cost_minor": -5}"#,
            422,
            "cost_minor",
        ),
    ] {
        let response = report(&team.consultant, &team.slug, body).await;
        assert_eq!(response.status(), status, "{body}");
        let error: AppError = response.json().await.unwrap();
        assert!(
            matches!(&error, AppError::Invalid { field: f, .. } if f == field),
            "{body}: {error:?}"
        );
    }
    // A viewer may read usage but not report it; nobody outside may do either.
    let response = report(
        &team.viewer,
        &team.slug,
        r#"{"metric": "tokens", "quantity": 1}"#,
    )
    .await;
    assert_eq!(response.status(), 403);
    let response = report(
        &app.browser(),
        &team.slug,
        r#"{"metric": "tokens", "quantity": 1}"#,
    )
    .await;
    assert_eq!(response.status(), 401);
    assert_eq!(app.count("SELECT COUNT(*) FROM usage_events").await, 0);
}

#[tokio::test]
async fn the_members_limit_is_enforced_and_a_change_of_plan_must_fit() {
    let app = spawn_app().await;
    // Four members of the Free plan's five.
    let team = org(&app, "Seats Co", "seats.example").await;
    let invite = |email: &'static str| {
        let owner = &team.owner;
        let slug = team.slug.clone();
        async move {
            owner
                .call(
                    "invite_member",
                    &[("slug", &slug), ("email", email), ("role", "viewer")],
                )
                .await
        }
    };
    assert_eq!(invite("fifth@seats.example").await.status(), 200);
    let refused = invite("sixth@seats.example").await;
    assert_eq!(refused.status(), 402);
    let error: AppError = refused.json().await.unwrap();
    assert_eq!(
        error.to_string(),
        "The Free plan allows 5 members, and this organization has reached that. Upgrade to Pro under Plan & usage for more."
    );
    let page = billing(&team.owner, &team.slug).await;
    assert_eq!(meter(&page, Metric::Members), (5, Some(5)));

    // Only the owner changes the plan.
    let (status, _) = team
        .admin
        .call_err("change_plan", &[("slug", &team.slug), ("tier", "pro")])
        .await;
    assert_eq!(status, 403);
    let _: () = team
        .owner
        .call_ok("change_plan", &[("slug", &team.slug), ("tier", "pro")])
        .await;
    assert_eq!(invite("sixth@seats.example").await.status(), 200);
    let page = billing(&team.owner, &team.slug).await;
    assert_eq!(page.plan.tier, PlanTier::Pro);
    assert_eq!(meter(&page, Metric::Members), (6, Some(25)));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'tenant.plan_changed'")
            .await,
        1
    );

    // Back to Free does not fit six seats: refused, and nothing changes.
    let (status, error) = team
        .owner
        .call_err("change_plan", &[("slug", &team.slug), ("tier", "free")])
        .await;
    assert_eq!(status, 422);
    assert_eq!(
        error.to_string(),
        "The Free plan allows 5 members; this organization has 6. Remove 1 first."
    );
    assert_eq!(
        billing(&team.owner, &team.slug).await.plan.tier,
        PlanTier::Pro
    );
}

#[tokio::test]
async fn super_admins_edit_plans_and_set_a_tenants_own_limits() {
    let app = spawn_app().await;
    let team = org(&app, "Edited Co", "edited.example").await;
    let admin = app.super_admin().await;
    let page: PlansAdminPage = admin.call_ok("get_plans_admin", &[]).await;
    assert_eq!(page.plans.len(), 3);
    assert!(
        page.tenants
            .iter()
            .any(|t| t.tenant.slug.as_str() == team.slug)
    );

    let form = |price: &'static str, members: &'static str| {
        vec![
            ("tier", "free"),
            ("price", price),
            ("currency", "usd"),
            ("limits[members]", members),
            ("limits[widgets]", "3"),
            ("limits[monthly_tokens]", "100,000"),
            ("limits[monthly_api_calls]", "unlimited"),
            ("api_requests_per_minute", "60"),
            ("features[api_access]", "on"),
        ]
    };
    // Bad input: a clear error per field, and the plan stays as it was.
    let (status, error) = admin.call_err("edit_plan", &form("abc", "5")).await;
    assert_eq!(status, 422);
    assert!(
        matches!(&error, AppError::Invalid { field, .. } if field == "price"),
        "{error:?}"
    );
    let (_, error) = admin.call_err("edit_plan", &form("0", "five")).await;
    assert!(
        matches!(&error, AppError::Invalid { field, .. } if field == "members"),
        "{error:?}"
    );
    assert_eq!(
        meter(&billing(&team.owner, &team.slug).await, Metric::Members).1,
        Some(5)
    );

    // Saved: every workspace on the plan has the new limits at once (the plans are cached
    // until an edit), on its usage page and its home.
    let _: () = admin.call_ok("edit_plan", &form("9.50", "12")).await;
    let page = billing(&team.owner, &team.slug).await;
    assert_eq!(page.plan.price.minor, 950);
    assert_eq!(meter(&page, Metric::Members).1, Some(12));
    assert_eq!(meter(&page, Metric::ApiCalls).1, None);
    let home: shared::tenants::WorkspaceHome = team
        .viewer
        .call_ok("get_workspace_home", &[("slug", &team.slug)])
        .await;
    let usage = home.usage.unwrap();
    let members = usage.meters.iter().find(|m| m.metric == Metric::Members);
    assert_eq!(members.and_then(|m| m.limit), Some(12));

    // A tenant's own limit overrides its plan, and can be removed again.
    override_limit(&app, &team.slug, Metric::Members, "unlimited").await;
    assert_eq!(
        meter(&billing(&team.owner, &team.slug).await, Metric::Members).1,
        None
    );
    override_limit(&app, &team.slug, Metric::Members, "").await;
    assert_eq!(
        meter(&billing(&team.owner, &team.slug).await, Metric::Members).1,
        Some(12)
    );
    // Super admins move a tenant between plans too; owners cannot edit plans.
    let _: () = admin
        .call_ok(
            "set_tenant_plan",
            &[("slug", &team.slug), ("tier", "enterprise")],
        )
        .await;
    assert_eq!(
        billing(&team.owner, &team.slug).await.plan.tier,
        PlanTier::Enterprise
    );
    let (status, _) = team.owner.call_err("edit_plan", &form("0", "1000")).await;
    assert_eq!(status, 403);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action IN ('platform.plan_edited', 'tenant.limit_overridden', 'tenant.plan_changed')")
            .await,
        4
    );
}
