use shared::AppError;

use crate::helpers::{PASSWORD, assert_redirect_to, spawn_app, spawn_app_with, unique_email};

#[tokio::test]
async fn wrong_password_and_unknown_email_read_the_same() {
    let app = spawn_app().await;
    let email = unique_email("olivia", "acme.example");
    app.sign_up("end_user", "Acme", &email).await;
    let browser = app.browser();
    let wrong = browser
        .call_err(
            "sign_in",
            &[("email", &email), ("password", "not the password")],
        )
        .await;
    let unknown = browser
        .call_err(
            "sign_in",
            &[
                ("email", "nobody@acme.example"),
                ("password", "not the password"),
            ],
        )
        .await;
    assert_eq!(wrong, unknown);
    assert_eq!(wrong.0, 401);
    assert_eq!(wrong.1.to_string(), "Incorrect email or password.");
    let (status, error) = browser
        .call_err("sign_in", &[("email", "no-at-sign"), ("password", "x")])
        .await;
    assert_eq!((status.as_u16(), error.field()), (422, Some("email")));
}

#[tokio::test]
async fn signing_in_lands_on_the_persona_home_and_honors_only_local_next() {
    let app = spawn_app().await;
    let email = unique_email("olivia", "acme.example");
    app.sign_up("end_user", "Acme", &email).await;
    let browser = app.browser();
    let home: String = browser
        .call_ok("sign_in", &[("email", &email), ("password", PASSWORD)])
        .await;
    assert_eq!(home, "/app/acme");
    let next: String = browser
        .call_ok(
            "sign_in",
            &[
                ("email", &email),
                ("password", PASSWORD),
                ("next", "/account"),
            ],
        )
        .await;
    assert_eq!(next, "/account");
    let elsewhere: String = browser
        .call_ok(
            "sign_in",
            &[
                ("email", &email),
                ("password", PASSWORD),
                ("next", "//evil.example/"),
            ],
        )
        .await;
    assert_eq!(elsewhere, "/app/acme");
}

#[tokio::test]
async fn a_plain_form_post_redirects_with_the_cookie_and_errors_come_back_in_the_url() {
    let app = spawn_app().await;
    let email = unique_email("olivia", "acme.example");
    app.sign_up("end_user", "Acme", &email).await;
    let browser = app.browser();
    let form = |password: &'static str| {
        browser
            .client
            .post(browser.url("/rpc/sign_in"))
            .header("origin", &app.address)
            .header("accept", "text/html")
            .header("referer", format!("{}/login", app.address))
            .form(&[("email", email.as_str()), ("password", password)])
    };
    let ok = form(PASSWORD).send().await.unwrap();
    assert_redirect_to(&ok, "/app/acme");
    assert!(
        ok.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .starts_with("atrium_session=")
    );
    let refused = form("wrong password!").send().await.unwrap();
    assert_eq!(refused.status(), 302);
    let location = refused.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with(&format!("{}/login?", app.address)),
        "{location}"
    );
    assert!(location.contains("__err="), "{location}");
    let page = browser
        .client
        .get(&location)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("Incorrect email or password.")
    );
}

