//! The command center: templates, sessions and their state machine, the orchestration queue
//! with webhooks and callbacks, and the live WebSocket layer.

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use futures_util::{SinkExt as _, StreamExt as _};
use hmac::{Hmac, KeyInit, Mac};
use shared::AppError;
use shared::ids::{JobId, ProcessSessionId, TemplateId};
use shared::live::ServerMessage;
use shared::process::{
    CommandCenter, JobStatus, SessionDetail, SessionRow, SessionSort, SessionStatus,
    TemplateDetail, TemplatesPage,
};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest as _;

use crate::helpers::{
    Backend, Browser, backend, spawn_app, spawn_app_with, spawn_instance, wait_for,
};
use crate::members::pro_org;

/// A template of our own with two phases: the first checks its data and waits for an
/// approval, the second tells the owner.
pub(crate) const TWO_PHASES: &str = r#"{"phases": [
  {"key": "P0", "name": "Intake",
   "schema": {"type": "object", "properties": {
      "client": {"type": "string", "title": "Client", "maxLength": 40},
      "budget": {"type": "integer", "title": "Budget", "minimum": 0}},
    "required": ["client", "budget"]},
   "steps": [{"key": "check", "name": "Intake complete", "kind": "check_data"},
             {"key": "approve", "name": "Approved", "kind": "approval"}]},
  {"key": "P1", "name": "Wrap-up",
   "steps": [{"key": "tell", "name": "Tell the owner", "kind": "notify"}]}
]}"#;

pub(crate) async fn create_template(
    browser: &Browser,
    slug: &str,
    name: &str,
    definition: &str,
) -> TemplateId {
    browser
        .call_ok(
            "create_template",
            &[("slug", slug), ("name", name), ("definition", definition)],
        )
        .await
}

/// Saves [`TWO_PHASES`] with a middle phase as the next version of `template`; returns it.
pub(crate) async fn add_middle_phase(
    browser: &Browser,
    slug: &str,
    template: TemplateId,
    name: &str,
) -> i32 {
    let three = TWO_PHASES.replace(
        r#"{"key": "P1", "name": "Wrap-up""#,
        r#"{"key": "P1", "name": "Middle", "steps": [{"key": "x", "name": "X", "kind": "notify"}]}, {"key": "P2", "name": "Wrap-up""#,
    );
    browser
        .call_ok(
            "update_template",
            &[
                ("slug", slug),
                ("id", &template.to_string()),
                ("name", name),
                ("definition", &three),
            ],
        )
        .await
}

pub(crate) async fn detail(browser: &Browser, slug: &str, id: ProcessSessionId) -> SessionDetail {
    browser
        .call_ok("get_session", &[("slug", slug), ("id", &id.to_string())])
        .await
}

pub(crate) async fn act(
    browser: &Browser,
    slug: &str,
    id: ProcessSessionId,
    action: &str,
) -> SessionStatus {
    browser
        .call_ok(
            "change_session_status",
            &[("slug", slug), ("id", &id.to_string()), ("action", action)],
        )
        .await
}

pub(crate) async fn wait_for_job(
    browser: &Browser,
    slug: &str,
    id: ProcessSessionId,
    step: &str,
    status: JobStatus,
) -> JobId {
    wait_for(20, &format!("step {step} to be {status}"), || async {
        let d = detail(browser, slug, id).await;
        d.jobs
            .iter()
            .find(|j| j.step_key == step && j.status == status)
            .map(|j| j.id)
    })
    .await
}

