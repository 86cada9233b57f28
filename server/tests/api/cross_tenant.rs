//! Tenant isolation: every server function, page and API route is tried by a member of one
//! tenant with another tenant's ids. The answer is always 403 or 404 and never contains the
//! other tenant's data, and nothing of theirs changes.
//!
//! Adding a server function, page or API route without a case here fails
//! `every_endpoint_has_a_case`.

use std::collections::BTreeSet;

use shared::accounts::SessionView;
use shared::members::{CreatedInvitation, MembersPage};
use shared::permissions::Role;

use shared::security::TrustedDeviceView;

use crate::helpers::{Browser, PASSWORD, TestApp, code, enroll, spawn_app, unique_email};
use crate::members::{Org, org};

/// Markers of tenant B's data that must never reach tenant A.
const B_NAME: &str = "Bravo Org";
const B_DOMAIN: &str = "bravo.example";

struct World {
    app: TestApp,
    a: Org,
    b: Org,
    b_member: String,
    b_invitation: String,
    b_owner_session: String,
    /// A device B's owner trusts to skip the second step.
    b_trusted_device: String,
    /// A member of B with two-factor sign-in on.
    b_member_with_two_factor: String,
    /// A second session of A's owner, spent by the sign-out cases.
    a_spare: Browser,
    /// B's own process template, a session of it that is running, and its step that waits
    /// for an approval.
    b_template: String,
    b_session: String,
    b_job: String,
    /// An API token of B's owner for B, and its secret.
    b_token: String,
    b_token_secret: String,
    /// A catalog service, and B's request for it (still waiting for approval).
    service: String,
    b_activation: String,
    /// A provider key B's owner keeps in the vault.
    b_vault_key: String,
    /// B's invoice for this month (issued as if the month had closed).
    b_invoice: String,
    /// A support ticket B's owner opened.
    b_ticket: String,
    /// A file B's owner attached to it.
    b_file: String,
    /// A builder workspace of A's (and its owner), and one of B's with a widget in it.
    a_builder: Browser,
    a_builder_slug: String,
    b_builder: Browser,
    b_builder_slug: String,
    b_widget: String,
    /// B's builder's accepted link with B, and the widget it deployed for B over it.
    b_link: String,
    b_implementation: String,
    /// B's builder's project, with B in it.
    b_project: String,
    /// B's builder's marketplace listing, withdrawn (so no other workspace finds it), and a
    /// screenshot on it.
    b_listing: String,
    b_screenshot: String,
}

/// A template whose only step waits for an approval.
const APPROVAL_TEMPLATE: &str = r#"{"phases": [{"key": "P0", "name": "Bravo phase", "steps": [{"key": "ok", "name": "Bravo approval", "kind": "approval"}]}]}"#;

/// B's template, a started session and its waiting job.
async fn b_process(b: &Org) -> (String, String, String) {
    let template: shared::ids::TemplateId = b
        .owner
        .call_ok(
            "create_template",
            &[
                ("slug", &b.slug),
                ("name", "Bravo process"),
                ("definition", APPROVAL_TEMPLATE),
            ],
        )
        .await;
    let session: shared::ids::ProcessSessionId = b
        .owner
        .call_ok(
            "create_session",
            &[
                ("slug", &b.slug),
                ("template", &template.to_string()),
                ("title", "Bravo session"),
            ],
        )
        .await;
    let _: shared::process::SessionStatus = b
        .owner
        .call_ok(
            "change_session_status",
            &[
                ("slug", &b.slug),
                ("id", &session.to_string()),
                ("action", "start"),
            ],
        )
        .await;
    let job = crate::helpers::wait_for(20, "B's approval to wait", || async {
        let detail: shared::process::SessionDetail = b
            .owner
            .call_ok(
                "get_session",
                &[("slug", &b.slug), ("id", &session.to_string())],
            )
            .await;
        detail
            .jobs
            .iter()
            .find(|j| j.status == shared::process::JobStatus::Waiting)
            .map(|j| j.id)
    })
    .await;
    // B's signing secret exists, so a forged callback is checked against a real one.
    let page: shared::process::TemplatesPage =
        b.owner.call_ok("get_templates", &[("slug", &b.slug)]).await;
    assert!(page.signing_secret.is_some());
    (template.to_string(), session.to_string(), job.to_string())
}

async fn world() -> World {
    let app = spawn_app().await;
    let a = org(&app, "Alpha Org", "alpha.example").await;
    let b = org(&app, "Bravo Org", B_DOMAIN).await;
    // B is on Pro: its seats (four members, an invitation, one more later) exceed Free's five.
    let _: () = app
        .super_admin()
        .await
        .call_ok("set_tenant_plan", &[("slug", &b.slug), ("tier", "pro")])
        .await;
    let b_page: MembersPage = b
        .owner
        .call_ok("get_members_page", &[("slug", &b.slug)])
        .await;
    let b_member = b_page
        .members
        .iter()
        .find(|m| m.role == Role::Viewer)
        .unwrap()
        .user_id
        .to_string();
    let invitation: CreatedInvitation = b
        .owner
        .call_ok(
            "invite_member",
            &[
                ("slug", &b.slug),
                ("email", "pending@bravo.example"),
                ("role", "viewer"),
            ],
        )
        .await;
    let sessions: Vec<SessionView> = b.owner.call_ok("list_sessions", &[]).await;
    let b_owner_session = sessions.iter().find(|s| s.current).unwrap().id.to_string();
    // B's owner turns two-factor sign-in on and trusts a second browser.
    let (totp, _) = enroll(&b.owner).await;
    let b_owner = b.owner.me().await.unwrap();
    let second = app.browser();
    let _: String = second
        .call_ok(
            "sign_in",
            &[("email", b_owner.email.as_str()), ("password", PASSWORD)],
        )
        .await;
    let _: String = second
        .call_ok(
            "verify_second_factor",
            &[("code", &code(&totp, 1)), ("trust_device", "on")],
        )
        .await;
    let devices: Vec<TrustedDeviceView> = second.call_ok("list_trusted_devices", &[]).await;
    let b_trusted_device = devices[0].id.to_string();
    let a_me = a.owner.me().await.unwrap();
    let a_spare = app
        .signed_in(a_me.email.as_str(), crate::helpers::PASSWORD)
        .await;
    let (b_template, b_session, b_job) = b_process(&b).await;
    let b_made: shared::api_tokens::CreatedApiToken = b
        .owner
        .call_ok(
            "create_api_token",
            &[
                ("slug", &b.slug),
                ("name", "Bravo reporter"),
                ("scopes[workspace:read]", "on"),
                ("scopes[members:read]", "on"),
                ("scopes[usage:read]", "on"),
                ("scopes[usage:write]", "on"),
                ("expires_in_days", "30"),
            ],
        )
        .await;
    let service = crate::catalog::add_service(
        &app.super_admin().await,
        "Bravo-free service",
        &["free", "pro"],
    )
    .await;
    let b_activation: shared::ids::ActivationId = b
        .owner
        .call_ok(
            "request_service",
            &[("slug", &b.slug), ("service", &service.to_string())],
        )
        .await;
    let b_vault_key: shared::ids::VaultKeyId = b
        .owner
        .call_ok(
            "add_vault_key",
            &[
                ("slug", &b.slug),
                ("provider", "deepgram"),
                ("label", "Bravo transcripts"),
                ("secret", "0123456789abcdef0123456789abcdef0123b0b0"),
            ],
        )
        .await;
    let next_month = shared::billing::invoice::Period::of(chrono::Utc::now())
        .next()
        .start();
    services::billing::invoices::issue_due(&app.services, next_month)
        .await
        .unwrap();
    let b_billing: shared::billing::BillingPage =
        b.owner.call_ok("get_billing", &[("slug", &b.slug)]).await;
    let b_ticket: shared::ids::TicketId = b
        .owner
        .call_ok(
            "open_ticket",
            &[
                ("slug", &b.slug),
                ("subject", "Bravo's secret trouble"),
                ("priority", "urgent"),
                ("body", "Only Bravo may read this."),
            ],
        )
        .await;
    let b_file: shared::support::files::TicketFile = b
        .owner
        .upload(
            &format!("/api/v1/tenants/{}/tickets/{b_ticket}/files", b.slug),
            "bravo-secret.txt",
            format!("{B_NAME} internal notes").as_bytes(),
            false,
        )
        .await
        .json()
        .await
        .unwrap();
    let (a_builder, a_home) = app
        .sign_up(
            "builder",
            "Alpha Builds",
            &unique_email("builder", "alpha.example"),
        )
        .await;
    let (b_builder, b_home) = app
        .sign_up(
            "builder",
            "Bravo Org Builds",
            &unique_email("builder", B_DOMAIN),
        )
        .await;
    let b_builder_slug = b_home.rsplit('/').next().unwrap().to_owned();
    let b_widget: shared::ids::WidgetId = b_builder
        .call_ok(
            "create_widget",
            &[
                ("slug", &b_builder_slug),
                ("name", "Bravo Org lead form"),
                ("kind", "lead_form"),
                ("preset", "night"),
            ],
        )
        .await;
    let b_link: shared::ids::CustomerLinkId = b_builder
        .call_ok(
            "request_customer_link",
            &[("slug", &b_builder_slug), ("customer", &b.slug)],
        )
        .await;
    let _: shared::customers::LinkStatus = b
        .owner
        .call_ok(
            "answer_builder_link",
            &[
                ("slug", &b.slug),
                ("link", &b_link.to_string()),
                ("action", "accept"),
            ],
        )
        .await;
    let b_implementation: shared::ids::ImplementationId = b_builder
        .call_ok(
            "deploy_widget",
            &[
                ("slug", &b_builder_slug),
                ("link", &b_link.to_string()),
                ("widget", &b_widget.to_string()),
            ],
        )
        .await;
    let b_project: shared::ids::ProjectId = b_builder
        .call_ok(
            "create_project",
            &[
                ("slug", &b_builder_slug),
                ("name", "Bravo Org rollout"),
                ("description", "Bravo Org's sites, bravo.example"),
            ],
        )
        .await;
    let _: () = b_builder
        .call_ok(
            "place_customer",
            &[
                ("slug", &b_builder_slug),
                ("link", &b_link.to_string()),
                ("project", &b_project.to_string()),
            ],
        )
        .await;
    let (b_listing, b_screenshot) = b_withdrawn_listing(&b_builder, &b_builder_slug).await;
    World {
        b_listing,
        b_screenshot,
        b_project: b_project.to_string(),
        b_link: b_link.to_string(),
        b_implementation: b_implementation.to_string(),
        a_builder,
        a_builder_slug: a_home.rsplit('/').next().unwrap().to_owned(),
        b_builder,
        b_builder_slug,
        b_widget: b_widget.to_string(),
        b_ticket: b_ticket.to_string(),
        b_file: b_file.id.to_string(),
        b_invoice: b_billing.invoices[0].number.clone(),
        b_vault_key: b_vault_key.to_string(),
        service: service.to_string(),
        b_activation: b_activation.to_string(),
        app,
        a,
        b,
        b_member,
        b_invitation: invitation.invitation.id.to_string(),
        b_owner_session,
        b_trusted_device,
        b_member_with_two_factor: b_owner.user_id.to_string(),
        a_spare,
        b_template,
        b_session,
        b_job,
        b_token: b_made.view.id.to_string(),
        b_token_secret: b_made.token,
    }
}

