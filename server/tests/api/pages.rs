//! How pages are delivered: the chunks a split page needs are preloaded by one header, built
//! from the build's split manifest.

use crate::helpers::*;

/// A site whose split manifest gives the end-user home two chunks and the members page one.
fn site_with_manifest() -> tempfile::TempDir {
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(site.path().join("pkg")).unwrap();
    std::fs::write(
        site.path().join("pkg/__wasm_split_manifest.json"),
        r#"{
            "__end_user_home_route_view_17": ["chunk_3", "chunk_8"],
            "__end_user_members_route_view_17": ["chunk_5"],
            "hydrate_embedded_widget_17": ["chunk_9"]
        }"#,
    )
    .unwrap();
    site
}

#[tokio::test]
async fn a_split_page_preloads_exactly_its_chunks_in_one_header() {
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

    let page = browser.page(&home).await;
    assert_eq!(page.status(), 200);
    let links: Vec<_> = page
        .headers()
        .get_all(http::header::LINK)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        links,
        ["</pkg/chunk_3.wasm>;rel=preload;as=fetch;crossorigin,\
          </pkg/chunk_8.wasm>;rel=preload;as=fetch;crossorigin"]
    );
    let html = page.text().await.unwrap();
    assert!(
        !html.contains("chunk_"),
        "no chunk link is rendered into the page itself"
    );

    let members = browser.page(&format!("{home}/members")).await;
    assert_eq!(
        members.headers()[http::header::LINK],
        "</pkg/chunk_5.wasm>;rel=preload;as=fetch;crossorigin"
    );
    // A page in the main file (sign-in) preloads nothing.
    let login = app.browser().page("/login").await;
    assert!(!login.headers().contains_key(http::header::LINK));
}
