//! The service catalog: super admins define services; a workspace requests one; super
//! admins approve, suspend, resume, cancel; the workspace may cancel its own. The status is
//! the same, live, on both sides.

use shared::AppError;
use shared::catalog::{ActivationStatus, ServicesAdminPage, ServicesPage};
use shared::ids::{ActivationId, ServiceId};
use shared::live::{Change, ServerMessage};

use crate::command_center::open_tab;
use crate::helpers::{Browser, spawn_app};
use crate::members::org;

/// A super admin adds a service; its id.
pub async fn add_service(admin: &Browser, name: &str, tiers: &[&str]) -> ServiceId {
    let mut form = vec![
        ("name", name.to_owned()),
        ("description", format!("{name}, as a service.")),
        ("price", "0.05".to_owned()),
        ("unit", "minute".to_owned()),
        ("offered", "on".to_owned()),
    ];
    let keys: Vec<String> = tiers.iter().map(|t| format!("tiers[{t}]")).collect();
    for key in &keys {
        form.push((key.as_str(), "on".to_owned()));
    }
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    admin.call_ok("save_service", &form).await
}

async fn status_in(browser: &Browser, slug: &str, service: ServiceId) -> Option<ActivationStatus> {
    let page: ServicesPage = browser.call_ok("get_services", &[("slug", slug)]).await;
    page.entries
        .iter()
        .find(|e| e.service.id == service)
        .and_then(|e| e.activation.as_ref())
        .map(|a| a.status)
}

async fn platform_act(
    admin: &Browser,
    activation: ActivationId,
    action: &str,
) -> reqwest::Response {
    admin
        .call(
            "act_on_activation",
            &[("activation", &activation.to_string()), ("action", action)],
        )
        .await
}

