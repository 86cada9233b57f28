//! The console's health page: the server's own request figures per route, its database,
//! connections and queue, and the alerts its thresholds raise — for super admins only.

use shared::health::HealthSnapshot;

use crate::helpers::{captured_logs, spawn_app_with, unique_email};

#[tokio::test]
async fn the_health_page_counts_this_servers_requests_per_route() {
    // The test process hosts every concurrent test's server, so its memory is not this
    // server's: its line is out of reach here (the memory alert has its own test).
    // Nor are the slow statements (counted per process): the slow-statement test's count
    // there.
    let app = spawn_app_with(|s| {
        s.health.memory_mb = 1 << 40;
        s.health.slow_queries = u64::MAX;
    })
    .await;
    let admin = app.super_admin().await;
    for _ in 0..5 {
        assert!(admin.me().await.is_some());
    }
    assert_eq!(admin.page("/no-such-page").await.status(), 404);
    let health: HealthSnapshot = admin.call_ok("get_health", &[]).await;

    assert_eq!(health.version, env!("CARGO_PKG_VERSION"));
    assert!(health.uptime_seconds >= 0);
    let get_me = health
        .routes
        .iter()
        .find(|r| r.route == "POST /rpc/get_me")
        .unwrap_or_else(|| panic!("get_me is listed: {:?}", health.routes));
    assert!(get_me.requests >= 5, "{get_me:?}");
    assert_eq!(get_me.errors, 0);
    assert!(get_me.latency.p50_ms.is_some() && get_me.latency.p99_ms >= get_me.latency.p50_ms);
    assert!(health.hour.requests >= 7);
    assert_eq!(health.last_hour.len(), 60);
    assert_eq!(health.last_day.len(), 96);
    assert_eq!(
        health.last_hour.last().map(|p| p.requests),
        Some(health.last_hour.iter().map(|p| p.requests).sum::<u64>()),
        "it all happened this minute"
    );
    assert!(health.database.pool_size >= 1);
    assert!(health.database.size_bytes.is_some_and(|b| b > 0));
    assert!(health.memory_bytes.is_some_and(|b| b > 1024 * 1024));
    assert!(health.alerts.is_empty(), "{:?}", health.alerts);

    // The routes table downloads as CSV.
    let csv = |browser: &crate::helpers::Browser| {
        let request = browser
            .client
            .get(browser.url("/api/v1/platform/health/routes.csv"));
        async move { request.send().await.unwrap() }
    };
    let response = csv(&admin).await;
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    let mut lines = text.trim().lines();
    assert_eq!(
        lines.next(),
        Some("route,requests,errors,error percent,p50 ms,p95 ms,p99 ms")
    );
    let line = lines
        .find(|l| l.starts_with("POST /rpc/get_me,"))
        .unwrap_or_else(|| panic!("get_me is listed: {text}"));
    let cells: Vec<&str> = line.split(',').collect();
    assert!(cells[1].parse::<u64>().unwrap() >= 5, "{line}");
    assert_eq!((cells[2], cells[3]), ("0", "0.00"), "{line}");
    assert!(cells[4].parse::<f64>().is_ok(), "{line}");

    // Nobody else gets it.
    let (owner, _) = app
        .sign_up("end_user", "Acme", &unique_email("o", "acme.example"))
        .await;
    let (status, _) = owner.call_err("get_health", &[]).await;
    assert_eq!(status, 403);
    assert_eq!(owner.page("/admin/health").await.status(), 403);
    assert_eq!(csv(&owner).await.status(), 403);
}

#[tokio::test]
async fn a_crossed_threshold_is_listed_as_an_alert() {
    // Every request is slower than a line of a microsecond, and any server is over 1 MB.
    let app = spawn_app_with(|s| {
        s.health.p99_ms = 0.001;
        s.health.memory_mb = 1;
    })
    .await;
    let admin = app.super_admin().await;
    let health: HealthSnapshot = admin.call_ok("get_health", &[]).await;
    let latency = health
        .alerts
        .iter()
        .find(|a| a.metric == "latency")
        .expect("the latency line is crossed");
    assert!(
        latency.message.starts_with("99 % of requests took up to"),
        "{}",
        latency.message
    );
    assert!(
        health.alerts.iter().any(|a| a.metric == "memory"),
        "{:?}",
        health.alerts
    );
    assert!(health.alerts.iter().all(|a| a.metric != "error_rate"));
}

#[tokio::test]
async fn slow_database_statements_are_counted_listed_and_alerted() {
    // The test process's subscriber, with the server's record of slow statements in it.
    captured_logs();
    // Every statement of this server takes at least the line of 0 ms.
    let app = spawn_app_with(|s| {
        s.health.slow_query_ms = 0;
        s.health.slow_queries = 0;
        s.health.memory_mb = 1 << 40;
    })
    .await;
    let admin = app.super_admin().await;
    let health: HealthSnapshot = admin.call_ok("get_health", &[]).await;

    let db = &health.database;
    assert!(db.slow_last_hour >= 1, "{db:?}");
    assert!(
        !db.slow_latest.is_empty() && db.slow_latest.len() <= 20,
        "{db:?}"
    );
    assert!(
        db.slow_latest.windows(2).all(|w| w[0].at >= w[1].at),
        "newest first"
    );
    assert!(
        db.slow_latest.iter().any(|s| {
            let statement = s.statement.to_lowercase();
            statement.starts_with("select")
                || statement.starts_with("insert")
                || statement.starts_with("update")
        }),
        "{:?}",
        db.slow_latest
    );
    assert_eq!(health.thresholds.slow_query_ms, 0);
    let alert = health
        .alerts
        .iter()
        .find(|a| a.metric == "slow_queries")
        .expect("the slow-statement line is crossed");
    assert!(
        alert
            .message
            .contains("database statements took over 0.0 ms in the last 5 minutes"),
        "{}",
        alert.message
    );
}
