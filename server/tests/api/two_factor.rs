//! Two-factor sign-in: enrollment, the second step, backup codes, replay, throttling, and
//! the secret at rest.

use shared::AppError;
use shared::security::StepUpStatus;
use shared::tenants::WorkspaceHome;
use shared::two_factor::{BackupCodes, TotpSetup, TwoFactorStatus};
use totp_rs::{Secret, Totp};

use crate::helpers::{
    Browser, PASSWORD, TestApp, authenticator, code, enroll, spawn_app, unique_email, wrong_code,
};

/// Signs up and turns two-factor sign-in on; returns the browser, email, authenticator and
/// backup codes.
async fn enrolled(app: &TestApp) -> (Browser, String, Totp, Vec<String>) {
    let email = unique_email("tess", "twofactor.example");
    let (browser, _) = app.sign_up("end_user", "Two Factor", &email).await;
    let (totp, codes) = enroll(&browser).await;
    (browser, email, totp, codes.codes)
}

/// Signs in with the password only: the browser holds a session waiting for its code.
async fn password_step(app: &TestApp, email: &str) -> Browser {
    let browser = app.browser();
    let next: String = browser
        .call_ok("sign_in", &[("email", email), ("password", PASSWORD)])
        .await;
    assert_eq!(next, "/login/two-factor");
    browser
}

#[tokio::test]
async fn enrollment_shows_a_qr_code_and_the_secret_and_needs_a_right_code() {
    let app = spawn_app().await;
    let email = unique_email("tess", "twofactor.example");
    let (browser, _) = app.sign_up("end_user", "Two Factor", &email).await;
    let status: TwoFactorStatus = browser.call_ok("get_two_factor", &[]).await;
    assert!(!status.enabled);

    let setup: TotpSetup = browser.call_ok("start_totp_setup", &[]).await;
    assert!(setup.qr_svg.starts_with("<?xml") || setup.qr_svg.starts_with("<svg"));
    assert!(setup.qr_svg.contains("<svg"), "{}", setup.qr_svg);
    assert!(setup.otpauth_url.starts_with("otpauth://totp/Atrium:"));
    assert!(
        setup
            .otpauth_url
            .contains(&format!("secret={}", setup.secret))
    );
    assert_eq!(
        Secret::try_from_base32(&setup.secret)
            .unwrap()
            .as_ref()
            .len(),
        20
    );

    let (status, error) = browser
        .call_err("confirm_totp_setup", &[("code", "12345")])
        .await;
    assert_eq!((status.as_u16(), error.field()), (422, Some("code")));
    let totp = authenticator(&setup);
    let wrong = &wrong_code(&totp);
    let (status, error) = browser
        .call_err("confirm_totp_setup", &[("code", wrong)])
        .await;
    assert_eq!((status.as_u16(), error.field()), (422, Some("code")));
    let still: TwoFactorStatus = browser.call_ok("get_two_factor", &[]).await;
    assert!(!still.enabled, "a wrong code turns nothing on");

    let codes: BackupCodes = browser
        .call_ok("confirm_totp_setup", &[("code", &code(&totp, 0))])
        .await;
    assert_eq!(codes.codes.len(), 10);
    let status: TwoFactorStatus = browser.call_ok("get_two_factor", &[]).await;
    assert_eq!(
        status,
        TwoFactorStatus {
            enabled: true,
            backup_codes_left: 10
        }
    );
    let (status, _) = browser.call_err("start_totp_setup", &[]).await;
    assert_eq!(
        status, 409,
        "a second authenticator needs the first turned off"
    );

    // The secret is sealed in the database, not stored as it is.
    let me = browser.me().await.unwrap();
    let row = app
        .services
        .store()
        .totp_credential(me.user_id)
        .await
        .unwrap()
        .unwrap();
    let raw = Secret::try_from_base32(&setup.secret).unwrap();
    assert!(!row.secret.windows(20).any(|w| w == raw.as_ref()));
    assert!(row.secret.len() > 20 + 12);
}

