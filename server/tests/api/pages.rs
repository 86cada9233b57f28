//! How pages are delivered: a page split out of the main WebAssembly file preloads its
//! area's chunks with links the server puts in its head, from the build's split manifest.

use crate::helpers::*;

/// A site whose split manifest gives the workspace pages two chunks and billing one.
fn site_with_manifest() -> tempfile::TempDir {
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(site.path().join("pkg")).unwrap();
    std::fs::write(
        site.path().join("pkg/__wasm_split_manifest.json"),
        r#"{
            "workspace_pages_17": ["chunk_3", "split_workspace_pages_17"],
            "billing_pages_17": ["chunk_5"],
            "hydrate_embedded_widget_17": ["chunk_9"]
        }"#,
    )
    .unwrap();
    site
}

/// The split files (chunks and split modules) a page's head preloads, in order; the main
/// file's own preload is `HydrationScripts`'s.
fn preloaded(html: &str) -> Vec<String> {
    let head = &html[..html.find("</head>").expect("the page has a head")];
    head.split(r#"<link rel="preload" href=""#)
        .skip(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_owned())
        .filter(|file| file != "/pkg/atrium.wasm")
        .collect()
}

#[tokio::test]
async fn a_split_page_preloads_exactly_its_areas_chunks_every_time() {
    let site = site_with_manifest();
    let root = site.path().to_str().unwrap().to_owned();
    let app = spawn_app_with(|s| s.http.site_root = root).await;
    let (browser, home) = app
        .sign_up(
            "end_user",
            "Preloads",
            &unique_email("preload", "example.com"),
        )
        .await;

    // Every time: Leptos's own links depended on a race and were missing from some pages.
    for _ in 0..10 {
        let page = browser.page(&home).await;
        assert_eq!(page.status(), 200);
        assert!(!page.headers().contains_key("x-atrium-split-area"));
        let html = page.text().await.unwrap();
        assert_eq!(
            preloaded(&html),
            ["/pkg/chunk_3.wasm", "/pkg/split_workspace_pages_17.wasm"]
        );
        assert!(
            !html[html.find("</head>").unwrap()..].contains("chunk_"),
            "nothing else names a chunk"
        );
    }
    let members = browser.page(&format!("{home}/members")).await;
    assert_eq!(
        preloaded(&members.text().await.unwrap()),
        ["/pkg/chunk_3.wasm", "/pkg/split_workspace_pages_17.wasm"]
    );
    let billing = browser.page(&format!("{home}/billing")).await;
    assert_eq!(billing.status(), 200);
    assert_eq!(
        preloaded(&billing.text().await.unwrap()),
        ["/pkg/chunk_5.wasm"]
    );
    // A page in the main file (sign-in) preloads nothing.
    let login = app.browser().page("/login").await;
    assert!(preloaded(&login.text().await.unwrap()).is_empty());
}

/// A page's body is built while its data load and written out after the rest of the page:
/// whatever it holds (signals of its forms' errors, say) must live until then. Under
/// concurrent requests a body once outlived its owner and the render panicked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn workspace_pages_render_whole_under_concurrent_requests() {
    let app = spawn_app().await;
    let (browser, home) = app
        .sign_up(
            "end_user",
            "Concurrent",
            &unique_email("concurrent", "example.com"),
        )
        .await;
    // What each page shows from its data; the security page has seven sections, each
    // loading its own.
    let pages = [
        (home.clone(), vec![r#"data-testid="member-count""#]),
        (format!("{home}/members"), vec![r#"data-testid="members""#]),
        (
            format!("{home}/billing"),
            vec![r#"data-testid="current-plan""#],
        ),
        (
            format!("{home}/command-center"),
            vec![r#"data-testid="command-center""#],
        ),
        (
            "/account/security".to_owned(),
            vec![
                r#"data-testid="step-up"#,
                r#"aria-labelledby="password-title""#,
                r#"<span class="badge">Off</span>"#,
                r#"data-testid="no-trusted-devices""#,
                r#"data-testid="sessions""#,
                r#"data-testid="no-tokens""#,
                r#"<th scope="col">Outcome</th>"#,
                "Nobody has.",
            ],
        ),
    ];
    for (path, bodies) in pages {
        let responses = futures_util::future::join_all((0..24).map(|_| browser.page(&path))).await;
        for response in responses {
            assert_eq!(response.status(), 200, "{path}");
            let html = response.text().await.unwrap();
            for body in &bodies {
                assert!(html.contains(body), "{path} shows {body}");
            }
            assert!(html.contains("</html>"), "{path} is whole");
        }
    }
}

/// An address whose record id is not an id at all is as unknown as one naming no record: the
/// page says so and answers 404 (the page finds this itself, without asking the server).
#[tokio::test]
async fn a_page_for_a_malformed_id_answers_404() {
    let app = spawn_app().await;
    let (owner, home) = app
        .sign_up(
            "end_user",
            "Malformed",
            &unique_email("malformed", "example.com"),
        )
        .await;
    let (builder, studio) = app
        .sign_up(
            "builder",
            "Malformed Studio",
            &unique_email("studio", "example.com"),
        )
        .await;
    let admin = app.super_admin().await;
    let pages = [
        (&owner, format!("{home}/command-center/sessions/not-an-id")),
        (&owner, format!("{home}/templates/not-an-id")),
        (&owner, format!("{home}/support/not-an-id")),
        (&owner, format!("{home}/billing/invoices/not-an-id")),
        (&builder, format!("{studio}/widgets/not-an-id")),
        (&builder, format!("{studio}/projects/not-an-id")),
        (&builder, format!("{studio}/marketplace/not-an-id")),
        (&admin, "/admin/users/not-an-id".to_owned()),
        (&admin, "/admin/support/not-an-id".to_owned()),
    ];
    for (browser, path) in pages {
        let response = browser.page(&path).await;
        let status = response.status();
        let body = response.text().await.unwrap();
        assert!(body.contains("Error 404"), "{path} shows the error");
        assert_eq!(status, 404, "{path}");
    }
}

/// A workspace's page reached through the other persona's prefix that fails (here for a
/// malformed id, before it could redirect) still shows the workspace under its own persona.
#[tokio::test]
async fn a_failed_page_under_the_other_prefix_keeps_the_workspace_persona() {
    let app = spawn_app().await;
    let (builder, studio) = app
        .sign_up(
            "builder",
            "Prefix Studio",
            &unique_email("prefix", "example.com"),
        )
        .await;
    let slug = studio.trim_start_matches("/builder/");
    let response = builder
        .page(&format!("/app/{slug}/templates/not-an-id"))
        .await;
    assert_eq!(response.status(), 404);
    let body = response.text().await.unwrap();
    // The header's persona label, and the breadcrumb's first step.
    let persona = &body[body.find(r#"data-testid="persona""#).unwrap()..];
    let persona = &persona[persona.find('>').unwrap() + 1..];
    assert!(persona.starts_with("Builder<"), "{}", &persona[..40]);
    let first_step = format!(r#"<ol><li><a href="/builder/{slug}">Builder</a></li>"#);
    let trail = &body[body.find(r#"aria-label="Breadcrumb""#).unwrap()..];
    assert!(trail.contains(&first_step), "{}", &trail[..200]);
}
