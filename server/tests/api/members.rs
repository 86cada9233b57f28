use shared::AppError;
use shared::members::{CreatedInvitation, MembersPage};
use shared::permissions::Role;

use crate::helpers::{Browser, PASSWORD, TestApp, spawn_app, unique_email};

/// An organization with an owner, plus one member per other role, each signed in.
pub struct Org {
    pub slug: String,
    pub owner: Browser,
    pub admin: Browser,
    pub consultant: Browser,
    pub viewer: Browser,
}

/// Invites `email` as `role` and accepts by creating the account; returns their browser.
pub async fn add_member(
    app: &TestApp,
    inviter: &Browser,
    slug: &str,
    email: &str,
    role: Role,
) -> Browser {
    let created: CreatedInvitation = inviter
        .call_ok(
            "invite_member",
            &[("slug", slug), ("email", email), ("role", role.as_str())],
        )
        .await;
    let token = created.link.rsplit('/').next().unwrap().to_owned();
    let browser = app.browser();
    let path: String = browser
        .call_ok(
            "join_with_invitation",
            &[
                ("token", &token),
                ("name", "New Member"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert!(path.ends_with(slug), "{path}");
    browser
}

pub async fn org(app: &TestApp, name: &str, domain: &str) -> Org {
    org_of(app, "end_user", name, domain).await
}

/// An end-user workspace as [`org`] makes it, on the Pro plan (custom process templates and
/// outbound webhooks are Pro features). The plan is set in the database: the console's path
/// to it is tested with the console.
pub async fn pro_org(app: &TestApp, name: &str, domain: &str) -> Org {
    let org = org(app, name, domain).await;
    app.exec(&format!(
        "UPDATE tenants SET plan_tier = 'pro' WHERE slug = '{}'",
        org.slug
    ))
    .await;
    org
}

/// A builder workspace with an owner and one member per other role.
pub async fn builder_org(app: &TestApp, name: &str, domain: &str) -> Org {
    org_of(app, "builder", name, domain).await
}

async fn org_of(app: &TestApp, kind: &str, name: &str, domain: &str) -> Org {
    let (owner, home) = app
        .sign_up(kind, name, &unique_email("owner", domain))
        .await;
    let slug = home.rsplit('/').next().unwrap().to_owned();
    let admin = add_member(
        app,
        &owner,
        &slug,
        &unique_email("admin", domain),
        Role::Admin,
    )
    .await;
    let consultant = add_member(
        app,
        &owner,
        &slug,
        &unique_email("consultant", domain),
        Role::Consultant,
    )
    .await;
    let viewer = add_member(
        app,
        &owner,
        &slug,
        &unique_email("viewer", domain),
        Role::Viewer,
    )
    .await;
    Org {
        slug,
        owner,
        admin,
        consultant,
        viewer,
    }
}

async fn page(browser: &Browser, slug: &str) -> MembersPage {
    browser.call_ok("get_members_page", &[("slug", slug)]).await
}

fn member_id(page: &MembersPage, role: Role) -> String {
    page.members
        .iter()
        .find(|m| m.role == role)
        .unwrap()
        .user_id
        .to_string()
}

#[tokio::test]
async fn owners_and_admins_manage_members_and_changes_take_effect() {
    let app = spawn_app().await;
    let org = org(&app, "Acme", "acme.example").await;
    let members = page(&org.owner, &org.slug).await;
    assert_eq!(members.members.len(), 4);
    assert_eq!(members.assignable_roles, Role::ALL.to_vec());

    // The viewer cannot invite; promoted to admin, they can.
    let (status, _) = org
        .viewer
        .call_err(
            "invite_member",
            &[
                ("slug", &org.slug),
                ("email", "x@acme.example"),
                ("role", "viewer"),
            ],
        )
        .await;
    assert_eq!(status, 403);
    let viewer_id = member_id(&members, Role::Viewer);
    org.owner
        .call_ok::<()>(
            "change_member_role",
            &[
                ("slug", &org.slug),
                ("user_id", &viewer_id),
                ("role", "admin"),
            ],
        )
        .await;
    let _: CreatedInvitation = org
        .viewer
        .call_ok(
            "invite_member",
            &[
                ("slug", &org.slug),
                ("email", "x@acme.example"),
                ("role", "viewer"),
            ],
        )
        .await;

    // An admin removes the consultant, who then cannot see the workspace.
    let consultant_id = member_id(&members, Role::Consultant);
    org.admin
        .call_ok::<()>(
            "remove_member",
            &[("slug", &org.slug), ("user_id", &consultant_id)],
        )
        .await;
    let (status, _) = org
        .consultant
        .call_err("get_members_page", &[("slug", &org.slug)])
        .await;
    assert_eq!(status, 404);
    assert_eq!(page(&org.owner, &org.slug).await.members.len(), 3);

    let since = chrono::Utc::now() - chrono::TimeDelta::minutes(5);
    let store = app.services.store();
    assert_eq!(
        store
            .audit_entries("member.role_changed", since, 10)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        store
            .audit_entries("member.removed", since, 10)
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        store
            .audit_entries("invitation.created", since, 10)
            .await
            .unwrap()
            .len()
            >= 4
    );
}

#[tokio::test]
async fn viewers_and_consultants_change_nothing_even_bypassing_the_ui() {
    let app = spawn_app().await;
    let org = org(&app, "Acme", "acme.example").await;
    let members = page(&org.owner, &org.slug).await;
    let owner_id = member_id(&members, Role::Owner);
    for browser in [&org.viewer, &org.consultant] {
        let seen = page(browser, &org.slug).await;
        assert!(seen.assignable_roles.is_empty(), "the UI offers no changes");
        assert!(seen.invitations.is_none(), "nor pending invitations");
        for (function, form) in [
            (
                "change_member_role",
                vec![
                    ("slug", org.slug.as_str()),
                    ("user_id", owner_id.as_str()),
                    ("role", "viewer"),
                ],
            ),
            (
                "remove_member",
                vec![("slug", org.slug.as_str()), ("user_id", owner_id.as_str())],
            ),
            (
                "invite_member",
                vec![
                    ("slug", org.slug.as_str()),
                    ("email", "y@acme.example"),
                    ("role", "viewer"),
                ],
            ),
        ] {
            let (status, error) = browser.call_err(function, &form).await;
            assert_eq!(status, 403, "{function}");
            assert!(error.to_string().contains("does not allow"), "{error}");
        }
    }
    assert_eq!(
        page(&org.owner, &org.slug).await.members,
        members.members,
        "nothing changed"
    );
}

#[tokio::test]
async fn admins_cannot_touch_owners_and_the_last_owner_stays() {
    let app = spawn_app().await;
    let org = org(&app, "Acme", "acme.example").await;
    let members = page(&org.owner, &org.slug).await;
    let owner_id = member_id(&members, Role::Owner);
    let viewer_id = member_id(&members, Role::Viewer);
    assert_eq!(
        page(&org.admin, &org.slug).await.assignable_roles,
        vec![Role::Admin, Role::Consultant, Role::Viewer]
    );

    let (status, _) = org
        .admin
        .call_err(
            "change_member_role",
            &[
                ("slug", &org.slug),
                ("user_id", &owner_id),
                ("role", "viewer"),
            ],
        )
        .await;
    assert_eq!(status, 403);
    let (status, _) = org
        .admin
        .call_err(
            "change_member_role",
            &[
                ("slug", &org.slug),
                ("user_id", &viewer_id),
                ("role", "owner"),
            ],
        )
        .await;
    assert_eq!(status, 403, "admins cannot make owners");
    let (status, _) = org
        .admin
        .call_err(
            "invite_member",
            &[
                ("slug", &org.slug),
                ("email", "boss@acme.example"),
                ("role", "owner"),
            ],
        )
        .await;
    assert_eq!(status, 403, "nor invite them");

    let (status, error) = org
        .owner
        .call_err(
            "change_member_role",
            &[
                ("slug", &org.slug),
                ("user_id", &owner_id),
                ("role", "admin"),
            ],
        )
        .await;
    assert_eq!(status, 409);
    assert!(error.to_string().contains("at least one owner"));
    let (status, _) = org
        .owner
        .call_err(
            "remove_member",
            &[("slug", &org.slug), ("user_id", &owner_id)],
        )
        .await;
    assert_eq!(status, 409, "the last owner cannot leave");

    org.owner
        .call_ok::<()>(
            "change_member_role",
            &[
                ("slug", &org.slug),
                ("user_id", &viewer_id),
                ("role", "owner"),
            ],
        )
        .await;
    org.owner
        .call_ok::<()>(
            "change_member_role",
            &[
                ("slug", &org.slug),
                ("user_id", &owner_id),
                ("role", "admin"),
            ],
        )
        .await;
    let after = page(&org.viewer, &org.slug).await;
    assert_eq!(
        after.my_role,
        Role::Owner,
        "the promoted viewer now owns the organization"
    );
}

#[tokio::test]
async fn bad_member_input_gets_specific_errors() {
    let app = spawn_app().await;
    let org = org(&app, "Acme", "acme.example").await;
    let (status, error) = org
        .owner
        .call_err(
            "invite_member",
            &[("slug", &org.slug), ("email", "nope"), ("role", "viewer")],
        )
        .await;
    assert_eq!((status.as_u16(), error.field()), (422, Some("email")));
    let (status, _) = org
        .owner
        .call_err(
            "invite_member",
            &[
                ("slug", &org.slug),
                ("email", "a@acme.example"),
                ("role", "emperor"),
            ],
        )
        .await;
    assert_eq!(status, 422);
    let members = page(&org.owner, &org.slug).await;
    let existing = members
        .members
        .iter()
        .find(|m| m.role == Role::Viewer)
        .unwrap()
        .email
        .to_string();
    let (status, error) = org
        .owner
        .call_err(
            "invite_member",
            &[
                ("slug", &org.slug),
                ("email", &existing),
                ("role", "viewer"),
            ],
        )
        .await;
    assert_eq!(status, 409);
    assert!(error.to_string().contains("already a member"), "{error}");
    let (status, _) = org
        .owner
        .call_err(
            "change_member_role",
            &[
                ("slug", &org.slug),
                ("user_id", "not-an-id"),
                ("role", "viewer"),
            ],
        )
        .await;
    assert_eq!(status, 422);
    let (status, error) = org
        .owner
        .call_err(
            "change_member_role",
            &[
                ("slug", &org.slug),
                ("user_id", &uuid::Uuid::new_v4().to_string()),
                ("role", "viewer"),
            ],
        )
        .await;
    assert_eq!(status, 404);
    assert!(matches!(error, AppError::NotFound { .. }));
}
