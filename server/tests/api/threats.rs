//! The console's security page: alerts from sign-in activity, acknowledged and resolved;
//! account locks lifted; an operator's block of an address, refused sign-ins from it, and
//! lifted.

use shared::AppError;
use shared::security::AlertKind;
use shared::threats::{LockKind, ThreatsConsole};

use crate::helpers::{Browser, PASSWORD, TestApp, spawn_app, spawn_app_with, unique_email};

async fn console(admin: &Browser) -> ThreatsConsole {
    admin.call_ok("get_threats", &[]).await
}

/// A sign-in attempt from `address` (the server trusts `X-Forwarded-For` in these tests).
async fn sign_in_from(
    app: &TestApp,
    address: &str,
    email: &str,
    password: &str,
) -> reqwest::StatusCode {
    let browser = app.browser();
    browser
        .client
        .post(browser.url("/rpc/sign_in"))
        .header("origin", &app.address)
        .header("accept", "application/json")
        .header("x-forwarded-for", address)
        .form(&[("email", email), ("password", password)])
        .send()
        .await
        .expect("request")
        .status()
}

async fn audited(app: &TestApp, action: &str) -> i64 {
    app.count(&format!(
        "SELECT COUNT(*) FROM audit_log WHERE action = '{action}' AND actor_id IS NOT NULL"
    ))
    .await
}

#[tokio::test]
async fn operators_see_an_alert_acknowledge_and_resolve_it_and_lift_the_lock() {
    let app = spawn_app().await;
    let admin = app.super_admin().await;
    let email = unique_email("target", "acme.example");
    app.sign_up("end_user", "Acme", &email).await;

    let quiet = console(&admin).await;
    assert!(quiet.open.is_empty());
    assert!(quiet.locks.is_empty());

    // Ten wrong passwords lock the account and raise an alert.
    let attacker = app.browser();
    for _ in 0..10 {
        let response = attacker
            .call(
                "sign_in",
                &[("email", &email), ("password", "not the password")],
            )
            .await;
        assert!(!response.status().is_success());
    }
    let page = console(&admin).await;
    assert!(page.counts.failed_sign_ins >= 10, "{:?}", page.counts);
    assert_eq!(page.counts.lockouts, 1);
    assert_eq!(page.counts.alerts_raised, 1);
    let alert = page
        .open
        .iter()
        .find(|a| a.kind == AlertKind::AccountBruteForce)
        .expect("an alert for the locked account");
    assert_eq!(alert.subject, email);
    assert!(alert.acknowledged_at.is_none());
    let lock = page
        .locks
        .iter()
        .find(|l| l.kind == LockKind::Account)
        .expect("the account's lock");
    assert_eq!(lock.subject, email);
    assert!(lock.failures >= 10);

    // The owner cannot sign in until the lock is lifted.
    let (status, error) = app
        .browser()
        .call_err("sign_in", &[("email", &email), ("password", PASSWORD)])
        .await;
    assert_eq!(status, 423, "{error:?}");
    let id = alert.id.to_string();
    let (status, error) = admin
        .call_err(
            "lift_lock",
            &[("kind", "account"), ("subject", "ip:1.2.3.4")],
        )
        .await;
    assert_eq!((status.as_u16(), error.field()), (422, Some("subject")));
    let _: () = admin
        .call_ok("lift_lock", &[("kind", "account"), ("subject", &email)])
        .await;
    assert!(console(&admin).await.locks.is_empty());
    let (status, _) = admin
        .call_err("lift_lock", &[("kind", "account"), ("subject", &email)])
        .await;
    assert_eq!(status, 404, "nothing left to lift");
    app.signed_in(&email, PASSWORD).await;

    // Acknowledged, then resolved: it leaves the open list for the resolved one.
    let (status, error) = admin
        .call_err("act_on_alert", &[("id", &id), ("step", "delete")])
        .await;
    assert_eq!((status.as_u16(), error.field()), (422, Some("step")));
    let (status, _) = admin
        .call_err(
            "act_on_alert",
            &[
                ("id", &uuid::Uuid::now_v7().to_string()),
                ("step", "resolve"),
            ],
        )
        .await;
    assert_eq!(status, 404);
    for _ in 0..2 {
        let _: () = admin
            .call_ok("act_on_alert", &[("id", &id), ("step", "acknowledge")])
            .await;
    }
    let page = console(&admin).await;
    assert!(page.open[0].acknowledged_at.is_some());
    assert_eq!(
        audited(&app, "auth.alert_acknowledged").await,
        1,
        "twice is once"
    );
    let _: () = admin
        .call_ok("act_on_alert", &[("id", &id), ("step", "resolve")])
        .await;
    let page = console(&admin).await;
    assert!(page.open.is_empty());
    assert_eq!(page.resolved.len(), 1);
    assert!(page.resolved[0].resolved_at.is_some());
    assert_eq!(audited(&app, "auth.alert_resolved").await, 1);
    assert_eq!(audited(&app, "auth.lock_lifted").await, 1);

    // The alerts download as CSV, with their state and the evidence.
    let csv = |browser: &Browser| {
        let request = browser
            .client
            .get(browser.url("/api/v1/platform/security/alerts.csv"));
        async move { request.send().await.unwrap() }
    };
    let response = csv(&admin).await;
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    let lines: Vec<&str> = text.trim().lines().collect();
    assert_eq!(
        lines[0],
        "kind,subject,state,reason,occurrences,raised,last seen,acknowledged,resolved,evidence"
    );
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[1].starts_with(&format!("Account locked,{email},resolved,")),
        "{text}"
    );

    // Another person's role is no way in.
    let (owner, _) = app
        .sign_up("end_user", "Bravo", &unique_email("o", "bravo.example"))
        .await;
    let (status, _) = owner.call_err("get_threats", &[]).await;
    assert_eq!(status, 403);
    let (status, _) = owner
        .call_err("act_on_alert", &[("id", &id), ("step", "acknowledge")])
        .await;
    assert_eq!(status, 403);
    assert_eq!(owner.page("/admin/security").await.status(), 403);
    assert_eq!(csv(&owner).await.status(), 403);
}