#[tokio::test]
async fn the_second_step_needs_a_code_and_a_password_only_session_can_do_nothing() {
    let app = spawn_app().await;
    let (_, email, totp, _) = enrolled(&app).await;
    let browser = password_step(&app, &email).await;

    // The password-only session is not signed in anywhere else.
    assert_eq!(browser.me().await, None);
    let (status, error) = browser.call_err("list_sessions", &[]).await;
    assert_eq!((status.as_u16(), error), (401, AppError::Unauthenticated));
    let page = browser.page("/account").await;
    assert!(page.status().is_redirection());
    let (status, _) = browser
        .call_err("get_workspace_home", &[("slug", "two-factor")])
        .await;
    assert_eq!(status, 401);

    // A wrong code is refused with the field named; the right one signs in, under a new
    // token.
    let wrong = &wrong_code(&totp);
    let (status, error) = browser
        .call_err("verify_second_factor", &[("code", wrong)])
        .await;
    assert_eq!((status.as_u16(), error.field()), (422, Some("code")));
    // One code, kept: computing it again could cross into the next 30-second step and give
    // a fresh code, which would rightly be accepted.
    let right = code(&totp, 1);
    let home: String = browser
        .call_ok("verify_second_factor", &[("code", &right)])
        .await;
    assert_eq!(home, "/app/two-factor");
    assert!(browser.me().await.is_some());
    let _: WorkspaceHome = browser
        .call_ok("get_workspace_home", &[("slug", "two-factor")])
        .await;

    // The same code again (same step) is refused: a code works once.
    let again = password_step(&app, &email).await;
    let (status, error) = again
        .call_err("verify_second_factor", &[("code", &right)])
        .await;
    assert_eq!((status.as_u16(), error.field()), (422, Some("code")));
    assert_eq!(again.me().await, None);

    // Without a password-only session there is nothing to verify.
    let stranger = app.browser();
    let (status, _) = stranger
        .call_err("verify_second_factor", &[("code", &right)])
        .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn backup_codes_work_once_and_regenerating_kills_the_old_set() {
    let app = spawn_app().await;
    let (browser, email, totp, codes) = enrolled(&app).await;

    let first = password_step(&app, &email).await;
    let _: String = first
        .call_ok(
            "verify_second_factor",
            &[("code", &codes[0].to_uppercase())],
        )
        .await;
    assert!(first.me().await.is_some());
    let second = password_step(&app, &email).await;
    let (status, _) = second
        .call_err("verify_second_factor", &[("code", &codes[0])])
        .await;
    assert_eq!(status, 422, "a backup code works once");
    let status: TwoFactorStatus = browser.call_ok("get_two_factor", &[]).await;
    assert_eq!(status.backup_codes_left, 9);

    // Signing in counts as "confirm it's you"; once that is stale, new codes wait for it.
    app.age_step_up(&browser).await;
    let (status, error) = browser.call_err("regenerate_backup_codes", &[]).await;
    assert_eq!((status.as_u16(), error), (403, AppError::StepUpRequired));
    let (status, error) = browser
        .call_err(
            "confirm_identity",
            &[("password", "not my password"), ("code", &code(&totp, 1))],
        )
        .await;
    assert_eq!((status.as_u16(), error.field()), (422, Some("password")));
    let (status, error) = browser
        .call_err("confirm_identity", &[("password", PASSWORD)])
        .await;
    assert_eq!(
        (status.as_u16(), error.field()),
        (422, Some("code")),
        "with two-factor on, the code is asked too"
    );
    let _: StepUpStatus = browser
        .call_ok(
            "confirm_identity",
            &[("password", PASSWORD), ("code", &code(&totp, 1))],
        )
        .await;
    let fresh: BackupCodes = browser.call_ok("regenerate_backup_codes", &[]).await;
    assert_eq!(fresh.codes.len(), 10);
    let (status, _) = second
        .call_err("verify_second_factor", &[("code", &codes[1])])
        .await;
    assert_eq!(status, 422, "the old set is dead");
    let _: String = second
        .call_ok("verify_second_factor", &[("code", &fresh.codes[0])])
        .await;

    // Turning it off needs a recent "confirm it's you"; then the password alone signs in.
    app.age_step_up(&browser).await;
    let (status, error) = browser.call_err("disable_two_factor", &[]).await;
    assert_eq!((status.as_u16(), error), (403, AppError::StepUpRequired));
    // One step ahead is already spent; a backup code confirms as well.
    let _: StepUpStatus = browser
        .call_ok(
            "confirm_identity",
            &[("password", PASSWORD), ("code", &fresh.codes[1])],
        )
        .await;
    let _: () = browser.call_ok("disable_two_factor", &[]).await;
    let plain = app.browser();
    let home: String = plain
        .call_ok("sign_in", &[("email", &email), ("password", PASSWORD)])
        .await;
    assert_eq!(home, "/app/two-factor");
}

#[tokio::test]
async fn guessing_codes_locks_the_account_even_with_the_right_password() {
    let app = spawn_app().await;
    let (_, email, totp, _) = enrolled(&app).await;
    let wrong = &wrong_code(&totp);
    let threshold = app.services.settings().auth.account_lockout_threshold;
    let mut last = None;
    for _ in 0..threshold {
        // Signing in again with the right password must not reset the count.
        let browser = password_step(&app, &email).await;
        last = Some(
            browser
                .call_err("verify_second_factor", &[("code", wrong)])
                .await,
        );
    }
    let (status, error) = last.unwrap();
    assert_eq!(status, 423, "{error}");
    assert!(matches!(error, AppError::AccountLocked { .. }));
    let (status, _) = app
        .browser()
        .call_err("sign_in", &[("email", &email), ("password", PASSWORD)])
        .await;
    assert_eq!(status, 423, "the lock holds for the password step too");
}
