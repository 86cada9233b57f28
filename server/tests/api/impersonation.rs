//! Impersonation: a super admin sees a person's workspace as they do — read-only or acting
//! for them — under a banner, for a limited time; the audit log names both, the person is
//! told and can see it afterwards, and their sign-in stays theirs.

use shared::AppError;
use shared::audit::AuditPage;
use shared::ids::UserId;
use shared::impersonation::SupportAccess;
use shared::members::MembersPage;
use shared::security::{NotificationKind, NotificationView};

use crate::helpers::{Browser, TestApp, spawn_app, sql_uuid};
use crate::members::org;

async fn start(
    admin: &Browser,
    person: UserId,
    minutes: &str,
    read_only: bool,
) -> reqwest::Response {
    let id = person.to_string();
    let mut form = vec![
        ("id", id.as_str()),
        ("reason", "Ticket 42: their invoice total looks wrong"),
        ("minutes", minutes),
    ];
    if read_only {
        form.push(("read_only", "on"));
    }
    admin.call("start_impersonation", &form).await
}

async fn platform_log(admin: &Browser, q: &str) -> AuditPage {
    admin
        .call_ok(
            "get_platform_audit",
            &[
                ("q", q),
                ("area", ""),
                ("tenant", ""),
                ("from", ""),
                ("to", ""),
                ("before", ""),
            ],
        )
        .await
}

async fn user_id(browser: &Browser) -> UserId {
    browser.me().await.expect("signed in").user_id
}

/// Makes every open impersonation of the super admin's session run out now.
async fn run_out(app: &TestApp, admin: UserId) {
    let past = crate::helpers::sql_time(chrono::Utc::now() - chrono::TimeDelta::minutes(1));
    app.exec(&format!(
        "UPDATE impersonations SET expires_at = {past} WHERE impersonator_id = {} AND ended_at IS NULL",
        sql_uuid(admin.as_uuid())
    ))
    .await;
    app.services.store().forget_sessions_of(admin);
}

