//! Support tickets: members open them, support (the organization's owners and admins, and
//! super admins) answers, assigns and closes them; each reply hands the turn to the other
//! side; everything is refused by role where it should be and arrives live on both sides.

use shared::ids::TicketId;
use shared::live::{Change, ServerMessage};
use shared::support::{SupportPage, TicketDetail, TicketStatus, TicketSummary};

use crate::command_center::{Tab, open_tab};
use crate::helpers::{Browser, spawn_app};
use crate::members::org;

async fn next_ticket(tab: &mut Tab, slug: &str) -> TicketStatus {
    loop {
        match tab.next(5000).await {
            Some(ServerMessage::Event { slug: s, event }) => {
                assert_eq!(s, slug);
                if let Change::Ticket { status, .. } = event.change {
                    return status;
                }
            }
            Some(ServerMessage::Subscribed { .. }) => {}
            other => panic!("expected a ticket event on {slug}: {other:?}"),
        }
    }
}

async fn subscribed(app_address: &str, browser: &Browser, slug: &str) -> Tab {
    let mut tab = open_tab(app_address, browser, Some(app_address))
        .await
        .unwrap();
    tab.send(&format!(
        r#"{{"type":"subscribe","slug":"{slug}","topics":["support"],"since":null}}"#
    ))
    .await;
    assert!(matches!(
        tab.next(5000).await,
        Some(ServerMessage::Subscribed { .. })
    ));
    tab
}

async fn detail(browser: &Browser, slug: Option<&str>, ticket: TicketId) -> TicketDetail {
    let id = ticket.to_string();
    let mut form = vec![("ticket", id.as_str())];
    if let Some(slug) = slug {
        form.push(("slug", slug));
    }
    browser.call_ok("get_ticket", &form).await
}

