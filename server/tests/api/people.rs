//! The console's users: search by every filter, pages in each order, and bulk actions on a
//! selection or a whole search — with the count confirmed, the caller's own account left
//! alone, and each change in the audit log.

use shared::AppError;
use shared::people::{BulkOutcome, BulkResult, PAGE_SIZE, UsersPage};
use shared::personas::Persona;
use shared::platform::UserStatus;

use crate::helpers::{Browser, PASSWORD, TestApp, spawn_app, sql_time, sql_uuid};
use crate::members::{builder_org, org};

/// The search form's fields as `get_people` and `bulk_people` take them (every field, as
/// the page sends it).
fn form<'a>(fields: &[(&'a str, &'a str)]) -> Vec<(String, &'a str)> {
    let names = [
        "q",
        "persona",
        "status",
        "tenant",
        "role",
        "signed_in",
        "two_factor",
        "sort",
        "after",
    ];
    names
        .into_iter()
        .map(|name| {
            let value = fields
                .iter()
                .find(|(n, _)| *n == name)
                .map_or("", |(_, v)| *v);
            (format!("form[{name}]"), value)
        })
        .collect()
}

async fn people(browser: &Browser, fields: &[(&str, &str)]) -> UsersPage {
    let args = form(fields);
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    browser.call_ok("get_people", &args).await
}

fn emails(page: &UsersPage) -> Vec<&str> {
    page.people.iter().map(|p| p.email.as_str()).collect()
}

async fn bulk(
    browser: &Browser,
    fields: &[(&str, &str)],
    ids: &str,
    expected: &str,
    action: &str,
) -> reqwest::Response {
    let mut args = form(fields);
    args.push(("ids".to_owned(), ids));
    args.push(("expected".to_owned(), expected));
    args.push(("action".to_owned(), action));
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    browser.call("bulk_people", &args).await
}