#[tokio::test]
async fn every_workspace_has_the_built_in_templates_read_only() {
    let app = spawn_app().await;
    let team = pro_org(&app, "Builtins Ltd", "builtins.example").await;
    let page: TemplatesPage = team
        .owner
        .call_ok("get_templates", &[("slug", &team.slug)])
        .await;
    let names: Vec<_> = page.templates.iter().map(|t| t.name.to_string()).collect();
    assert_eq!(names, ["Consultation P0–P4", "Customer acquisition A1–A4"]);
    assert!(
        page.signing_secret
            .as_deref()
            .is_some_and(|s| s.starts_with("whsec_"))
    );
    let viewer_page: TemplatesPage = team
        .viewer
        .call_ok("get_templates", &[("slug", &team.slug)])
        .await;
    assert_eq!(
        viewer_page.signing_secret, None,
        "only template managers see the secret"
    );

    let builtin = page.templates[0].id.to_string();
    let (status, err) = team
        .owner
        .call_err(
            "update_template",
            &[
                ("slug", &team.slug),
                ("id", &builtin),
                ("name", "Mine"),
                ("definition", TWO_PHASES),
            ],
        )
        .await;
    assert_eq!(status, 403);
    assert!(
        err.to_string().contains("Built-in templates are read-only"),
        "{err}"
    );

    let copy: TemplateId = team
        .owner
        .call_ok(
            "duplicate_template",
            &[("slug", &team.slug), ("id", &builtin)],
        )
        .await;
    let version: i32 = team
        .owner
        .call_ok(
            "update_template",
            &[
                ("slug", &team.slug),
                ("id", &copy.to_string()),
                ("name", "Our consultation"),
                ("definition", TWO_PHASES),
            ],
        )
        .await;
    assert_eq!(version, 2);
    let template: TemplateDetail = team
        .owner
        .call_ok(
            "get_template",
            &[("slug", &team.slug), ("id", &copy.to_string())],
        )
        .await;
    assert_eq!(template.template.name.as_str(), "Our consultation");
    assert_eq!(
        template
            .versions
            .iter()
            .map(|v| v.version)
            .collect::<Vec<_>>(),
        [2, 1]
    );
    assert_eq!(template.definition.phases.len(), 2);

    // A consultant may run sessions but not edit templates; a bad definition names its fault.
    let (status, _) = team
        .consultant
        .call_err(
            "create_template",
            &[
                ("slug", &team.slug),
                ("name", "X"),
                ("definition", TWO_PHASES),
            ],
        )
        .await;
    assert_eq!(status, 403);
    let (status, err) = team
        .owner
        .call_err(
            "create_template",
            &[
                ("slug", &team.slug),
                ("name", "X"),
                (
                    "definition",
                    r#"{"phases": [{"key": "P0", "name": "A", "steps": []}]}"#,
                ),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(
        err,
        AppError::invalid("definition", "Phase P0: a phase has 1 to 10 steps.")
    );
}

#[tokio::test]
async fn a_session_runs_through_its_phases_with_an_audit_trail() {
    let app = spawn_app().await;
    let team = pro_org(&app, "Phases Ltd", "phases.example").await;
    let template = create_template(&team.admin, &team.slug, "Two phases", TWO_PHASES)
        .await
        .to_string();

    // The creation form is checked with the phase's schema: a wrong value is refused by field.
    let (status, err) = team
        .consultant
        .call_err(
            "create_session",
            &[
                ("slug", &team.slug),
                ("template", &template),
                ("title", "Acme"),
                ("fields[budget]", "lots"),
            ],
        )
        .await;
    assert_eq!((status.as_u16(), err.field()), (422, Some("budget")));
    assert_eq!(err.to_string(), "Budget must be a whole number.");

    let id: ProcessSessionId = team
        .consultant
        .call_ok(
            "create_session",
            &[
                ("slug", &team.slug),
                ("template", &template),
                ("title", "Acme"),
                ("fields[client]", "Acme"),
            ],
        )
        .await;
    let d = detail(&team.viewer, &team.slug, id).await;
    assert_eq!(d.session.status, SessionStatus::Draft);
    assert_eq!(d.data["P0"]["client"], "Acme");

    // Started without a budget: the data check is a dead letter naming what is missing.
    assert_eq!(
        act(&team.consultant, &team.slug, id, "start").await,
        SessionStatus::Active
    );
    let check = wait_for_job(&team.consultant, &team.slug, id, "check", JobStatus::Failed).await;
    let d = detail(&team.consultant, &team.slug, id).await;
    let dead = d.jobs.iter().find(|j| j.id == check).unwrap();
    assert_eq!(
        dead.last_error.as_deref(),
        Some("Intake is not complete: Budget is required.")
    );

    // Fill it in, retry the dead letter: the check passes and the approval waits.
    let _: () = team
        .consultant
        .call_ok(
            "update_session_data",
            &[
                ("slug", &team.slug),
                ("id", &id.to_string()),
                ("phase", "P0"),
                ("fields[client]", "Acme Corp"),
                ("fields[budget]", "1200"),
            ],
        )
        .await;
    let _: () = team
        .consultant
        .call_ok(
            "retry_job",
            &[("slug", &team.slug), ("job", &check.to_string())],
        )
        .await;
    wait_for_job(
        &team.consultant,
        &team.slug,
        id,
        "check",
        JobStatus::Succeeded,
    )
    .await;
    let approval = wait_for_job(
        &team.consultant,
        &team.slug,
        id,
        "approve",
        JobStatus::Waiting,
    )
    .await;

    // A viewer sees all of it but cannot act.
    let (status, _) = team
        .viewer
        .call_err(
            "approve_step",
            &[("slug", &team.slug), ("job", &approval.to_string())],
        )
        .await;
    assert_eq!(status, 403);
    let _: () = team
        .admin
        .call_ok(
            "approve_step",
            &[("slug", &team.slug), ("job", &approval.to_string())],
        )
        .await;

    // Phase P1's notice runs and the session completes by itself.
    let d = wait_for(20, "the session to complete", || async {
        let d = detail(&team.consultant, &team.slug, id).await;
        (d.session.status == SessionStatus::Completed).then_some(d)
    })
    .await;
    assert_eq!(d.session.phase_index, 1);
    let actions: Vec<_> = d.trail.iter().rev().map(|e| e.action.as_str()).collect();
    assert_eq!(
        actions,
        [
            "created",
            "start",
            "data_changed",
            "approved",
            "phase_advanced",
            "completed"
        ]
    );
    let edit = d.trail.iter().find(|e| e.action == "data_changed").unwrap();
    let described: Vec<_> = edit.changes.iter().map(|c| c.describe()).collect();
    assert_eq!(
        described,
        [
            "P0.budget: (empty) → 1200",
            "P0.client: “Acme” → “Acme Corp”"
        ]
    );
    assert!(edit.actor.is_some());
    assert_eq!(app.count("SELECT COUNT(*) FROM notifications WHERE kind = 'process_step' AND title = 'Acme: Tell the owner'").await, 1);

    // The command center counts it.
    let center: CommandCenter = team
        .viewer
        .call_ok("get_command_center", &[("slug", &team.slug)])
        .await;
    assert_eq!(center.analytics.completion_rate, Some(1.0));
    assert!(center.analytics.median_phase_seconds.is_some());
    assert_eq!(
        center
            .analytics
            .throughput
            .last()
            .map(|d| (d.started, d.completed)),
        Some((1, 1))
    );
    assert!(
        center.jobs.is_empty(),
        "nothing is left on the queue: {:?}",
        center.jobs
    );
}

#[tokio::test]
async fn invalid_transitions_and_read_only_sessions_are_refused_clearly() {
    let app = spawn_app().await;
    let team = pro_org(&app, "Rules Ltd", "rules.example").await;
    let center: CommandCenter = team
        .owner
        .call_ok("get_command_center", &[("slug", &team.slug)])
        .await;
    let consultation = center.templates[0].id.to_string();
    let id: ProcessSessionId = team
        .consultant
        .call_ok(
            "create_session",
            &[
                ("slug", &team.slug),
                ("template", &consultation),
                ("title", "Rules"),
            ],
        )
        .await;
    let (status, err) = team
        .consultant
        .call_err(
            "change_session_status",
            &[
                ("slug", &team.slug),
                ("id", &id.to_string()),
                ("action", "pause"),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(
        err.to_string(),
        "This session is draft, so it cannot be paused: only active sessions can."
    );
    assert_eq!(
        act(&team.consultant, &team.slug, id, "archive").await,
        SessionStatus::Archived
    );
    let (_, err) = team
        .consultant
        .call_err(
            "change_session_status",
            &[
                ("slug", &team.slug),
                ("id", &id.to_string()),
                ("action", "start"),
            ],
        )
        .await;
    assert!(
        err.to_string()
            .starts_with("This session is archived, so it cannot be started"),
        "{err}"
    );
    let (status, _) = team
        .consultant
        .call_err(
            "update_session_data",
            &[
                ("slug", &team.slug),
                ("id", &id.to_string()),
                ("phase", "P0"),
                ("fields[client]", "x"),
            ],
        )
        .await;
    assert_eq!(status, 409);

    // Training examples are read-only, and any member who runs sessions clones from them.
    let (status, _) = team
        .consultant
        .call_err(
            "create_session",
            &[
                ("slug", &team.slug),
                ("template", &consultation),
                ("title", "Example"),
                ("example", "on"),
            ],
        )
        .await;
    assert_eq!(status, 403, "only template managers make examples");
    let example: ProcessSessionId = team
        .owner
        .call_ok(
            "create_session",
            &[
                ("slug", &team.slug),
                ("template", &consultation),
                ("title", "How we do intake"),
                ("example", "on"),
                ("fields[client]", "Example Co"),
            ],
        )
        .await;
    let (status, err) = team
        .consultant
        .call_err(
            "change_session_status",
            &[
                ("slug", &team.slug),
                ("id", &example.to_string()),
                ("action", "start"),
            ],
        )
        .await;
    assert_eq!(status, 403);
    assert!(err.to_string().contains("read-only"));
    let with: ProcessSessionId = team
        .consultant
        .call_ok(
            "clone_session",
            &[
                ("slug", &team.slug),
                ("id", &example.to_string()),
                ("with_data", "on"),
            ],
        )
        .await;
    let without: ProcessSessionId = team
        .consultant
        .call_ok(
            "clone_session",
            &[
                ("slug", &team.slug),
                ("id", &example.to_string()),
                ("title", "Fresh start"),
            ],
        )
        .await;
    let with = detail(&team.consultant, &team.slug, with).await;
    assert_eq!(with.session.title.as_str(), "Copy of How we do intake");
    assert_eq!(with.data["P0"]["client"], "Example Co");
    assert!(!with.session.is_example);
    let without = detail(&team.consultant, &team.slug, without).await;
    assert!(without.data.is_empty());
    let center: CommandCenter = team
        .viewer
        .call_ok("get_command_center", &[("slug", &team.slug)])
        .await;
    assert_eq!(center.examples.len(), 1);
    assert_eq!(
        center.total, 2,
        "archived sessions and examples are not in the list by default"
    );
    let (status, _) = team
        .viewer
        .call_err(
            "clone_session",
            &[("slug", &team.slug), ("id", &example.to_string())],
        )
        .await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn the_session_list_pages_with_its_total_and_filters() {
    let app = spawn_app().await;
    let team = pro_org(&app, "Pages Ltd", "pages.example").await;
    let template = create_template(&team.admin, &team.slug, "Paged", TWO_PHASES)
        .await
        .to_string();
    let per_page = shared::process::SESSIONS_PER_PAGE as usize;
    for i in 0..=per_page {
        let title = if i == 0 {
            "Needle".to_owned()
        } else {
            format!("Hay {i:02}")
        };
        let _: ProcessSessionId = team
            .consultant
            .call_ok(
                "create_session",
                &[
                    ("slug", &team.slug),
                    ("template", &template),
                    ("title", &title),
                ],
            )
            .await;
    }
    let center = |fields: Vec<(&'static str, String)>| {
        let (slug, consultant) = (team.slug.clone(), &team.consultant);
        async move {
            let mut form = vec![("slug", slug)];
            form.extend(fields);
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let center: CommandCenter = consultant.call_ok("get_command_center", &form).await;
            center
        }
    };
    let all = per_page + 1;
    let first = center(vec![]).await;
    assert_eq!((first.sessions.len(), first.total), (per_page, all as i64));
    let second = center(vec![("page", "1".into())]).await;
    assert_eq!((second.sessions.len(), second.total), (1, all as i64));
    let seen: std::collections::HashSet<_> = first
        .sessions
        .iter()
        .chain(&second.sessions)
        .map(|s| s.id)
        .collect();
    assert_eq!(seen.len(), all, "the two pages hold every session once");
    assert!(
        first
            .sessions
            .windows(2)
            .all(|w| w[0].updated_at >= w[1].updated_at),
        "the latest change first by default"
    );
    assert_eq!(
        second.sessions[0].title.as_str(),
        "Needle",
        "the oldest last"
    );
    let by_title = center(vec![("sort", "title".into())]).await;
    let titles: Vec<&str> = by_title.sessions.iter().map(|s| s.title.as_str()).collect();
    let expected: Vec<String> = (1..=per_page).map(|i| format!("Hay {i:02}")).collect();
    assert_eq!(titles, expected);
    // The database picks each page in the order the list shows (`SessionSort::compare`).
    for sort in [
        SessionSort::Updated,
        SessionSort::Created,
        SessionSort::Title,
        SessionSort::Status,
    ] {
        let mut listed = Vec::new();
        for page in ["0", "1"] {
            let fields = vec![("sort", sort.as_str().into()), ("page", page.into())];
            listed.extend(center(fields).await.sessions);
        }
        let mut expected = listed.clone();
        expected.sort_by(|a, b| sort.compare(a, b));
        let ids = |rows: &[SessionRow]| rows.iter().map(|s| s.id).collect::<Vec<_>>();
        assert_eq!(listed.len(), all, "{sort:?}");
        assert_eq!(ids(&listed), ids(&expected), "{sort:?}");
    }
    let names: Vec<&str> = first.templates.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(
        names.last(),
        Some(&"Paged"),
        "built-in templates first, then the workspace's own: {names:?}"
    );
    assert!(
        first.templates[..names.len() - 1]
            .iter()
            .all(|t| t.builtin_key.is_some())
    );
    let owners: Vec<&str> = first.owners.iter().map(|(_, name)| name.as_str()).collect();
    assert_eq!(owners.len(), 1, "one person owns every session: {owners:?}");
    let past = center(vec![("page", "5".into())]).await;
    assert_eq!(
        (past.sessions.len(), past.total),
        (0, all as i64),
        "a page past the end still tells how many there are"
    );
    let needle = center(vec![("text", "needle".into())]).await;
    assert_eq!(needle.total, 1);
    assert_eq!(needle.sessions[0].title.as_str(), "Needle");
    let underscore = center(vec![("text", "_".into())]).await;
    assert_eq!(
        underscore.total, 0,
        "the search text is matched as written, not as a LIKE pattern"
    );
    let none = center(vec![("status", "completed".into())]).await;
    assert_eq!((none.sessions.len(), none.total), (0, 0));
    assert_eq!(
        none.analytics
            .by_status
            .iter()
            .find(|(status, _)| *status == SessionStatus::Draft)
            .map(|(_, n)| *n),
        Some(all as i64),
        "the analytics count every session whatever the list's filter"
    );
}

#[tokio::test]
async fn running_sessions_keep_their_template_version() {
    let app = spawn_app().await;
    let team = pro_org(&app, "Versions Ltd", "versions.example").await;
    let template = create_template(&team.owner, &team.slug, "Versioned", TWO_PHASES).await;
    let id: ProcessSessionId = team
        .owner
        .call_ok(
            "create_session",
            &[
                ("slug", &team.slug),
                ("template", &template.to_string()),
                ("title", "Old"),
            ],
        )
        .await;
    assert_eq!(
        add_middle_phase(&team.owner, &team.slug, template, "Versioned").await,
        2
    );
    let old = detail(&team.owner, &team.slug, id).await;
    assert_eq!(
        (old.session.template_version, old.definition.phases.len()),
        (1, 2)
    );
    let new: ProcessSessionId = team
        .owner
        .call_ok(
            "create_session",
            &[
                ("slug", &team.slug),
                ("template", &template.to_string()),
                ("title", "New"),
            ],
        )
        .await;
    let new = detail(&team.owner, &team.slug, new).await;
    assert_eq!(
        (new.session.template_version, new.definition.phases.len()),
        (2, 3)
    );
}

/// A webhook receiver on loopback: answers each delivery with the next status in line and
/// keeps what it received.
#[derive(Clone, Default)]
struct Receiver {
    answers: Arc<Mutex<Vec<u16>>>,
    received: Arc<Mutex<Vec<(HeaderMap, String)>>>,
}

async fn receive(State(receiver): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    receiver
        .received
        .lock()
        .unwrap()
        .push((headers, String::from_utf8_lossy(&body).into_owned()));
    let mut answers = receiver.answers.lock().unwrap();
    let status = if answers.len() > 1 {
        answers.remove(0)
    } else {
        answers.first().copied().unwrap_or(200)
    };
    StatusCode::from_u16(status).unwrap()
}

async fn start_receiver(answers: &[u16]) -> (String, Receiver) {
    let receiver = Receiver {
        answers: Arc::new(Mutex::new(answers.to_vec())),
        ..Receiver::default()
    };
    let router = axum::Router::new()
        .route("/hook", axum::routing::post(receive))
        .route(
            "/slow",
            axum::routing::post(|state, headers, body| async move {
                tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
                receive(state, headers, body).await
            }),
        )
        .with_state(receiver.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    (address, receiver)
}

fn webhook_template(url: &str, attempts: u32) -> String {
    format!(
        r#"{{"phases": [{{"key": "P0", "name": "Hand-off", "steps": [{{"key": "hook", "name": "Send to n8n", "kind": "webhook", "url": "{url}", "timeout_secs": 5, "max_attempts": {attempts}}}]}}]}}"#
    )
}

fn fast_retries(settings: &mut services::config::Settings) {
    settings.jobs.backoff_base_ms = 100;
}

#[tokio::test]
async fn a_workspace_whose_webhooks_are_switched_off_sends_nothing() {
    let app = spawn_app_with(fast_retries).await;
    let team = pro_org(&app, "Switched Ltd", "switched.example").await;
    let (url, receiver) = start_receiver(&[200]).await;
    let template = create_template(
        &team.owner,
        &team.slug,
        "Hooked",
        &webhook_template(&url, 3),
    )
    .await;
    // The platform's operators switch outbound webhooks off for this workspace.
    let _: () = app
        .super_admin()
        .await
        .call_ok(
            "set_tenant_features",
            &[("slug", &team.slug), ("features[webhooks]", "off")],
        )
        .await;
    let id: ProcessSessionId = team
        .owner
        .call_ok(
            "create_session",
            &[
                ("slug", &team.slug),
                ("template", &template.to_string()),
                ("title", "Muted"),
            ],
        )
        .await;
    act(&team.owner, &team.slug, id, "start").await;
    let dead = wait_for_job(&team.owner, &team.slug, id, "hook", JobStatus::Failed).await;
    let d = detail(&team.owner, &team.slug, id).await;
    let job = d.jobs.iter().find(|j| j.id == dead).unwrap();
    assert_eq!(job.attempts, 1, "a refusal is not retried");
    assert_eq!(
        job.last_error.as_deref(),
        Some(
            "“Outbound webhooks” is switched off for this workspace by the platform's operators: ask them to switch it back on."
        )
    );
    assert!(
        receiver.received.lock().unwrap().is_empty(),
        "nothing was sent"
    );
    // Saving a template with a webhook step is refused with the same sentence.
    let (status, error) = team
        .owner
        .call_err(
            "create_template",
            &[
                ("slug", &team.slug),
                ("name", "Another"),
                ("definition", &webhook_template(&url, 3)),
            ],
        )
        .await;
    assert_eq!(status, 403);
    assert!(error.to_string().contains("switched off"), "{error}");
    // Templates without one are still the workspace's to make.
    create_template(&team.owner, &team.slug, "Plain", TWO_PHASES).await;
}

#[tokio::test]
async fn webhook_steps_are_signed_retried_with_backoff_then_dead_lettered() {
    let app = spawn_app_with(fast_retries).await;
    let team = pro_org(&app, "Hooks Ltd", "hooks.example").await;
    let (url, receiver) = start_receiver(&[500, 503, 200]).await;
    let template = create_template(
        &team.owner,
        &team.slug,
        "Hooked",
        &webhook_template(&url, 5),
    )
    .await;
    let id: ProcessSessionId = team
        .owner
        .call_ok(
            "create_session",
            &[
                ("slug", &team.slug),
                ("template", &template.to_string()),
                ("title", "Signed"),
            ],
        )
        .await;
    act(&team.owner, &team.slug, id, "start").await;
    wait_for_job(&team.owner, &team.slug, id, "hook", JobStatus::Succeeded).await;
    let d = detail(&team.owner, &team.slug, id).await;
    assert_eq!(d.session.status, SessionStatus::Completed);
    assert_eq!(d.jobs[0].attempts, 3);

    // Each delivery is signed over its timestamp and body with the workspace's secret.
    let page: TemplatesPage = team
        .owner
        .call_ok("get_templates", &[("slug", &team.slug)])
        .await;
    let secret = page.signing_secret.unwrap();
    let received = receiver.received.lock().unwrap().clone();
    assert_eq!(received.len(), 3);
    for (n, (headers, body)) in received.iter().enumerate() {
        let signature = headers["x-atrium-signature"].to_str().unwrap();
        let (t, v1) = signature.split_once(",v1=").unwrap();
        let t = t.trim_start_matches("t=");
        let mut mac = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("{t}.{body}").as_bytes());
        mac.verify_slice(&hex::decode(v1).unwrap())
            .expect("signature verifies");
        let mut forged = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(b"whsec_wrong").unwrap();
        forged.update(format!("{t}.{body}").as_bytes());
        assert!(forged.verify_slice(&hex::decode(v1).unwrap()).is_err());
        assert_eq!(
            headers["x-atrium-delivery"].to_str().unwrap(),
            format!("{}:{}", d.jobs[0].id, n + 1)
        );
        let payload: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(payload["session"]["title"], "Signed");
        assert_eq!(payload["workspace"]["slug"], team.slug.as_str());
    }

    // An endpoint that keeps failing: out of attempts, the job is a dead letter with its reason.
    let (url, _) = start_receiver(&[500]).await;
    let template = create_template(
        &team.owner,
        &team.slug,
        "Broken",
        &webhook_template(&url, 2),
    )
    .await;
    let id: ProcessSessionId = team
        .owner
        .call_ok(
            "create_session",
            &[
                ("slug", &team.slug),
                ("template", &template.to_string()),
                ("title", "Doomed"),
            ],
        )
        .await;
    act(&team.owner, &team.slug, id, "start").await;
    let dead = wait_for_job(&team.owner, &team.slug, id, "hook", JobStatus::Failed).await;
    let center: CommandCenter = team
        .viewer
        .call_ok("get_command_center", &[("slug", &team.slug)])
        .await;
    let letter = center
        .jobs
        .iter()
        .find(|j| j.id == dead)
        .expect("dead letter on the panel");
    assert_eq!((letter.attempts, letter.max_attempts), (2, 2));
    assert_eq!(
        letter.last_error.as_deref(),
        Some("The endpoint answered 500 Internal Server Error.")
    );
    let (status, _) = team
        .viewer
        .call_err(
            "retry_job",
            &[("slug", &team.slug), ("job", &dead.to_string())],
        )
        .await;
    assert_eq!(status, 403);
    let _: () = team
        .consultant
        .call_ok(
            "cancel_job",
            &[("slug", &team.slug), ("job", &dead.to_string())],
        )
        .await;
    // Cancelling skips the step, so the one-phase session completes.
    let d = wait_for(10, "completion after the skip", || async {
        let d = detail(&team.owner, &team.slug, id).await;
        (d.session.status == SessionStatus::Completed).then_some(d)
    })
    .await;
    assert_eq!(d.jobs[0].status, JobStatus::Cancelled);
}

#[tokio::test]
async fn a_step_longer_than_its_lease_keeps_it_and_runs_once() {
    let app = spawn_app_with(|s| s.jobs.lease_seconds = 1).await;
    let team = pro_org(&app, "Slow Ltd", "slow.example").await;
    let (url, receiver) = start_receiver(&[200]).await;
    let url = url.replace("/hook", "/slow");
    let template =
        create_template(&team.owner, &team.slug, "Slow", &webhook_template(&url, 5)).await;
    let id: ProcessSessionId = team
        .owner
        .call_ok(
            "create_session",
            &[
                ("slug", &team.slug),
                ("template", &template.to_string()),
                ("title", "Patient"),
            ],
        )
        .await;
    act(&team.owner, &team.slug, id, "start").await;
    wait_for_job(&team.owner, &team.slug, id, "hook", JobStatus::Succeeded).await;
    let d = detail(&team.owner, &team.slug, id).await;
    assert_eq!(
        d.jobs[0].attempts, 1,
        "the lease was renewed while the endpoint took 2.5 s"
    );
    assert_eq!(receiver.received.lock().unwrap().len(), 1, "delivered once");
}

#[tokio::test]
async fn webhooks_to_private_addresses_are_refused() {
    let app = spawn_app_with(|s| s.jobs.allow_private_webhooks = false).await;
    let team = pro_org(&app, "Fence Ltd", "fence.example").await;
    let (url, receiver) = start_receiver(&[200]).await;
    for (target, reason) in [
        (
            url.clone(),
            "127.0.0.1 is not a public address; webhooks may only call the internet.",
        ),
        (
            "http://169.254.169.254/latest/meta-data".to_owned(),
            "169.254.169.254 is not a public address",
        ),
        (
            url.replace("127.0.0.1", "localhost"),
            "localhost resolves to",
        ),
    ] {
        let template = create_template(
            &team.owner,
            &team.slug,
            "Inward",
            &webhook_template(&target, 3),
        )
        .await;
        let id: ProcessSessionId = team
            .owner
            .call_ok(
                "create_session",
                &[
                    ("slug", &team.slug),
                    ("template", &template.to_string()),
                    ("title", "Inward"),
                ],
            )
            .await;
        act(&team.owner, &team.slug, id, "start").await;
        wait_for_job(&team.owner, &team.slug, id, "hook", JobStatus::Failed).await;
        let d = detail(&team.owner, &team.slug, id).await;
        let error = d.jobs[0].last_error.clone().unwrap();
        assert!(error.contains(reason), "{target}: {error}");
        assert_eq!(d.jobs[0].attempts, 1, "refused at once, not retried");
    }
    assert!(
        receiver.received.lock().unwrap().is_empty(),
        "nothing reached the private address"
    );
}

#[tokio::test]
async fn asynchronous_webhooks_answer_through_a_signed_callback() {
    let app = spawn_app().await;
    let team = pro_org(&app, "Callbacks Ltd", "callbacks.example").await;
    let (url, receiver) = start_receiver(&[202]).await;
    let template =
        create_template(&team.owner, &team.slug, "Async", &webhook_template(&url, 3)).await;
    let id: ProcessSessionId = team
        .owner
        .call_ok(
            "create_session",
            &[
                ("slug", &team.slug),
                ("template", &template.to_string()),
                ("title", "Later"),
            ],
        )
        .await;
    act(&team.owner, &team.slug, id, "start").await;
    let job = wait_for_job(&team.owner, &team.slug, id, "hook", JobStatus::Waiting).await;
    let body = receiver.received.lock().unwrap()[0].1.clone();
    let payload: serde_json::Value = serde_json::from_str(&body).unwrap();
    let callback = payload["callback_url"].as_str().unwrap().to_owned();
    assert!(
        callback.starts_with(&format!("{}/api/v1/callbacks/", app.address)),
        "{callback}"
    );
    let client = reqwest::Client::new();

    let tampered = callback.replace("signature=", "signature=00");
    let answer = client
        .post(&tampered)
        .body(r#"{"status":"succeeded"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 403);
    let other_job = callback.replace(
        &job.to_string(),
        &JobId::from_uuid(uuid::Uuid::now_v7()).to_string(),
    );
    assert_eq!(
        client
            .post(&other_job)
            .body(r#"{"status":"succeeded"}"#)
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    let answer = client
        .post(&callback)
        .body("not json")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 422);

    let answer = client
        .post(&callback)
        .body(r#"{"status":"succeeded","output":{"crm_id":42}}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 204);
    let again = client
        .post(&callback)
        .body(r#"{"status":"succeeded"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 409, "a callback counts once");
    let d = detail(&team.owner, &team.slug, id).await;
    assert_eq!(d.session.status, SessionStatus::Completed);
    assert_eq!(d.jobs[0].status, JobStatus::Succeeded);
}

/// A tab's WebSocket, signed in as `browser`.
pub struct Tab {
    socket: tokio_tungstenite::WebSocketStream<
        tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>,
    >,
}

pub async fn open_tab(address: &str, browser: &Browser, origin: Option<&str>) -> Result<Tab, u16> {
    let ws_url = format!("{}/ws", address.replace("http://", "ws://"));
    let mut request = ws_url.into_client_request().unwrap();
    let cookie = browser.cookie_header();
    if !cookie.is_empty() {
        request
            .headers_mut()
            .insert("cookie", cookie.parse().unwrap());
    }
    if let Some(origin) = origin {
        request
            .headers_mut()
            .insert("origin", origin.parse().unwrap());
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((socket, _)) => Ok(Tab { socket }),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            Err(response.status().as_u16())
        }
        Err(other) => panic!("handshake: {other}"),
    }
}

impl Tab {
    pub async fn send(&mut self, json: &str) {
        self.socket.send(Message::Text(json.into())).await.unwrap();
    }

    /// The next message, or `None` after `millis` of silence.
    pub async fn next(&mut self, millis: u64) -> Option<ServerMessage> {
        loop {
            let message =
                tokio::time::timeout(std::time::Duration::from_millis(millis), self.socket.next())
                    .await
                    .ok()??;
            if let Message::Text(text) = message.unwrap() {
                return Some(serde_json::from_str(&text).unwrap());
            }
        }
    }

    async fn subscribe(&mut self, slug: &str, since: Option<i64>) -> ServerMessage {
        let since = since.map_or("null".to_owned(), |s| s.to_string());
        self.send(&format!(
            r#"{{"type":"subscribe","slug":"{slug}","topics":["sessions","jobs"],"since":{since}}}"#
        ))
        .await;
        self.next(5000).await.expect("an answer")
    }
}

#[tokio::test]
async fn live_events_reach_members_and_nobody_else() {
    let app = spawn_app().await;
    let a = pro_org(&app, "Live A", "live-a.example").await;
    let b = pro_org(&app, "Live B", "live-b.example").await;

    // The handshake needs our own page's origin and a session.
    assert_eq!(
        open_tab(&app.address, &a.viewer, None).await.err(),
        Some(403)
    );
    assert_eq!(
        open_tab(&app.address, &a.viewer, Some("https://evil.example"))
            .await
            .err(),
        Some(403)
    );
    assert_eq!(
        open_tab(&app.address, &app.browser(), Some(&app.address))
            .await
            .err(),
        Some(401)
    );

    let mut watcher = open_tab(&app.address, &a.viewer, Some(&app.address))
        .await
        .unwrap();
    let cursor = match watcher.subscribe(&a.slug, None).await {
        ServerMessage::Subscribed { cursor, .. } => cursor,
        other => panic!("{other:?}"),
    };
    let mut outsider = open_tab(&app.address, &b.owner, Some(&app.address))
        .await
        .unwrap();
    match outsider.subscribe(&a.slug, None).await {
        ServerMessage::Refused { reason, .. } => {
            assert_eq!(reason, format!("The workspace “{}” was not found.", a.slug))
        }
        other => panic!("another tenant's member was let in: {other:?}"),
    }
    assert!(matches!(
        outsider.subscribe(&b.slug, None).await,
        ServerMessage::Subscribed { .. }
    ));

    let center: CommandCenter = a
        .owner
        .call_ok("get_command_center", &[("slug", &a.slug)])
        .await;
    let id: ProcessSessionId = a
        .consultant
        .call_ok(
            "create_session",
            &[
                ("slug", &a.slug),
                ("template", &center.templates[0].id.to_string()),
                ("title", "Live one"),
            ],
        )
        .await;
    let started = std::time::Instant::now();
    act(&a.consultant, &a.slug, id, "start").await;
    let mut seen = Vec::new();
    while let Some(message) = watcher.next(3000).await {
        if let ServerMessage::Event { slug, event } = message {
            assert_eq!(slug, a.slug);
            assert!(event.id > cursor);
            let active = matches!(
                event.change,
                shared::live::Change::Session {
                    status: SessionStatus::Active,
                    ..
                }
            );
            seen.push(event);
            if active {
                break;
            }
        }
    }
    assert!(
        started.elapsed() < std::time::Duration::from_secs(2),
        "the start arrived late"
    );
    assert!(seen.iter().any(|e| matches!(e.change, shared::live::Change::Session { session, status: SessionStatus::Draft } if session == id)));
    assert!(
        seen.iter().any(
            |e| matches!(e.change, shared::live::Change::Job { session, .. } if session == id)
        )
    );
    assert_eq!(outsider.next(500).await, None, "tenant B heard tenant A");

    // A tab that was away resumes from its cursor and gets what it missed, in order.
    let mut returning = open_tab(&app.address, &a.admin, Some(&app.address))
        .await
        .unwrap();
    assert!(matches!(
        returning.subscribe(&a.slug, Some(cursor)).await,
        ServerMessage::Subscribed { .. }
    ));
    let mut replayed = Vec::new();
    while let Some(ServerMessage::Event { event, .. }) = returning.next(500).await {
        replayed.push(event.id);
    }
    assert!(replayed.len() >= seen.len(), "{replayed:?} vs {seen:?}");
    assert!(replayed.windows(2).all(|w| w[0] < w[1]));
}

/// The cursor a page names in its `<meta name="atrium-live-cursor">`.
fn page_cursor(html: &str) -> i64 {
    let tag = html
        .split("<meta")
        .find(|tag| tag.contains("atrium-live-cursor"))
        .expect("the page names its live cursor");
    let content = tag.split("content=\"").nth(1).expect("a content attribute");
    content[..content.find('"').unwrap()].parse().unwrap()
}

#[tokio::test]
async fn a_tab_catches_up_on_what_happened_between_rendering_and_subscribing() {
    let app = spawn_app().await;
    let team = pro_org(&app, "Render Gap", "render-gap.example").await;
    let center: CommandCenter = team
        .owner
        .call_ok("get_command_center", &[("slug", &team.slug)])
        .await;
    let create = |title: &'static str| {
        let consultant = &team.consultant;
        let template = center.templates[0].id.to_string();
        let slug = team.slug.clone();
        async move {
            let id: ProcessSessionId = consultant
                .call_ok(
                    "create_session",
                    &[("slug", &slug), ("template", &template), ("title", title)],
                )
                .await;
            id
        }
    };
    let before = create("Before the page").await;

    let html = team
        .viewer
        .page(&format!("/app/{}/command-center", team.slug))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("Before the page"));
    let cursor = page_cursor(&html);
    assert!(cursor > 0, "events exist, so the cursor is past them");

    // Created after the page was rendered, before its tab subscribed.
    let after = create("After the page").await;
    let mut tab = open_tab(&app.address, &team.viewer, Some(&app.address))
        .await
        .unwrap();
    assert!(matches!(
        tab.subscribe(&team.slug, Some(cursor)).await,
        ServerMessage::Subscribed { .. }
    ));
    let mut replayed = Vec::new();
    while let Some(ServerMessage::Event { event, .. }) = tab.next(500).await {
        if let shared::live::Change::Session { session, .. } = event.change {
            replayed.push(session);
        }
    }
    assert_eq!(
        replayed,
        vec![after],
        "only what the page did not show is replayed"
    );
    assert!(!replayed.contains(&before));
}

#[tokio::test]
async fn one_person_may_hold_only_so_many_live_tabs() {
    let app = spawn_app_with(|s| s.http.live_connections_per_person = 2).await;
    let team = pro_org(&app, "Many Tabs", "many-tabs.example").await;
    let mut first = open_tab(&app.address, &team.viewer, Some(&app.address))
        .await
        .unwrap();
    let _second = open_tab(&app.address, &team.viewer, Some(&app.address))
        .await
        .unwrap();
    let mut third = open_tab(&app.address, &team.viewer, Some(&app.address))
        .await
        .unwrap();
    match tokio::time::timeout(std::time::Duration::from_secs(5), third.socket.next()).await {
        Ok(Some(Ok(Message::Close(Some(frame))))) => {
            assert_eq!(u16::from(frame.code), 4429);
            assert_eq!(
                frame.reason.as_str(),
                "You have 2 live tabs open already; close some and this one reconnects."
            );
        }
        other => panic!("the third tab was let in: {other:?}"),
    }
    // Someone else is not affected, and the first tab still works.
    let mut other = open_tab(&app.address, &team.owner, Some(&app.address))
        .await
        .unwrap();
    assert!(matches!(
        other.subscribe(&team.slug, None).await,
        ServerMessage::Subscribed { .. }
    ));
    assert!(matches!(
        first.subscribe(&team.slug, None).await,
        ServerMessage::Subscribed { .. }
    ));
    // A closed tab frees its place.
    first.socket.close(None).await.unwrap();
    drop(first);
    let mut again = wait_for(5, "a freed place", || async {
        let mut tab = open_tab(&app.address, &team.viewer, Some(&app.address))
            .await
            .ok()?;
        let subscribe = format!(
            r#"{{"type":"subscribe","slug":"{}","topics":["sessions"],"since":null}}"#,
            team.slug
        );
        tab.socket
            .send(Message::Text(subscribe.into()))
            .await
            .ok()?;
        match tab.next(1000).await {
            Some(ServerMessage::Subscribed { .. }) => Some(tab),
            _ => None,
        }
    })
    .await;
    assert_eq!(again.next(200).await, None);
}

#[tokio::test]
async fn a_malformed_message_gets_a_clear_refusal_and_the_connection_stays_usable() {
    let app = spawn_app().await;
    let team = pro_org(&app, "Garbled", "garbled.example").await;
    let mut tab = open_tab(&app.address, &team.viewer, Some(&app.address))
        .await
        .unwrap();
    tab.send("not json at all").await;
    match tab.next(3000).await {
        Some(ServerMessage::Refused { reason, .. }) => {
            assert!(
                reason.starts_with("The message could not be read: "),
                "{reason}"
            )
        }
        other => panic!("{other:?}"),
    }
    tab.send(&format!(
        r#"{{"type":"subscribe","slug":"{}","topics":[],"since":null}}"#,
        team.slug
    ))
    .await;
    match tab.next(3000).await {
        Some(ServerMessage::Refused { reason, .. }) => {
            assert_eq!(reason, "Name at least one topic.")
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        tab.subscribe(&team.slug, None).await,
        ServerMessage::Subscribed { .. }
    ));
}

#[tokio::test]
async fn a_removed_member_stops_receiving() {
    let app = spawn_app().await;
    let team = pro_org(&app, "Leavers Ltd", "leavers.example").await;
    let mut tab = open_tab(&app.address, &team.viewer, Some(&app.address))
        .await
        .unwrap();
    assert!(matches!(
        tab.subscribe(&team.slug, None).await,
        ServerMessage::Subscribed { .. }
    ));
    let viewer = team.viewer.me().await.unwrap().user_id.to_string();
    let _: () = team
        .owner
        .call_ok(
            "remove_member",
            &[("slug", &team.slug), ("user_id", &viewer)],
        )
        .await;
    // The next subscription is refused at once; the open one is withdrawn at the next check.
    match tab.subscribe(&team.slug, None).await {
        ServerMessage::Refused { .. } => {}
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn events_cross_server_instances_on_postgres() {
    if backend() != Backend::Postgres {
        // SQLite deployments run one instance; the bus is then in-process only, which every
        // other live test covers.
        return;
    }
    let app = spawn_app().await;
    let team = pro_org(&app, "Cluster Ltd", "cluster.example").await;
    let (second, _services) = spawn_instance(&app).await;
    let viewer_there = team.viewer.on(&second);
    let mut tab = open_tab(&second, &viewer_there, Some(&second))
        .await
        .unwrap();
    assert!(matches!(
        tab.subscribe(&team.slug, None).await,
        ServerMessage::Subscribed { .. }
    ));
    let center: CommandCenter = team
        .owner
        .call_ok("get_command_center", &[("slug", &team.slug)])
        .await;
    let id: ProcessSessionId = team
        .owner
        .call_ok(
            "create_session",
            &[
                ("slug", &team.slug),
                ("template", &center.templates[0].id.to_string()),
                ("title", "Across"),
            ],
        )
        .await;
    match tab.next(5000).await {
        Some(ServerMessage::Event { event, .. }) => {
            assert!(
                matches!(event.change, shared::live::Change::Session { session, .. } if session == id)
            );
        }
        other => panic!("the other instance did not pass it on: {other:?}"),
    }
}

#[tokio::test]
async fn live_event_ids_follow_commit_order() {
    // A transaction that published first but commits last must not end up with the smaller
    // id: a tab that saw the later event would resume past it and never see it.
    let app = spawn_app().await;
    let team = pro_org(&app, "Order Ltd", "order.example").await;
    let me = team.owner.me().await.unwrap();
    let tenant = me.workspaces[0].tenant.id;
    let store = app.services.store().clone();
    let change = |n: i64| shared::live::Change::Usage {
        metric: shared::billing::Metric::Tokens,
        used: n as u64,
    };
    // On PostgreSQL the second commits while the first is still open; on SQLite (one
    // writer) it waits for the first. Either way the ids must follow the commits.
    let committed = Arc::new(Mutex::new(Vec::new()));
    let mut slow = store.begin().await.unwrap();
    slow.publish(tenant, change(1)).await.unwrap();
    let fast = {
        let (store, committed) = (store.clone(), committed.clone());
        tokio::spawn(async move {
            let mut fast = store.begin().await.unwrap();
            fast.publish(tenant, change(2)).await.unwrap();
            fast.commit().await.unwrap();
            committed.lock().unwrap().push(2);
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    slow.commit().await.unwrap();
    committed.lock().unwrap().push(1);
    fast.await.unwrap();
    let first_committed = committed.lock().unwrap()[0];
    if backend() == Backend::Postgres {
        assert_eq!(first_committed, 2, "the later transaction committed first");
    }
    let first = app
        .query_text(&format!(
            "SELECT payload FROM live_events WHERE tenant_id = {} AND topic = 'usage' ORDER BY id LIMIT 1",
            crate::helpers::sql_uuid(tenant.as_uuid())
        ))
        .await
        .unwrap();
    assert!(
        first.contains(&format!(r#""used":{first_committed}"#)),
        "the first to commit has the smaller id: {first}"
    );
}