#[tokio::test]
async fn a_read_only_impersonation_looks_changes_nothing_and_is_recorded() {
    let app = spawn_app().await;
    let admin = app.super_admin().await;
    let admin_me = admin.me().await.unwrap();
    let acme = org(&app, "Acme", "acme.example").await;
    let owner = acme.owner.me().await.unwrap();

    // Each bad field is named, and nothing starts.
    let id = owner.user_id.to_string();
    for (form, field) in [
        (
            vec![("id", id.as_str()), ("reason", "help"), ("minutes", "15")],
            "reason",
        ),
        (
            vec![
                ("id", id.as_str()),
                ("reason", "Ticket 42: invoices"),
                ("minutes", "45"),
            ],
            "minutes",
        ),
    ] {
        let (status, error) = admin.call_err("start_impersonation", &form).await;
        assert_eq!(status, 422);
        assert_eq!(error.field(), Some(field), "{error:?}");
    }
    assert_eq!(user_id(&admin).await, admin_me.user_id);

    let response = start(&admin, owner.user_id, "15", true).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());

    // The admin's session now shows the owner, with the banner's facts.
    let me = admin.me().await.unwrap();
    assert_eq!(me.user_id, owner.user_id);
    assert_eq!(me.email, owner.email);
    let banner = me.impersonation.expect("an impersonation under way");
    assert!(banner.read_only);
    assert_eq!(banner.by_email, admin_me.email.to_string());
    assert_eq!(banner.user_email, owner.email.to_string());
    // Looking works, under the banner.
    let members: MembersPage = admin
        .call_ok("get_members_page", &[("slug", &acme.slug)])
        .await;
    assert_eq!(members.tenant.slug.as_str(), acme.slug);
    let home = admin.page(&members.tenant.home_path()).await;
    assert_eq!(home.status(), 200);
    let html = home.text().await.unwrap();
    assert!(
        html.contains("impersonation-banner"),
        "the page shows the banner"
    );
    assert!(html.contains("You are seeing Atrium as"));

    // Changing anything does not work.
    let (status, error) = admin
        .call_err(
            "invite_member",
            &[
                ("slug", &acme.slug),
                ("email", "new@acme.example"),
                ("role", "viewer"),
            ],
        )
        .await;
    assert_eq!(status, 403);
    assert_eq!(
        error.to_string(),
        "This read-only impersonation does not allow you to invite members."
    );
    let (status, error) = admin.call_err("mark_notifications_read", &[]).await;
    assert_eq!(status, 403, "{error:?}");
    // Their sign-in is theirs alone, and the console stays closed meanwhile.
    let (status, error) = admin
        .call_err(
            "change_password",
            &[("new_password", "a brand new passphrase")],
        )
        .await;
    assert_eq!(status, 403);
    assert!(
        error.to_string().contains("cannot change their sign-in"),
        "{error}"
    );
    let (status, error) = admin.call_err("sign_out_everywhere", &[]).await;
    assert_eq!(status, 403, "{error:?}");
    let (status, error) = admin
        .call_err(
            "get_platform_audit",
            &[
                ("q", ""),
                ("area", ""),
                ("tenant", ""),
                ("from", ""),
                ("to", ""),
                ("before", ""),
            ],
        )
        .await;
    assert_eq!(status, 403);
    assert!(
        error.to_string().contains("End the impersonation"),
        "{error}"
    );

    // Ending it brings the super admin back to the person's page in the console.
    let path: String = admin.call_ok("end_impersonation", &[]).await;
    assert_eq!(path, format!("/admin/users/{}", owner.user_id));
    let back = admin.me().await.unwrap();
    assert_eq!(back.user_id, admin_me.user_id);
    assert!(back.impersonation.is_none());
    let (status, _) = admin.call_err("end_impersonation", &[]).await;
    assert_eq!(status, 409, "nothing left to end");

    // The log names both: who started it, and who acted on whose behalf when it ended.
    let log = platform_log(&admin, "impersonation").await;
    let started = log
        .entries
        .iter()
        .find(|e| e.action == "platform.impersonation_started")
        .expect("started is audited");
    assert_eq!(started.actor.as_deref(), Some(admin_me.email.as_str()));
    assert_eq!(started.target.as_deref(), Some(owner.email.as_str()));
    assert!(started.details.contains("Ticket 42"), "{}", started.details);
    let ended = log
        .entries
        .iter()
        .find(|e| e.action == "platform.impersonation_ended")
        .expect("ended is audited");
    assert_eq!(ended.actor.as_deref(), Some(admin_me.email.as_str()));
    assert_eq!(ended.on_behalf_of.as_deref(), Some(owner.email.as_str()));

    // The owner is told, and sees it on their security page.
    let notes: Vec<NotificationView> = acme.owner.call_ok("list_notifications", &[]).await;
    let note = notes
        .iter()
        .find(|n| n.kind == NotificationKind::Impersonated)
        .expect("the person is told");
    assert!(note.body.contains("Ticket 42"), "{}", note.body);
    let history: Vec<SupportAccess> = acme.owner.call_ok("list_support_access", &[]).await;
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].by_name, "Root");
    assert!(history[0].read_only);
    assert!(history[0].stopped_at.is_some());
    assert!(history[0].reason.starts_with("Ticket 42"));
}

