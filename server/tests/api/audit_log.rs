//! Reading the audit log: the console's whole-platform log, a workspace's owners' slice of
//! it, the search, the pages and the CSV download — and that no path changes an entry.

use shared::AppError;
use shared::audit::{AuditPage, PAGE_SIZE};
use shared::permissions::Role;

use crate::helpers::{Browser, TestApp, spawn_app, sql_time, sql_uuid, unique_email};
use crate::members::org;

/// The log's search form (every field, as the page sends it).
fn form<'a>(fields: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut all: Vec<(&str, &str)> = ["q", "area", "from", "to", "before"]
        .into_iter()
        .map(|name| (name, ""))
        .collect();
    for (name, value) in fields {
        match all.iter_mut().find(|(n, _)| n == name) {
            Some(entry) => entry.1 = value,
            None => all.push((name, value)),
        }
    }
    all
}

async fn workspace_log(browser: &Browser, slug: &str, fields: &[(&str, &str)]) -> AuditPage {
    let mut args = form(fields);
    args.push(("slug", slug));
    browser.call_ok("get_audit_log", &args).await
}

async fn platform_log(browser: &Browser, fields: &[(&str, &str)]) -> AuditPage {
    let mut args = form(fields);
    if !args.iter().any(|(name, _)| *name == "tenant") {
        args.push(("tenant", ""));
    }
    browser.call_ok("get_platform_audit", &args).await
}

fn actions(page: &AuditPage) -> Vec<&str> {
    page.entries.iter().map(|e| e.action.as_str()).collect()
}

