//! Widgets on customers' sites: the embedded document is framed only by the sites its live
//! version allows and carries a signed visit; what visitors send becomes contacts and feedback
//! of the widget's workspace — checked by the shared rules, refused without a visit the server
//! signed for that widget and site, rate-limited per address, and announced live.

use reqwest::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERER, X_FRAME_OPTIONS};
use shared::ids::WidgetId;
use shared::live::{Change, ServerMessage};
use shared::widgets::submissions::{ContactsPage, SubmissionReceipt};
use shared::widgets::{AllowedOrigin, WidgetDetail};

use crate::command_center::{Tab, open_tab};
use crate::helpers::{Browser, TestApp, spawn_app, spawn_app_with};
use crate::members::{Org, builder_org};

const SHOP: &str = "https://shop.example.com";

/// A widget of `kind` made from its first preset, allowed on [`SHOP`] and published.
pub(crate) async fn published(team: &Org, name: &str, kind: &str) -> WidgetId {
    let slug = team.slug.as_str();
    let id: WidgetId = team
        .owner
        .call_ok(
            "create_widget",
            &[
                ("slug", slug),
                ("name", name),
                ("kind", kind),
                ("preset", "clean"),
            ],
        )
        .await;
    let detail: WidgetDetail = team
        .owner
        .call_ok("get_widget", &[("slug", slug), ("id", &id.to_string())])
        .await;
    let mut config = detail.draft;
    config.allowed_origins = vec![AllowedOrigin::parse(SHOP).unwrap()];
    let _: () = team
        .owner
        .call_ok(
            "save_widget",
            &[
                ("slug", slug),
                ("id", &id.to_string()),
                ("name", name),
                ("config", &config.to_json()),
            ],
        )
        .await;
    let _: i32 = team
        .owner
        .call_ok("publish_widget", &[("slug", slug), ("id", &id.to_string())])
        .await;
    id
}

/// The widget's document as a frame on `site` asks for it.
pub(crate) async fn framed(app: &TestApp, id: &str, site: Option<&str>) -> reqwest::Response {
    let mut request = app
        .browser()
        .client
        .get(format!("{}/embed/{id}", app.address))
        .header("sec-fetch-dest", "iframe");
    if let Some(site) = site {
        request = request.header(REFERER, format!("{site}/pricing?plan=pro"));
    }
    request.send().await.unwrap()
}

/// A visit signed for `widget` on `site`, as its document carries it.
async fn visit(app: &TestApp, widget: WidgetId, site: Option<&str>) -> String {
    services::widgets::embed::visit(&app.services, widget, None, site)
        .await
        .unwrap_or_else(|e| panic!("visit: {}", e.into_app_error()))
        .visit
}

pub(crate) async fn submit(
    visitor: &Browser,
    widget: WidgetId,
    site: Option<&str>,
    visit: &str,
    submission: &str,
) -> reqwest::Response {
    let widget = widget.to_string();
    let mut form = vec![
        ("widget", widget.as_str()),
        ("visit", visit),
        ("submission", submission),
    ];
    if let Some(site) = site {
        form.push(("site", site));
    }
    visitor.call("submit_widget", &form).await
}

pub(crate) fn lead(name: &str, email: &str, message: &str) -> String {
    serde_json::json!({
        "kind": "lead_form",
        "answers": [
            {"key": "name", "value": name},
            {"key": "email", "value": email},
            {"key": "message", "value": message},
        ]
    })
    .to_string()
}

/// A live tab of `browser` subscribed to `topic` of the workspace `slug`.
pub(crate) async fn watching(app: &TestApp, browser: &Browser, slug: &str, topic: &str) -> Tab {
    let mut tab = open_tab(&app.address, browser, Some(&app.address))
        .await
        .unwrap();
    tab.send(&format!(
        r#"{{"type":"subscribe","slug":"{slug}","topics":["{topic}"],"since":null}}"#
    ))
    .await;
    assert!(matches!(
        tab.next(5000).await,
        Some(ServerMessage::Subscribed { .. })
    ));
    tab
}