/// Waits for the next activation event on `tab`, and returns its status.
async fn next_activation(tab: &mut crate::command_center::Tab, slug: &str) -> ActivationStatus {
    loop {
        match tab.next(5000).await {
            Some(ServerMessage::Event { slug: s, event }) => {
                assert_eq!(s, slug);
                if let Change::Activation { status, .. } = event.change {
                    return status;
                }
            }
            Some(ServerMessage::Subscribed { .. }) => {}
            other => panic!("expected an activation event on {slug}: {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_service_goes_from_request_to_active_to_cancelled_live_on_both_sides() {
    let app = spawn_app().await;
    let admin = app.super_admin().await;
    let team = org(&app, "Catalog Ltd", "catalog.example").await;
    let service = add_service(&admin, "Transcription", &["free", "pro"]).await;

    // The workspace's viewer and the super admin each have a tab open.
    let mut member_tab = open_tab(&app.address, &team.viewer, Some(&app.address))
        .await
        .unwrap();
    member_tab
        .send(&format!(
            r#"{{"type":"subscribe","slug":"{}","topics":["services"],"since":null}}"#,
            team.slug
        ))
        .await;
    assert!(matches!(
        member_tab.next(5000).await,
        Some(ServerMessage::Subscribed { .. })
    ));
    let mut admin_tab = open_tab(&app.address, &admin, Some(&app.address))
        .await
        .unwrap();
    admin_tab
        .send(r#"{"type":"subscribe","slug":"@platform","topics":["services"],"since":null}"#)
        .await;
    assert!(matches!(
        admin_tab.next(5000).await,
        Some(ServerMessage::Subscribed { .. })
    ));

    // Requested by the owner: waiting for approval, on both sides.
    let activation: ActivationId = team
        .owner
        .call_ok(
            "request_service",
            &[("slug", &team.slug), ("service", &service.to_string())],
        )
        .await;
    assert_eq!(
        next_activation(&mut member_tab, &team.slug).await,
        ActivationStatus::Requested
    );
    assert_eq!(
        next_activation(&mut admin_tab, "@platform").await,
        ActivationStatus::Requested
    );
    let listed: ServicesAdminPage = admin.call_ok("get_services_admin", &[]).await;
    let row = listed
        .activations
        .iter()
        .find(|a| a.id == activation)
        .unwrap();
    assert_eq!(row.status, ActivationStatus::Requested);
    assert_eq!(row.tenant.slug.as_str(), team.slug);

    // Asking twice is refused; the workspace cannot approve itself.
    let (status, err) = team
        .admin
        .call_err(
            "request_service",
            &[("slug", &team.slug), ("service", &service.to_string())],
        )
        .await;
    assert_eq!(status, 409);
    assert_eq!(
        err.to_string(),
        "Transcription is already requested or in use by this organization."
    );
    let (status, err) = team
        .owner
        .call_err(
            "change_service",
            &[
                ("slug", &team.slug),
                ("activation", &activation.to_string()),
                ("action", "approve"),
            ],
        )
        .await;
    assert_eq!(status, 403);
    assert!(
        err.to_string()
            .contains("Only the platform's administrators can approve"),
        "{err}"
    );

    // The super admin approves, suspends, resumes; each shows on both sides.
    for (action, expected) in [
        ("approve", ActivationStatus::Active),
        ("suspend", ActivationStatus::Suspended),
        ("resume", ActivationStatus::Active),
    ] {
        let answer = platform_act(&admin, activation, action).await;
        assert_eq!(answer.status(), 200, "{action}");
        assert_eq!(next_activation(&mut member_tab, &team.slug).await, expected);
        assert_eq!(next_activation(&mut admin_tab, "@platform").await, expected);
        assert_eq!(
            status_in(&team.viewer, &team.slug, service).await,
            Some(expected)
        );
    }
    // A move the state machine does not have is refused with where it stands.
    let answer = platform_act(&admin, activation, "approve").await;
    assert_eq!(answer.status(), 422);
    let err: AppError = serde_json::from_str(&answer.text().await.unwrap()).unwrap();
    assert_eq!(
        err.to_string(),
        "This service is active, so it cannot be approved: only requested services can."
    );

    // The owner and admin heard about each change they did not make (approve, suspend, resume).
    assert_eq!(
        app.count("SELECT COUNT(*) FROM notifications WHERE kind = 'service_status'")
            .await,
        6
    );

    // The workspace cancels; then it may request again, and it is the same activation.
    let _: ActivationStatus = team
        .admin
        .call_ok(
            "change_service",
            &[
                ("slug", &team.slug),
                ("activation", &activation.to_string()),
                ("action", "cancel"),
            ],
        )
        .await;
    assert_eq!(
        next_activation(&mut admin_tab, "@platform").await,
        ActivationStatus::Cancelled
    );
    let again: ActivationId = team
        .owner
        .call_ok(
            "request_service",
            &[("slug", &team.slug), ("service", &service.to_string())],
        )
        .await;
    assert_eq!(again, activation);
    assert_eq!(
        status_in(&team.viewer, &team.slug, service).await,
        Some(ActivationStatus::Requested)
    );
    assert!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action IN ('service.requested', 'service.status_changed')")
            .await
            >= 6
    );
}

#[tokio::test]
async fn who_may_request_what_is_decided_by_role_and_plan() {
    let app = spawn_app().await;
    let admin = app.super_admin().await;
    let team = org(&app, "Gate Ltd", "gate.example").await;
    let premium = add_service(&admin, "Voice agent", &["pro", "enterprise"]).await;
    let open = add_service(&admin, "Lead enrichment", &["free", "pro", "enterprise"]).await;

    // A viewer and a consultant see the catalog but cannot request.
    let page: ServicesPage = team
        .viewer
        .call_ok("get_services", &[("slug", &team.slug)])
        .await;
    assert!(!page.can_manage);
    assert_eq!(page.entries.len(), 2);
    for who in [&team.viewer, &team.consultant] {
        let (status, _) = who
            .call_err(
                "request_service",
                &[("slug", &team.slug), ("service", &open.to_string())],
            )
            .await;
        assert_eq!(status, 403);
    }
    // A Free workspace is told which plan the premium service needs, and how to get it.
    let (status, err) = team
        .owner
        .call_err(
            "request_service",
            &[("slug", &team.slug), ("service", &premium.to_string())],
        )
        .await;
    assert_eq!(status, 403);
    assert_eq!(
        err.to_string(),
        "Voice agent needs the Pro or Enterprise plan; this organization is on Free. Upgrade under Plan & usage to request it."
    );
    let _: () = team
        .owner
        .call_ok("change_plan", &[("slug", &team.slug), ("tier", "pro")])
        .await;
    let _: ActivationId = team
        .owner
        .call_ok(
            "request_service",
            &[("slug", &team.slug), ("service", &premium.to_string())],
        )
        .await;

    // A retired service takes no new requests, and is listed only where it is in use.
    let _: ServiceId = admin
        .call_ok(
            "save_service",
            &[
                ("id", &open.to_string()),
                ("name", "Lead enrichment"),
                ("price", "0.02"),
                ("unit", "request"),
                ("tiers[free]", "on"),
            ],
        )
        .await;
    let (status, err) = team
        .owner
        .call_err(
            "request_service",
            &[("slug", &team.slug), ("service", &open.to_string())],
        )
        .await;
    assert_eq!(status, 409);
    assert_eq!(err.to_string(), "Lead enrichment is no longer offered.");
    let page: ServicesPage = team
        .viewer
        .call_ok("get_services", &[("slug", &team.slug)])
        .await;
    let names: Vec<_> = page
        .entries
        .iter()
        .map(|e| e.service.name.to_string())
        .collect();
    assert_eq!(names, ["Voice agent"]);

    // Only super admins reach the catalog editor and the platform's list.
    let (status, _) = team.owner.call_err("get_services_admin", &[]).await;
    assert_eq!(status, 403);
    let response = platform_act(
        &team.owner,
        ActivationId::from_uuid(uuid::Uuid::nil()),
        "approve",
    )
    .await;
    assert_eq!(response.status(), 403);
}

#[tokio::test]
async fn two_admins_requesting_at_once_get_one_activation() {
    let app = spawn_app().await;
    let admin = app.super_admin().await;
    let team = org(&app, "Race Ltd", "race.example").await;
    let service = add_service(&admin, "Transcription", &["free"]).await;
    let mut calls = Vec::new();
    for n in 0..10 {
        let who = if n % 2 == 0 {
            team.owner.clone()
        } else {
            team.admin.clone()
        };
        let (slug, service) = (team.slug.clone(), service.to_string());
        calls.push(tokio::spawn(async move {
            who.call("request_service", &[("slug", &slug), ("service", &service)])
                .await
                .status()
                .as_u16()
        }));
    }
    let mut answers = Vec::new();
    for call in calls {
        answers.push(call.await.unwrap());
    }
    answers.sort_unstable();
    assert_eq!(answers, [200, 409, 409, 409, 409, 409, 409, 409, 409, 409]);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM service_activations").await,
        1
    );
}

#[tokio::test]
async fn the_catalog_editor_refuses_bad_input_and_keeps_what_was_saved() {
    let app = spawn_app().await;
    let admin = app.super_admin().await;
    let service = add_service(&admin, "Transcription", &["free"]).await;
    let base = [
        ("id", service.to_string()),
        ("name", "Transcription".to_owned()),
        ("price", "0.01".to_owned()),
        ("unit", "minute".to_owned()),
        ("tiers[free]", "on".to_owned()),
    ];
    for (field, value, expected_field) in [
        ("name", "", "name"),
        ("price", "lots", "price"),
        ("price", "-3", "price"),
        ("unit", "fortnight", "unit"),
        ("tiers[free]", "", "tiers"),
    ] {
        let form: Vec<(&str, &str)> = base
            .iter()
            .filter(|(k, _)| !(*k == field && value.is_empty() && field.starts_with("tiers")))
            .map(|(k, v)| {
                if *k == field {
                    (*k, value)
                } else {
                    (*k, v.as_str())
                }
            })
            .collect();
        let (status, err) = admin.call_err("save_service", &form).await;
        assert_eq!(status, 422, "{field}={value}");
        assert_eq!(err.field(), Some(expected_field), "{field}={value}: {err}");
    }
    // Another service's name is refused by name.
    add_service(&admin, "Voice agent", &["pro"]).await;
    let mut form: Vec<(&str, &str)> = base.iter().map(|(k, v)| (*k, v.as_str())).collect();
    form[1] = ("name", "Voice agent");
    let (status, err) = admin.call_err("save_service", &form).await;
    assert_eq!(status, 422);
    assert_eq!(
        err.to_string(),
        "A service called “Voice agent” exists already."
    );
    // Nothing of it was saved.
    let page: ServicesAdminPage = admin.call_ok("get_services_admin", &[]).await;
    let kept = page.services.iter().find(|s| s.id == service).unwrap();
    assert_eq!(kept.name.as_str(), "Transcription");
    assert_eq!(kept.price.minor, 5);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'platform.service_edited'")
            .await,
        0
    );
}

#[tokio::test]
async fn only_super_admins_watch_every_workspace() {
    let app = spawn_app().await;
    let team = org(&app, "Watch Ltd", "watch.example").await;
    let mut tab = open_tab(&app.address, &team.owner, Some(&app.address))
        .await
        .unwrap();
    tab.send(r#"{"type":"subscribe","slug":"@platform","topics":["services"],"since":null}"#)
        .await;
    match tab.next(5000).await {
        Some(ServerMessage::Refused { slug, reason }) => {
            assert_eq!(slug, "@platform");
            assert_eq!(reason, "The platform console is only for super admins.");
        }
        other => panic!("{other:?}"),
    }
    let admin = app.super_admin().await;
    let mut tab = open_tab(&app.address, &admin, Some(&app.address))
        .await
        .unwrap();
    tab.send(r#"{"type":"subscribe","slug":"@platform","topics":["sessions"],"since":null}"#)
        .await;
    match tab.next(5000).await {
        Some(ServerMessage::Refused { reason, .. }) => {
            assert_eq!(reason, "“sessions” can only be watched inside a workspace.");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn the_home_lists_the_services_and_meters_this_month() {
    use shared::billing::{Metric, PlanTier, UsageLevel, UsageMeter};
    use shared::tenants::WorkspaceHome;

    let app = spawn_app().await;
    let admin = app.super_admin().await;
    let team = org(&app, "Home Glance", "glance.example").await;
    let service = add_service(&admin, "Glance transcription", &["free", "pro"]).await;
    let home = async |browser: &Browser| -> WorkspaceHome {
        browser
            .call_ok("get_workspace_home", &[("slug", &team.slug)])
            .await
    };

    // Four members of the Free plan's five seats: the members meter warns, and the next
    // plan up is offered.
    let first = home(&team.viewer).await;
    assert_eq!(first.services, Some(Vec::new()));
    let usage = first.usage.expect("every role sees the plan's meters");
    assert_eq!(usage.plan, PlanTier::Free);
    let members = usage
        .meters
        .iter()
        .find(|m| m.metric == Metric::Members)
        .unwrap();
    assert_eq!((members.used, members.limit), (4, Some(5)));
    assert_eq!(members.level(), UsageLevel::Warning);
    assert_eq!(
        UsageMeter::most_pressing(&usage.meters).map(|m| m.metric),
        Some(Metric::Members)
    );
    assert_eq!(usage.next.map(|p| p.tier), Some(PlanTier::Pro));

    // A requested service shows with its status; approved, it is active; cancelled, gone.
    let activation: ActivationId = team
        .owner
        .call_ok(
            "request_service",
            &[("slug", &team.slug), ("service", &service.to_string())],
        )
        .await;
    let statuses = |home: WorkspaceHome| {
        home.services
            .unwrap()
            .into_iter()
            .map(|s| (s.name, s.status))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        statuses(home(&team.consultant).await),
        [(
            "Glance transcription".to_owned(),
            ActivationStatus::Requested
        )]
    );
    assert!(
        platform_act(&admin, activation, "approve")
            .await
            .status()
            .is_success()
    );
    assert_eq!(
        statuses(home(&team.owner).await),
        [("Glance transcription".to_owned(), ActivationStatus::Active)]
    );
    assert!(
        platform_act(&admin, activation, "cancel")
            .await
            .status()
            .is_success()
    );
    assert!(statuses(home(&team.owner).await).is_empty());
}