async fn bulk_ok(
    browser: &Browser,
    fields: &[(&str, &str)],
    ids: &str,
    expected: &str,
    action: &str,
) -> BulkResult {
    let response = bulk(browser, fields, ids, expected, action).await;
    let status = response.status();
    let body = response.text().await.unwrap();
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

async fn bulk_err(
    browser: &Browser,
    fields: &[(&str, &str)],
    ids: &str,
    expected: &str,
    action: &str,
) -> (u16, AppError) {
    let response = bulk(browser, fields, ids, expected, action).await;
    let status = response.status().as_u16();
    (
        status,
        serde_json::from_str(&response.text().await.unwrap()).unwrap(),
    )
}

/// Adds `count` accounts straight to the database (`filler-NNN@bulk.example`), one minute
/// apart, none of them ever signed in.
async fn add_accounts(app: &TestApp, count: usize) {
    let start = chrono::Utc::now() - chrono::TimeDelta::days(3);
    for n in 0..count {
        app.exec(&format!(
            "INSERT INTO users (id, email, name, password_hash, personas, status, created_at)
             VALUES ({}, 'filler-{n:03}@bulk.example', 'Filler {n:03}', 'x', 'end_user', 'active', {})",
            sql_uuid(uuid::Uuid::now_v7()),
            sql_time(start + chrono::TimeDelta::minutes(n as i64)),
        ))
        .await;
    }
}

#[tokio::test]
async fn super_admins_find_people_by_every_filter_and_page_through_them() {
    let app = spawn_app().await;
    let acme = org(&app, "Acme", "acme.example").await;
    let _globex = builder_org(&app, "Globex", "globex.example").await;
    let root = app.super_admin().await;
    add_accounts(&app, 60).await;

    let everyone = people(&root, &[]).await;
    assert_eq!(everyone.total, 69, "8 members, the super admin and 60 more");
    assert_eq!(everyone.people.len(), PAGE_SIZE as usize);

    let by_domain = people(&root, &[("q", "ACME.example")]).await;
    assert_eq!(by_domain.total, 4);
    assert!(
        emails(&by_domain)
            .iter()
            .all(|e| e.ends_with("acme.example"))
    );

    let viewers = people(&root, &[("tenant", &acme.slug), ("role", "viewer")]).await;
    assert_eq!(viewers.total, 1);
    assert!(emails(&viewers)[0].starts_with("viewer"));
    let owners_anywhere = people(&root, &[("role", "owner")]).await;
    assert_eq!(owners_anywhere.total, 2);

    let builders = people(&root, &[("persona", "builder")]).await;
    assert_eq!(builders.total, 4);
    assert!(
        emails(&builders)
            .iter()
            .all(|e| e.ends_with("globex.example"))
    );

    let with_two_step = people(&root, &[("two_factor", "on")]).await;
    assert_eq!(with_two_step.total, 1, "only the super admin enrolled");
    assert!(with_two_step.people[0].two_factor);
    assert!(
        with_two_step.people[0]
            .personas
            .contains(shared::personas::Persona::SuperAdmin)
    );
    assert_eq!(people(&root, &[("two_factor", "off")]).await.total, 68);

    // Sign-in periods: the fillers never signed in; one member last did 60 days ago.
    let viewer_email = viewers.people[0].email.clone();
    app.exec(&format!(
        "UPDATE users SET last_sign_in_at = {} WHERE email = '{viewer_email}'",
        sql_time(chrono::Utc::now() - chrono::TimeDelta::days(60))
    ))
    .await;
    let never = people(&root, &[("signed_in", "never")]).await;
    assert!(never.people.iter().all(|p| p.last_sign_in_at.is_none()));
    let dormant = people(&root, &[("signed_in", "dormant")]).await;
    assert_eq!(dormant.total, never.total + 1);
    let lately = people(&root, &[("signed_in", "7d")]).await;
    assert_eq!(lately.total + dormant.total, 69);
    assert!(!emails(&lately).contains(&viewer_email.as_str()));

    assert_eq!(people(&root, &[("status", "disabled")]).await.total, 0);

    // Every order pages through everyone once, in order.
    for (sort, key) in [("email", 0), ("name", 1), ("newest", 2), ("oldest", 3)] {
        let mut seen: Vec<shared::people::UserListing> = Vec::new();
        let mut after = String::new();
        loop {
            let page = people(&root, &[("sort", sort), ("after", &after)]).await;
            assert_eq!(page.total, 69);
            seen.extend(page.people.iter().cloned());
            match page.next {
                Some(next) => after = next.to_string(),
                None => break,
            }
        }
        assert_eq!(seen.len(), 69, "{sort}");
        let ordered = seen.windows(2).all(|pair| match key {
            0 => pair[0].email < pair[1].email,
            1 => pair[0].name <= pair[1].name,
            2 => pair[0].created_at >= pair[1].created_at,
            _ => pair[0].created_at <= pair[1].created_at,
        });
        assert!(ordered, "{sort} order");
    }

    // A field the form does not offer is named, with 422.
    let args = form(&[("sort", "random")]);
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let (status, error) = root.call_err("get_people", &args).await;
    assert_eq!(status, 422);
    assert!(
        matches!(error, AppError::Invalid { ref field, .. } if field == "sort"),
        "{error:?}"
    );

    // Only super admins list people.
    let args = form(&[]);
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    for member in [&acme.owner, &acme.viewer] {
        let (status, _) = member.call_err("get_people", &args).await;
        assert_eq!(status, 403);
    }
}

#[tokio::test]
async fn words_are_found_anywhere_in_an_email_or_name_and_follow_changes() {
    let app = spawn_app().await;
    let root = app.super_admin().await;
    add_accounts(&app, 12).await;
    let found = |q: &'static str| {
        let root = &root;
        async move {
            let page = people(root, &[("q", q)]).await;
            let mut emails: Vec<String> = page.people.iter().map(|p| p.email.clone()).collect();
            emails.sort();
            assert_eq!(page.total as usize, emails.len(), "{q}");
            emails
        }
    };

    // Any part of a word, in any case, from the email or the name or across both.
    assert_eq!(found("ILLER-01").await.len(), 2, "filler-010 and -011");
    assert_eq!(
        found("ler 00").await.len(),
        10,
        "the names Filler 000 to Filler 009"
    );
    assert_eq!(
        found("filler-003@bulk.example filler 003").await,
        ["filler-003@bulk.example"]
    );
    // Short words are looked for too, and the search's own characters are only characters.
    let short: Vec<String> = found("01")
        .await
        .into_iter()
        .filter(|e| e.ends_with("@bulk.example"))
        .collect();
    assert_eq!(
        short,
        [
            "filler-001@bulk.example",
            "filler-010@bulk.example",
            "filler-011@bulk.example"
        ]
    );
    assert!(found("%").await.is_empty());
    assert!(found("_").await.is_empty());
    assert!(found("\"filler").await.is_empty());
    assert!(found("filler\"").await.is_empty());

    // A new name or address is found at once, the old one no longer.
    app.exec(
        "UPDATE users SET name = 'Grace Hopper', email = 'grace@navy.example'
         WHERE email = 'filler-004@bulk.example'",
    )
    .await;
    assert_eq!(found("hopper").await, ["grace@navy.example"]);
    assert_eq!(found("navy.ex").await, ["grace@navy.example"]);
    assert!(found("filler-004").await.is_empty());
    assert_eq!(found("filler-00").await.len(), 9);
    app.exec("DELETE FROM users WHERE email = 'grace@navy.example'")
        .await;
    assert!(found("hopper").await.is_empty());
    assert_eq!(found("bulk.example").await.len(), 11);
}