#[tokio::test]
async fn a_ticket_goes_back_and_forth_live_until_support_closes_it() {
    let app = spawn_app().await;
    let admin = app.super_admin().await;
    let team = org(&app, "Support Ltd", "support.example").await;
    let slug = team.slug.clone();
    let mut member_tab = subscribed(&app.address, &team.viewer, &slug).await;
    let mut console_tab = subscribed(&app.address, &admin, "@platform").await;

    // Bad input names its field and opens nothing; viewers may not open tickets.
    for (subject, priority, body, field) in [
        ("", "high", "x", "subject"),
        ("Help", "asap", "x", "priority"),
        ("Help", "high", "  ", "body"),
    ] {
        let (status, err) = team
            .consultant
            .call_err(
                "open_ticket",
                &[
                    ("slug", &slug),
                    ("subject", subject),
                    ("priority", priority),
                    ("body", body),
                ],
            )
            .await;
        assert_eq!((status.as_u16(), err.field()), (422, Some(field)));
    }
    let (status, _) = team
        .viewer
        .call_err(
            "open_ticket",
            &[
                ("slug", &slug),
                ("subject", "Me too"),
                ("priority", "low"),
                ("body", "x"),
            ],
        )
        .await;
    assert_eq!(status, 403);
    let page: SupportPage = team.viewer.call_ok("get_support", &[("slug", &slug)]).await;
    assert!(page.tickets.is_empty() && !page.can_open);

    // A consultant opens one: it waits for support, on both sides.
    let ticket: TicketId = team
        .consultant
        .call_ok(
            "open_ticket",
            &[
                ("slug", &slug),
                ("subject", "Invoice shows the wrong plan"),
                ("priority", "high"),
                ("body", "It says Free; we are on Pro."),
            ],
        )
        .await;
    assert_eq!(
        next_ticket(&mut member_tab, &slug).await,
        TicketStatus::Open
    );
    assert_eq!(
        next_ticket(&mut console_tab, "@platform").await,
        TicketStatus::Open
    );
    let seen = detail(&team.viewer, Some(&slug), ticket).await;
    assert_eq!(seen.messages.len(), 1);
    assert!(!seen.can_reply && !seen.can_manage && seen.assignees.is_empty());
    let (status, _) = team
        .viewer
        .call_err(
            "reply_ticket",
            &[
                ("slug", &slug),
                ("ticket", &ticket.to_string()),
                ("body", "+1"),
            ],
        )
        .await;
    assert_eq!(status, 403);

    // The organization's admin answers: the turn goes to the organization.
    let answered: TicketStatus = team
        .admin
        .call_ok(
            "reply_ticket",
            &[
                ("slug", &slug),
                ("ticket", &ticket.to_string()),
                ("body", "Fixed; please check."),
            ],
        )
        .await;
    assert_eq!(answered, TicketStatus::Answered);
    assert_eq!(
        next_ticket(&mut member_tab, &slug).await,
        TicketStatus::Answered
    );
    let reply: TicketStatus = team
        .consultant
        .call_ok(
            "reply_ticket",
            &[
                ("slug", &slug),
                ("ticket", &ticket.to_string()),
                ("body", "Still Free here."),
            ],
        )
        .await;
    assert_eq!(reply, TicketStatus::Open);

    // Consultants may not manage tickets; assignment goes to owners and admins only.
    let (status, _) = team
        .consultant
        .call_err(
            "update_ticket",
            &[
                ("slug", &slug),
                ("ticket", &ticket.to_string()),
                ("action", "close"),
            ],
        )
        .await;
    assert_eq!(status, 403);
    let consultant_id = team.consultant.me().await.unwrap().user_id.to_string();
    let (status, err) = team
        .admin
        .call_err(
            "update_ticket",
            &[
                ("slug", &slug),
                ("ticket", &ticket.to_string()),
                ("action", "assign"),
                ("assignee", &consultant_id),
            ],
        )
        .await;
    assert_eq!((status.as_u16(), err.field()), (422, Some("assignee")));
    let owner_id = team.owner.me().await.unwrap().user_id.to_string();
    let _: TicketStatus = team
        .admin
        .call_ok(
            "update_ticket",
            &[
                ("slug", &slug),
                ("ticket", &ticket.to_string()),
                ("action", "assign"),
                ("assignee", &owner_id),
            ],
        )
        .await;

    // The super admin sees it in the queue, answers from the console and takes it.
    let queue: Vec<TicketSummary> = admin.call_ok("get_support_queue", &[]).await;
    let queued = queue.iter().find(|t| t.id == ticket).unwrap();
    assert_eq!(queued.tenant.slug.as_str(), slug);
    assert_eq!(queued.assignee.as_ref().unwrap().as_str(), "Test Person");
    let console = detail(&admin, None, ticket).await;
    assert!(console.can_manage && console.messages.len() == 3);
    let _: TicketStatus = admin
        .call_ok(
            "reply_ticket",
            &[
                ("ticket", &ticket.to_string()),
                ("body", "Platform support here: the invoice was re-issued."),
            ],
        )
        .await;
    let admin_id = admin.me().await.unwrap().user_id.to_string();
    let _: TicketStatus = admin
        .call_ok(
            "update_ticket",
            &[
                ("ticket", &ticket.to_string()),
                ("action", "assign"),
                ("assignee", &admin_id),
            ],
        )
        .await;

    // Closed; closing again is refused; a reply from the organization reopens it.
    let closed: TicketStatus = team
        .owner
        .call_ok(
            "update_ticket",
            &[
                ("slug", &slug),
                ("ticket", &ticket.to_string()),
                ("action", "close"),
            ],
        )
        .await;
    assert_eq!(closed, TicketStatus::Closed);
    let (status, err) = team
        .owner
        .call_err(
            "update_ticket",
            &[
                ("slug", &slug),
                ("ticket", &ticket.to_string()),
                ("action", "close"),
            ],
        )
        .await;
    assert_eq!((status.as_u16(), err.field()), (422, Some("action")));
    let reopened: TicketStatus = team
        .consultant
        .call_ok(
            "reply_ticket",
            &[
                ("slug", &slug),
                ("ticket", &ticket.to_string()),
                ("body", "One more thing."),
            ],
        )
        .await;
    assert_eq!(reopened, TicketStatus::Open);

    let end = detail(&team.consultant, Some(&slug), ticket).await;
    let sides: Vec<bool> = end.messages.iter().map(|m| m.from_support).collect();
    assert_eq!(sides, [false, true, false, true, false]);
    assert_eq!(end.summary.assignee.as_ref().unwrap().as_str(), "Root");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'ticket.%'")
            .await,
        8,
        "the refused attempts are not audited as changes"
    );
    // The page renders the thread for a reader.
    let html = team
        .viewer
        .page(&format!("/app/{slug}/support/{ticket}"))
        .await;
    assert_eq!(html.status(), 200);
    let html = html.text().await.unwrap();
    assert!(html.contains("Platform support here") && !html.contains("reply-form"));
}

