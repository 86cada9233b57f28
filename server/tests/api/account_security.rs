//! Account security beyond the second factor: the sign-in history and new-device notices,
//! trusted devices, password reset and email links, step-up, per-organization two-factor
//! enforcement, admins resetting a member's second factor, and the alerts sign-in attacks
//! raise.

use shared::AppError;
use shared::accounts::Me;
use shared::members::MembersPage;
use shared::security::{
    NotificationKind, NotificationView, SignInOutcome, SignInView, StepUpStatus, TrustedDeviceView,
};
use shared::tenants::{TwoFactorPolicy, WorkspaceHome};

use crate::helpers::{Browser, PASSWORD, TestApp, code, enroll, spawn_app, sql_time, unique_email};
use crate::members::org;

const CHROME: &str = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";
const FIREFOX: &str =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:140.0) Gecko/20100101 Firefox/140.0";

/// The path a sign-in answers with, from a fresh browser with this user agent.
async fn sign_in_as(app: &TestApp, agent: &str, email: &str, password: &str) -> (Browser, String) {
    let browser = app.browser_with_agent(agent);
    let path: String = browser
        .call_ok("sign_in", &[("email", email), ("password", password)])
        .await;
    (browser, path)
}

#[tokio::test]
async fn the_history_lists_attempts_and_a_new_device_is_noticed() {
    let app = spawn_app().await;
    let email = unique_email("hana", "history.example");
    let (browser, _) = app.sign_up("end_user", "History", &email).await;

    let (status, _) = app
        .browser_with_agent(CHROME)
        .call_err(
            "sign_in",
            &[("email", &email), ("password", "not my password")],
        )
        .await;
    assert_eq!(status, 401);
    sign_in_as(&app, CHROME, &email, PASSWORD).await;
    let notes: Vec<NotificationView> = browser.call_ok("list_notifications", &[]).await;
    assert!(
        notes.is_empty(),
        "the first sign-in has nothing to compare with"
    );

    let (other, _) = sign_in_as(&app, FIREFOX, &email, PASSWORD).await;
    let history: Vec<SignInView> = other.call_ok("list_sign_ins", &[]).await;
    let outcomes: Vec<_> = history.iter().map(|e| e.outcome).collect();
    assert_eq!(
        outcomes,
        vec![
            SignInOutcome::Success,
            SignInOutcome::Success,
            SignInOutcome::WrongPassword
        ],
        "newest first"
    );
    assert_eq!(history[0].device, "Firefox on Windows");
    assert!(history[0].new_device && !history[0].new_network);
    assert!(!history[1].new_device);

    let notes: Vec<NotificationView> = browser.call_ok("list_notifications", &[]).await;
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].kind, NotificationKind::NewSignIn);
    assert!(
        notes[0].body.contains("Firefox on Windows"),
        "{}",
        notes[0].body
    );
    assert!(!notes[0].read);
    let marked: u64 = browser.call_ok("mark_notifications_read", &[]).await;
    assert_eq!(marked, 1);
    let notes: Vec<NotificationView> = browser.call_ok("list_notifications", &[]).await;
    assert!(notes[0].read);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM security_alerts WHERE kind = 'new_device'")
            .await,
        1,
        "operators get an alert too"
    );
}

