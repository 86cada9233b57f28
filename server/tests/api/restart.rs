//! A server killed in the middle of a job: the job is taken over once its lease runs out
//! and completes exactly once from the session's point of view.

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use shared::ids::{ProcessSessionId, TemplateId};
use shared::process::{SessionDetail, SessionStatus};
use tokio::process::{Child, Command};

use crate::helpers::{Browser, PASSWORD, TestDatabase, browser_at, unique_email, wait_for};

const KEY: &str = "dGVzdCBrZXkgZm9yIHRoZSBjb21tYW5kIGxpbmUgISE=";

async fn serve(database_url: &str) -> (Child, String) {
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        probe.local_addr().unwrap().port()
    };
    let child = Command::new(env!("CARGO_BIN_EXE_atrium"))
        .arg("serve")
        .env("ATRIUM_DATABASE__URL", database_url)
        .env("ATRIUM_HTTP__LISTEN", format!("127.0.0.1:{port}"))
        .env("ATRIUM_SECRETS__SERVER_KEY", KEY)
        .env("ATRIUM_JOBS__LEASE_SECONDS", "2")
        .env("ATRIUM_JOBS__ALLOW_PRIVATE_WEBHOOKS", "true")
        .env("ATRIUM_LOG__FILTER", "warn")
        .kill_on_drop(true)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let address = format!("http://127.0.0.1:{port}");
    let health = format!("{address}/healthz");
    wait_for(60, "the server to start", || {
        let health = health.clone();
        async move {
            reqwest::get(&health)
                .await
                .ok()
                .filter(|r| r.status().is_success())
                .map(|_| ())
        }
    })
    .await;
    (child, address)
}

/// The first delivery never gets an answer (the server dies while waiting); later ones do.
#[derive(Clone, Default)]
struct Endpoint {
    deliveries: Arc<Mutex<Vec<String>>>,
}

async fn hook(State(endpoint): State<Endpoint>, headers: HeaderMap, _body: Bytes) -> StatusCode {
    let delivery = headers["x-atrium-delivery"].to_str().unwrap().to_owned();
    let first = {
        let mut seen = endpoint.deliveries.lock().unwrap();
        seen.push(delivery);
        seen.len() == 1
    };
    if first {
        std::future::pending::<()>().await;
    }
    StatusCode::OK
}

async fn session(browser: &Browser, slug: &str, id: ProcessSessionId) -> SessionDetail {
    browser
        .call_ok("get_session", &[("slug", slug), ("id", &id.to_string())])
        .await
}

#[tokio::test]
async fn a_job_interrupted_by_a_crash_completes_exactly_once() {
    let database = TestDatabase::create().await;
    let endpoint = Endpoint::default();
    let router = axum::Router::new()
        .route("/hook", axum::routing::post(hook))
        .with_state(endpoint.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook_url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });

    let (mut first, address) = serve(database.url()).await;
    let owner = browser_at(&address, None);
    let home: String = owner
        .call_ok(
            "sign_up",
            &[
                ("name", "Rita Restart"),
                ("email", &unique_email("rita", "restart.example")),
                ("password", PASSWORD),
                ("organization", "Restart Co"),
                ("kind", "end_user"),
            ],
        )
        .await;
    let slug = home.rsplit('/').next().unwrap().to_owned();
    // Webhook steps are a Pro feature.
    database
        .exec(&format!(
            "UPDATE tenants SET plan_tier = 'pro' WHERE slug = '{slug}'"
        ))
        .await;
    let definition = format!(
        r#"{{"phases": [
            {{"key": "P0", "name": "Hand-off", "steps": [{{"key": "hook", "name": "Send", "kind": "webhook", "url": "{hook_url}", "timeout_secs": 30, "max_attempts": 3}}]}},
            {{"key": "P1", "name": "Done", "steps": [{{"key": "tell", "name": "Tell", "kind": "notify"}}]}}
        ]}}"#
    );
    let template: TemplateId = owner
        .call_ok(
            "create_template",
            &[
                ("slug", &slug),
                ("name", "Crashy"),
                ("definition", &definition),
            ],
        )
        .await;
    let id: ProcessSessionId = owner
        .call_ok(
            "create_session",
            &[
                ("slug", &slug),
                ("template", &template.to_string()),
                ("title", "Survivor"),
            ],
        )
        .await;
    let _: SessionStatus = owner
        .call_ok(
            "change_session_status",
            &[
                ("slug", &slug),
                ("id", &id.to_string()),
                ("action", "start"),
            ],
        )
        .await;
    wait_for(20, "the first delivery", || async {
        (!endpoint.deliveries.lock().unwrap().is_empty()).then_some(())
    })
    .await;

    // The server dies mid-delivery, without any chance to clean up.
    first.kill().await.unwrap();

    let (_second, address) = serve(database.url()).await;
    let owner = owner.on(&address);
    let done = wait_for(30, "the session to complete after the restart", || async {
        let d = session(&owner, &slug, id).await;
        (d.session.status == SessionStatus::Completed).then_some(d)
    })
    .await;
    let deliveries = endpoint.deliveries.lock().unwrap().clone();
    let job = done.jobs.iter().find(|j| j.step_key == "hook").unwrap();
    assert_eq!(
        deliveries,
        [format!("{}:1", job.id), format!("{}:2", job.id)],
        "delivered again under the same job id"
    );
    assert_eq!(job.attempts, 2);
    let actions: Vec<_> = done.trail.iter().rev().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        ["created", "start", "phase_advanced", "completed"],
        "each step took effect once"
    );
    assert_eq!(done.jobs.iter().filter(|j| j.step_key == "tell").count(), 1);
}
