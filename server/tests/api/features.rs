//! Features per tenant: what its plan includes is enforced (custom templates, the REST API,
//! priority in the support queue; white-label branding and webhooks have their own tests),
//! and a super admin's switch in the console overrides the plan either way, from the
//! tenant's next request, with an audit entry for each change.

use shared::AppError;
use shared::api_tokens::CreatedApiToken;
use shared::billing::{Feature, FeatureSwitch};
use shared::support::TicketSummary;
use shared::tenant_console::TenantDetail;

use crate::helpers::{Browser, TestApp, spawn_app};
use crate::members::org;

const PLAIN: &str = r#"{"phases": [{"key": "P0", "name": "Only", "steps": [{"key": "tell", "name": "Tell", "kind": "notify"}]}]}"#;

async fn switch(root: &Browser, slug: &str, pairs: &[(&str, &str)]) -> reqwest::Response {
    let mut form = vec![("slug".to_owned(), slug.to_owned())];
    for (feature, to) in pairs {
        form.push((format!("features[{feature}]"), (*to).to_owned()));
    }
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    root.call("set_tenant_features", &form).await
}

async fn template(browser: &Browser, slug: &str) -> reqwest::Response {
    browser
        .call(
            "create_template",
            &[("slug", slug), ("name", "Ours"), ("definition", PLAIN)],
        )
        .await
}

async fn usage(app: &TestApp, token: &str, slug: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(format!("{}/api/v1/tenants/{slug}/usage", app.address))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_plan_decides_the_features_and_the_console_overrides_it_either_way() {
    let app = spawn_app().await;
    let team = org(&app, "Feature Co", "feature.example").await;
    let root = app.super_admin().await;

    // Free has no custom templates: refused, naming the plan that has them.
    let refused = template(&team.owner, &team.slug).await;
    assert_eq!(refused.status(), 403);
    let error: AppError = refused.json().await.unwrap();
    assert_eq!(
        error.to_string(),
        "“Custom process templates” is not part of the Free plan: upgrade to Pro to use it."
    );

    // Switched on for this tenant alone: its owner makes one at once.
    let response = switch(&root, &team.slug, &[("custom_templates", "on")]).await;
    assert_eq!(response.status(), 200);
    assert_eq!(template(&team.owner, &team.slug).await.status(), 200);
    let detail: TenantDetail = root
        .call_ok("get_tenant_detail", &[("slug", &team.slug)])
        .await;
    let state = detail
        .features
        .iter()
        .find(|f| f.feature == Feature::CustomTemplates)
        .unwrap();
    assert!(!state.in_plan && state.on());
    assert_eq!(state.switch, FeatureSwitch::On);

    // The REST API: a token works until API access is switched off, then every call and
    // every new token is refused with the reason; back to the plan, it works again.
    let form = [
        ("slug", team.slug.as_str()),
        ("name", "Reporter"),
        ("expires_in_days", "30"),
        ("scopes[usage:read]", "on"),
    ];
    let made: CreatedApiToken = team.owner.call_ok("create_api_token", &form).await;
    assert_eq!(usage(&app, &made.token, &team.slug).await.status(), 200);
    let response = switch(&root, &team.slug, &[("api_access", "off")]).await;
    assert_eq!(response.status(), 200);
    let closed = usage(&app, &made.token, &team.slug).await;
    assert_eq!(closed.status(), 403);
    let error: AppError = closed.json().await.unwrap();
    assert!(
        error
            .to_string()
            .starts_with("“REST API access” is switched off for this workspace"),
        "{error}"
    );
    let (status, _) = team.owner.call_err("create_api_token", &form).await;
    assert_eq!(status, 403);
    let response = switch(
        &root,
        &team.slug,
        &[("api_access", "plan"), ("custom_templates", "plan")],
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(usage(&app, &made.token, &team.slug).await.status(), 200);
    assert_eq!(template(&team.owner, &team.slug).await.status(), 403);

    // Four changes, four audit entries; saving what is already so adds none.
    let response = switch(&root, &team.slug, &[("webhooks", "plan")]).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'tenant.feature_overridden'")
            .await,
        4
    );

    // Bad input is named; only super admins switch features.
    let bad = switch(&root, &team.slug, &[("teleport", "on")]).await;
    assert_eq!(bad.status(), 422);
    let bad = switch(&root, &team.slug, &[("webhooks", "maybe")]).await;
    assert_eq!(bad.status(), 422);
    let error: AppError = bad.json().await.unwrap();
    assert!(error.to_string().contains("Outbound webhooks"), "{error}");
    let denied = switch(&team.owner, &team.slug, &[("custom_templates", "on")]).await;
    assert_eq!(denied.status(), 403);
    assert_eq!(template(&team.owner, &team.slug).await.status(), 403);
}

#[tokio::test]
async fn organizations_with_priority_support_come_first_in_the_support_queue() {
    let app = spawn_app().await;
    let early = org(&app, "Early Co", "early.example").await;
    let late = org(&app, "Late Co", "late.example").await;
    let root = app.super_admin().await;
    let open = |team: &'static str, browser: Browser, slug: String| async move {
        let _: shared::ids::TicketId = browser
            .call_ok(
                "open_ticket",
                &[
                    ("slug", slug.as_str()),
                    ("subject", team),
                    ("priority", "normal"),
                    ("body", "Please help."),
                ],
            )
            .await;
    };
    open("From Early", early.owner.clone(), early.slug.clone()).await;
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    open("From Late", late.owner.clone(), late.slug.clone()).await;
    let subjects = |queue: &[TicketSummary]| {
        queue
            .iter()
            .map(|t| (t.subject.to_string(), t.priority_support))
            .collect::<Vec<_>>()
    };

    // Neither has it on the Free plan: the latest first.
    let queue: Vec<TicketSummary> = root.call_ok("get_support_queue", &[]).await;
    assert_eq!(
        subjects(&queue),
        [
            ("From Late".to_owned(), false),
            ("From Early".to_owned(), false)
        ]
    );
    // Switched on for the early one, its ticket goes ahead, marked.
    let response = switch(&root, &early.slug, &[("priority_support", "on")]).await;
    assert_eq!(response.status(), 200);
    let queue: Vec<TicketSummary> = root.call_ok("get_support_queue", &[]).await;
    assert_eq!(
        subjects(&queue),
        [
            ("From Early".to_owned(), true),
            ("From Late".to_owned(), false)
        ]
    );
}
