use shared::AppError;
use shared::members::{CreatedInvitation, InvitationPreview, InvitationViewer, MembersPage};
use shared::personas::Persona;
use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};

use crate::helpers::{PASSWORD, spawn_app, spawn_app_with, sql_time, unique_email};

fn token_of(created: &CreatedInvitation) -> String {
    created.link.rsplit('/').next().unwrap().to_owned()
}

#[tokio::test]
async fn an_existing_account_accepts_and_gains_the_workspace_and_persona() {
    let app = spawn_app().await;
    let (owner, _) = app
        .sign_up("end_user", "Acme", &unique_email("owner", "acme.example"))
        .await;
    let builder_email = unique_email("bea", "northwind.example");
    let (builder, _) = app.sign_up("builder", "Northwind", &builder_email).await;
    let created: CreatedInvitation = owner
        .call_ok(
            "invite_member",
            &[
                ("slug", "acme"),
                ("email", &builder_email),
                ("role", "consultant"),
            ],
        )
        .await;
    assert!(
        created
            .link
            .starts_with(&format!("{}/invite/", app.address)),
        "{}",
        created.link
    );
    assert!(
        !created.emailed,
        "no SMTP configured: the link is logged, not sent"
    );
    let token = token_of(&created);

    let stranger = app.browser();
    let preview: InvitationPreview = stranger
        .call_ok("get_invitation", &[("token", &token)])
        .await;
    assert_eq!(
        preview.viewer,
        InvitationViewer::Anonymous { has_account: true }
    );
    assert_eq!(preview.tenant_name.as_str(), "Acme");
    assert_eq!(preview.persona, Persona::EndUser);

    let preview: InvitationPreview = builder
        .call_ok("get_invitation", &[("token", &token)])
        .await;
    assert_eq!(preview.viewer, InvitationViewer::Invitee);
    let path: String = builder
        .call_ok("accept_invitation", &[("token", &token)])
        .await;
    assert_eq!(path, "/app/acme");
    let me = builder.me().await.unwrap();
    assert_eq!(me.workspaces.len(), 2, "the org switcher now lists both");
    assert!(me.personas.contains(Persona::EndUser) && me.personas.contains(Persona::Builder));
    assert_eq!(
        me.usable_personas(),
        vec![Persona::Builder, Persona::EndUser],
        "the persona switcher offers both"
    );
    let page = builder.page("/app/acme").await;
    assert_eq!(page.status(), 200);

    let (status, error) = builder
        .call_err("accept_invitation", &[("token", &token)])
        .await;
    assert_eq!(status, 409);
    assert!(
        error.to_string().contains("already been accepted"),
        "{error}"
    );
}

#[tokio::test]
async fn only_the_invited_address_can_accept() {
    let app = spawn_app().await;
    let (owner, _) = app
        .sign_up("end_user", "Acme", &unique_email("owner", "acme.example"))
        .await;
    let (someone, _) = app
        .sign_up(
            "end_user",
            "Other",
            &unique_email("someone", "other.example"),
        )
        .await;
    let created: CreatedInvitation = owner
        .call_ok(
            "invite_member",
            &[
                ("slug", "acme"),
                ("email", "invitee@acme.example"),
                ("role", "viewer"),
            ],
        )
        .await;
    let token = token_of(&created);
    let preview: InvitationPreview = someone
        .call_ok("get_invitation", &[("token", &token)])
        .await;
    assert!(matches!(
        preview.viewer,
        InvitationViewer::SomeoneElse { .. }
    ));
    let (status, error) = someone
        .call_err("accept_invitation", &[("token", &token)])
        .await;
    assert_eq!(status, 403);
    assert!(
        error.to_string().contains("invitee@acme.example"),
        "{error}"
    );
    let page = someone.page("/app/acme").await;
    assert_eq!(page.status(), 404, "still not a member");
}