#[tokio::test]
async fn an_operator_blocks_an_address_its_sign_ins_are_refused_until_lifted() {
    let app = spawn_app_with(|s| s.http.trust_forwarded_for = true).await;
    let admin = app.super_admin().await;
    let email = unique_email("person", "acme.example");
    app.sign_up("end_user", "Acme", &email).await;

    // Bad input is named, and nothing is blocked.
    for (address, hours, field) in [
        ("203.0.113.0/24", "24", "address"),
        ("evil.example", "24", "address"),
        ("203.0.113.7", "2", "hours"),
    ] {
        let (status, error) = admin
            .call_err("block_address", &[("address", address), ("hours", hours)])
            .await;
        assert_eq!(
            (status.as_u16(), error.field()),
            (422, Some(field)),
            "{address}"
        );
    }
    // Not the address the operator is using.
    let (status, error) = admin
        .call_err("block_address", &[("address", "127.0.0.1"), ("hours", "1")])
        .await;
    assert_eq!(status, 422);
    assert!(error.to_string().contains("lock you out"), "{error}");
    assert!(console(&admin).await.locks.is_empty());

    let _: () = admin
        .call_ok(
            "block_address",
            &[
                ("address", "203.0.113.7"),
                ("hours", "1"),
                ("note", "stuffing from here"),
            ],
        )
        .await;
    let page = console(&admin).await;
    let lock = &page.locks[0];
    assert_eq!(
        (lock.kind, lock.subject.as_str()),
        (LockKind::Address, "203.0.113.7")
    );
    assert_eq!(lock.failures, 0);
    let left = lock.until - chrono::Utc::now();
    assert!(left > chrono::TimeDelta::minutes(59) && left <= chrono::TimeDelta::hours(1));

    assert_eq!(
        sign_in_from(&app, "203.0.113.7", &email, PASSWORD).await,
        429
    );
    assert_eq!(
        sign_in_from(&app, "203.0.113.8", &email, PASSWORD).await,
        200
    );
    let details = app
        .query_text(
            "SELECT CAST(details AS TEXT) FROM audit_log
             WHERE action = 'auth.address_blocked' AND actor_id IS NOT NULL",
        )
        .await
        .expect("the block is audited");
    assert!(details.contains("stuffing from here"), "{details}");

    let _: () = admin
        .call_ok(
            "lift_lock",
            &[("kind", "address"), ("subject", "203.0.113.7")],
        )
        .await;
    assert_eq!(
        sign_in_from(&app, "203.0.113.7", &email, PASSWORD).await,
        200
    );
    let (status, error) = admin
        .call_err(
            "lift_lock",
            &[("kind", "address"), ("subject", "203.0.113.7")],
        )
        .await;
    assert_eq!(status, 404, "{error:?}");
    assert!(matches!(error, AppError::NotFound { .. }));
}