#[tokio::test]
async fn bulk_actions_change_the_chosen_people_and_nobody_else() {
    let app = spawn_app().await;
    let acme = org(&app, "Acme", "acme.example").await;
    let globex = org(&app, "Globex", "globex.example").await;
    let root = app.super_admin().await;
    let root_id = root.me().await.unwrap().user_id.to_string();
    let viewer = acme.viewer.me().await.unwrap();
    let viewer_email = viewer.email.to_string();

    // Deactivating the ticked viewer signs them out at once and closes sign-in.
    let result = bulk_ok(&root, &[], &viewer.user_id.to_string(), "", "deactivate").await;
    assert_eq!(
        (result.changed, result.unchanged, result.skipped),
        (1, 0, 0)
    );
    assert_eq!(result.lines[0].email, viewer_email);
    assert!(
        result.lines[0].note.contains("1 session ended"),
        "{}",
        result.lines[0].note
    );
    assert!(acme.viewer.me().await.is_none(), "signed out at once");
    let again = app.browser();
    let (status, error) = again
        .call_err(
            "sign_in",
            &[("email", &viewer_email), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(status, 403);
    assert_eq!(error, AppError::AccountDisabled);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'platform.person_deactivated' AND target = '{viewer_email}'"
        ))
        .await,
        1
    );

    // The whole search: refused while the confirmed count is stale, then done.
    let acme_people = [("q", "acme.example")];
    let (status, error) = bulk_err(&root, &acme_people, "", "3", "sign_out_everywhere").await;
    assert_eq!(status, 409);
    assert!(
        error.to_string().contains("now matches 4 people, not 3"),
        "{error}"
    );
    assert!(acme.owner.me().await.is_some(), "nothing happened");
    let result = bulk_ok(&root, &acme_people, "", "4", "sign_out_everywhere").await;
    assert_eq!(
        (result.changed, result.unchanged, result.skipped),
        (3, 1, 0)
    );
    let unchanged: Vec<_> = result
        .lines
        .iter()
        .filter(|l| l.outcome == BulkOutcome::Unchanged)
        .collect();
    assert_eq!(unchanged.len(), 1);
    assert_eq!(unchanged[0].email, viewer_email);
    assert!(acme.owner.me().await.is_none());
    assert!(acme.admin.me().await.is_none());
    assert!(
        globex.owner.me().await.is_some(),
        "another search's people keep their sessions"
    );

    // Reactivating the deactivated: the viewer signs in again.
    let disabled = people(&root, &[("status", "disabled")]).await;
    assert_eq!(disabled.total, 1);
    assert_eq!(disabled.people[0].status, UserStatus::Disabled);
    let result = bulk_ok(&root, &[("status", "disabled")], "", "1", "activate").await;
    assert_eq!(result.changed, 1);
    let back = app.signed_in(&viewer_email, PASSWORD).await;
    assert!(back.me().await.is_some());

    // The caller's own account is left alone, and says why.
    let ids = format!("{root_id},{}", globex.viewer.me().await.unwrap().user_id);
    let result = bulk_ok(&root, &[], &ids, "", "deactivate").await;
    assert_eq!((result.changed, result.skipped), (1, 1));
    assert_eq!(result.lines[0].outcome, BulkOutcome::Skipped);
    assert!(root.me().await.is_some());

    // A forced password reset: the old password stops working, sessions end, and the
    // emailed link sets a new one.
    let admin = globex.admin.me().await.unwrap();
    let admin_email = admin.email.to_string();
    let result = bulk_ok(
        &root,
        &[],
        &admin.user_id.to_string(),
        "",
        "force_password_reset",
    )
    .await;
    assert_eq!(result.changed, 1);
    assert!(
        result.lines[0]
            .note
            .starts_with("Password reset, link emailed; 1 session ended"),
        "{}",
        result.lines[0].note
    );
    assert!(globex.admin.me().await.is_none());
    let (status, error) = app
        .browser()
        .call_err(
            "sign_in",
            &[("email", &admin_email), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(status, 401);
    assert_eq!(error, AppError::InvalidCredentials);
    let link = app.mailed_link(&admin_email, "/reset-password/").await;
    let token = link.rsplit('/').next().unwrap().to_owned();
    let _: () = app
        .browser()
        .call_ok(
            "reset_password",
            &[
                ("token", &token),
                ("new_password", "a brand new long password"),
            ],
        )
        .await;
    let renewed = app
        .signed_in(&admin_email, "a brand new long password")
        .await;
    assert!(renewed.me().await.is_some());

    // Bad input is named; people outside the console are refused, and nothing changes.
    let (status, error) = bulk_err(&root, &[], "", "1", "delete").await;
    assert_eq!(status, 422);
    assert!(matches!(error, AppError::Invalid { ref field, .. } if field == "action"));
    let (status, error) = bulk_err(&root, &[], "not-an-id", "", "activate").await;
    assert_eq!(status, 422);
    assert!(matches!(error, AppError::Invalid { ref field, .. } if field == "ids"));
    let globex_owner = globex.owner.me().await.unwrap().user_id.to_string();
    for member in [&acme.owner, &globex.owner, &back] {
        let (status, _) = bulk_err(member, &[], &globex_owner, "", "deactivate").await;
        assert!(status == 401 || status == 403, "{status}");
    }
    assert!(globex.owner.me().await.is_some());
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'platform.people_bulk_action'")
            .await,
        5
    );
}

