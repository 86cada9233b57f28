use reqwest::header::SET_COOKIE;
use shared::AppError;

use crate::helpers::{PASSWORD, spawn_app, spawn_app_with, unique_email};

#[tokio::test]
async fn session_cookies_are_http_only_lax_and_rotated_at_sign_in() {
    let app = spawn_app().await;
    let email = unique_email("c", "acme.example");
    app.sign_up("end_user", "Acme", &email).await;
    let browser = app.browser();
    let first = browser
        .call("sign_in", &[("email", &email), ("password", PASSWORD)])
        .await;
    let cookie = first.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("atrium_session="), "{cookie}");
    for flag in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age="] {
        assert!(cookie.contains(flag), "{flag} missing in {cookie}");
    }
    assert!(
        !cookie.contains("Secure"),
        "plain-http loopback cannot keep Secure cookies"
    );
    let old_token = cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("atrium_session=")
        .to_owned();
    assert_eq!(old_token.len(), 22, "128 random bits, base64url");

    let second = browser
        .call("sign_in", &[("email", &email), ("password", PASSWORD)])
        .await;
    let new_token = second.headers()[SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    assert_ne!(new_token, format!("atrium_session={old_token}"));
    let replay = app
        .browser()
        .client
        .post(format!("{}/rpc/get_me", app.address))
        .header("cookie", format!("atrium_session={old_token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        replay.text().await.unwrap(),
        "null",
        "the pre-sign-in token is dead"
    );
}

#[tokio::test]
async fn over_https_cookies_are_secure_and_host_prefixed_and_hsts_is_sent() {
    let app = spawn_app_with(|s| s.http.public_url = Some("https://atrium.example".into())).await;
    let email = unique_email("s", "acme.example");
    let browser = app.browser();
    let response = browser
        .call(
            "sign_up",
            &[
                ("name", "S"),
                ("email", &email),
                ("password", PASSWORD),
                ("organization", "Acme"),
                ("kind", "end_user"),
            ],
        )
        .await;
    let cookie = response.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("__Host-atrium_session="), "{cookie}");
    assert!(cookie.contains("; Secure"), "{cookie}");
    assert!(
        response.headers()["strict-transport-security"]
            .to_str()
            .unwrap()
            .contains("max-age=")
    );
}

#[tokio::test]
async fn cross_site_writes_are_refused_before_anything_happens() {
    let app = spawn_app().await;
    let email = unique_email("victim", "acme.example");
    let (browser, _) = app.sign_up("end_user", "Acme", &email).await;
    for (header, value) in [
        ("origin", "https://evil.example"),
        ("sec-fetch-site", "cross-site"),
        ("referer", "https://evil.example/page"),
    ] {
        let response = browser
            .client
            .post(browser.url("/rpc/invite_member"))
            .header(header, value)
            .form(&[
                ("slug", "acme"),
                ("email", "attacker@evil.example"),
                ("role", "owner"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "{header}");
        let error: AppError = response.json().await.unwrap();
        assert_eq!(error, AppError::CrossSiteRequest);
        let response = browser
            .client
            .post(browser.url("/rpc/sign_out_everywhere"))
            .header(header, value)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403);
    }
    assert!(browser.me().await.is_some(), "still signed in");
    let page: shared::members::MembersPage = browser
        .call_ok("get_members_page", &[("slug", "acme")])
        .await;
    assert!(
        page.invitations.unwrap().is_empty(),
        "no invitation was created"
    );
}

#[tokio::test]
async fn get_requests_cannot_change_anything() {
    let app = spawn_app().await;
    let email = unique_email("g", "acme.example");
    let (browser, _) = app.sign_up("end_user", "Acme", &email).await;
    for path in [
        "/rpc/sign_out",
        "/rpc/sign_out_everywhere",
        "/rpc/invite_member?slug=acme&email=x%40acme.example&role=viewer",
        "/rpc/set_tenant_status?slug=acme&status=suspended",
    ] {
        let response = browser.client.get(browser.url(path)).send().await.unwrap();
        assert!(
            response.status().is_client_error(),
            "{path}: {}",
            response.status()
        );
    }
    assert!(browser.me().await.is_some(), "still signed in");
    let page: shared::members::MembersPage = browser
        .call_ok("get_members_page", &[("slug", "acme")])
        .await;
    assert!(page.invitations.unwrap().is_empty());
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app().await;
    let browser = app.browser();
    for path in [
        "/login",
        "/healthz",
        "/no-such-page",
        "/favicon.svg",
        "/api/v1/tenants/acme/members",
    ] {
        let response = browser.page(path).await;
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(
            headers["referrer-policy"], "strict-origin-when-cross-origin",
            "{path}"
        );
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(
            !headers.contains_key("strict-transport-security"),
            "no HSTS over plain http"
        );
    }
    let page = browser.page("/login").await;
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    for directive in [
        "'wasm-unsafe-eval'",
        "object-src 'none'",
        "base-uri 'none'",
        "script-src 'self' 'nonce-",
    ] {
        assert!(csp.contains(directive), "{directive} in {csp}");
    }
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap()
        .to_owned();
    let html = page.text().await.unwrap();
    assert!(
        html.contains(&format!("nonce=\"{nonce}\"")),
        "the page's scripts carry the header's nonce"
    );
    assert!(
        !html.contains("<script>"),
        "no inline script without a nonce"
    );
}

#[tokio::test]
async fn an_overloaded_hasher_answers_503_with_retry_after() {
    let app = spawn_app_with(|s| {
        s.auth.hash_concurrency = Some(1);
        s.auth.hash_queue_timeout_ms = 1;
        s.auth.attempts_per_minute_per_ip = 1000;
    })
    .await;
    let browser = app.browser();
    let mut set = tokio::task::JoinSet::new();
    for i in 0..24 {
        let browser = browser.clone();
        set.spawn(async move {
            let email = format!("load{i}@acme.example");
            browser
                .call(
                    "sign_in",
                    &[("email", email.as_str()), ("password", "whatever whatever")],
                )
                .await
        });
    }
    let mut responses = Vec::new();
    while let Some(response) = set.join_next().await {
        responses.push(response.unwrap());
    }
    let busy: Vec<_> = responses.iter().filter(|r| r.status() == 503).collect();
    assert!(!busy.is_empty(), "some sign-ins found the hasher busy");
    assert!(busy.iter().all(|r| r.headers().contains_key("retry-after")));
    assert!(
        responses
            .iter()
            .all(|r| r.status() == 503 || r.status() == 401)
    );
}