#[tokio::test]
async fn revoked_expired_and_unknown_invitations_explain_themselves() {
    let app = spawn_app().await;
    let (owner, _) = app
        .sign_up("end_user", "Acme", &unique_email("owner", "acme.example"))
        .await;
    let revoked: CreatedInvitation = owner
        .call_ok(
            "invite_member",
            &[
                ("slug", "acme"),
                ("email", "r@acme.example"),
                ("role", "viewer"),
            ],
        )
        .await;
    let pending: MembersPage = owner.call_ok("get_members_page", &[("slug", "acme")]).await;
    assert_eq!(pending.invitations.as_ref().unwrap().len(), 1);
    owner
        .call_ok::<()>(
            "revoke_invitation",
            &[("slug", "acme"), ("id", &revoked.invitation.id.to_string())],
        )
        .await;
    let pending: MembersPage = owner.call_ok("get_members_page", &[("slug", "acme")]).await;
    assert!(pending.invitations.unwrap().is_empty());
    let visitor = app.browser();
    let (status, error) = visitor
        .call_err("get_invitation", &[("token", &token_of(&revoked))])
        .await;
    assert_eq!(status, 409);
    assert!(error.to_string().contains("withdrawn"), "{error}");

    let expired: CreatedInvitation = owner
        .call_ok(
            "invite_member",
            &[
                ("slug", "acme"),
                ("email", "e@acme.example"),
                ("role", "viewer"),
            ],
        )
        .await;
    let past = sql_time(chrono::Utc::now() - chrono::TimeDelta::hours(1));
    app.exec(&format!(
        "UPDATE invitations SET expires_at = {past} WHERE email = 'e@acme.example'"
    ))
    .await;
    let (status, error) = visitor
        .call_err(
            "join_with_invitation",
            &[
                ("token", &token_of(&expired)),
                ("name", "E"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(status, 409);
    assert!(error.to_string().contains("expired"), "{error}");

    let (status, error) = visitor
        .call_err("get_invitation", &[("token", "AAAAAAAAAAAAAAAAAAAAAA")])
        .await;
    assert_eq!(status, 404);
    assert!(matches!(error, AppError::NotFound { .. }));
    let page = visitor.page("/invite/nonsense").await;
    assert_eq!(page.status(), 404);
}

/// A minimal SMTP server on loopback: hands back the text of every message it accepts.
pub async fn smtp_sink() -> (u16, tokio::sync::mpsc::UnboundedReceiver<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 sink ESMTP\r\n").await.unwrap();
                let mut data = String::new();
                let mut in_data = false;
                while let Ok(Some(line)) = lines.next_line().await {
                    if in_data {
                        if line == "." {
                            in_data = false;
                            let _ = tx.send(std::mem::take(&mut data));
                            write.write_all(b"250 queued\r\n").await.unwrap();
                        } else {
                            data.push_str(&line);
                            data.push('\n');
                        }
                        continue;
                    }
                    let upper = line.to_ascii_uppercase();
                    let reply: &[u8] = if upper.starts_with("EHLO") || upper.starts_with("HELO") {
                        b"250 sink\r\n"
                    } else if upper.starts_with("DATA") {
                        in_data = true;
                        b"354 go ahead\r\n"
                    } else if upper.starts_with("QUIT") {
                        let _ = write.write_all(b"221 bye\r\n").await;
                        break;
                    } else {
                        b"250 ok\r\n"
                    };
                    if write.write_all(reply).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    (port, rx)
}

#[tokio::test]
async fn with_smtp_configured_the_invitation_is_emailed() {
    let (port, mut received) = smtp_sink().await;
    let app = spawn_app_with(|s| {
        s.mail.smtp_url = Some(secrecy::SecretString::from(format!(
            "smtp://127.0.0.1:{port}"
        )));
        s.mail.from = Some("Atrium <atrium@acme.example>".into());
    })
    .await;
    let (owner, _) = app
        .sign_up("end_user", "Acme", &unique_email("owner", "acme.example"))
        .await;
    let created: CreatedInvitation = owner
        .call_ok(
            "invite_member",
            &[
                ("slug", "acme"),
                ("email", "mailed@acme.example"),
                ("role", "viewer"),
            ],
        )
        .await;
    assert!(created.emailed);
    let verification = received.recv().await.unwrap();
    assert!(
        verification.contains("Confirm your email"),
        "signing up mails the address confirmation first: {verification}"
    );
    let message = received.recv().await.unwrap();
    assert!(message.contains("To: mailed@acme.example"), "{message}");
    assert!(
        message.contains(&token_of(&created)),
        "the link is in the email: {message}"
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM outbox").await,
        0,
        "with SMTP, nothing is kept in the outbox"
    );
}