pub(crate) async fn status_and_text(response: reqwest::Response) -> (u16, String) {
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

#[tokio::test]
async fn the_document_is_framed_only_by_the_sites_its_live_version_allows() {
    let app = spawn_app().await;
    let team = builder_org(&app, "Frame Works", "frame-works.example").await;
    let draft: WidgetId = team
        .owner
        .call_ok(
            "create_widget",
            &[
                ("slug", &team.slug),
                ("name", "Unpublished"),
                ("kind", "lead_form"),
                ("preset", "clean"),
            ],
        )
        .await;
    // Never published, unknown, or not an id at all: the same "not found".
    for id in [
        draft.to_string(),
        uuid::Uuid::now_v7().to_string(),
        "nope".into(),
    ] {
        let (status, body) = status_and_text(framed(&app, &id, Some(SHOP)).await).await;
        assert_eq!(status, 404, "{id}: {body}");
        assert!(body.contains("This widget was not found"), "{body}");
        assert!(!body.contains("Frame Works"), "{body}");
    }

    let id = published(&team, "Contact form", "lead_form").await;
    let response = framed(&app, &id.to_string(), Some(SHOP)).await;
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    let csp = headers[CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(
        csp.ends_with(&format!("frame-ancestors {SHOP}")),
        "framed only by the allowed site: {csp}"
    );
    assert!(csp.contains("script-src 'self' 'nonce-"), "{csp}");
    assert!(
        headers.get(X_FRAME_OPTIONS).is_none(),
        "X-Frame-Options would forbid every frame"
    );
    assert_eq!(headers[CACHE_CONTROL], "no-store");
    let body = response.text().await.unwrap();
    assert!(body.contains("Talk to us"), "the live version's title");
    assert!(body.contains("/embed-frame.js"), "the sizing script");
    assert!(body.contains("--aw-primary: #"), "themed before hydration");

    // Pages elsewhere are refused, and so the document says, in case a browser shows it.
    let (status, body) =
        status_and_text(framed(&app, &id.to_string(), Some("https://evil.example")).await).await;
    assert_eq!(status, 403, "{body}");
    assert!(
        body.contains("may not be shown on https://evil.example"),
        "{body}"
    );
    // Atrium's own pages keep refusing every frame.
    let browser = app.browser();
    let home = browser
        .client
        .get(browser.url("/login"))
        .send()
        .await
        .unwrap();
    assert_eq!(home.headers()[X_FRAME_OPTIONS], "DENY");
    assert!(
        home.headers()[CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );

    // A suspended workspace's widgets are "not available", saying nothing of why.
    let _: () = app
        .super_admin()
        .await
        .call_ok(
            "set_tenant_status",
            &[("slug", &team.slug), ("status", "suspended")],
        )
        .await;
    let (status, body) = status_and_text(framed(&app, &id.to_string(), Some(SHOP)).await).await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("not available right now"), "{body}");
    assert!(
        !body.contains("Frame Works") && !body.contains("suspended"),
        "{body}"
    );
}

#[tokio::test]
async fn the_editors_preview_document_is_sandboxed_framed_only_by_atrium_and_holds_no_data() {
    let app = spawn_app().await;
    // Nobody signed in, as a sandboxed frame asks (its opaque origin sends no cookie of ours).
    let response = app
        .browser()
        .client
        .get(format!("{}/embed/preview", app.address))
        .header("sec-fetch-dest", "iframe")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    let csp = headers[CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(
        csp.ends_with("frame-ancestors 'self'; sandbox allow-scripts"),
        "framed by Atrium only, sandboxed whoever opens it: {csp}"
    );
    assert!(csp.contains("script-src 'self' 'nonce-"), "{csp}");
    assert!(
        headers.get(X_FRAME_OPTIONS).is_none(),
        "the editor frames it"
    );
    assert_eq!(headers[CACHE_CONTROL], "no-store");
    let body = response.text().await.unwrap();
    assert!(body.contains(r#"data-embed="preview""#), "{body}");
    assert!(
        body.contains(r#"<main data-preview="true" class="embed-frame"><!></main>"#),
        "an empty frame: {body}"
    );
    assert!(body.contains("/embed-frame.js"), "the sizing script");
    assert!(
        !body.contains("aw-widget") && !body.contains("data-visit"),
        "nothing is drawn before the editor posts its draft, and nothing can be sent: {body}"
    );
    // `/embed/{widget}` stays the published widgets' document.
    let (status, _) = status_and_text(framed(&app, "preview-not", Some(SHOP)).await).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn a_widget_that_follows_the_branding_is_drawn_in_it_published_versions_included() {
    let app = spawn_app().await;
    let team = builder_org(&app, "Brand Works", "brand-works.example").await;
    let admin = app.super_admin().await;
    let id = published(&team, "Contact form", "lead_form").await;
    let drawn = || async {
        let (status, body) = status_and_text(framed(&app, &id.to_string(), Some(SHOP)).await).await;
        assert_eq!(status, 200, "{body}");
        body
    };
    let brand = |accent: &'static str| {
        let admin = admin.clone();
        let slug = team.slug.clone();
        async move {
            let _: () = admin
                .call_ok(
                    "set_tenant_branding",
                    &[("slug", &slug), ("accent", accent), ("font", "serif")],
                )
                .await;
        }
    };
    crate::tenant_console::white_label(&admin, &team.slug).await;
    let own = drawn().await;
    assert!(own.contains("--aw-primary: #2563eb"), "{own}");

    // Branded, a widget that does not follow it keeps its own look.
    brand("#aa3300").await;
    assert!(drawn().await.contains("--aw-primary: #2563eb"));
    let detail: WidgetDetail = team
        .owner
        .call_ok(
            "get_widget",
            &[("slug", &team.slug), ("id", &id.to_string())],
        )
        .await;
    assert_eq!(detail.branding.accent.as_ref().unwrap().as_str(), "#aa3300");

    // Following it: the editor's rule and the embedded document draw the same thing.
    let mut config = detail.draft;
    config.theme.brand = true;
    let _: () = team
        .owner
        .call_ok(
            "save_widget",
            &[
                ("slug", &team.slug),
                ("id", &id.to_string()),
                ("name", "Contact form"),
                ("config", &config.to_json()),
            ],
        )
        .await;
    let _: i32 = team
        .owner
        .call_ok(
            "publish_widget",
            &[("slug", &team.slug), ("id", &id.to_string())],
        )
        .await;
    let body = drawn().await;
    let expected = config.branded(&detail.branding);
    assert_eq!(expected.theme.primary.as_str(), "#aa3300");
    assert!(body.contains("--aw-primary: #aa3300"), "{body}");
    assert!(body.contains("--aw-font: Georgia"), "{body}");

    // A new accent reaches the live version without publishing again.
    brand("#116633").await;
    let body = drawn().await;
    assert!(
        body.contains("--aw-primary: #116633") && !body.contains("#aa3300"),
        "{body}"
    );
}

#[tokio::test]
async fn what_visitors_send_becomes_contacts_and_feedback_live() {
    let app = spawn_app().await;
    let team = builder_org(&app, "Lead Works", "lead-works.example").await;
    let slug = team.slug.as_str();
    let form = published(&team, "Contact form", "lead_form").await;
    let mut tab = watching(&app, &team.viewer, slug, "submissions").await;

    // A visitor has no session: the signed visit of the page admits what they send.
    let visitor = app.browser();
    let visit_shop = visit(&app, form, Some(SHOP)).await;
    let receipt: SubmissionReceipt = serde_json::from_str(
        &submit(
            &visitor,
            form,
            Some(SHOP),
            &visit_shop,
            &lead("Ada Lovelace", "Ada@Example.com", "A quote, please"),
        )
        .await
        .text()
        .await
        .unwrap(),
    )
    .unwrap();
    match tab.next(5000).await {
        Some(ServerMessage::Event { event, .. }) => {
            assert!(
                matches!(event.change, Change::Submission { widget, contact: Some(_) } if widget == form)
            );
        }
        other => panic!("expected the submission live: {other:?}"),
    }
    // The same person again updates their contact; they are one contact.
    assert_eq!(
        submit(
            &visitor,
            form,
            Some(SHOP),
            &visit_shop,
            &lead("Ada L.", "ada@example.com", "")
        )
        .await
        .status(),
        200
    );
    let page: ContactsPage = team.viewer.call_ok("get_contacts", &[("slug", slug)]).await;
    assert_eq!(page.contacts.len(), 1);
    let ada = &page.contacts[0];
    assert_eq!(
        (ada.email.as_str(), ada.name.as_deref(), ada.submissions),
        ("ada@example.com", Some("Ada L."), 2)
    );
    assert_eq!(ada.origin.as_deref(), Some(SHOP));
    assert_eq!(
        ada.widget.as_ref().map(ToString::to_string).as_deref(),
        Some("Contact form")
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM widget_submissions WHERE id = '{}' OR kind = 'lead_form'",
            receipt.id
        ))
        .await,
        2
    );

    // Each refusal has its status and names what to fix; nothing is kept.
    let refusals = [
        (
            submit(
                &visitor,
                form,
                Some(SHOP),
                &visit_shop,
                &lead("Bob", "bob@", ""),
            )
            .await,
            422,
            "answers.email",
        ),
        (
            submit(
                &visitor,
                form,
                Some(SHOP),
                &visit_shop,
                &lead("", "bob@example.com", ""),
            )
            .await,
            422,
            "answers.name",
        ),
        (
            submit(
                &visitor,
                form,
                Some(SHOP),
                &visit_shop,
                "{\"kind\": \"lead_form\"",
            )
            .await,
            422,
            "submission",
        ),
        (
            submit(
                &visitor,
                form,
                Some(SHOP),
                &visit_shop,
                r#"{"kind": "feedback", "score": 9}"#,
            )
            .await,
            422,
            "kind",
        ),
        // A visit signed for no site, or another site, or forged, admits nothing here.
        (
            submit(
                &visitor,
                form,
                Some(SHOP),
                &visit(&app, form, None).await,
                &lead("Eve", "eve@example.com", ""),
            )
            .await,
            403,
            "",
        ),
        (
            submit(
                &visitor,
                form,
                Some(SHOP),
                "4102444800.deadbeef",
                &lead("Eve", "eve@example.com", ""),
            )
            .await,
            403,
            "",
        ),
    ];
    for (response, status, field) in refusals {
        let (got, body) = status_and_text(response).await;
        assert_eq!(got, status, "{body}");
        if !field.is_empty() {
            let error: shared::AppError = serde_json::from_str(&body).unwrap();
            assert_eq!(error.field(), Some(field), "{body}");
        }
    }
    // A visit for another widget does not carry over.
    let prompt = published(&team, "How did we do", "feedback").await;
    let (status, _) = status_and_text(
        submit(
            &visitor,
            prompt,
            Some(SHOP),
            &visit_shop,
            r#"{"kind": "feedback", "score": 9}"#,
        )
        .await,
    )
    .await;
    assert_eq!(status, 403);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM widget_submissions").await,
        2
    );

    // Feedback is kept with its score, and a score off the scale is refused.
    let visit_prompt = visit(&app, prompt, Some(SHOP)).await;
    let (status, body) = status_and_text(
        submit(
            &visitor,
            prompt,
            Some(SHOP),
            &visit_prompt,
            r#"{"kind": "feedback", "score": 11}"#,
        )
        .await,
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("from 0 to 10"), "{body}");
    assert_eq!(
        submit(
            &visitor,
            prompt,
            Some(SHOP),
            &visit_prompt,
            r#"{"kind": "feedback", "score": 9, "comment": "Quick answers"}"#,
        )
        .await
        .status(),
        200
    );
    let page: ContactsPage = team.owner.call_ok("get_contacts", &[("slug", slug)]).await;
    assert_eq!(page.feedback.len(), 1);
    assert_eq!(
        (page.feedback[0].score, page.feedback[0].comment.as_str()),
        (9, "Quick answers")
    );
    assert_eq!(page.contacts.len(), 1, "feedback makes no contact");
}

#[tokio::test]
async fn a_flood_from_one_address_is_slowed_down() {
    let app = spawn_app_with(|s| s.widgets.submissions_per_minute_per_ip = 3).await;
    let team = builder_org(&app, "Flood Works", "flood-works.example").await;
    let form = published(&team, "Contact form", "lead_form").await;
    let visit = visit(&app, form, Some(SHOP)).await;
    let visitor = app.browser();
    for n in 0..3 {
        let email = format!("visitor{n}@example.com");
        let response = submit(&visitor, form, Some(SHOP), &visit, &lead("V", &email, "")).await;
        assert_eq!(response.status(), 200);
    }
    let response = submit(
        &visitor,
        form,
        Some(SHOP),
        &visit,
        &lead("V", "more@example.com", ""),
    )
    .await;
    assert_eq!(response.status(), 429);
    assert!(response.headers().get("retry-after").is_some());
    assert_eq!(app.count("SELECT COUNT(*) FROM contacts").await, 3);
    // The builder's own pages are not slowed by it.
    let page: ContactsPage = team
        .owner
        .call_ok("get_contacts", &[("slug", &team.slug)])
        .await;
    assert_eq!(page.contacts.len(), 3);
}

pub(crate) async fn report(app: &TestApp, widget: WidgetId, body: &str) -> reqwest::Response {
    app.browser()
        .api_post(&format!("/api/v1/widgets/{widget}/events"), body)
        .await
}

#[tokio::test]
async fn widgets_report_usage_that_adds_up_to_their_analytics() {
    let app = spawn_app().await;
    let team = builder_org(&app, "Count Works", "count-works.example").await;
    let slug = team.slug.as_str();
    let form = published(&team, "Contact form", "lead_form").await;
    let mut tab = watching(&app, &team.viewer, slug, "widget_stats").await;

    let visit_shop = visit(&app, form, Some(SHOP)).await;
    let batch = |events: &str| {
        format!(r#"{{"visit": "{visit_shop}", "site": "{SHOP}", "events": [{events}]}}"#)
    };
    let first = report(
        &app,
        form,
        &batch(r#"{"kind": "impression"}, {"kind": "load", "ms": 180}, {"kind": "interaction"}"#),
    )
    .await;
    assert_eq!(first.status(), 202);
    assert_eq!(first.text().await.unwrap(), r#"{"accepted":3}"#);
    match tab.next(5000).await {
        Some(ServerMessage::Event { event, .. }) => {
            assert_eq!(event.change, Change::WidgetStats { widget: form });
        }
        other => panic!("expected a stats notice: {other:?}"),
    }
    for ms in [40, 60, 2400] {
        let events = format!(r#"{{"kind": "impression"}}, {{"kind": "load", "ms": {ms}}}"#);
        assert_eq!(report(&app, form, &batch(&events)).await.status(), 202);
    }
    assert_eq!(
        report(
            &app,
            form,
            &batch(r#"{"kind": "error", "message": "TypeError: x is undefined"}"#)
        )
        .await
        .status(),
        202
    );
    // A lead form sent counts as a submission of the day.
    assert_eq!(
        submit(
            &app.browser(),
            form,
            Some(SHOP),
            &visit_shop,
            &lead("Ada", "ada@example.com", "")
        )
        .await
        .status(),
        200
    );

    // Refused whole, with the reason; nothing of them is counted.
    let refusals = [
        (batch(""), 422),
        (batch(r#"{"kind": "load", "ms": 999999}"#), 422),
        (batch(r#"{"kind": "click"}"#), 422),
        ("not json".to_owned(), 422),
        (
            format!(
                r#"{{"visit": "{visit_shop}", "site": "https://evil.example", "events": [{{"kind": "impression"}}]}}"#
            ),
            403,
        ),
        (
            r#"{"visit": "4102444800.beef", "events": [{"kind": "impression"}]}"#.to_owned(),
            403,
        ),
        (
            format!(
                r#"{{"visit": "{visit_shop}", "site": "{SHOP}", "events": [{}]}}"#,
                vec![r#"{"kind": "error", "message": "padding padding padding"}"#; 500].join(",")
            ),
            413,
        ),
    ];
    for (body, status) in refusals {
        let response = report(&app, form, &body).await;
        assert_eq!(response.status(), status, "{body:.120}");
    }
    let unknown = app
        .browser()
        .api_post(
            "/api/v1/widgets/not-a-widget/events",
            &batch(r#"{"kind": "impression"}"#),
        )
        .await;
    assert_eq!(unknown.status(), 404);

    let analytics: shared::widgets::events::WidgetAnalytics = team
        .viewer
        .call_ok(
            "get_widget_analytics",
            &[("slug", slug), ("id", &form.to_string())],
        )
        .await;
    assert_eq!(
        (
            analytics.impressions(),
            analytics.interactions(),
            analytics.submissions(),
            analytics.errors()
        ),
        (4, 1, 1, 1)
    );
    assert_eq!(analytics.conversion().as_deref(), Some("25.0 %"));
    assert_eq!(analytics.load_percentile(0.5), Some(100));
    assert_eq!(analytics.load_percentile(0.95), Some(5000));
    assert_eq!(
        analytics.last_error.as_deref(),
        Some("TypeError: x is undefined")
    );
    assert_eq!(analytics.by_site.len(), 1);
    assert_eq!(analytics.by_site[0].site, SHOP);

    // Another workspace's builder cannot read them.
    let (outsider, outsider_home) = app
        .sign_up(
            "builder",
            "Outside Counts",
            "outsider@outside-counts.example",
        )
        .await;
    let outsider_slug = outsider_home.rsplit('/').next().unwrap();
    let response = outsider
        .call(
            "get_widget_analytics",
            &[("slug", outsider_slug), ("id", &form.to_string())],
        )
        .await;
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn a_flood_of_event_batches_from_one_address_is_slowed_down() {
    let app = spawn_app_with(|s| s.widgets.event_batches_per_minute_per_ip = 2).await;
    let team = builder_org(&app, "Busy Works", "busy-works.example").await;
    let form = published(&team, "Contact form", "lead_form").await;
    let visit = visit(&app, form, Some(SHOP)).await;
    let body = format!(
        r#"{{"visit": "{visit}", "site": "{SHOP}", "events": [{{"kind": "impression"}}]}}"#
    );
    assert_eq!(report(&app, form, &body).await.status(), 202);
    assert_eq!(report(&app, form, &body).await.status(), 202);
    let slowed = report(&app, form, &body).await;
    assert_eq!(slowed.status(), 429);
    assert!(slowed.headers().get("retry-after").is_some());
}