/// A widget B's builder published, listed on the marketplace with a screenshot and withdrew
/// again: the listing and the screenshot.
async fn b_withdrawn_listing(b_builder: &Browser, slug: &str) -> (String, String) {
    let widget: shared::ids::WidgetId = b_builder
        .call_ok(
            "create_widget",
            &[
                ("slug", slug),
                ("name", "Bravo Org listed form"),
                ("kind", "lead_form"),
                ("preset", "clean"),
            ],
        )
        .await;
    let id = widget.to_string();
    let detail: shared::widgets::WidgetDetail = b_builder
        .call_ok("get_widget", &[("slug", slug), ("id", &id)])
        .await;
    let mut config = detail.draft;
    config.allowed_origins =
        vec![shared::widgets::AllowedOrigin::parse("https://bravo.example").unwrap()];
    let _: () = b_builder
        .call_ok(
            "save_widget",
            &[
                ("slug", slug),
                ("id", &id),
                ("name", "Bravo Org listed form"),
                ("config", &config.to_json()),
            ],
        )
        .await;
    let _: i32 = b_builder
        .call_ok("publish_widget", &[("slug", slug), ("id", &id)])
        .await;
    let listing: shared::ids::ListingId = b_builder
        .call_ok(
            "list_widget",
            &[
                ("slug", slug),
                ("widget", &id),
                ("title", "Bravo Org form"),
                ("summary", "By Bravo Org, bravo.example"),
                ("description", ""),
            ],
        )
        .await;
    let shot: shared::marketplace::Screenshot = b_builder
        .upload(
            &format!("/api/v1/tenants/{slug}/marketplace/{listing}/screenshots"),
            "bravo.png",
            crate::support::PNG,
            false,
        )
        .await
        .json()
        .await
        .unwrap();
    let _: () = b_builder
        .call_ok(
            "withdraw_listing",
            &[("slug", slug), ("listing", &listing.to_string())],
        )
        .await;
    (listing.to_string(), shot.id.to_string())
}

/// What a server function may answer a member of another tenant.
enum Expect {
    /// Refused: 403 or 404.
    Refused,
    /// Another tenant's record named from the caller's own workspace: not found there (404).
    NotFound,
    /// Answers about the caller only (their own account, sessions, theme).
    OwnOnly,
}