#[tokio::test]
async fn acting_for_a_person_records_both_and_ends_when_its_time_is_up() {
    let app = spawn_app().await;
    let admin = app.super_admin().await;
    let admin_me = admin.me().await.unwrap();
    let acme = org(&app, "Acme", "acme.example").await;
    let owner = acme.owner.me().await.unwrap();

    let response = start(&admin, owner.user_id, "30", false).await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    let banner = admin.me().await.unwrap().impersonation.unwrap();
    assert!(!banner.read_only);
    let left = banner.expires_at - chrono::Utc::now();
    assert!(
        left > chrono::TimeDelta::minutes(29) && left <= chrono::TimeDelta::minutes(30),
        "{left}"
    );

    // Acting for the owner: the change is theirs, the log says who made it.
    let _: shared::members::CreatedInvitation = admin
        .call_ok(
            "invite_member",
            &[
                ("slug", &acme.slug),
                ("email", "new@acme.example"),
                ("role", "viewer"),
            ],
        )
        .await;
    // Still not their sign-in, nor their tokens.
    let (status, _) = admin
        .call_err(
            "create_api_token",
            &[
                ("slug", &acme.slug),
                ("name", "ops"),
                ("scopes[workspace:read]", "on"),
                ("expires_in_days", "30"),
            ],
        )
        .await;
    assert_eq!(status, 403);
    // Time is up: the session is the super admin's again, without anyone ending it.
    run_out(&app, admin_me.user_id).await;
    let me = admin.me().await.unwrap();
    assert_eq!(me.user_id, admin_me.user_id);
    assert!(me.impersonation.is_none());

    let log: AuditPage = acme
        .owner
        .call_ok(
            "get_audit_log",
            &[
                ("slug", &acme.slug),
                ("q", "new@acme.example"),
                ("area", ""),
                ("from", ""),
                ("to", ""),
                ("before", ""),
            ],
        )
        .await;
    let invited = log
        .entries
        .iter()
        .find(|e| e.action == "invitation.created")
        .expect("the invitation is audited");
    assert_eq!(invited.actor.as_deref(), Some(admin_me.email.as_str()));
    assert_eq!(invited.on_behalf_of.as_deref(), Some(owner.email.as_str()));
    let stored = app
        .count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'invitation.created'
               AND actor_id = {} AND on_behalf_of_id = {}",
            sql_uuid(admin_me.user_id.as_uuid()),
            sql_uuid(owner.user_id.as_uuid())
        ))
        .await;
    assert_eq!(stored, 1);

    // The owner sees it as over; a new one can start from the same session.
    let history: Vec<SupportAccess> = acme.owner.call_ok("list_support_access", &[]).await;
    assert_eq!(history.len(), 1);
    assert!(!history[0].read_only);
    assert!(history[0].stopped_at.is_some());
    let again = start(&admin, owner.user_id, "15", true).await;
    assert_eq!(again.status(), 200, "{}", again.text().await.unwrap());
    assert_eq!(user_id(&admin).await, owner.user_id);
    // Deactivating the person ends what the session shows of them at once.
    app.exec(&format!(
        "UPDATE users SET status = 'disabled' WHERE id = {}",
        sql_uuid(owner.user_id.as_uuid())
    ))
    .await;
    app.services.store().forget_sessions_of(owner.user_id);
    assert_eq!(user_id(&admin).await, admin_me.user_id);
}

#[tokio::test]
async fn only_a_recently_confirmed_super_admin_impersonates_and_only_ordinary_people() {
    let app = spawn_app().await;
    let admin = app.super_admin().await;
    let admin_me = admin.me().await.unwrap();
    let other_admin = app.super_admin().await;
    let acme = org(&app, "Acme", "acme.example").await;
    let owner = acme.owner.me().await.unwrap();
    let viewer = acme.viewer.me().await.unwrap();

    // Not a super admin: refused, whatever their role.
    let response = start(&acme.owner, viewer.user_id, "15", true).await;
    assert_eq!(response.status(), 403);
    // Not another super admin, not oneself.
    let other = user_id(&other_admin).await;
    let response = start(&admin, other, "15", true).await;
    assert_eq!(response.status(), 403);
    let response = start(&admin, admin_me.user_id, "15", true).await;
    assert_eq!(response.status(), 422);
    // Nobody unknown.
    let response = start(&admin, UserId::from_uuid(uuid::Uuid::now_v7()), "15", true).await;
    assert_eq!(response.status(), 404);
    // Not a deactivated account.
    app.exec(&format!(
        "UPDATE users SET status = 'disabled' WHERE id = {}",
        sql_uuid(viewer.user_id.as_uuid())
    ))
    .await;
    let response = start(&admin, viewer.user_id, "15", true).await;
    assert_eq!(response.status(), 409);
    // Only after a recent confirmation of who is at the keyboard.
    app.age_step_up(&admin).await;
    let (status, error) = admin
        .call_err(
            "start_impersonation",
            &[
                ("id", &owner.user_id.to_string()),
                ("reason", "Ticket 42: their invoice total looks wrong"),
                ("minutes", "15"),
            ],
        )
        .await;
    assert_eq!(status, 403);
    assert_eq!(error, AppError::StepUpRequired);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM impersonations").await,
        0,
        "nothing started"
    );
}