async fn bulk_change(
    browser: &Browser,
    fields: &[(&str, &str)],
    ids: &str,
    expected: &str,
    change: [&str; 3],
) -> reqwest::Response {
    let mut args = form(fields);
    let [action, persona, role] = change;
    args.push(("ids".to_owned(), ids));
    args.push(("expected".to_owned(), expected));
    args.push(("action".to_owned(), action));
    args.push(("bulk_persona".to_owned(), persona));
    args.push(("bulk_role".to_owned(), role));
    let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    browser.call("bulk_people", &args).await
}

async fn roles_in(app: &TestApp, slug: &str, role: &str) -> i64 {
    app.count(&format!(
        "SELECT COUNT(*) FROM memberships m JOIN tenants t ON t.id = m.tenant_id
         WHERE t.slug = '{slug}' AND m.role = '{role}'"
    ))
    .await
}

#[tokio::test]
async fn bulk_role_changes_keep_every_workspace_an_owner_and_skip_non_members() {
    let app = spawn_app().await;
    let acme = org(&app, "Acme", "acme.example").await;
    let globex = org(&app, "Globex", "globex.example").await;
    let root = app.super_admin().await;
    let in_acme = [("tenant", acme.slug.as_str())];

    // Without a workspace to hold it, a role cannot be changed.
    let response = bulk_change(&root, &[], "", "9", ["change_role", "", "viewer"]).await;
    assert_eq!(response.status(), 422);
    let error: AppError = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    assert!(matches!(error, AppError::Invalid { ref field, .. } if field == "bulk_role"));

    // Everyone in acme becomes a viewer, except its only owner; the viewer already is one.
    let response = bulk_change(&root, &in_acme, "", "4", ["change_role", "", "viewer"]).await;
    assert_eq!(response.status(), 200);
    let result: BulkResult = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    assert_eq!(
        (result.changed, result.unchanged, result.skipped),
        (2, 1, 1)
    );
    assert_eq!(result.lines[0].outcome, BulkOutcome::Skipped);
    assert!(
        result.lines[0].note.contains("at least one owner"),
        "{}",
        result.lines[0].note
    );
    assert_eq!(roles_in(&app, &acme.slug, "viewer").await, 3);
    assert_eq!(roles_in(&app, &acme.slug, "owner").await, 1);
    let (status, _) = acme
        .admin
        .call_err(
            "invite_member",
            &[
                ("slug", &acme.slug),
                ("email", "x@acme.example"),
                ("role", "viewer"),
            ],
        )
        .await;
    assert_eq!(status, 403, "the former admin is a viewer at once");
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM audit_log a JOIN tenants t ON t.id = a.tenant_id
             WHERE a.action = 'member.role_changed' AND t.slug = '{}'",
            acme.slug
        ))
        .await,
        2
    );

    // A second owner first, then the first can step down; someone of another workspace
    // in the selection is skipped and keeps their role there.
    let admin_id = acme.admin.me().await.unwrap().user_id.to_string();
    let owner_id = acme.owner.me().await.unwrap().user_id.to_string();
    let stranger = globex.owner.me().await.unwrap().user_id.to_string();
    let response = bulk_change(&root, &in_acme, &admin_id, "", ["change_role", "", "owner"]).await;
    assert_eq!(response.status(), 200);
    let ids = format!("{owner_id},{stranger}");
    let response = bulk_change(&root, &in_acme, &ids, "", ["change_role", "", "consultant"]).await;
    assert_eq!(response.status(), 200);
    let result: BulkResult = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    assert_eq!((result.changed, result.skipped), (1, 1));
    assert!(
        result.lines[0].note.starts_with("Not a member of"),
        "{}",
        result.lines[0].note
    );
    assert_eq!(roles_in(&app, &acme.slug, "owner").await, 1);
    assert_eq!(roles_in(&app, &acme.slug, "consultant").await, 1);
    assert_eq!(roles_in(&app, &globex.slug, "owner").await, 1);

    // Only super admins change roles this way.
    let response = bulk_change(
        &acme.admin,
        &in_acme,
        &owner_id,
        "",
        ["change_role", "", "viewer"],
    )
    .await;
    assert_eq!(response.status(), 403);
    assert_eq!(roles_in(&app, &acme.slug, "consultant").await, 1);
}

