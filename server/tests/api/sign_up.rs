use shared::AppError;

use crate::helpers::{PASSWORD, spawn_app, unique_email};

#[tokio::test]
async fn signing_up_creates_an_organization_and_signs_in() {
    let app = spawn_app().await;
    let email = unique_email("founder", "acme.example");
    let (browser, home) = app.sign_up("end_user", "Acme Corp", &email).await;
    assert_eq!(home, "/app/acme-corp");
    let me = browser.me().await.expect("signed in");
    assert_eq!(me.email.as_str(), email);
    assert_eq!(me.workspaces.len(), 1);
    assert_eq!(me.workspaces[0].role, shared::permissions::Role::Owner);
    assert_eq!(
        me.workspaces[0].tenant.variant,
        shared::platform::PlatformVariant::Standard
    );
    assert_eq!(me.home_path(), "/app/acme-corp");
    let page = browser.page("/app/acme-corp").await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Acme Corp"));
}

#[tokio::test]
async fn builders_get_a_builder_workspace_and_taken_names_get_a_suffix() {
    let app = spawn_app().await;
    let (_, first) = app
        .sign_up("builder", "Northwind", &unique_email("a", "nw.example"))
        .await;
    let (browser, second) = app
        .sign_up("builder", "Northwind", &unique_email("b", "nw.example"))
        .await;
    assert_eq!(first, "/builder/northwind");
    assert_eq!(second, "/builder/northwind-2");
    let me = browser.me().await.unwrap();
    assert!(me.personas.contains(shared::personas::Persona::Builder));
    assert_eq!(
        me.workspaces[0].tenant.variant,
        shared::platform::PlatformVariant::Partner
    );
}

#[tokio::test]
async fn bad_input_is_refused_field_by_field_and_nothing_is_created() {
    let app = spawn_app().await;
    let browser = app.browser();
    let cases = [
        (("", "ok@x.example", PASSWORD, "Org"), "name"),
        (("Pat", "not-an-email", PASSWORD, "Org"), "email"),
        (("Pat", "pat@x.example", "short", "Org"), "password"),
        (("Pat", "pat@x.example", PASSWORD, "   "), "organization"),
    ];
    for ((name, email, password, organization), field) in cases {
        let (status, error) = browser
            .call_err(
                "sign_up",
                &[
                    ("name", name),
                    ("email", email),
                    ("password", password),
                    ("organization", organization),
                    ("kind", "end_user"),
                ],
            )
            .await;
        assert_eq!(status, 422, "{field}");
        assert_eq!(error.field(), Some(field), "{error:?}");
    }
    let (status, error) = browser
        .call_err(
            "sign_up",
            &[
                ("name", "Pat"),
                ("email", "pat@x.example"),
                ("password", PASSWORD),
                ("organization", "Org"),
                ("kind", "wizard"),
            ],
        )
        .await;
    assert_eq!(status, 422);
    assert!(matches!(error, AppError::Invalid { .. }));
    assert!(browser.me().await.is_none(), "no session was opened");
}

#[tokio::test]
async fn an_email_or_address_already_in_use_is_a_conflict() {
    let app = spawn_app().await;
    let email = unique_email("dup", "acme.example");
    app.sign_up("end_user", "Acme", &email).await;
    let (status, error) = app
        .browser()
        .call_err(
            "sign_up",
            &[
                ("name", "Pat"),
                ("email", &email),
                ("password", PASSWORD),
                ("organization", "Other"),
                ("kind", "end_user"),
            ],
        )
        .await;
    assert_eq!(status, 409);
    assert!(error.to_string().contains("already exists"), "{error}");

    let (status, error) = app
        .browser()
        .call_err(
            "sign_up",
            &[
                ("name", "Pat"),
                ("email", &unique_email("other", "acme.example")),
                ("password", PASSWORD),
                ("organization", "Other"),
                ("slug", "acme"),
                ("kind", "end_user"),
            ],
        )
        .await;
    assert_eq!(status, 409);
    assert!(error.to_string().contains("“acme” is taken"), "{error}");
}
