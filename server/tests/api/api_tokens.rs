//! API tokens against the real server: shown once, stored hashed, scoped, revocable, rate
//! limited by the plan, and counted against the monthly API-call quota.

use shared::AppError;
use shared::api_tokens::{ApiTokensPage, CreatedApiToken};
use shared::billing::{BillingPage, Metric};

use crate::helpers::{Browser, TestApp, spawn_app, wait_for};
use crate::members::org;

async fn make(browser: &Browser, slug: &str, scopes: &[&str]) -> reqwest::Response {
    let mut form: Vec<(String, String)> = vec![
        ("slug".into(), slug.into()),
        ("name".into(), "Reporter".into()),
        ("expires_in_days".into(), "30".into()),
    ];
    for scope in scopes {
        form.push((format!("scopes[{scope}]"), "on".into()));
    }
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    browser.call("create_api_token", &form).await
}

async fn made(browser: &Browser, slug: &str, scopes: &[&str]) -> CreatedApiToken {
    let response = make(browser, slug, scopes).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    response.json().await.unwrap()
}

fn api(app: &TestApp, path: &str) -> String {
    format!("{}{path}", app.address)
}

async fn get(app: &TestApp, token: &str, path: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(api(app, path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_token_is_shown_once_stored_hashed_and_limited_to_its_scopes() {
    let app = spawn_app().await;
    let team = org(&app, "Token Co", "token.example").await;
    let usage = format!("/api/v1/tenants/{}/usage", team.slug);
    let made = made(&team.owner, &team.slug, &["usage:read"]).await;
    assert!(made.token.starts_with("atr_"));
    assert!(made.token.starts_with(&made.view.prefix));
    // Only the hash is kept.
    let stored = app
        .query_text("SELECT token_prefix || scopes || name FROM api_tokens")
        .await
        .unwrap();
    assert!(!stored.contains(&made.token[12..]));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM api_tokens WHERE token_hash IS NOT NULL")
            .await,
        1
    );

    assert_eq!(get(&app, &made.token, &usage).await.status(), 200);
    let refused = reqwest::Client::new()
        .post(api(&app, &usage))
        .bearer_auth(&made.token)
        .body(r#"{"metric": "tokens", "quantity": 1}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    let error: AppError = refused.json().await.unwrap();
    assert_eq!(
        error.to_string(),
        "This API token (scopes: usage:read) does not allow you to report usage."
    );
    let members = format!("/api/v1/tenants/{}/members", team.slug);
    assert_eq!(get(&app, &made.token, &members).await.status(), 403);

    let page: ApiTokensPage = team.owner.call_ok("list_api_tokens", &[]).await;
    assert_eq!(page.tokens.len(), 1);
    assert!(page.tokens[0].last_used_at.is_some());
    assert_eq!(page.tokens[0].scopes.len(), 1);

    // Revoked: the next request is refused, with the same answer as an unknown token.
    let _: () = team
        .owner
        .call_ok("revoke_api_token", &[("id", &made.view.id.to_string())])
        .await;
    for token in [
        made.token.as_str(),
        "atr_notarealtokenatallnotarealtokenatallxxxx",
        "garbage",
    ] {
        let response = get(&app, token, &usage).await;
        assert_eq!(response.status(), 401);
        let error: AppError = response.json().await.unwrap();
        assert_eq!(error, AppError::InvalidToken);
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action IN ('api_token.created', 'api_token.revoked')")
            .await,
        2
    );
}

#[tokio::test]
async fn making_a_token_needs_a_recent_confirmation_and_clear_input() {
    let app = spawn_app().await;
    let team = org(&app, "Careful Co", "careful.example").await;
    for (scopes, expiry, field) in [
        (vec![], "30", "scopes"),
        (vec!["usage:read"], "5", "expires_in_days"),
    ] {
        let mut form = vec![
            ("slug", team.slug.as_str()),
            ("name", "x"),
            ("expires_in_days", expiry),
        ];
        let keys: Vec<String> = scopes.iter().map(|s| format!("scopes[{s}]")).collect();
        for key in &keys {
            form.push((key.as_str(), "on"));
        }
        let (status, error) = team.owner.call_err("create_api_token", &form).await;
        assert_eq!(status, 422);
        assert!(
            matches!(&error, AppError::Invalid { field: f, .. } if f == field),
            "{error:?}"
        );
    }
    // A viewer cannot give a token more than their role allows.
    let response = make(&team.viewer, &team.slug, &["usage:write"]).await;
    assert_eq!(response.status(), 403);
    let error: AppError = response.json().await.unwrap();
    assert_eq!(
        error.to_string(),
        "Your role (Viewer) does not allow you to report usage, so no token of yours can (usage:write)."
    );
    // Without a recent sign-in or confirmation: refused until the person confirms.
    app.age_step_up(&team.owner).await;
    let response = make(&team.owner, &team.slug, &["usage:read"]).await;
    assert_eq!(response.status(), 403);
    let error: AppError = response.json().await.unwrap();
    assert_eq!(error, AppError::StepUpRequired);
    assert_eq!(app.count("SELECT COUNT(*) FROM api_tokens").await, 0);
}

#[tokio::test]
async fn the_plans_rate_answers_429_with_retry_after() {
    let app = spawn_app().await;
    let team = org(&app, "Rate Co", "rate.example").await;
    let admin = app.super_admin().await;
    let _: () = admin
        .call_ok(
            "edit_plan",
            &[
                ("tier", "free"),
                ("price", "0"),
                ("currency", "usd"),
                ("limits[members]", "5"),
                ("limits[widgets]", "3"),
                ("limits[monthly_tokens]", "100000"),
                ("limits[monthly_api_calls]", "1000"),
                ("api_requests_per_minute", "3"),
                ("features[api_access]", "on"),
            ],
        )
        .await;
    let token = made(&team.owner, &team.slug, &["workspace:read"])
        .await
        .token;
    let path = format!("/api/v1/tenants/{}", team.slug);
    for _ in 0..3 {
        assert_eq!(get(&app, &token, &path).await.status(), 200);
    }
    let limited = get(&app, &token, &path).await;
    assert_eq!(limited.status(), 429);
    let wait: u64 = limited
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After");
    assert!((1..=60).contains(&wait), "{wait}");
    // A faster plan applies to the next request, although the token is in the access cache.
    let _: () = admin
        .call_ok(
            "edit_plan",
            &[
                ("tier", "free"),
                ("price", "0"),
                ("currency", "usd"),
                ("limits[members]", "5"),
                ("limits[widgets]", "3"),
                ("limits[monthly_tokens]", "100000"),
                ("limits[monthly_api_calls]", "1000"),
                ("api_requests_per_minute", "600"),
                ("features[api_access]", "on"),
            ],
        )
        .await;
    assert_eq!(get(&app, &token, &path).await.status(), 200);
    // Another token of the same workspace has its own budget.
    let other = made(&team.owner, &team.slug, &["workspace:read"])
        .await
        .token;
    assert_eq!(get(&app, &other, &path).await.status(), 200);
}

#[tokio::test]
async fn api_calls_count_against_the_monthly_quota() {
    let app = spawn_app().await;
    let team = org(&app, "Calls Co", "calls.example").await;
    let admin = app.super_admin().await;
    let _: () = admin
        .call_ok(
            "set_limit_override",
            &[
                ("slug", &team.slug),
                ("metric", "api_calls"),
                ("limit", "3"),
            ],
        )
        .await;
    let token = made(&team.owner, &team.slug, &["workspace:read"])
        .await
        .token;
    let path = format!("/api/v1/tenants/{}", team.slug);
    for _ in 0..3 {
        assert_eq!(get(&app, &token, &path).await.status(), 200);
    }
    let refused = get(&app, &token, &path).await;
    assert_eq!(refused.status(), 402);
    let error: AppError = refused.json().await.unwrap();
    assert_eq!(
        error.to_string(),
        "This organization has used all 3 API calls of its Free plan this month. Upgrade to Pro under Plan & usage for more."
    );
    // Written in the background within a second or so, as one event.
    let page: BillingPage = wait_for(10, "the API calls to be written", || async {
        let page: BillingPage = team
            .owner
            .call_ok("get_billing", &[("slug", &team.slug)])
            .await;
        let used = page
            .meters
            .iter()
            .find(|m| m.metric == Metric::ApiCalls)
            .map_or(0, |m| m.used);
        (used == 3).then_some(page)
    })
    .await;
    assert_eq!(
        page.meters
            .iter()
            .find(|m| m.metric == Metric::ApiCalls)
            .unwrap()
            .limit,
        Some(3)
    );
    assert_eq!(
        app.count(
            "SELECT CAST(SUM(quantity) AS BIGINT) FROM usage_events WHERE metric = 'api_calls'"
        )
        .await,
        3
    );
}