struct Case {
    function: &'static str,
    expect: Expect,
    args: fn(&World) -> Vec<(&'static str, String)>,
    /// Which of A's browsers makes the call.
    caller: fn(&World) -> &Browser,
}

fn owner(w: &World) -> &Browser {
    &w.a.owner
}

fn spare(w: &World) -> &Browser {
    &w.a_spare
}

fn a_builder(w: &World) -> &Browser {
    &w.a_builder
}

/// A valid widget configuration (the lead form's first preset) for the save cases.
fn widget_config() -> String {
    shared::widgets::presets(shared::widgets::WidgetKind::LeadForm)
        .remove(0)
        .config
        .to_json()
}

const FORGED_TOKEN: &str = "AAAAAAAAAAAAAAAAAAAAAA";

fn cases() -> Vec<Case> {
    use Expect::*;
    vec![
        Case {
            function: "get_me",
            expect: OwnOnly,
            args: |_| vec![],
            caller: owner,
        },
        Case {
            function: "list_sessions",
            expect: OwnOnly,
            args: |_| vec![],
            caller: owner,
        },
        Case {
            function: "set_theme",
            expect: OwnOnly,
            args: |_| vec![("theme", "dark".into())],
            caller: owner,
        },
        Case {
            function: "revoke_session",
            expect: Refused,
            args: |w| vec![("id", w.b_owner_session.clone())],
            caller: owner,
        },
        Case {
            function: "get_workspace_home",
            expect: Refused,
            args: |w| vec![("slug", w.b.slug.clone())],
            caller: owner,
        },
        Case {
            function: "get_members_page",
            expect: Refused,
            args: |w| vec![("slug", w.b.slug.clone())],
            caller: owner,
        },
        Case {
            function: "invite_member",
            expect: Refused,
            args: |w| {
                vec![
                    ("slug", w.b.slug.clone()),
                    ("email", "intruder@alpha.example".into()),
                    ("role", "owner".into()),
                ]
            },
            caller: owner,
        },
        Case {
            function: "change_member_role",
            expect: Refused,
            args: |w| {
                vec![
                    ("slug", w.b.slug.clone()),
                    ("user_id", w.b_member.clone()),
                    ("role", "owner".into()),
                ]
            },
            caller: owner,
        },
        Case {
            function: "change_member_role",
            expect: Refused,
            args: |w| {
                vec![
                    ("slug", w.a.slug.clone()),
                    ("user_id", w.b_member.clone()),
                    ("role", "owner".into()),
                ]
            },
            caller: owner,
        },
        Case {
            function: "remove_member",
            expect: Refused,
            args: |w| vec![("slug", w.b.slug.clone()), ("user_id", w.b_member.clone())],
            caller: owner,
        },
        Case {
            function: "remove_member",
            expect: Refused,
            args: |w| vec![("slug", w.a.slug.clone()), ("user_id", w.b_member.clone())],
            caller: owner,
        },
        Case {
            function: "revoke_invitation",
            expect: Refused,
            args: |w| vec![("slug", w.b.slug.clone()), ("id", w.b_invitation.clone())],
            caller: owner,
        },
        Case {
            function: "revoke_invitation",
            expect: Refused,
            args: |w| vec![("slug", w.a.slug.clone()), ("id", w.b_invitation.clone())],
            caller: owner,
        },
        Case {
            function: "get_invitation",
            expect: Refused,
            args: |_| vec![("token", FORGED_TOKEN.into())],
            caller: owner,
        },
        Case {
            function: "accept_invitation",
            expect: Refused,
            args: |_| vec![("token", FORGED_TOKEN.into())],
            caller: owner,
        },
        Case {
            function: "join_with_invitation",
            expect: Refused,
            args: |_| {
                vec![
                    ("token", FORGED_TOKEN.into()),
                    ("name", "X".into()),
                    ("password", "a long password".into()),
                ]
            },
            caller: owner,
        },
        Case {
            function: "get_platform_overview",
            expect: Refused,
            args: |_| vec![],
            caller: owner,
        },
        Case {
            function: "remove_tenant_logo",
            expect: Refused,
            args: |w| vec![("slug", w.b.slug.clone())],
            caller: owner,
        },
        Case {
            function: "delete_tenant",
            expect: Refused,
            args: |w| vec![("slug", w.b.slug.clone()), ("confirm", w.b.slug.clone())],
            caller: owner,
        },
        Case {
            function: "set_tenant_status",
            expect: Refused,
            args: |w| vec![("slug", w.b.slug.clone()), ("status", "suspended".into())],
            caller: owner,
        },
        Case {
            function: "sign_in",
            expect: OwnOnly,
            args: |_| {
                vec![
                    ("email", format!("owner0@{B_DOMAIN}")),
                    ("password", "not their password".into()),
                ]
            },
            caller: spare,
        },
        Case {
            function: "sign_up",
            expect: OwnOnly,
            args: |_| {
                vec![
                    ("name", "Z".into()),
                    ("email", "z@zulu.example".into()),
                    ("password", "a long password".into()),
                    ("organization", "Bravo".into()),
                    ("slug", "bravo-org".into()),
                    ("kind", "end_user".into()),
                ]
            },
            caller: spare,
        },
        // A person's second factor is theirs alone: these never take a tenant or another
        // person's id, so the most they can do is act on the caller's own account.
        Case {
            function: "get_two_factor",
            expect: OwnOnly,
            args: |_| vec![],
            caller: owner,
        },
        Case {
            function: "start_totp_setup",
            expect: OwnOnly,
            args: |_| vec![],
            caller: owner,
        },
        Case {
            function: "confirm_totp_setup",
            expect: OwnOnly,
            args: |_| vec![("code", "000000".into())],
            caller: owner,
        },
        Case {
            function: "regenerate_backup_codes",
            expect: OwnOnly,
            args: |_| vec![],
            caller: owner,
        },
        Case {
            function: "disable_two_factor",
            expect: OwnOnly,
            args: |_| vec![],
            caller: owner,
        },
        Case {
            function: "confirm_identity",
            expect: OwnOnly,
            args: |_| vec![("password", "wrong password".into())],
            caller: owner,
        },
        Case {
            function: "get_step_up",
            expect: OwnOnly,
            args: |_| vec![],
            caller: owner,
        },
        Case {
            function: "change_password",
            expect: OwnOnly,
            args: |_| vec![("new_password", "short".into())],
            caller: owner,
        },
        Case {
            function: "request_email_change",
            expect: OwnOnly,
            args: |_| vec![("email", format!("owner0@{B_DOMAIN}"))],
            caller: owner,
        },
        Case {
            function: "resend_verification",
            expect: OwnOnly,
            args: |_| vec![],
            caller: owner,
        },
        Case {
            function: "list_trusted_devices",
            expect: OwnOnly,
            args: |_| vec![],
            caller: owner,
        },
        Case {
            function: "revoke_trusted_device",
            expect: Refused,
            args: |w| vec![("id", w.b_trusted_device.clone())],
            caller: owner,
        },
        Case {
            function: "revoke_trusted_devices",
            expect: OwnOnly,
            args: |_| vec![],
            caller: owner,
        },
        Case {
            function: "list_sign_ins",
            expect: OwnOnly,
            args: |_| vec![],
            caller: owner,
        },
        Case {
            function: "list_notifications",
            expect: OwnOnly,
            args: |_| vec![],
            caller: owner,
        },
        Case {
            function: "mark_notifications_read",
            expect: OwnOnly,
            args: |_| vec![],
            caller: owner,
        },
        Case {
            function: "request_password_reset",
            expect: OwnOnly,
            args: |_| vec![("email", format!("owner0@{B_DOMAIN}"))],
            caller: owner,
        },
        Case {
            function: "check_password_reset",
            expect: Refused,
            args: |_| vec![("token", FORGED_TOKEN.into())],
            caller: owner,
        },
        Case {
            function: "reset_password",
            expect: Refused,
            args: |_| {
                vec![
                    ("token", FORGED_TOKEN.into()),
                    ("new_password", "a long new password".into()),
                ]
            },
            caller: owner,
        },
        Case {
            function: "verify_email",
            expect: Refused,
            args: |_| vec![("token", FORGED_TOKEN.into())],
            caller: owner,
        },
        Case {
            function: "set_two_factor_requirement",
            expect: Refused,
            args: |w| {
                vec![
                    ("slug", w.b.slug.clone()),
                    ("require", "false".into()),
                    ("grace_days", "0".into()),
                ]
            },
            caller: owner,
        },
        Case {
            function: "reset_member_two_factor",
            expect: Refused,
            args: |w| {
                vec![
                    ("slug", w.b.slug.clone()),
                    ("user_id", w.b_member_with_two_factor.clone()),
                ]
            },
            caller: owner,
        },
        Case {
            function: "reset_member_two_factor",
            expect: Refused,
            args: |w| {
                vec![
                    ("slug", w.a.slug.clone()),
                    ("user_id", w.b_member_with_two_factor.clone()),
                ]
            },
            caller: owner,
        },
        Case {
            function: "get_outbox",
            expect: Refused,
            args: |_| vec![],
            caller: owner,
        },
        Case {
            function: "get_platform_audit",
            expect: Refused,
            args: |w| {
                vec![
                    ("q", String::new()),
                    ("area", String::new()),
                    ("tenant", w.b.slug.clone()),
                    ("from", String::new()),
                    ("to", String::new()),
                    ("before", String::new()),
                ]
            },
            caller: owner,
        },
        Case {
            function: "get_tenants",
            expect: Refused,
            args: |w| {
                vec![
                    ("form[q]", w.b.slug.clone()),
                    ("form[status]", String::new()),
                    ("form[variant]", String::new()),
                    ("form[plan]", String::new()),
                    ("form[sort]", String::new()),
                    ("form[after]", String::new()),
                ]
            },
            caller: owner,
        },
        Case {
            function: "set_tenant_branding",
            expect: Refused,
            args: |w| {
                vec![
                    ("slug", w.b.slug.clone()),
                    ("accent", "#000000".to_owned()),
                    ("font", "mono".to_owned()),
                ]
            },
            caller: owner,
        },
        Case {
            function: "start_impersonation",
            expect: Refused,
            args: |w| {
                vec![
                    ("id", w.b_member.clone()),
                    ("reason", "Ticket 42: looking at their invoices".to_owned()),
                    ("minutes", "15".to_owned()),
                ]
            },
            caller: owner,
        },
        Case {
            function: "end_impersonation",
            expect: OwnOnly,
            args: |_| vec![],
            caller: owner,
        },
        Case {
            function: "list_support_access",
            expect: OwnOnly,
            args: |_| vec![],
            caller: owner,
        },
        Case {
            function: "get_health",
            expect: Refused,
            args: |_| vec![],
            caller: owner,
        },
        Case {
            function: "get_threats",
            expect: Refused,
            args: |_| vec![],
            caller: owner,
        },
        Case {
            function: "act_on_alert",
            expect: Refused,
            args: |_| {
                vec![
                    ("id", uuid::Uuid::now_v7().to_string()),
                    ("step", "resolve".to_owned()),
                ]
            },
            caller: owner,
        },
        Case {
            function: "block_address",
            expect: Refused,
            args: |_| {
                vec![
                    ("address", "203.0.113.9".to_owned()),
                    ("hours", "1".to_owned()),
                ]
            },
            caller: owner,
        },
        Case {
            function: "lift_lock",
            expect: Refused,
            args: |_| {
                vec![
                    ("kind", "account".to_owned()),
                    ("subject", "pending@bravo.example".to_owned()),
                ]
            },
            caller: owner,
        },
        Case {
            function: "get_builders_console",
            expect: Refused,
            args: |_| vec![],
            caller: owner,
        },
        Case {
            function: "get_tenant_detail",
            expect: Refused,
            args: |w| vec![("slug", w.b.slug.clone())],
            caller: owner,
        },
        Case {
            function: "edit_tenant",
            expect: Refused,
            args: |w| {
                vec![
                    ("slug", w.b.slug.clone()),
                    ("name", "Taken Over".to_owned()),
                    ("variant", "enterprise".to_owned()),
                ]
            },
            caller: owner,
        },
        Case {
            function: "create_tenant",
            expect: Refused,
            args: |_| {
                vec![
                    ("name", "Rogue Org".to_owned()),
                    ("slug", String::new()),
                    ("variant", "standard".to_owned()),
                    ("owner", "rogue@rogue.example".to_owned()),
                ]
            },
            caller: owner,
        },
        Case {
            function: "get_person",
            expect: Refused,
            args: |w| vec![("id", w.b_member_with_two_factor.clone())],
            caller: owner,
        },
        Case {
            function: "get_people",
            expect: Refused,
            args: |w| people_form(w, vec![]),
            caller: owner,
        },
        Case {
            function: "bulk_people",
            expect: Refused,
            args: |w| {
                people_form(
                    w,
                    vec![
                        ("ids", w.b_member_with_two_factor.clone()),
                        ("expected", String::new()),
                        ("action", "deactivate".to_owned()),
                    ],
                )
            },
            caller: owner,
        },
        Case {
            function: "bulk_people",
            expect: Refused,
            args: |w| {
                people_form(
                    w,
                    vec![
                        ("ids", String::new()),
                        ("expected", "4".to_owned()),
                        ("action", "sign_out_everywhere".to_owned()),
                    ],
                )
            },
            caller: owner,
        },
        Case {
            function: "get_audit_log",
            expect: Refused,
            args: |w| {
                vec![
                    ("slug", w.b.slug.clone()),
                    ("q", String::new()),
                    ("area", String::new()),
                    ("from", String::new()),
                    ("to", String::new()),
                    ("before", String::new()),
                ]
            },
            caller: owner,
        },
        Case {
            function: "get_command_center",
            expect: Refused,
            args: |w| vec![("slug", w.b.slug.clone())],
            caller: owner,
        },
        Case {
            function: "get_templates",
            expect: Refused,
            args: |w| vec![("slug", w.b.slug.clone())],
            caller: owner,
        },
        Case {
            function: "get_template",
            expect: Refused,
            args: |w| vec![("slug", w.a.slug.clone()), ("id", w.b_template.clone())],
            caller: owner,
        },
        Case {
            function: "get_template",
            expect: Refused,
            args: |w| vec![("slug", w.b.slug.clone()), ("id", w.b_template.clone())],
            caller: owner,
        },
        Case {
            function: "create_template",
            expect: Refused,
            args: |w| {
                vec![
                    ("slug", w.b.slug.clone()),
                    ("name", "Planted".into()),
                    ("definition", APPROVAL_TEMPLATE.into()),
                ]
            },
            caller: owner,
        },
        Case {
            function: "update_template",
            expect: Refused,
            args: |w| {
                vec![
                    ("slug", w.a.slug.clone()),
                    ("id", w.b_template.clone()),
                    ("name", "Hijacked".into()),
                    ("definition", APPROVAL_TEMPLATE.into()),
                ]
            },
            caller: owner,
        },
        Case {
            function: "duplicate_template",
            expect: Refused,
            args: |w| vec![("slug", w.a.slug.clone()), ("id", w.b_template.clone())],
            caller: owner,
        },
        Case {
            function: "get_session",
            expect: Refused,
            args: |w| vec![("slug", w.a.slug.clone()), ("id", w.b_session.clone())],
            caller: owner,
        },
        Case {
            function: "get_session",
            expect: Refused,
            args: |w| vec![("slug", w.b.slug.clone()), ("id", w.b_session.clone())],
            caller: owner,
        },
        Case {
            function: "create_session",
            expect: Refused,
            args: |w| {
                vec![
                    ("slug", w.a.slug.clone()),
                    ("template", w.b_template.clone()),
                    ("title", "Borrowed".into()),
                ]
            },
            caller: owner,
        },
        Case {
            function: "update_session_data",
            expect: Refused,
            args: |w| {
                vec![
                    ("slug", w.a.slug.clone()),
                    ("id", w.b_session.clone()),
                    ("phase", "P0".into()),
                ]
            },
            caller: owner,
        },
        Case {
            function: "change_session_status",
            expect: Refused,
            args: |w| {
                vec![
                    ("slug", w.a.slug.clone()),
                    ("id", w.b_session.clone()),
                    ("action", "archive".into()),
                ]
            },
            caller: owner,
        },
        Case {
            function: "clone_session",
            expect: Refused,
            args: |w| {
                vec![
                    ("slug", w.a.slug.clone()),
                    ("id", w.b_session.clone()),
                    ("with_data", "on".into()),
                ]
            },
            caller: owner,
        },
        Case {
            function: "approve_step",
            expect: Refused,
            args: |w| vec![("slug", w.a.slug.clone()), ("job", w.b_job.clone())],
            caller: owner,
        },
        Case {
            function: "retry_job",
            expect: Refused,
            args: |w| vec![("slug", w.a.slug.clone()), ("job", w.b_job.clone())],
            caller: owner,
        },
        Case {
            function: "cancel_job",
            expect: Refused,
            args: |w| vec![("slug", w.a.slug.clone()), ("job", w.b_job.clone())],
            caller: owner,
        },
        // Tokens are a person's own: another's token id is not found, and a token for
        // another tenant's workspace cannot be made.
        Case {
            function: "list_api_tokens",
            expect: OwnOnly,
            args: |_| vec![],
            caller: owner,
        },
        Case {
            function: "create_api_token",
            expect: Refused,
            args: |w| {
                vec![
                    ("slug", w.b.slug.clone()),
                    ("name", "into B".into()),
                    ("scopes[workspace:read]", "on".into()),
                    ("expires_in_days", "30".into()),
                ]
            },
            caller: owner,
        },
        Case {
            function: "revoke_api_token",
            expect: Refused,
            args: |w| vec![("id", w.b_token.clone())],
            caller: owner,
        },
        Case {
            function: "get_billing",
            expect: Refused,
            args: |w| vec![("slug", w.b.slug.clone())],
            caller: owner,
        },
        Case {
            function: "change_plan",
            expect: Refused,
            args: |w| vec![("slug", w.b.slug.clone()), ("tier", "pro".into())],
            caller: owner,
        },
        // The plan editor is the super admins': a tenant's owner is refused (403).
        Case {
            function: "get_plans_admin",
            expect: Refused,
            args: |_| vec![],
            caller: owner,
        },
        Case {
            function: "edit_plan",
            expect: Refused,
            args: |_| {
                vec![
                    ("tier", "free".into()),
                    ("price", "0".into()),
                    ("currency", "usd".into()),
                    ("limits[members]", "1000".into()),
                    ("limits[widgets]", "".into()),
                    ("limits[monthly_tokens]", "".into()),
                    ("limits[monthly_api_calls]", "".into()),
                    ("api_requests_per_minute", "60".into()),
                ]
            },
            caller: owner,
        },
        Case {
            function: "set_tenant_plan",
            expect: Refused,
            args: |w| vec![("slug", w.b.slug.clone()), ("tier", "enterprise".into())],
            caller: owner,
        },
        Case {
            function: "adjust_credits",
            expect: Refused,
            args: |w| {
                vec![
                    ("slug", w.b.slug.clone()),
                    ("kind", "expiry".into()),
                    ("amount", "1".into()),
                    ("note", "from A".into()),
                ]
            },
            caller: owner,
        },
        Case {
            function: "set_limit_override",
            expect: Refused,
            args: |w| {
                vec![
                    ("slug", w.b.slug.clone()),
                    ("metric", "members".into()),
                    ("limit", "unlimited".into()),
                ]
            },
            caller: owner,
        },
        Case {
            function: "set_tenant_features",
            expect: Refused,
            args: |w| {
                vec![
                    ("slug", w.b.slug.clone()),
                    ("features[api_access]", "off".into()),
                ]
            },
            caller: owner,
        },
        Case {
            function: "get_services",
            expect: Refused,
            args: |w| vec![("slug", w.b.slug.clone())],
            caller: owner,
        },
        Case {
            function: "request_service",
            expect: Refused,
            args: |w| vec![("slug", w.b.slug.clone()), ("service", w.service.clone())],
            caller: owner,
        },
        // B's activation named from A's own workspace, and from B's.
        Case {
            function: "change_service",
            expect: NotFound,
            args: |w| {
                vec![
                    ("slug", w.a.slug.clone()),
                    ("activation", w.b_activation.clone()),
                    ("action", "cancel".into()),
                ]
            },
            caller: owner,
        },
        Case {
            function: "change_service",
            expect: Refused,
            args: |w| {
                vec![
                    ("slug", w.b.slug.clone()),
                    ("activation", w.b_activation.clone()),
                    ("action", "cancel".into()),
                ]
            },
            caller: owner,
        },
        Case {
            function: "get_widgets",
            expect: Refused,
            args: |w| vec![("slug", w.b_builder_slug.clone())],
            caller: a_builder,
        },
        Case {
            function: "create_widget",
            expect: Refused,
            args: |w| {
                vec![
                    ("slug", w.b_builder_slug.clone()),
                    ("name", "into B".into()),
                    ("kind", "feedback".into()),
                    ("preset", "clean".into()),
                ]
            },
            caller: a_builder,
        },
        // B's widget named from A's own builder workspace: not found there.
        Case {
            function: "get_widget",
            expect: NotFound,
            args: |w| {
                vec![
                    ("slug", w.a_builder_slug.clone()),
                    ("id", w.b_widget.clone()),
                ]
            },
            caller: a_builder,
        },
        Case {
            function: "save_widget",
            expect: NotFound,
            args: |w| {
                vec![
                    ("slug", w.a_builder_slug.clone()),
                    ("id", w.b_widget.clone()),
                    ("name", "Taken over".into()),
                    ("config", widget_config()),
                ]
            },
            caller: a_builder,
        },
        Case {
            function: "publish_widget",
            expect: NotFound,
            args: |w| {
                vec![
                    ("slug", w.a_builder_slug.clone()),
                    ("id", w.b_widget.clone()),
                ]
            },
            caller: a_builder,
        },
        Case {
            function: "roll_back_widget",
            expect: NotFound,
            args: |w| {
                vec![
                    ("slug", w.a_builder_slug.clone()),
                    ("id", w.b_widget.clone()),
                    ("version", "1".into()),
                ]
            },
            caller: a_builder,
        },
        Case {
            function: "get_widget_analytics",
            expect: NotFound,
            args: |w| {
                vec![
                    ("slug", w.a_builder_slug.clone()),
                    ("id", w.b_widget.clone()),
                ]
            },
            caller: a_builder,
        },
        Case {
            function: "get_contacts",
            expect: Refused,
            args: |w| vec![("slug", w.b_builder_slug.clone())],
            caller: a_builder,
        },
        // A visitor's submission into B's widget with a visit the server never signed.
        Case {
            function: "submit_widget",
            expect: Refused,
            args: |w| {
                vec![
                    ("widget", w.b_widget.clone()),
                    ("site", "https://alpha.example".into()),
                    ("visit", "4102444800.00".into()),
                    (
                        "submission",
                        r#"{"kind": "lead_form", "answers": [{"key": "email", "value": "a@alpha.example"}]}"#.into(),
                    ),
                ]
            },
            caller: a_builder,
        },
        Case {
            function: "get_customers",
            expect: Refused,
            args: |w| vec![("slug", w.b_builder_slug.clone())],
            caller: a_builder,
        },
        Case {
            function: "get_builder_overview",
            expect: Refused,
            args: |w| vec![("slug", w.b_builder_slug.clone())],
            caller: a_builder,
        },
        Case {
            function: "set_commission_rate",
            expect: Refused,
            args: |w| vec![("slug", w.b_builder_slug.clone()), ("rate", "99".into())],
            caller: a_builder,
        },
        Case {
            function: "get_projects",
            expect: Refused,
            args: |w| vec![("slug", w.b_builder_slug.clone())],
            caller: a_builder,
        },
        Case {
            function: "create_project",
            expect: Refused,
            args: |w| {
                vec![
                    ("slug", w.b_builder_slug.clone()),
                    ("name", "Alpha intrusion".into()),
                    ("description", String::new()),
                ]
            },
            caller: a_builder,
        },
        // B's project and link named from A's own builder workspace: not found there.
        Case {
            function: "get_project",
            expect: NotFound,
            args: |w| {
                vec![
                    ("slug", w.a_builder_slug.clone()),
                    ("project", w.b_project.clone()),
                ]
            },
            caller: a_builder,
        },
        Case {
            function: "update_project",
            expect: NotFound,
            args: |w| {
                vec![
                    ("slug", w.a_builder_slug.clone()),
                    ("project", w.b_project.clone()),
                    ("name", "Renamed by Alpha".into()),
                    ("description", String::new()),
                ]
            },
            caller: a_builder,
        },
        Case {
            function: "change_project",
            expect: NotFound,
            args: |w| {
                vec![
                    ("slug", w.a_builder_slug.clone()),
                    ("project", w.b_project.clone()),
                    ("action", "archive".into()),
                ]
            },
            caller: a_builder,
        },
        Case {
            function: "place_customer",
            expect: NotFound,
            args: |w| {
                vec![
                    ("slug", w.a_builder_slug.clone()),
                    ("link", w.b_link.clone()),
                    ("project", String::new()),
                ]
            },
            caller: a_builder,
        },
        Case {
            function: "get_marketplace",
            expect: Refused,
            args: |w| {
                vec![
                    ("slug", w.b_builder_slug.clone()),
                    ("q", String::new()),
                    ("kind", String::new()),
                    ("sort", String::new()),
                ]
            },
            caller: a_builder,
        },
        // B's widget and withdrawn listing named from A's own builder workspace: not found.
        Case {
            function: "get_listing",
            expect: NotFound,
            args: |w| {
                vec![
                    ("slug", w.a_builder_slug.clone()),
                    ("listing", w.b_listing.clone()),
                ]
            },
            caller: a_builder,
        },
        Case {
            function: "list_widget",
            expect: NotFound,
            args: |w| {
                vec![
                    ("slug", w.a_builder_slug.clone()),
                    ("widget", w.b_widget.clone()),
                    ("title", "Taken over".into()),
                    ("summary", "By Alpha".into()),
                    ("description", String::new()),
                ]
            },
            caller: a_builder,
        },
        Case {
            function: "withdraw_listing",
            expect: NotFound,
            args: |w| {
                vec![
                    ("slug", w.a_builder_slug.clone()),
                    ("listing", w.b_listing.clone()),
                ]
            },
            caller: a_builder,
        },
        Case {
            function: "rate_listing",
            expect: NotFound,
            args: |w| {
                vec![
                    ("slug", w.a_builder_slug.clone()),
                    ("listing", w.b_listing.clone()),
                    ("stars", "1".into()),
                    ("review", String::new()),
                ]
            },
            caller: a_builder,
        },
        Case {
            function: "remove_screenshot",
            expect: NotFound,
            args: |w| {
                vec![
                    ("slug", w.a_builder_slug.clone()),
                    ("listing", w.b_listing.clone()),
                    ("screenshot", w.b_screenshot.clone()),
                ]
            },
            caller: a_builder,
        },
        Case {
            function: "remove_screenshot",
            expect: Refused,
            args: |w| {
                vec![
                    ("slug", w.b_builder_slug.clone()),
                    ("listing", w.b_listing.clone()),
                    ("screenshot", w.b_screenshot.clone()),
                ]
            },
            caller: a_builder,
        },
        Case {
            function: "install_listing",
            expect: NotFound,
            args: |w| {
                vec![
                    ("slug", w.a_builder_slug.clone()),
                    ("listing", w.b_listing.clone()),
                    ("name", "Copied".into()),
                    ("site", "https://alpha.example".into()),
                    ("customer", String::new()),
                ]
            },
            caller: a_builder,
        },
        Case {
            function: "get_builders",
            expect: Refused,
            args: |w| vec![("slug", w.b.slug.clone())],
            caller: owner,
        },
        Case {
            function: "request_customer_link",
            expect: Refused,
            args: |w| {
                vec![
                    ("slug", w.b_builder_slug.clone()),
                    ("customer", w.a.slug.clone()),
                ]
            },
            caller: a_builder,
        },
        // B's link and deployment named from A's own workspaces: not found there.
        Case {
            function: "end_customer_link",
            expect: NotFound,
            args: |w| {
                vec![
                    ("slug", w.a_builder_slug.clone()),
                    ("link", w.b_link.clone()),
                ]
            },
            caller: a_builder,
        },
        Case {
            function: "answer_builder_link",
            expect: NotFound,
            args: |w| {
                vec![
                    ("slug", w.a.slug.clone()),
                    ("link", w.b_link.clone()),
                    ("action", "end".into()),
                ]
            },
            caller: owner,
        },
        Case {
            function: "deploy_widget",
            expect: NotFound,
            args: |w| {
                vec![
                    ("slug", w.a_builder_slug.clone()),
                    ("link", w.b_link.clone()),
                    ("widget", w.b_widget.clone()),
                ]
            },
            caller: a_builder,
        },
        // B's template deployed by A's builder over B's link: neither is A's to name.
        Case {
            function: "deploy_template",
            expect: NotFound,
            args: |w| {
                vec![
                    ("slug", w.a_builder_slug.clone()),
                    ("link", w.b_link.clone()),
                    ("template", w.b_template.clone()),
                ]
            },
            caller: a_builder,
        },
        Case {
            function: "change_implementation",
            expect: NotFound,
            args: |w| {
                vec![
                    ("slug", w.a_builder_slug.clone()),
                    ("implementation", w.b_implementation.clone()),
                    ("action", "retire".into()),
                ]
            },
            caller: a_builder,
        },
        Case {
            function: "get_vault",
            expect: Refused,
            args: |w| vec![("slug", w.b.slug.clone())],
            caller: owner,
        },
        Case {
            function: "add_vault_key",
            expect: Refused,
            args: |w| {
                vec![
                    ("slug", w.b.slug.clone()),
                    ("provider", "generic".into()),
                    ("label", "into B".into()),
                    ("secret", "alpha-secret-123".into()),
                ]
            },
            caller: owner,
        },
        // B's key named from A's own workspace: not found there.
        Case {
            function: "rotate_vault_key",
            expect: NotFound,
            args: |w| {
                vec![
                    ("slug", w.a.slug.clone()),
                    ("id", w.b_vault_key.clone()),
                    ("secret", "0123456789abcdef0123456789abcdef0123a1a1".into()),
                ]
            },
            caller: owner,
        },
        Case {
            function: "delete_vault_key",
            expect: NotFound,
            args: |w| vec![("slug", w.a.slug.clone()), ("id", w.b_vault_key.clone())],
            caller: owner,
        },
        Case {
            function: "get_invoice",
            expect: Refused,
            args: |w| vec![("slug", w.b.slug.clone()), ("number", w.b_invoice.clone())],
            caller: owner,
        },
        // B's invoice named from A's own workspace: not found there.
        Case {
            function: "get_invoice",
            expect: NotFound,
            args: |w| vec![("slug", w.a.slug.clone()), ("number", w.b_invoice.clone())],
            caller: owner,
        },
        Case {
            function: "pay_invoice",
            expect: Refused,
            args: |w| {
                vec![
                    ("slug", w.b.slug.clone()),
                    ("number", w.b_invoice.clone()),
                    ("method", "test_card_accepted".into()),
                ]
            },
            caller: owner,
        },
        Case {
            function: "pay_invoice",
            expect: NotFound,
            args: |w| {
                vec![
                    ("slug", w.a.slug.clone()),
                    ("number", w.b_invoice.clone()),
                    ("method", "test_card_accepted".into()),
                ]
            },
            caller: owner,
        },
        Case {
            function: "buy_credits",
            expect: Refused,
            args: |w| {
                vec![
                    ("slug", w.b.slug.clone()),
                    ("amount", "10".into()),
                    ("method", "test_card_accepted".into()),
                ]
            },
            caller: owner,
        },
        Case {
            function: "get_support",
            expect: Refused,
            args: |w| vec![("slug", w.b.slug.clone())],
            caller: owner,
        },
        Case {
            function: "open_ticket",
            expect: Refused,
            args: |w| {
                vec![
                    ("slug", w.b.slug.clone()),
                    ("subject", "Planted".into()),
                    ("priority", "low".into()),
                    ("body", "x".into()),
                ]
            },
            caller: owner,
        },
        Case {
            function: "get_ticket",
            expect: Refused,
            args: |w| vec![("slug", w.b.slug.clone()), ("ticket", w.b_ticket.clone())],
            caller: owner,
        },
        // B's ticket named from A's own workspace: not found there.
        Case {
            function: "get_ticket",
            expect: NotFound,
            args: |w| vec![("slug", w.a.slug.clone()), ("ticket", w.b_ticket.clone())],
            caller: owner,
        },
        // Without a workspace it is the console's, which is the super admins'.
        Case {
            function: "get_ticket",
            expect: Refused,
            args: |w| vec![("ticket", w.b_ticket.clone())],
            caller: owner,
        },
        Case {
            function: "reply_ticket",
            expect: NotFound,
            args: |w| {
                vec![
                    ("slug", w.a.slug.clone()),
                    ("ticket", w.b_ticket.clone()),
                    ("body", "Alpha was here".into()),
                ]
            },
            caller: owner,
        },
        Case {
            function: "reply_ticket",
            expect: Refused,
            args: |w| {
                vec![
                    ("ticket", w.b_ticket.clone()),
                    ("body", "Alpha was here".into()),
                ]
            },
            caller: owner,
        },
        Case {
            function: "update_ticket",
            expect: NotFound,
            args: |w| {
                vec![
                    ("slug", w.a.slug.clone()),
                    ("ticket", w.b_ticket.clone()),
                    ("action", "close".into()),
                ]
            },
            caller: owner,
        },
        Case {
            function: "update_ticket",
            expect: Refused,
            args: |w| vec![("ticket", w.b_ticket.clone()), ("action", "close".into())],
            caller: owner,
        },
        Case {
            function: "get_support_queue",
            expect: Refused,
            args: |_| vec![],
            caller: owner,
        },
        // The catalog console is the super admins'.
        Case {
            function: "get_services_admin",
            expect: Refused,
            args: |_| vec![],
            caller: owner,
        },
        Case {
            function: "save_service",
            expect: Refused,
            args: |w| {
                vec![
                    ("id", w.service.clone()),
                    ("name", "Hijacked".into()),
                    ("price", "0".into()),
                    ("unit", "month".into()),
                    ("tiers[free]", "on".into()),
                ]
            },
            caller: owner,
        },
        Case {
            function: "act_on_activation",
            expect: Refused,
            args: |w| {
                vec![
                    ("activation", w.b_activation.clone()),
                    ("action", "approve".into()),
                ]
            },
            caller: owner,
        },
        Case {
            function: "verify_second_factor",
            expect: OwnOnly,
            args: |_| vec![("code", "000000".into())],
            caller: owner,
        },
        Case {
            function: "sign_out",
            expect: OwnOnly,
            args: |_| vec![],
            caller: spare,
        },
        Case {
            function: "sign_out_everywhere",
            expect: OwnOnly,
            args: |_| vec![],
            caller: spare,
        },
    ]
}

/// Page routes with B's ids substituted, as axum spells them.
fn page_path(route: &str, w: &World) -> String {
    let slug = if route.contains("/widgets")
        || route.contains("/contacts")
        || route.contains("/customers")
        || route.contains("/projects")
        || route.contains("/marketplace")
    {
        &w.b_builder_slug
    } else {
        &w.b.slug
    };
    route
        .replace("{area}", "app")
        .replace("{slug}", slug)
        .replace("{widget}", &w.b_widget)
        .replace("{project}", &w.b_project)
        .replace("{listing}", &w.b_listing)
        .replace("{token}", FORGED_TOKEN)
        .replace("{session}", &w.b_session)
        .replace("{template}", &w.b_template)
        .replace("{number}", &w.b_invoice)
        .replace("{ticket}", &w.b_ticket)
        .replace("{id}", &w.b_member_with_two_factor)
}

fn api_path(route: &str, w: &World) -> String {
    route
        .replace("{slug}", &w.b.slug)
        .replace("{number}", &w.b_invoice)
        .replace("{ticket}", &w.b_ticket)
        .replace("{file}", &w.b_file)
}

/// The routes every signed-in caller may GET for its own workspace (the ticket-file and
/// callback routes have cases of their own).
fn plain_api_routes() -> impl Iterator<Item = &'static &'static str> {
    API.iter().filter(|r| {
        !r.contains("callbacks")
            && !r.contains("/files")
            && !r.contains("/events")
            && !r.contains("/screenshots")
            && !r.contains("/audit")
            // The console's routes have no tenant in their path; checked below (403).
            && !r.starts_with("/api/v1/platform/")
            && !r.contains("/export")
            && !r.contains("/logo")
    })
}

fn assert_no_leak(what: &str, body: &str) {
    assert!(
        !body.contains(B_NAME) && !body.contains(B_DOMAIN),
        "{what} leaked tenant B's data: {body}"
    );
}

/// The console's people search for B's members (every field, as the page sends it), plus
/// `extra` arguments.
fn people_form(w: &World, extra: Vec<(&'static str, String)>) -> Vec<(&'static str, String)> {
    let mut args = vec![
        ("form[q]", String::new()),
        ("form[persona]", String::new()),
        ("form[status]", String::new()),
        ("form[tenant]", w.b.slug.clone()),
        ("form[role]", String::new()),
        ("form[signed_in]", String::new()),
        ("form[two_factor]", String::new()),
        ("form[sort]", String::new()),
        ("form[after]", String::new()),
    ];
    args.extend(extra);
    args
}

#[tokio::test]
async fn every_endpoint_has_a_case() {
    let registered: BTreeSet<String> = server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.trim_start_matches("/rpc/").to_owned())
        .collect();
    let covered: BTreeSet<String> = cases().iter().map(|c| c.function.to_owned()).collect();
    assert_eq!(
        registered, covered,
        "every server function needs a cross-tenant case"
    );

    let pages: BTreeSet<String> = leptos_axum::generate_route_list(app::App)
        .iter()
        .map(|r| r.path().to_owned())
        .collect();
    let covered_pages: BTreeSet<String> = PAGES.iter().map(|p| (*p).to_owned()).collect();
    assert_eq!(pages, covered_pages, "every page needs a cross-tenant case");
    assert_eq!(
        server::api::ROUTES,
        API,
        "every API route needs a cross-tenant case"
    );
}

const PAGES: &[&str] = &[
    "/",
    "/login",
    "/login/two-factor",
    "/signup",
    "/invite/{token}",
    "/forgot-password",
    "/reset-password/{token}",
    "/verify-email/{token}",
    "/account",
    "/account/security",
    "/admin",
    "/admin/outbox",
    "/admin/audit",
    "/admin/tenants",
    "/admin/tenants/{slug}",
    "/admin/users",
    "/admin/users/{id}",
    "/admin/builders",
    "/admin/security",
    "/admin/health",
    "/admin/plans",
    "/admin/services",
    "/admin/support",
    "/admin/support/{ticket}",
    "/app/{slug}",
    "/app/{slug}/members",
    "/builder/{slug}",
    "/builder/{slug}/members",
    "/builder/{slug}/widgets",
    "/builder/{slug}/widgets/{widget}",
    "/builder/{slug}/customers",
    "/builder/{slug}/projects",
    "/builder/{slug}/projects/{project}",
    "/builder/{slug}/marketplace",
    "/builder/{slug}/marketplace/{listing}",
    "/app/{slug}/builders",
    "/{area}/{slug}/contacts",
    "/{area}/{slug}/command-center",
    "/{area}/{slug}/command-center/sessions/{session}",
    "/{area}/{slug}/templates",
    "/{area}/{slug}/templates/{template}",
    "/{area}/{slug}/billing",
    "/{area}/{slug}/billing/invoices/{number}",
    "/{area}/{slug}/services",
    "/{area}/{slug}/api-keys",
    "/{area}/{slug}/audit",
    "/{area}/{slug}/support",
    "/{area}/{slug}/support/{ticket}",
];

const API: &[&str] = &[
    "/api/v1/tenants/{slug}",
    "/api/v1/tenants/{slug}/members",
    "/api/v1/callbacks/{tenant}/jobs/{job}",
    "/api/v1/tenants/{slug}/usage",
    "/api/v1/tenants/{slug}/invoices/{number}/csv",
    "/api/v1/tenants/{slug}/tickets/{ticket}/files",
    "/api/v1/tenants/{slug}/tickets/{ticket}/files/{file}",
    "/api/v1/platform/tickets/{ticket}/files",
    "/api/v1/platform/tickets/{ticket}/files/{file}",
    "/api/v1/widgets/{widget}/events",
    "/api/v1/tenants/{slug}/marketplace/{listing}/screenshots",
    "/api/v1/tenants/{slug}/marketplace/{listing}/screenshots/{screenshot}",
    "/api/v1/platform/audit.csv",
    "/api/v1/tenants/{slug}/audit.csv",
    "/api/v1/platform/users.csv",
    "/api/v1/platform/tenants.csv",
    "/api/v1/tenants/{slug}/branding.css",
    "/api/v1/platform/tenants/{slug}/export",
    "/api/v1/platform/tenants/{slug}/logo",
    "/api/v1/tenants/{slug}/logo",
    "/api/v1/platform/builders.csv",
    "/api/v1/platform/security/alerts.csv",
    "/api/v1/platform/health/routes.csv",
];

#[tokio::test]
async fn another_tenants_ids_never_reach_its_data() {
    let w = world().await;
    let b_before: MembersPage =
        w.b.owner
            .call_ok("get_members_page", &[("slug", &w.b.slug)])
            .await;

    for case in cases() {
        let args = (case.args)(&w);
        let form: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let response = (case.caller)(&w).call(case.function, &form).await;
        let status = response.status();
        let body = response.text().await.unwrap();
        assert_no_leak(case.function, &body);
        match case.expect {
            Expect::Refused => assert!(
                status == 403 || status == 404,
                "{} with tenant B's ids answered {status}: {body}",
                case.function
            ),
            Expect::NotFound => assert_eq!(
                status, 404,
                "{} with tenant B's record from A's workspace: {body}",
                case.function
            ),
            Expect::OwnOnly => assert!(status.as_u16() < 500, "{}: {status}", case.function),
        }
    }
    // B keeps its name and variant.
    let b_members: MembersPage =
        w.b.owner
            .call_ok("get_members_page", &[("slug", &w.b.slug)])
            .await;
    assert_eq!(b_members.tenant.name.as_str(), B_NAME);
    assert_eq!(
        b_members.tenant.variant,
        shared::platform::PlatformVariant::Standard
    );
    // B's ticket is still open, with B's one message.
    let b_thread: shared::support::TicketDetail =
        w.b.owner
            .call_ok(
                "get_ticket",
                &[("slug", &w.b.slug), ("ticket", &w.b_ticket)],
            )
            .await;
    assert_eq!(b_thread.messages.len(), 1);
    assert_eq!(b_thread.summary.status, shared::support::TicketStatus::Open);
    // B's invoice has no payment attempts from A.
    let b_invoice: shared::billing::invoice::Invoice =
        w.b.owner
            .call_ok(
                "get_invoice",
                &[("slug", &w.b.slug), ("number", &w.b_invoice)],
            )
            .await;
    assert!(b_invoice.payments.is_empty());
    // B's widget kept its name and draft, and nothing of it was published.
    let b_widget: shared::widgets::WidgetDetail = w
        .b_builder
        .call_ok(
            "get_widget",
            &[("slug", &w.b_builder_slug), ("id", &w.b_widget)],
        )
        .await;
    assert_eq!(b_widget.summary.name.as_str(), "Bravo Org lead form");
    assert!(b_widget.versions.is_empty());
    // B's project kept its name, status and customer.
    let b_project: shared::projects::ProjectPage = w
        .b_builder
        .call_ok(
            "get_project",
            &[("slug", &w.b_builder_slug), ("project", &w.b_project)],
        )
        .await;
    assert_eq!(b_project.project.name.as_str(), "Bravo Org rollout");
    assert_eq!(
        b_project.project.status,
        shared::projects::ProjectStatus::Active
    );
    assert_eq!(b_project.customers.len(), 1);
    // B's key is still there, unrotated.
    let b_vault: shared::vault::VaultPage =
        w.b.owner.call_ok("get_vault", &[("slug", &w.b.slug)]).await;
    assert_eq!(b_vault.keys.len(), 1);
    assert_eq!(b_vault.keys[0].last_four, "b0b0");
    // B's request still waits, and the catalog service kept its name.
    let b_services: shared::catalog::ServicesPage =
        w.b.owner
            .call_ok("get_services", &[("slug", &w.b.slug)])
            .await;
    let entry = b_services
        .entries
        .iter()
        .find(|e| e.service.id.to_string() == w.service)
        .unwrap();
    assert_eq!(entry.service.name.as_str(), "Bravo-free service");
    assert_eq!(
        entry.activation.as_ref().map(|a| a.status),
        Some(shared::catalog::ActivationStatus::Requested)
    );

    for route in PAGES {
        let path = page_path(route, &w);
        let response = w.a.owner.page(&path).await;
        let status = response.status();
        let body = response.text().await.unwrap();
        assert_no_leak(&path, &body);
        // The email-link page only shows a button (following a link must not change
        // anything on a GET); every other page with another tenant's ids is refused.
        let refuses = route.contains("{slug}")
            || (route.contains("{token}") && !route.starts_with("/verify-email"))
            || route.starts_with("/admin");
        if refuses {
            assert!(status == 403 || status == 404, "{path} answered {status}");
        }
    }

    for route in plain_api_routes() {
        let path = api_path(route, &w);
        let response =
            w.a.owner
                .client
                .get(w.a.owner.url(&path))
                .send()
                .await
                .unwrap();
        let status = response.status();
        assert_no_leak(&path, &response.text().await.unwrap());
        assert_eq!(status, 404, "{path}");
    }

    // A's own API token reaches A's workspace only: B's routes answer 404, as to a stranger.
    let a_token: shared::api_tokens::CreatedApiToken =
        w.a.owner
            .call_ok(
                "create_api_token",
                &[
                    ("slug", &w.a.slug),
                    ("name", "Alpha reporter"),
                    ("scopes[workspace:read]", "on"),
                    ("scopes[members:read]", "on"),
                    ("scopes[usage:read]", "on"),
                    ("scopes[usage:write]", "on"),
                    ("expires_in_days", "30"),
                ],
            )
            .await;
    let bearer = reqwest::Client::new();
    for route in plain_api_routes() {
        let b_path = w.a.owner.url(&api_path(route, &w));
        let response = bearer
            .get(&b_path)
            .bearer_auth(&a_token.token)
            .send()
            .await
            .unwrap();
        let status = response.status();
        assert_no_leak(route, &response.text().await.unwrap());
        assert_eq!(status, 404, "{route} with A's token");
        let a_invoice = shared::billing::invoice::invoice_number(
            &w.a.slug,
            shared::billing::invoice::Period::of(chrono::Utc::now()),
        );
        let a_path = w.a.owner.url(
            &route
                .replace("{slug}", &w.a.slug)
                .replace("{number}", &a_invoice),
        );
        let own = bearer
            .get(&a_path)
            .bearer_auth(&a_token.token)
            .send()
            .await
            .unwrap();
        assert_eq!(own.status(), 200, "{route} with A's token for A");
    }
    let response = bearer
        .post(
            w.a.owner
                .url(&format!("/api/v1/tenants/{}/usage", w.b.slug)),
        )
        .bearer_auth(&a_token.token)
        .body(r#"{"metric": "tokens", "quantity": 5}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    // The audit log's downloads: B's slice is not A's to read (404, as to a stranger), the
    // platform's is the console's (403), A's token reaches neither, and A's own slice holds
    // nothing of B. The console's CSVs (users and tenants searched for B, builders, alerts, health routes) are the console's too.
    for (path, expected) in [
        (format!("/api/v1/tenants/{}/audit.csv", w.b.slug), 404),
        ("/api/v1/platform/audit.csv".to_owned(), 403),
        (
            format!("/api/v1/platform/audit.csv?tenant={}", w.b.slug),
            403,
        ),
        (
            format!("/api/v1/platform/users.csv?tenant={}", w.b.slug),
            403,
        ),
        (format!("/api/v1/platform/tenants.csv?q={}", w.b.slug), 403),
        (format!("/api/v1/platform/tenants/{}/export", w.b.slug), 403),
        (format!("/api/v1/platform/tenants/{}/export", w.a.slug), 403),
        (format!("/api/v1/tenants/{}/logo", w.b.slug), 404),
        (format!("/api/v1/platform/tenants/{}/logo", w.b.slug), 403),
        ("/api/v1/platform/builders.csv".to_owned(), 403),
        ("/api/v1/platform/security/alerts.csv".to_owned(), 403),
        ("/api/v1/platform/health/routes.csv".to_owned(), 403),
    ] {
        let response =
            w.a.owner
                .client
                .get(w.a.owner.url(&path))
                .send()
                .await
                .unwrap();
        let status = response.status().as_u16();
        assert_no_leak(&path, &response.text().await.unwrap());
        assert_eq!(status, expected, "{path}");
        let response = bearer
            .get(w.a.owner.url(&path))
            .bearer_auth(&a_token.token)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        assert_no_leak(&path, &response.text().await.unwrap());
        assert!(
            matches!(status, 403 | 404),
            "{path} with A's token: {status}"
        );
    }
    let own =
        w.a.owner
            .client
            .get(
                w.a.owner
                    .url(&format!("/api/v1/tenants/{}/audit.csv", w.a.slug)),
            )
            .send()
            .await
            .unwrap();
    assert_eq!(own.status(), 200);
    let own = own.text().await.unwrap();
    assert!(own.lines().count() > 1, "A's own log is empty: {own}");
    assert_no_leak("A's own audit log", &own);
    // B's ticket files: not from B's workspace, not through A's, not from the console, not
    // with A's token; uploads there are refused and B's ticket keeps its one file.
    let file_routes = [
        (
            format!("/api/v1/tenants/{}/tickets/{}/files", w.b.slug, w.b_ticket),
            404,
        ),
        (
            format!("/api/v1/tenants/{}/tickets/{}/files", w.a.slug, w.b_ticket),
            404,
        ),
        (
            format!("/api/v1/platform/tickets/{}/files", w.b_ticket),
            403,
        ),
    ];
    for (files, expected) in &file_routes {
        let download = format!("{files}/{}", w.b_file);
        let response =
            w.a.owner
                .client
                .get(w.a.owner.url(&download))
                .send()
                .await
                .unwrap();
        let status = response.status().as_u16();
        assert_no_leak(&download, &response.text().await.unwrap());
        assert_eq!(status, *expected, "{download}");
        let response = bearer
            .get(w.a.owner.url(&download))
            .bearer_auth(&a_token.token)
            .send()
            .await
            .unwrap();
        assert!(
            matches!(response.status().as_u16(), 403 | 404),
            "{download} with A's token"
        );
        let response =
            w.a.owner
                .upload(files, "evil.txt", b"from Alpha", false)
                .await;
        let status = response.status().as_u16();
        assert_no_leak(files, &response.text().await.unwrap());
        assert_eq!(status, *expected, "upload to {files}");
    }
    // B's listing's screenshot: not through B's builder workspace, not through A's (the
    // listing is withdrawn); uploads there are refused and the listing keeps its one.
    for (slug, expected) in [(&w.b_builder_slug, 404), (&w.a_builder_slug, 404)] {
        let shots = format!(
            "/api/v1/tenants/{slug}/marketplace/{}/screenshots",
            w.b_listing
        );
        let image = format!("{shots}/{}", w.b_screenshot);
        let response = w
            .a_builder
            .client
            .get(w.a_builder.url(&image))
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        assert_no_leak(&image, &response.text().await.unwrap());
        assert_eq!(status, expected, "{image}");
        let response = w
            .a_builder
            .upload(&shots, "evil.png", crate::support::PNG, false)
            .await;
        let status = response.status().as_u16();
        assert_no_leak(&shots, &response.text().await.unwrap());
        assert_eq!(status, expected, "upload to {shots}");
    }
    // Logos are the console's to set: neither B's nor A's own takes one from A's owner.
    for slug in [&w.b.slug, &w.a.slug] {
        let upload = format!("/api/v1/platform/tenants/{slug}/logo");
        let response =
            w.a.owner
                .upload(&upload, "evil.png", crate::support::PNG, false)
                .await;
        let status = response.status().as_u16();
        assert_no_leak(&upload, &response.text().await.unwrap());
        assert_eq!(status, 403, "upload to {upload}");
    }
    let b_listing: shared::marketplace::ListingPage = w
        .b_builder
        .call_ok(
            "get_listing",
            &[("slug", &w.b_builder_slug), ("listing", &w.b_listing)],
        )
        .await;
    assert_eq!(b_listing.screenshots.len(), 1);
    let b_detail: shared::support::TicketDetail =
        w.b.owner
            .call_ok(
                "get_ticket",
                &[("slug", &w.b.slug), ("ticket", &w.b_ticket)],
            )
            .await;
    assert_eq!(b_detail.files.len(), 1);

    // B's token in A's hands works only for B, and never on server functions or pages.
    let response = bearer
        .post(w.a.owner.url("/rpc/get_members_page"))
        .bearer_auth(&w.b_token_secret)
        .form(&[("slug", w.b.slug.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401, "tokens are for the REST API only");

    // Usage reported to B's workspace by A's owner is refused and counts nothing.
    let response =
        w.a.owner
            .api_post(
                &format!("/api/v1/tenants/{}/usage", w.b.slug),
                r#"{"metric": "tokens", "quantity": 5}"#,
            )
            .await;
    assert_eq!(response.status(), 404);
    assert_no_leak("the usage report", &response.text().await.unwrap());
    assert_eq!(
        w.app
            .count("SELECT COUNT(*) FROM usage_events WHERE metric <> 'api_calls'")
            .await,
        0
    );

    // B's callback URL signed with A's secret, or unsigned: refused, and B's step still waits.
    let b_tenant =
        w.b.owner
            .call_ok::<shared::tenants::WorkspaceHome>("get_workspace_home", &[("slug", &w.b.slug)])
            .await
            .tenant
            .id;
    let a_secret =
        w.a.owner
            .call_ok::<shared::process::TemplatesPage>("get_templates", &[("slug", &w.a.slug)])
            .await
            .signing_secret
            .unwrap();
    let expires = chrono::Utc::now().timestamp() + 3600;
    let forged = services::process::webhooks::sign(
        &a_secret,
        format!("callback:{b_tenant}:{}:1:{expires}", w.b_job).as_bytes(),
    );
    for signature in [forged.as_str(), ""] {
        let url = w.a.owner.url(&format!(
            "/api/v1/callbacks/{b_tenant}/jobs/{}?attempt=1&expires={expires}&signature={signature}",
            w.b_job
        ));
        let response = reqwest::Client::new()
            .post(url)
            .body(r#"{"status":"succeeded"}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403);
        assert_no_leak("the callback", &response.text().await.unwrap());
    }
    let b_session: shared::process::SessionDetail =
        w.b.owner
            .call_ok("get_session", &[("slug", &w.b.slug), ("id", &w.b_session)])
            .await;
    assert_eq!(
        b_session.session.status,
        shared::process::SessionStatus::Active
    );
    assert_eq!(
        b_session.jobs[0].status,
        shared::process::JobStatus::Waiting
    );
    assert_eq!(
        b_session.trail.len(),
        2,
        "nobody but B touched B's session: {:?}",
        b_session.trail
    );

    // Events for B's widget with a visit the server never signed: refused, nothing counted.
    let response =
        w.a.owner
            .api_post(
                &format!("/api/v1/widgets/{}/events", w.b_widget),
                r#"{"visit": "4102444800.00", "events": [{"kind": "impression"}]}"#,
            )
            .await;
    assert_eq!(response.status(), 403);
    assert_no_leak("the widget events", &response.text().await.unwrap());
    assert_eq!(
        w.app.count("SELECT COUNT(*) FROM widget_stats_daily").await,
        0
    );

    // Nothing of B's changed, and B's owner is still signed in.
    let b_after: MembersPage =
        w.b.owner
            .call_ok("get_members_page", &[("slug", &w.b.slug)])
            .await;
    assert_eq!(b_before, b_after);
    let b_devices = w
        .app
        .count("SELECT COUNT(*) FROM trusted_devices WHERE revoked_at IS NULL")
        .await;
    assert_eq!(b_devices, 1, "B's trusted device is still trusted");
    let b_second_factors = w
        .app
        .count(&format!(
            "SELECT COUNT(*) FROM totp_credentials WHERE confirmed_at IS NOT NULL AND user_id = {}",
            crate::helpers::sql_uuid(w.b_member_with_two_factor.parse().unwrap())
        ))
        .await;
    assert_eq!(
        b_second_factors, 1,
        "B's owner still has their second factor"
    );
    let overview = w.app.services.store().has_tenants().await.unwrap();
    assert!(overview);
    let home: shared::tenants::WorkspaceHome =
        w.b.viewer
            .call_ok("get_workspace_home", &[("slug", &w.b.slug)])
            .await;
    assert_eq!(home.tenant.status, shared::platform::TenantStatus::Active);
}

#[tokio::test]
async fn a_member_of_both_sees_each_only_in_its_own_workspace() {
    let w = world().await;
    // B's owner invites A's consultant into B: the consultant now belongs to both.
    let a_consultant = w.a.consultant.me().await.unwrap();
    let created: CreatedInvitation =
        w.b.owner
            .call_ok(
                "invite_member",
                &[
                    ("slug", &w.b.slug),
                    ("email", a_consultant.email.as_str()),
                    ("role", "viewer"),
                ],
            )
            .await;
    let token = created.link.rsplit('/').next().unwrap().to_owned();
    let _: String =
        w.a.consultant
            .call_ok("accept_invitation", &[("token", &token)])
            .await;
    let in_a: MembersPage =
        w.a.consultant
            .call_ok("get_members_page", &[("slug", &w.a.slug)])
            .await;
    assert_no_leak("A's members page", &serde_json::to_string(&in_a).unwrap());
    let in_b: MembersPage =
        w.a.consultant
            .call_ok("get_members_page", &[("slug", &w.b.slug)])
            .await;
    assert!(
        in_b.members
            .iter()
            .all(|m| !m.email.as_str().ends_with("alpha.example") || m.email == a_consultant.email)
    );
    assert_eq!(in_a.my_role, Role::Consultant);
    assert_eq!(in_b.my_role, Role::Viewer, "roles are per tenant");
}
