use shared::accounts::SessionView;

use crate::helpers::{PASSWORD, spawn_app, spawn_app_with, sql_time, unique_email};

#[tokio::test]
async fn sessions_are_listed_and_one_can_end_another() {
    let app = spawn_app().await;
    let email = unique_email("multi", "acme.example");
    let (laptop, _) = app.sign_up("end_user", "Acme", &email).await;
    let phone = app.signed_in(&email, PASSWORD).await;
    let sessions: Vec<SessionView> = laptop.call_ok("list_sessions", &[]).await;
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions.iter().filter(|s| s.current).count(), 1);
    assert!(
        sessions
            .iter()
            .all(|s| s.ip.as_deref() == Some("127.0.0.1"))
    );
    let other = sessions.iter().find(|s| !s.current).unwrap();
    laptop
        .call_ok::<()>("revoke_session", &[("id", &other.id.to_string())])
        .await;
    assert!(phone.me().await.is_none(), "the phone's session ended");
    assert!(laptop.me().await.is_some(), "the laptop's did not");
    let (status, _) = laptop
        .call_err("revoke_session", &[("id", &other.id.to_string())])
        .await;
    assert_eq!(status, 404, "an ended session cannot be ended again");
}

#[tokio::test]
async fn signing_out_everywhere_ends_every_session() {
    let app = spawn_app().await;
    let email = unique_email("everywhere", "acme.example");
    let (laptop, _) = app.sign_up("end_user", "Acme", &email).await;
    let phone = app.signed_in(&email, PASSWORD).await;
    let response = laptop.call("sign_out_everywhere", &[]).await;
    assert!(response.status().is_success());
    assert!(
        response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    assert!(laptop.me().await.is_none());
    assert!(phone.me().await.is_none());
    let again = app.signed_in(&email, PASSWORD).await;
    assert!(again.me().await.is_some(), "signing in again works");
}

#[tokio::test]
async fn signing_out_ends_this_session_and_sends_the_browser_to_sign_in() {
    let app = spawn_app().await;
    let email = unique_email("bye", "acme.example");
    let (browser, _) = app.sign_up("end_user", "Acme", &email).await;
    let response = browser
        .client
        .post(browser.url("/rpc/sign_out"))
        .header("origin", &app.address)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 302);
    assert_eq!(response.headers()["location"], "/login");
    assert!(browser.me().await.is_none());
    let page = browser.page("/account").await;
    assert_eq!(
        page.status(),
        302,
        "signed-out visitors are sent to sign in"
    );
    assert_eq!(page.headers()["location"], "/login?next=/account");
}

#[tokio::test]
async fn idle_and_expired_sessions_stop_working() {
    // Time is simulated by editing the database behind the server's back, which its access
    // cache (rightly) cannot see: turn the cache off for this test.
    let app = spawn_app_with(|s| s.sessions.cache_seconds = 0).await;
    let email = unique_email("idle", "acme.example");
    let (browser, _) = app.sign_up("end_user", "Acme", &email).await;
    let long_ago = sql_time(chrono::Utc::now() - chrono::TimeDelta::days(2));
    app.exec(&format!("UPDATE sessions SET last_seen_at = {long_ago}"))
        .await;
    assert!(browser.me().await.is_none(), "idle for longer than a day");

    let browser = app.signed_in(&email, PASSWORD).await;
    let past = sql_time(chrono::Utc::now() - chrono::TimeDelta::seconds(1));
    app.exec(&format!(
        "UPDATE sessions SET expires_at = {past} WHERE revoked_at IS NULL"
    ))
    .await;
    let response = browser.call("get_me", &[]).await;
    assert!(
        response.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0"),
        "a dead cookie is cleared"
    );
    assert_eq!(response.text().await.unwrap(), "null");
}