#[tokio::test]
async fn a_trusted_device_skips_the_second_step_until_its_trust_ends() {
    let app = spawn_app().await;
    let email = unique_email("tara", "trusted.example");
    let (first, home) = app.sign_up("end_user", "Trusted", &email).await;
    let (totp, backup) = enroll(&first).await;

    let (browser, path) = sign_in_as(&app, CHROME, &email, PASSWORD).await;
    assert_eq!(path, "/login/two-factor");
    let _: String = browser
        .call_ok(
            "verify_second_factor",
            &[("code", &code(&totp, 1)), ("trust_device", "on")],
        )
        .await;
    let devices: Vec<TrustedDeviceView> = browser.call_ok("list_trusted_devices", &[]).await;
    assert_eq!(devices.len(), 1);
    assert!(devices[0].current);
    assert_eq!(devices[0].device, "Chrome on Linux");
    assert!(devices[0].expires_at - devices[0].created_at >= chrono::TimeDelta::days(30));

    // Same browser, signed out and in again: the password is enough.
    let _: () = browser.call_ok("sign_out", &[]).await;
    let path: String = browser
        .call_ok("sign_in", &[("email", &email), ("password", PASSWORD)])
        .await;
    assert_eq!(path, home, "the trusted browser skips the second step");
    // Another browser is still asked.
    let (_, path) = sign_in_as(&app, CHROME, &email, PASSWORD).await;
    assert_eq!(path, "/login/two-factor");

    // Someone else's device id is "not found"; one's own can be revoked.
    let (status, _) = first
        .call_err(
            "revoke_trusted_device",
            &[("id", "00000000-0000-7000-8000-000000000000")],
        )
        .await;
    assert_eq!(status, 404);
    let _: () = first
        .call_ok(
            "revoke_trusted_device",
            &[("id", &devices[0].id.to_string())],
        )
        .await;
    let _: () = browser.call_ok("sign_out", &[]).await;
    let path: String = browser
        .call_ok("sign_in", &[("email", &email), ("password", PASSWORD)])
        .await;
    assert_eq!(path, "/login/two-factor", "a revoked device is asked again");

    // Trusted again (with a backup code: the authenticator's next code is spent), then a
    // new password ends the trust.
    let _: String = browser
        .call_ok(
            "verify_second_factor",
            &[("code", &backup.codes[0]), ("trust_device", "on")],
        )
        .await;
    let _: () = first
        .call_ok(
            "change_password",
            &[("new_password", "a brand new passphrase")],
        )
        .await;
    assert!(
        browser.me().await.is_none(),
        "other sessions end with a new password"
    );
    let path: String = browser
        .call_ok(
            "sign_in",
            &[("email", &email), ("password", "a brand new passphrase")],
        )
        .await;
    assert_eq!(
        path, "/login/two-factor",
        "a new password ends every device's trust"
    );
    assert!(
        first.me().await.is_some(),
        "the session that changed it goes on"
    );
}