#[tokio::test]
async fn bulk_persona_changes_open_and_close_dashboards_but_never_make_super_admins() {
    let app = spawn_app().await;
    let acme = org(&app, "Acme", "acme.example").await;
    let root = app.super_admin().await;
    let viewer = acme.viewer.me().await.unwrap();
    let id = viewer.user_id.to_string();

    let response = bulk_change(&root, &[], &id, "", ["grant_persona", "builder", ""]).await;
    assert_eq!(response.status(), 200);
    let result: BulkResult = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    assert_eq!(result.changed, 1);
    let me = acme.viewer.me().await.unwrap();
    assert!(me.personas.contains(Persona::Builder), "given at once");
    assert!(me.personas.contains(Persona::EndUser));

    // Taking End User away closes the end-user workspace; memberships stay.
    let response = bulk_change(&root, &[], &id, "", ["remove_persona", "end_user", ""]).await;
    assert_eq!(response.status(), 200);
    let (status, error) = acme
        .viewer
        .call_err("get_members_page", &[("slug", &acme.slug)])
        .await;
    assert_eq!(status, 403);
    assert!(error.to_string().contains("End User persona"), "{error}");
    assert_eq!(roles_in(&app, &acme.slug, "viewer").await, 1);
    let response = bulk_change(&root, &[], &id, "", ["remove_persona", "end_user", ""]).await;
    let result: BulkResult = serde_json::from_str(&response.text().await.unwrap()).unwrap();
    assert_eq!((result.changed, result.unchanged), (0, 1));
    let response = bulk_change(&root, &[], &id, "", ["grant_persona", "end_user", ""]).await;
    assert_eq!(response.status(), 200);
    let _: serde_json::Value = acme
        .viewer
        .call_ok("get_members_page", &[("slug", &acme.slug)])
        .await;

    // Super Admin is neither given nor taken here.
    for action in ["grant_persona", "remove_persona"] {
        let response = bulk_change(&root, &[], &id, "", [action, "super_admin", ""]).await;
        assert_eq!(response.status(), 422);
    }
    assert!(
        !acme
            .viewer
            .me()
            .await
            .unwrap()
            .personas
            .contains(Persona::SuperAdmin)
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE target = '{}'
             AND action IN ('platform.person_persona_given', 'platform.person_persona_taken')",
            viewer.email
        ))
        .await,
        3
    );
}