pub(crate) const PNG: &[u8] = &[
    0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, b'I', b'H', b'D', b'R',
];
pub(crate) const PDF: &[u8] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n";

pub(crate) async fn error_of(response: reqwest::Response) -> (u16, shared::AppError) {
    let status = response.status().as_u16();
    let body = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("{body}: {e}")),
    )
}

#[tokio::test]
async fn files_are_told_by_their_bytes_kept_per_ticket_and_served_to_its_readers_only() {
    use shared::support::files::{FILE_MAX_BYTES, FILES_PER_TICKET, FileKind, TicketFile};

    let app = spawn_app().await;
    let admin = app.super_admin().await;
    let team = org(&app, "Files Ltd", "files.example").await;
    let slug = team.slug.clone();
    let ticket: TicketId = team
        .consultant
        .call_ok(
            "open_ticket",
            &[
                ("slug", &slug),
                ("subject", "The export is broken"),
                ("priority", "normal"),
                ("body", "See the screenshot."),
            ],
        )
        .await;
    let mut member_tab = subscribed(&app.address, &team.viewer, &slug).await;
    let files = format!("/api/v1/tenants/{slug}/tickets/{ticket}/files");

    // The consultant attaches a screenshot: stored as a PNG, announced live, status kept.
    let response = team
        .consultant
        .upload(&files, "C:\\shots\\export.png", PNG, false)
        .await;
    assert_eq!(response.status(), 201);
    let shot: TicketFile = response.json().await.unwrap();
    assert_eq!(
        (shot.name.as_str(), shot.kind, shot.size),
        ("export.png", FileKind::Png, 16)
    );
    assert!(!shot.from_support);
    assert_eq!(
        next_ticket(&mut member_tab, &slug).await,
        TicketStatus::Open
    );

    // A viewer reads it (inline, sandboxed, byte for byte) but may not attach.
    let response = team
        .viewer
        .client
        .get(team.viewer.url(&format!("{files}/{}", shot.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let header = |name: &str| response.headers()[name].to_str().unwrap().to_owned();
    assert_eq!(header("content-type"), "image/png");
    assert!(header("content-disposition").starts_with("inline; filename=\"export.png\""));
    assert!(header("content-security-policy").contains("sandbox"));
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert_eq!(response.bytes().await.unwrap().as_ref(), PNG);
    let (status, _) = error_of(team.viewer.upload(&files, "more.png", PNG, false).await).await;
    assert_eq!(status, 403);

    // Bad files get their own status and message, and store nothing.
    let big = vec![b'a'; FILE_MAX_BYTES + 1];
    let cases: [(&str, &[u8], u16, &str); 6] = [
        ("invoice.png", PDF, 415, "content is a PDF document"),
        ("page.html", b"<html></html>", 415, "not a kind of file"),
        ("notes.txt", b"\x7fELF\x02\x01", 415, "not a text file"),
        ("empty.txt", b"", 422, "is empty"),
        ("huge.txt", &big, 413, "larger than 5.0 MB"),
        ("", b"hello", 422, "Choose a file"),
    ];
    for (name, bytes, expected, says) in cases {
        let (status, err) =
            error_of(team.consultant.upload(&files, name, bytes, false).await).await;
        assert_eq!(status, expected, "{name}: {err}");
        assert!(err.to_string().contains(says), "{name}: {err}");
    }
    let response = team
        .consultant
        .client
        .post(team.consultant.url(&files))
        .header("origin", &team.consultant.address)
        .header("accept", "application/json")
        .form(&[("file", "not multipart")])
        .send()
        .await
        .unwrap();
    let (status, err) = error_of(response).await;
    assert_eq!((status, err.field()), (422, Some("file")));

    // A plain form post from the owner (support on someone else's ticket) goes back to the
    // ticket; its errors come as a page naming the status.
    let response = team
        .owner
        .upload(&files, "server.log", b"12:00 export failed\n", true)
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers()["location"],
        format!("/app/{slug}/support/{ticket}").as_str()
    );
    let response = team
        .owner
        .upload(&files, "server.png", b"plain words", true)
        .await;
    assert_eq!(response.status(), 415);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("named as a PNG image")
    );
    let seen = detail(&team.viewer, Some(&slug), ticket).await;
    assert_eq!(
        seen.summary.status,
        TicketStatus::Open,
        "files leave the turn as it was"
    );
    let names: Vec<_> = seen
        .files
        .iter()
        .map(|f| (f.name.as_str(), f.from_support))
        .collect();
    assert_eq!(names, [("export.png", false), ("server.log", true)]);
    let log = &seen.files[1];
    let response = team
        .consultant
        .client
        .get(team.consultant.url(&format!("{files}/{}", log.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.headers()["content-type"],
        "text/plain; charset=utf-8"
    );
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );

    // The console attaches and downloads through its own route.
    let console_files = format!("/api/v1/platform/tickets/{ticket}/files");
    let response = admin.upload(&console_files, "steps.pdf", PDF, false).await;
    assert_eq!(response.status(), 201);
    let steps: TicketFile = response.json().await.unwrap();
    assert!(steps.from_support);
    let response = admin
        .client
        .get(admin.url(&format!("{console_files}/{}", steps.id)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let (status, _) = error_of(
        team.owner
            .upload(&console_files, "x.txt", b"x", false)
            .await,
    )
    .await;
    assert_eq!(status, 403, "the console route is for super admins");

    // A file is reached only through its own ticket; unknown ids are plain 404s.
    let other: TicketId = team
        .consultant
        .call_ok(
            "open_ticket",
            &[
                ("slug", &slug),
                ("subject", "Other"),
                ("priority", "low"),
                ("body", "x"),
            ],
        )
        .await;
    for path in [
        format!("/api/v1/tenants/{slug}/tickets/{other}/files/{}", shot.id),
        format!("{files}/{}", uuid::Uuid::now_v7()),
        format!("{files}/not-an-id"),
        format!(
            "/api/v1/tenants/{slug}/tickets/not-a-ticket/files/{}",
            shot.id
        ),
    ] {
        let response = team
            .owner
            .client
            .get(team.owner.url(&path))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404, "{path}");
    }

    // A ticket holds at most so many files.
    for n in seen.files.len() + 1..FILES_PER_TICKET {
        let response = team
            .consultant
            .upload(&files, &format!("note-{n}.txt"), b"n", false)
            .await;
        assert_eq!(response.status(), 201);
    }
    let (status, err) = error_of(
        team.consultant
            .upload(&files, "one-too-many.txt", b"x", false)
            .await,
    )
    .await;
    assert_eq!(status, 409);
    assert!(
        err.to_string()
            .contains(&format!("already holds {FILES_PER_TICKET} files"))
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'ticket.file_added'")
            .await,
        i64::try_from(FILES_PER_TICKET).unwrap()
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM ticket_files").await,
        i64::try_from(FILES_PER_TICKET).unwrap()
    );
}