#[tokio::test]
async fn a_password_reset_link_works_once_and_expires() {
    let app = spawn_app().await;
    let email = unique_email("rita", "reset.example");
    let (old_session, _) = app.sign_up("end_user", "Reset", &email).await;
    let visitor = app.browser();

    // Unknown and known emails get the same answer; only the known one gets an email.
    let _: () = visitor
        .call_ok(
            "request_password_reset",
            &[("email", "nobody@reset.example")],
        )
        .await;
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox WHERE recipient = 'nobody@reset.example'")
            .await,
        0
    );
    let _: () = visitor
        .call_ok("request_password_reset", &[("email", &email)])
        .await;
    let link = app.mailed_link(&email, "/reset-password/").await;
    let token = link.rsplit('/').next().unwrap().to_owned();
    assert_eq!(visitor.page(&link).await.status(), 200);

    // A password the policy refuses uses nothing up.
    let (status, error) = visitor
        .call_err(
            "reset_password",
            &[("token", &token), ("new_password", "short")],
        )
        .await;
    assert_eq!((status.as_u16(), error.field()), (422, Some("password")));
    let _: () = visitor
        .call_ok(
            "reset_password",
            &[("token", &token), ("new_password", "a fresh long password")],
        )
        .await;
    assert!(old_session.me().await.is_none(), "every old session ended");
    let (status, _) = app
        .browser()
        .call_err("sign_in", &[("email", &email), ("password", PASSWORD)])
        .await;
    assert_eq!(status, 401, "the old password is dead");
    let (fresh, _) = sign_in_as(&app, CHROME, &email, "a fresh long password").await;
    let notes: Vec<NotificationView> = fresh.call_ok("list_notifications", &[]).await;
    assert!(
        notes
            .iter()
            .any(|n| n.kind == NotificationKind::PasswordChanged)
    );

    // Used once: refused after, with a clear reason.
    let (status, error) = visitor
        .call_err(
            "reset_password",
            &[("token", &token), ("new_password", "another long password")],
        )
        .await;
    assert_eq!(status, 409);
    assert!(error.to_string().contains("already used"), "{error}");

    // An expired link says so.
    let _: () = visitor
        .call_ok("request_password_reset", &[("email", &email)])
        .await;
    let link = app.mailed_link(&email, "/reset-password/").await;
    let expired = link.rsplit('/').next().unwrap().to_owned();
    assert_ne!(expired, token);
    let past = sql_time(chrono::Utc::now() - chrono::TimeDelta::minutes(1));
    app.exec(&format!(
        "UPDATE account_links SET expires_at = {past} WHERE used_at IS NULL"
    ))
    .await;
    let (status, error) = visitor
        .call_err("check_password_reset", &[("token", &expired)])
        .await;
    assert_eq!(status, 409);
    assert!(error.to_string().contains("expired"), "{error}");
    assert_eq!(
        visitor
            .page("/reset-password/AAAAAAAAAAAAAAAAAAAAAA")
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn an_email_is_confirmed_by_its_link_and_can_move_after_step_up() {
    let app = spawn_app().await;
    let email = unique_email("elsa", "verify.example");
    let (browser, _) = app.sign_up("end_user", "Verify", &email).await;
    let me: Me = browser.me().await.unwrap();
    assert!(!me.email_verified);

    let link = app.mailed_link(&email, "/verify-email/").await;
    let token = link.rsplit('/').next().unwrap().to_owned();
    assert_eq!(browser.page(&link).await.status(), 200);
    let confirmed: String = browser.call_ok("verify_email", &[("token", &token)]).await;
    assert_eq!(confirmed, email);
    assert!(browser.me().await.unwrap().email_verified);
    let (status, _) = browser.call_err("verify_email", &[("token", &token)]).await;
    assert_eq!(status, 409, "a link works once");
    let (status, _) = browser.call_err("resend_verification", &[]).await;
    assert_eq!(status, 409, "nothing to confirm any more");

    // Moving to another address needs a recent "confirm it's you".
    let other = unique_email("someone", "verify.example");
    app.sign_up("end_user", "Someone", &other).await;
    let (status, error) = browser
        .call_err("request_email_change", &[("email", &other)])
        .await;
    assert_eq!((status.as_u16(), error.field()), (422, Some("email")));
    app.age_step_up(&browser).await;
    let new_email = unique_email("elsa.new", "verify.example");
    let (status, error) = browser
        .call_err("request_email_change", &[("email", &new_email)])
        .await;
    assert_eq!((status.as_u16(), error), (403, AppError::StepUpRequired));
    let status: StepUpStatus = browser
        .call_ok("confirm_identity", &[("password", PASSWORD)])
        .await;
    assert!(status.fresh_until.is_some() && !status.needs_code);
    let _: () = browser
        .call_ok("request_email_change", &[("email", &new_email)])
        .await;
    assert_eq!(
        browser.me().await.unwrap().email.as_str(),
        email,
        "not before the link"
    );
    let link = app.mailed_link(&new_email, "/verify-email/").await;
    let token = link.rsplit('/').next().unwrap().to_owned();
    let moved: String = browser.call_ok("verify_email", &[("token", &token)]).await;
    assert_eq!(moved, new_email);
    assert_eq!(browser.me().await.unwrap().email.as_str(), new_email);
    let told = app
        .query_text(&format!(
            "SELECT subject FROM outbox WHERE recipient = '{email}' ORDER BY created_at DESC LIMIT 1"
        ))
        .await;
    assert_eq!(
        told.as_deref(),
        Some("Your Atrium email address was changed"),
        "the old address is told"
    );
    sign_in_as(&app, CHROME, &new_email, PASSWORD).await;
    let (status, _) = app
        .browser()
        .call_err("sign_in", &[("email", &email), ("password", PASSWORD)])
        .await;
    assert_eq!(status, 401, "the old address no longer signs in");
}

#[tokio::test]
async fn an_organization_can_require_two_factor_with_a_grace_period() {
    let app = spawn_app().await;
    let o = org(&app, "Strict Org", "strict.example").await;

    let (status, error) = o
        .admin
        .call_err(
            "set_two_factor_requirement",
            &[("slug", &o.slug), ("require", "true"), ("grace_days", "7")],
        )
        .await;
    assert_eq!(status, 403, "only owners set the rule: {error}");
    let (status, error) = o
        .owner
        .call_err(
            "set_two_factor_requirement",
            &[
                ("slug", &o.slug),
                ("require", "true"),
                ("grace_days", "365"),
            ],
        )
        .await;
    assert_eq!((status.as_u16(), error.field()), (422, Some("grace_days")));

    let (status, error) = o
        .owner
        .call_err(
            "set_two_factor_requirement",
            &[("slug", &o.slug), ("require", "true"), ("grace_days", "7")],
        )
        .await;
    assert_eq!(
        status, 409,
        "an owner turns it on for themselves first: {error}"
    );
    enroll(&o.owner).await;
    let policy: TwoFactorPolicy = o
        .owner
        .call_ok(
            "set_two_factor_requirement",
            &[("slug", &o.slug), ("require", "true"), ("grace_days", "7")],
        )
        .await;
    assert!(policy.required_since.is_some());
    // Within the grace period the viewer still gets in, and is told.
    let _: WorkspaceHome = o
        .viewer
        .call_ok("get_workspace_home", &[("slug", &o.slug)])
        .await;
    let me: Me = o.viewer.me().await.unwrap();
    let duty = me.two_factor_duty().unwrap();
    assert_eq!(duty.required_by, "Strict Org");
    assert!(!duty.overdue);
    let notes: Vec<NotificationView> = o.viewer.call_ok("list_notifications", &[]).await;
    assert!(
        notes
            .iter()
            .any(|n| n.kind == NotificationKind::TwoFactorRequired)
    );

    // With no grace left, the door is shut until they enroll.
    let _: TwoFactorPolicy = o
        .owner
        .call_ok(
            "set_two_factor_requirement",
            &[("slug", &o.slug), ("require", "true"), ("grace_days", "0")],
        )
        .await;
    let (status, error) = o
        .viewer
        .call_err("get_workspace_home", &[("slug", &o.slug)])
        .await;
    assert_eq!(status, 403);
    assert_eq!(
        error,
        AppError::TwoFactorRequired {
            tenant: "Strict Org".into()
        }
    );
    let page = o.viewer.page(&format!("/app/{}", o.slug)).await;
    assert_eq!(page.status(), 403);
    let viewer_email = o.viewer.me().await.unwrap().email.to_string();
    let (_, path) = sign_in_as(&app, CHROME, &viewer_email, PASSWORD).await;
    assert_eq!(
        path, "/account/security?setup=two-factor",
        "signing in walks them to the setup"
    );
    enroll(&o.viewer).await;
    let _: WorkspaceHome = o
        .viewer
        .call_ok("get_workspace_home", &[("slug", &o.slug)])
        .await;

    let page: MembersPage = o
        .owner
        .call_ok("get_members_page", &[("slug", &o.slug)])
        .await;
    assert_eq!(page.two_factor.grace_days, 0);
    let _: TwoFactorPolicy = o
        .owner
        .call_ok(
            "set_two_factor_requirement",
            &[("slug", &o.slug), ("require", "false"), ("grace_days", "0")],
        )
        .await;
    let _: WorkspaceHome = o
        .consultant
        .call_ok("get_workspace_home", &[("slug", &o.slug)])
        .await;
}

#[tokio::test]
async fn admins_reset_a_members_second_factor_and_the_member_is_told() {
    let app = spawn_app().await;
    let o = org(&app, "Reset Org", "resetorg.example").await;
    let viewer = o.viewer.me().await.unwrap();
    let owner = o.owner.me().await.unwrap();
    let (viewer_id, owner_id) = (viewer.user_id.to_string(), owner.user_id.to_string());
    let viewer_args = [("slug", o.slug.as_str()), ("user_id", viewer_id.as_str())];

    let (status, error) = o
        .admin
        .call_err("reset_member_two_factor", &viewer_args)
        .await;
    assert_eq!(status, 409, "nothing to reset yet: {error}");
    enroll(&o.viewer).await;
    enroll(&o.owner).await;

    let (status, _) = o
        .consultant
        .call_err("reset_member_two_factor", &viewer_args)
        .await;
    assert_eq!(status, 403, "consultants may not");
    let (status, _) = o
        .admin
        .call_err(
            "reset_member_two_factor",
            &[("slug", o.slug.as_str()), ("user_id", owner_id.as_str())],
        )
        .await;
    assert_eq!(status, 403, "only owners touch owners");
    let (status, _) = o
        .admin
        .call_err(
            "reset_member_two_factor",
            &[
                ("slug", o.slug.as_str()),
                (
                    "user_id",
                    o.admin.me().await.unwrap().user_id.to_string().as_str(),
                ),
            ],
        )
        .await;
    assert_eq!(status, 409, "one's own is reset under Account → Security");
    let _: () = o
        .admin
        .call_ok("reset_member_two_factor", &viewer_args)
        .await;

    let page: MembersPage = o
        .admin
        .call_ok("get_members_page", &[("slug", &o.slug)])
        .await;
    let row = page
        .members
        .iter()
        .find(|m| m.user_id == viewer.user_id)
        .unwrap();
    assert_eq!(row.two_factor, Some(false));
    let as_viewer: MembersPage = o
        .viewer
        .call_ok("get_members_page", &[("slug", &o.slug)])
        .await;
    assert!(
        as_viewer.members.iter().all(|m| m.two_factor.is_none()),
        "who has two-factor is told only to those who may reset it"
    );
    let notes: Vec<NotificationView> = o.viewer.call_ok("list_notifications", &[]).await;
    let note = notes
        .iter()
        .find(|n| n.kind == NotificationKind::TwoFactorReset)
        .unwrap();
    assert!(note.body.contains("Reset Org"), "{}", note.body);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'member.two_factor_reset'")
            .await,
        1
    );
    // The old authenticator no longer matters: the password alone signs in.
    let (_, path) = sign_in_as(&app, CHROME, viewer.email.as_str(), PASSWORD).await;
    assert_eq!(path, format!("/app/{}", o.slug));
}