#[tokio::test]
async fn owners_read_their_workspaces_log_and_super_admins_the_platforms() {
    let app = spawn_app().await;
    let acme = org(&app, "Acme", "acme.example").await;
    let (_other, other_home) = app
        .sign_up(
            "end_user",
            "Globex",
            &unique_email("owner", "globex.example"),
        )
        .await;
    let globex = other_home.rsplit('/').next().unwrap().to_owned();

    // The owner reads Acme's own entries: the invitations and joins that built the team,
    // newest first, each with its actor and address.
    let page = workspace_log(&acme.owner, &acme.slug, &[]).await;
    assert_eq!(page.tenant.as_ref().unwrap().slug.as_str(), acme.slug);
    let seen = actions(&page);
    assert!(seen.contains(&"invitation.created"), "{seen:?}");
    assert!(seen.contains(&"invitation.accepted"), "{seen:?}");
    assert!(
        page.entries.windows(2).all(|w| w[0].at >= w[1].at),
        "newest first"
    );
    assert!(page.entries.iter().all(|e| {
        e.tenant
            .as_ref()
            .is_some_and(|t| t.slug.as_str() == acme.slug)
    }));
    let invited = page
        .entries
        .iter()
        .find(|e| e.action == "invitation.created")
        .unwrap();
    assert!(invited.actor.as_deref().unwrap().starts_with("owner"));
    assert_eq!(invited.ip.as_deref(), Some("127.0.0.1"));
    assert!(page.next.is_none());

    // Searching: by area, by words (an invited email), by day.
    let members = workspace_log(&acme.owner, &acme.slug, &[("area", "invitation")]).await;
    assert!(!members.entries.is_empty());
    assert!(
        actions(&members)
            .iter()
            .all(|a| a.starts_with("invitation."))
    );
    let by_word = workspace_log(&acme.owner, &acme.slug, &[("q", "VIEWER")]).await;
    assert!(!by_word.entries.is_empty());
    assert!(
        by_word
            .entries
            .iter()
            .all(|e| format!("{e:?}").to_lowercase().contains("viewer")),
        "{:?}",
        by_word.entries
    );
    let today = chrono::Utc::now().date_naive();
    let tomorrow = (today + chrono::TimeDelta::days(1)).to_string();
    let future = workspace_log(&acme.owner, &acme.slug, &[("from", &tomorrow)]).await;
    assert!(future.entries.is_empty());
    let until_today = workspace_log(&acme.owner, &acme.slug, &[("to", &today.to_string())]).await;
    assert_eq!(until_today.entries.len(), page.entries.len());

    // Bad searches say which field and why.
    let mut bad = form(&[("from", "yesterday")]);
    bad.push(("slug", &acme.slug));
    let (status, error) = acme.owner.call_err("get_audit_log", &bad).await;
    assert_eq!(status, 422);
    assert!(
        matches!(&error, AppError::Invalid { field, reason } if field == "from" && reason.contains("YYYY-MM-DD")),
        "{error:?}"
    );
    let mut bad = form(&[("from", "2026-12-03"), ("to", "2026-12-01")]);
    bad.push(("slug", &acme.slug));
    let (status, error) = acme.owner.call_err("get_audit_log", &bad).await;
    assert_eq!(status, 422);
    assert!(matches!(&error, AppError::Invalid { field, .. } if field == "to"));

    // Only owners read it: admins, consultants and viewers are refused, by the server.
    for member in [&acme.admin, &acme.consultant, &acme.viewer] {
        let mut args = form(&[]);
        args.push(("slug", &acme.slug));
        let (status, error) = member.call_err("get_audit_log", &args).await;
        assert_eq!(status, 403, "{error:?}");
        let csv = member
            .page(&format!("/api/v1/tenants/{}/audit.csv", acme.slug))
            .await;
        assert_eq!(csv.status(), 403);
        let html = member.page(&format!("/app/{}/audit", acme.slug)).await;
        assert_eq!(html.status(), 403);
    }
    let html = acme.owner.page(&format!("/app/{}/audit", acme.slug)).await;
    assert_eq!(html.status(), 200);
    let html = html.text().await.unwrap();
    assert!(html.contains("invitation.created") && html.contains("Download CSV"));

    // The owner's CSV: a header and one row per entry, the same as the page.
    let csv = acme
        .owner
        .page(&format!(
            "/api/v1/tenants/{}/audit.csv?area=invitation",
            acme.slug
        ))
        .await;
    assert_eq!(csv.status(), 200);
    assert_eq!(
        csv.headers()["content-type"].to_str().unwrap(),
        "text/csv; charset=utf-8"
    );
    let csv = csv.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        vec![
            "at",
            "actor",
            "on_behalf_of",
            "workspace",
            "action",
            "target",
            "ip",
            "user_agent",
            "details",
            "id"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), members.entries.len());
    assert!(
        rows.iter()
            .all(|r| r[3] == acme.slug && r[4].starts_with("invitation."))
    );
    let bad = acme
        .owner
        .page(&format!("/api/v1/tenants/{}/audit.csv?to=soon", acme.slug))
        .await;
    assert_eq!(bad.status(), 422);
    assert!(bad.text().await.unwrap().contains("YYYY-MM-DD"));

    // The super admin reads every workspace's entries, and one workspace's by its address.
    let admin = app.super_admin().await;
    let all = platform_log(&admin, &[]).await;
    assert!(all.tenant.is_none());
    let tenants: std::collections::BTreeSet<String> = all
        .entries
        .iter()
        .filter_map(|e| e.tenant.as_ref().map(|t| t.slug.to_string()))
        .collect();
    assert!(
        tenants.contains(&acme.slug) && tenants.contains(&globex),
        "{tenants:?}"
    );
    let only_globex = platform_log(&admin, &[("tenant", &globex)]).await;
    assert!(!only_globex.entries.is_empty());
    assert!(
        only_globex
            .entries
            .iter()
            .all(|e| e.tenant.as_ref().is_some_and(|t| t.slug.as_str() == globex))
    );
    let (status, error) = admin
        .call_err(
            "get_platform_audit",
            &[
                ("q", ""),
                ("area", ""),
                ("tenant", "nobody-here"),
                ("from", ""),
                ("to", ""),
                ("before", ""),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert!(matches!(&error, AppError::Invalid { field, .. } if field == "tenant"));
    let csv = admin
        .page(&format!("/api/v1/platform/audit.csv?tenant={globex}"))
        .await;
    assert_eq!(csv.status(), 200);
    let csv = csv.text().await.unwrap();
    assert!(csv.lines().count() > 1);
    assert!(!csv.contains(&acme.slug), "{csv}");
    assert_eq!(admin.page("/admin/audit").await.status(), 200);

    // Workspace owners are not super admins.
    let (status, _) = acme
        .owner
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
    assert_eq!(acme.owner.page("/admin/audit").await.status(), 403);
}

#[tokio::test]
async fn the_log_pages_back_through_older_entries_and_no_path_rewrites_them() {
    let app = spawn_app().await;
    let (owner, home) = app
        .sign_up(
            "end_user",
            "Initech",
            &unique_email("owner", "initech.example"),
        )
        .await;
    let slug = home.rsplit('/').next().unwrap().to_owned();
    let tenant = owner.me().await.unwrap().workspaces[0].tenant.id;
    // Ninety entries a minute apart, as a long-lived workspace gathers them.
    let start = chrono::Utc::now() - chrono::TimeDelta::days(2);
    for n in 0..90 {
        let id = uuid::Uuid::now_v7();
        let at = sql_time(start + chrono::TimeDelta::minutes(n));
        app.exec(&format!(
            "INSERT INTO audit_log (id, at, tenant_id, action, target, details)
             VALUES ({}, {at}, {}, 'widget.draft_saved', 'draft {n}', '{{}}')",
            sql_uuid(id),
            sql_uuid(tenant.as_uuid()),
        ))
        .await;
    }
    let total = app
        .count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE tenant_id = {}",
            sql_uuid(tenant.as_uuid())
        ))
        .await;
    assert!(total > 90);

    // Page by page, every entry once, newest first across the pages.
    let mut seen = Vec::new();
    let mut before = String::new();
    loop {
        let page = workspace_log(&owner, &slug, &[("before", &before)]).await;
        assert!(page.entries.len() <= PAGE_SIZE as usize);
        seen.extend(page.entries.iter().map(|e| (e.at, e.id)));
        match page.next {
            Some(next) => {
                assert_eq!(page.entries.len(), PAGE_SIZE as usize);
                before = next.to_string();
            }
            None => break,
        }
    }
    assert_eq!(i64::try_from(seen.len()).unwrap(), total);
    assert!(seen.windows(2).all(|w| w[0] > w[1]), "strictly older");

    // The search narrows the pages too: the words "draft 8" find draft 8 and 80–89.
    let found = workspace_log(&owner, &slug, &[("q", "draft 8")]).await;
    assert_eq!(found.entries.len(), 11);
    // A page position that is no entry's id is refused plainly.
    let mut bad = form(&[("before", "not-an-id")]);
    bad.push(("slug", &slug));
    let (status, _) = owner.call_err("get_audit_log", &bad).await;
    assert_eq!(status, 422);

    // Append-only: the database refuses every update and delete, whoever asks.
    assert!(
        app.try_exec("UPDATE audit_log SET action = 'x'")
            .await
            .is_err()
    );
    assert!(app.try_exec("DELETE FROM audit_log").await.is_err());
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE tenant_id = {}",
            sql_uuid(tenant.as_uuid())
        ))
        .await,
        total
    );
}