#[tokio::test]
async fn repeated_failures_lock_the_email_whether_or_not_it_exists() {
    let app = spawn_app().await;
    let email = unique_email("target", "acme.example");
    app.sign_up("end_user", "Acme", &email).await;
    let browser = app.browser();
    for attempt in 1..=10 {
        let (status, error) = browser
            .call_err(
                "sign_in",
                &[("email", &email), ("password", "guess guess guess")],
            )
            .await;
        if attempt < 10 {
            assert_eq!(status, 401, "attempt {attempt}");
        } else {
            assert_eq!(status, 423, "the tenth failure locks");
            assert!(matches!(error, AppError::AccountLocked { .. }));
        }
    }
    let response = browser
        .call("sign_in", &[("email", &email), ("password", PASSWORD)])
        .await;
    assert_eq!(
        response.status(),
        423,
        "even the right password waits out the lock"
    );
    let retry: u64 = response.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((890..=900).contains(&retry), "about 15 minutes: {retry}");
    let message = response.json::<AppError>().await.unwrap().to_string();
    assert!(message.contains("locked for 15 minutes"), "{message}");

    let ghost = "ghost@acme.example";
    for _ in 1..=10 {
        browser
            .call(
                "sign_in",
                &[("email", ghost), ("password", "guess guess guess")],
            )
            .await;
    }
    let (status, _) = browser
        .call_err(
            "sign_in",
            &[("email", ghost), ("password", "guess guess guess")],
        )
        .await;
    assert_eq!(
        status, 423,
        "an unknown email locks the same way, revealing nothing"
    );

    let since = chrono::Utc::now() - chrono::TimeDelta::minutes(5);
    let locks = app
        .services
        .store()
        .audit_entries("auth.account_locked", since, 10)
        .await
        .unwrap();
    assert_eq!(locks.len(), 2);
    let failures = app
        .services
        .store()
        .audit_entries("auth.sign_in_failed", since, 100)
        .await
        .unwrap();
    assert_eq!(failures.len(), 20);
}

#[tokio::test]
async fn an_address_with_many_failures_is_blocked() {
    let app = spawn_app_with(|s| {
        s.auth.ip_lockout_threshold = 5;
        s.auth.account_lockout_threshold = 100;
    })
    .await;
    let browser = app.browser();
    for i in 0..5 {
        browser
            .call(
                "sign_in",
                &[
                    ("email", &format!("spray{i}@acme.example")),
                    ("password", "guess guess guess"),
                ],
            )
            .await;
    }
    let (status, error) = browser
        .call_err(
            "sign_in",
            &[
                ("email", "another@acme.example"),
                ("password", "guess guess guess"),
            ],
        )
        .await;
    assert_eq!(status, 429);
    assert!(matches!(error, AppError::RateLimited { .. }));
}

#[tokio::test]
async fn deactivated_accounts_and_suspended_organizations_are_told_so_after_the_password() {
    let app = spawn_app().await;
    let email = unique_email("gone", "acme.example");
    app.sign_up("end_user", "Acme", &email).await;
    app.exec(&format!(
        "UPDATE users SET status = 'disabled' WHERE email = '{email}'"
    ))
    .await;
    let browser = app.browser();
    let (status, error) = browser
        .call_err("sign_in", &[("email", &email), ("password", PASSWORD)])
        .await;
    assert_eq!((status.as_u16(), error), (403, AppError::AccountDisabled));
    let (status, _) = browser
        .call_err(
            "sign_in",
            &[("email", &email), ("password", "wrong wrong wrong")],
        )
        .await;
    assert_eq!(status, 401, "without the password nothing is revealed");

    let owner = unique_email("owner", "globex.example");
    app.sign_up("end_user", "Globex", &owner).await;
    let admin = app.super_admin().await;
    admin
        .call_ok::<()>(
            "set_tenant_status",
            &[("slug", "globex"), ("status", "suspended")],
        )
        .await;
    let (status, error) = browser
        .call_err("sign_in", &[("email", &owner), ("password", PASSWORD)])
        .await;
    assert_eq!(status, 403);
    assert_eq!(
        error,
        AppError::TenantSuspended {
            tenant: "Globex".into()
        }
    );
    assert!(error.to_string().contains("Globex is suspended"));
}

#[tokio::test]
async fn signing_in_again_over_a_dead_cookie_keeps_the_new_session() {
    let app = spawn_app().await;
    let email = unique_email("olivia", "acme.example");
    let (browser, _) = app.sign_up("end_user", "Acme", &email).await;
    // The browser still holds the now dead cookie when it signs in again.
    app.exec("UPDATE sessions SET revoked_at = created_at")
        .await;
    let _: String = browser
        .call_ok("sign_in", &[("email", &email), ("password", PASSWORD)])
        .await;
    assert!(
        browser.me().await.is_some(),
        "the dead cookie's clearing must not override the new session cookie"
    );
}