#[tokio::test]
async fn credential_stuffing_raises_an_alert_and_blocks_the_address() {
    let app = spawn_app().await;
    let email = unique_email("sam", "stuffing.example");
    app.sign_up("end_user", "Stuffing", &email).await;
    let threshold = app.services.settings().auth.stuffing_accounts_threshold;
    let attacker = app.browser();
    let mut last = None;
    for n in 0..threshold {
        last = Some(
            attacker
                .call_err(
                    "sign_in",
                    &[
                        ("email", &format!("victim{n}@stuffing.example")),
                        ("password", "Summer2026!"),
                    ],
                )
                .await,
        );
    }
    let (status, error) = last.unwrap();
    assert_eq!(status, 429, "{error}");
    let retry = error.retry_after().unwrap();
    assert!(retry >= 3_000, "blocked for about an hour, not {retry} s");
    let (status, _) = app
        .browser()
        .call_err("sign_in", &[("email", &email), ("password", PASSWORD)])
        .await;
    assert_eq!(
        status, 429,
        "the whole address is blocked, right password or not"
    );
    let evidence = app
        .query_text(
            "SELECT CAST(evidence AS TEXT) FROM security_alerts WHERE kind = 'credential_stuffing' AND subject = '127.0.0.1'",
        )
        .await
        .expect("an alert");
    assert!(evidence.contains("victim0@stuffing.example"), "{evidence}");
}

#[tokio::test]
async fn repeated_failures_on_one_account_raise_an_alert() {
    let app = spawn_app().await;
    let email = unique_email("bruno", "brute.example");
    app.sign_up("end_user", "Brute", &email).await;
    let threshold = app.services.settings().auth.account_lockout_threshold;
    for _ in 0..threshold {
        let _ = app
            .browser()
            .call(
                "sign_in",
                &[("email", &email), ("password", "guess guess guess")],
            )
            .await;
    }
    let (status, _) = app
        .browser()
        .call_err("sign_in", &[("email", &email), ("password", PASSWORD)])
        .await;
    assert_eq!(status, 423);
    let reason = app
        .query_text(&format!(
            "SELECT reason FROM security_alerts WHERE kind = 'account_brute_force' AND subject = '{email}'"
        ))
        .await
        .expect("an alert");
    assert!(reason.contains("locked"), "{reason}");
    let history_rows = app
        .count(&format!(
            "SELECT COUNT(*) FROM sign_in_events WHERE email = '{email}' AND outcome = 'locked'"
        ))
        .await;
    assert_eq!(history_rows, 1, "the refusal is in the history too");
}