/// An owner added to a second workspace as a viewer reads the log of the first only.
#[tokio::test]
async fn an_owner_elsewhere_reads_no_log_where_they_are_a_viewer() {
    let app: TestApp = spawn_app().await;
    let acme = org(&app, "Acme", "acme.example").await;
    let email = unique_email("visitor", "umbrella.example");
    let (visitor, home) = app.sign_up("end_user", "Umbrella", &email).await;
    let umbrella = home.rsplit('/').next().unwrap().to_owned();
    // Acme's owner invites the Umbrella owner as a viewer; they accept while signed in.
    let created: shared::members::CreatedInvitation = acme
        .owner
        .call_ok(
            "invite_member",
            &[
                ("slug", &acme.slug),
                ("email", &email),
                ("role", Role::Viewer.as_str()),
            ],
        )
        .await;
    let token = created.link.rsplit('/').next().unwrap().to_owned();
    let _: String = visitor
        .call_ok("accept_invitation", &[("token", &token)])
        .await;
    let own = workspace_log(&visitor, &umbrella, &[]).await;
    assert!(!own.entries.is_empty());
    let mut args = form(&[]);
    args.push(("slug", &acme.slug));
    let (status, _) = visitor.call_err("get_audit_log", &args).await;
    assert_eq!(status, 403);
}
