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