#[tokio::test]
async fn a_bulk_action_on_a_large_search_works_through_it_in_chunks() {
    let app = spawn_app().await;
    let root = app.super_admin().await;
    add_accounts(&app, 1_234).await;
    let fillers = [("q", "@bulk.example")];
    assert_eq!(people(&root, &fillers).await.total, 1_234);

    let result = bulk_ok(&root, &fillers, "", "1234", "deactivate").await;
    assert_eq!(
        (result.changed, result.unchanged, result.skipped),
        (1_234, 0, 0)
    );
    assert_eq!(result.lines.len(), shared::people::RESULT_LINES_MAX);
    assert!(
        result
            .lines
            .iter()
            .all(|l| l.note == "Deactivated; no session was open")
    );
    let disabled = people(&root, &[("q", "@bulk.example"), ("status", "disabled")]).await;
    assert_eq!(disabled.total, 1_234);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'platform.person_deactivated'")
            .await,
        1_234
    );

    // Again: nobody changes, and everyone is counted.
    let result = bulk_ok(&root, &fillers, "", "1234", "deactivate").await;
    assert_eq!((result.changed, result.unchanged), (0, 1_234));
    assert!(root.me().await.is_some());
}

#[tokio::test]
async fn a_persons_page_shows_their_workspaces_sessions_and_what_was_done_to_them() {
    let app = spawn_app().await;
    let acme = org(&app, "Acme", "acme.example").await;
    let root = app.super_admin().await;
    let viewer = acme.viewer.me().await.unwrap();
    let id = viewer.user_id.to_string();

    let detail: shared::people::PersonDetail = root.call_ok("get_person", &[("id", &id)]).await;
    assert_eq!(detail.person.email, viewer.email.to_string());
    assert_eq!(detail.workspaces.len(), 1);
    assert_eq!(detail.workspaces[0].tenant.slug.as_str(), acme.slug);
    assert_eq!(detail.workspaces[0].role, shared::permissions::Role::Viewer);
    assert_eq!(detail.sessions.len(), 1, "signed in once, when joining");
    let actions: Vec<&str> = detail.activity.iter().map(|e| e.action.as_str()).collect();
    assert!(actions.contains(&"invitation.accepted"), "{actions:?}");
    assert!(detail.usage.is_empty(), "{:?}", detail.usage);

    // What a person used is summed per workspace and metric, with the providers' cost.
    let usage = format!("/api/v1/tenants/{}/usage", acme.slug);
    for json in [
        r#"{"metric": "tokens", "quantity": 1200, "provider": "groq", "cost_minor": 5}"#,
        r#"{"metric": "tokens", "quantity": 300, "provider": "groq", "cost_minor": 2}"#,
        r#"{"metric": "api_calls", "quantity": 4}"#,
    ] {
        assert_eq!(
            acme.owner.api_post(&usage, json).await.status(),
            201,
            "{json}"
        );
    }
    let owner = acme.owner.me().await.unwrap().user_id.to_string();
    let detail: shared::people::PersonDetail = root.call_ok("get_person", &[("id", &owner)]).await;
    let used: Vec<(&str, &str, u64, String)> = detail
        .usage
        .iter()
        .map(|u| {
            (
                u.slug.as_str(),
                u.metric.as_str(),
                u.quantity,
                u.cost.format(),
            )
        })
        .collect();
    assert_eq!(
        used,
        vec![
            (acme.slug.as_str(), "api_calls", 4, "$0.00".to_owned()),
            (acme.slug.as_str(), "tokens", 1_500, "$0.07".to_owned()),
        ]
    );
    let html = root
        .page(&format!("/admin/users/{owner}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("Usage, last 30 days") && html.contains("1500"),
        "{html}"
    );
    let detail: shared::people::PersonDetail = root.call_ok("get_person", &[("id", &id)]).await;
    assert!(detail.usage.is_empty(), "the viewer used nothing");

    bulk_ok(&root, &[], &id, "", "deactivate").await;
    let detail: shared::people::PersonDetail = root.call_ok("get_person", &[("id", &id)]).await;
    assert_eq!(detail.person.status, UserStatus::Disabled);
    assert!(detail.sessions.is_empty());
    assert_eq!(detail.activity[0].action, "platform.person_deactivated");

    // The page renders it on the server; unknown people are 404, other personas 403.
    let html = root
        .page(&format!("/admin/users/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(&viewer.email.to_string()) && html.contains("platform.person_deactivated")
    );
    for bad in ["not-an-id", "0190e2b4-7c1a-7b3e-8000-000000000000"] {
        let (status, _) = root.call_err("get_person", &[("id", bad)]).await;
        assert_eq!(status, 404, "{bad}");
        assert_eq!(
            root.page(&format!("/admin/users/{bad}")).await.status(),
            404
        );
    }
    let (status, _) = acme.owner.call_err("get_person", &[("id", &id)]).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn a_search_downloads_as_csv_for_super_admins_only() {
    let app = spawn_app().await;
    let acme = org(&app, "Acme", "acme.example").await;
    let root = app.super_admin().await;
    let get = |browser: &Browser, query: &str| {
        let request = browser
            .client
            .get(browser.url(&format!("/api/v1/platform/users.csv{query}")));
        async move { request.send().await.unwrap() }
    };

    let response = get(&root, "?q=acme.example&sort=email").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "text/csv; charset=utf-8"
    );
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("atrium-users.csv")
    );
    let csv = response.text().await.unwrap();
    let lines: Vec<&str> = csv.trim().lines().collect();
    assert_eq!(
        lines[0],
        "email,name,personas,status,workspaces,two_factor,last_sign_in,joined,id"
    );
    assert_eq!(lines.len(), 5, "{csv}");
    assert!(lines[1].starts_with("admin"), "email order: {csv}");
    assert!(lines[4].starts_with("viewer"), "email order: {csv}");
    assert!(
        lines[1..]
            .iter()
            .all(|l| l.contains("@acme.example,") && l.contains(",end_user,active,1,off,"))
    );

    let response = get(&root, "?role=king").await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("role"));
    for member in [&acme.owner, &acme.viewer] {
        assert_eq!(get(member, "").await.status(), 403);
    }
    assert_eq!(get(&app.browser(), "").await.status(), 401);
}
