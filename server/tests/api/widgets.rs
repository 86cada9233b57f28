//! Widgets: builders make them from presets, save drafts checked by the shared rules, publish
//! immutable versions and roll back; roles, the builder-only rule and the plan's widgets
//! limit are enforced by the server, and every change arrives live.

use shared::AppError;
use shared::ids::WidgetId;
use shared::live::{Change, ServerMessage};
use shared::widgets::{
    AllowedOrigin, Color, Content, WidgetConfig, WidgetDetail, WidgetKind, WidgetsPage, presets,
};

use crate::command_center::open_tab;
use crate::helpers::{Browser, spawn_app, sql_uuid};
use crate::members::{builder_org, org};

async fn create(browser: &Browser, slug: &str, name: &str, kind: &str) -> reqwest::Response {
    browser
        .call(
            "create_widget",
            &[
                ("slug", slug),
                ("name", name),
                ("kind", kind),
                ("preset", "clean"),
            ],
        )
        .await
}

async fn detail(browser: &Browser, slug: &str, id: WidgetId) -> WidgetDetail {
    browser
        .call_ok("get_widget", &[("slug", slug), ("id", &id.to_string())])
        .await
}

async fn save(
    browser: &Browser,
    slug: &str,
    id: WidgetId,
    name: &str,
    config: &str,
) -> reqwest::Response {
    browser
        .call(
            "save_widget",
            &[
                ("slug", slug),
                ("id", &id.to_string()),
                ("name", name),
                ("config", config),
            ],
        )
        .await
}

async fn refused(response: reqwest::Response) -> (u16, AppError) {
    let status = response.status().as_u16();
    let body = response.text().await.unwrap();
    let error = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{status} {body}: {e}"));
    (status, error)
}

fn with_origin(mut config: WidgetConfig) -> WidgetConfig {
    config.allowed_origins = vec![AllowedOrigin::parse("https://shop.example.com").unwrap()];
    config
}

#[tokio::test]
async fn drafts_are_checked_published_as_versions_and_rolled_back() {
    let app = spawn_app().await;
    let team = builder_org(&app, "Widget Works", "widgets.example").await;
    let slug = team.slug.as_str();

    let answer = create(&team.owner, slug, "Contact form", "lead_form").await;
    assert_eq!(answer.status(), 200);
    let id: WidgetId = serde_json::from_str(&answer.text().await.unwrap()).unwrap();
    let page: WidgetsPage = team.owner.call_ok("get_widgets", &[("slug", slug)]).await;
    assert_eq!(page.widgets.len(), 1);
    assert_eq!(page.widgets[0].status_label(), "Draft");
    let first = detail(&team.owner, slug, id).await;
    assert_eq!(first.draft, presets(WidgetKind::LeadForm).remove(0).config);
    assert!(first.versions.is_empty());

    // Every refusal names its field, and the saved draft stays as it was.
    let mut unreadable = first.draft.clone();
    unreadable.theme.text = Color::parse("#f0f0f0").unwrap();
    let (status, error) =
        refused(save(&team.owner, slug, id, "Contact form", &unreadable.to_json()).await).await;
    assert_eq!(
        (status, error.field()),
        (422, Some("theme.text")),
        "{error}"
    );
    assert!(error.to_string().contains("contrast"), "{error}");
    let other_kind = presets(WidgetKind::Feedback).remove(0).config.to_json();
    let (status, error) =
        refused(save(&team.owner, slug, id, "Contact form", &other_kind).await).await;
    assert_eq!(
        (status, error.field()),
        (422, Some("content.kind")),
        "{error}"
    );
    let oversized = format!("{{\"pad\": \"{}\"}}", "x".repeat(20_000));
    let (status, error) =
        refused(save(&team.owner, slug, id, "Contact form", &oversized).await).await;
    assert_eq!((status, error.field()), (422, Some("config")), "{error}");
    assert!(error.to_string().contains("at most 16 KB"), "{error}");
    let (status, error) =
        refused(save(&team.owner, slug, id, "", &first.draft.to_json()).await).await;
    assert_eq!((status, error.field()), (422, Some("name")), "{error}");
    assert_eq!(detail(&team.owner, slug, id).await.draft, first.draft);

    // Publishing needs a site to embed on.
    let publish = |browser: &Browser| {
        let form = [("slug", slug.to_owned()), ("id", id.to_string())];
        let browser = browser.clone();
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            browser.call("publish_widget", &form).await
        }
    };
    let (status, error) = refused(publish(&team.owner).await).await;
    assert_eq!(
        (status, error.field()),
        (422, Some("allowed_origins")),
        "{error}"
    );

    let v1 = with_origin(first.draft.clone());
    assert_eq!(
        save(&team.owner, slug, id, "Contact form", &v1.to_json())
            .await
            .status(),
        200
    );
    let version: i32 = publish(&team.owner).await.json().await.unwrap();
    assert_eq!(version, 1);
    let (status, error) = refused(publish(&team.owner).await).await;
    assert_eq!(status, 409, "{error}");
    assert!(error.to_string().contains("no changes"), "{error}");

    // A change makes the draft differ from the live version until it is published.
    let mut v2 = v1.clone();
    if let Content::LeadForm(form) = &mut v2.content {
        form.title = "Get a quote".into();
    }
    assert_eq!(
        save(&team.owner, slug, id, "Quote form", &v2.to_json())
            .await
            .status(),
        200
    );
    let changed = detail(&team.owner, slug, id).await;
    assert_eq!(
        changed.summary.status_label(),
        "Live · version 1 · changes not published"
    );
    assert_eq!(changed.summary.name.as_str(), "Quote form");
    let version: i32 = publish(&team.admin).await.json().await.unwrap();
    assert_eq!(version, 2);

    // Rolling back makes version 1 live again and the draft becomes it.
    let roll_back = |version: &str| {
        let form = [
            ("slug", slug.to_owned()),
            ("id", id.to_string()),
            ("version", version.to_owned()),
        ];
        let owner = team.owner.clone();
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            owner.call("roll_back_widget", &form).await
        }
    };
    assert_eq!(roll_back("1").await.status(), 200);
    let rolled = detail(&team.owner, slug, id).await;
    assert_eq!(rolled.summary.live_version, Some(1));
    assert!(!rolled.summary.unpublished_changes);
    assert_eq!(rolled.draft, v1);
    assert_eq!(
        rolled
            .versions
            .iter()
            .map(|v| v.version)
            .collect::<Vec<_>>(),
        [2, 1]
    );
    assert_eq!(refused(roll_back("1").await).await.0, 409);
    assert_eq!(refused(roll_back("9").await).await.0, 404);

    // Published versions never change, on either backend.
    let id_sql = sql_uuid(id.as_uuid());
    let tampered = app
        .try_exec(&format!(
            "UPDATE widget_versions SET config = '{{}}' WHERE widget_id = {id_sql} AND version = 1"
        ))
        .await;
    assert!(tampered.is_err(), "a published version was rewritten");
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM audit_log WHERE target = '{id}' AND action LIKE 'widget.%'"
        ))
        .await,
        // created, draft saved twice, published twice, rolled back once
        6
    );
}

#[tokio::test]
async fn roles_builders_and_the_plan_limit_are_enforced() {
    let app = spawn_app().await;
    let team = builder_org(&app, "Role Builders", "roles-widgets.example").await;
    let slug = team.slug.as_str();

    // A viewer sees widgets but cannot make one; a consultant edits but cannot publish.
    let _: WidgetsPage = team.viewer.call_ok("get_widgets", &[("slug", slug)]).await;
    assert_eq!(
        refused(create(&team.viewer, slug, "Nope", "feedback").await)
            .await
            .0,
        403
    );
    let id: WidgetId = create(&team.consultant, slug, "Consultant's", "feedback")
        .await
        .json()
        .await
        .unwrap();
    let draft = with_origin(detail(&team.consultant, slug, id).await.draft);
    assert_eq!(
        save(&team.consultant, slug, id, "Consultant's", &draft.to_json())
            .await
            .status(),
        200
    );
    let (status, _) = refused(
        team.consultant
            .call("publish_widget", &[("slug", slug), ("id", &id.to_string())])
            .await,
    )
    .await;
    assert_eq!(status, 403);
    let shown = detail(&team.consultant, slug, id).await;
    assert!(shown.can_edit && !shown.can_publish);

    // Widgets are made in builder workspaces only.
    let customer = org(&app, "Customer Co", "customer-widgets.example").await;
    let (status, error) = refused(
        customer
            .owner
            .call("get_widgets", &[("slug", &customer.slug)])
            .await,
    )
    .await;
    assert_eq!(status, 403);
    assert!(error.to_string().contains("builder workspaces"), "{error}");

    // Free allows three widgets: of twenty made at once (more than the database pool holds
    // connections), two more fit beside the one there.
    let attempts = (0..20).map(|n| {
        let owner = team.owner.clone();
        let slug = slug.to_owned();
        async move {
            create(&owner, &slug, &format!("Parallel {n}"), "status_badge")
                .await
                .status()
                .as_u16()
        }
    });
    let statuses = futures_util::future::join_all(attempts).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        2,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 402).count(),
        18,
        "{statuses:?}"
    );
    let (_, error) = refused(create(&team.owner, slug, "One more", "feedback").await).await;
    assert!(error.to_string().contains("3 widgets"), "{error}");
    let page: WidgetsPage = team.owner.call_ok("get_widgets", &[("slug", slug)]).await;
    assert_eq!(page.widgets.len(), 3);

    // The meter counts them, and a plan that holds fewer cannot be chosen until some go.
    let billing: shared::billing::BillingPage =
        team.owner.call_ok("get_billing", &[("slug", slug)]).await;
    let meter = billing
        .meters
        .iter()
        .find(|m| m.metric == shared::billing::Metric::Widgets)
        .unwrap();
    assert_eq!((meter.used, meter.limit), (3, Some(3)));
    let _: () = app
        .super_admin()
        .await
        .call_ok("set_tenant_plan", &[("slug", slug), ("tier", "pro")])
        .await;
    assert_eq!(
        create(&team.owner, slug, "Fourth", "feedback")
            .await
            .status(),
        200
    );
    let (status, error) = refused(
        team.owner
            .call("change_plan", &[("slug", slug), ("tier", "free")])
            .await,
    )
    .await;
    assert_eq!(status, 422, "{error}");
    assert!(
        error
            .to_string()
            .contains("this organization has 4. Remove 1 first"),
        "{error}"
    );
    // An end user's organization has no widgets meter.
    let customer_billing: shared::billing::BillingPage = customer
        .owner
        .call_ok("get_billing", &[("slug", &customer.slug)])
        .await;
    assert!(
        customer_billing
            .meters
            .iter()
            .all(|m| m.metric != shared::billing::Metric::Widgets)
    );
}

#[tokio::test]
async fn widget_changes_arrive_live() {
    let app = spawn_app().await;
    let team = builder_org(&app, "Live Widgets", "live-widgets.example").await;
    let slug = team.slug.as_str();
    let mut tab = open_tab(&app.address, &team.viewer, Some(&app.address))
        .await
        .unwrap();
    tab.send(&format!(
        r#"{{"type":"subscribe","slug":"{slug}","topics":["widgets"],"since":null}}"#
    ))
    .await;
    assert!(matches!(
        tab.next(5000).await,
        Some(ServerMessage::Subscribed { .. })
    ));
    // A builder of another workspace may not watch this one's widgets.
    let (outsider, _) = app
        .sign_up(
            "builder",
            "Outside Builds",
            "outsider@outside-widgets.example",
        )
        .await;
    let mut outside = open_tab(&app.address, &outsider, Some(&app.address))
        .await
        .unwrap();
    outside
        .send(&format!(
            r#"{{"type":"subscribe","slug":"{slug}","topics":["widgets"],"since":null}}"#
        ))
        .await;
    assert!(
        matches!(
            outside.next(5000).await,
            Some(ServerMessage::Refused { .. })
        ),
        "another workspace's widgets topic was granted"
    );

    let id: WidgetId = create(&team.owner, slug, "Live badge", "status_badge")
        .await
        .json()
        .await
        .unwrap();
    let draft = with_origin(detail(&team.owner, slug, id).await.draft);
    assert_eq!(
        save(&team.owner, slug, id, "Live badge", &draft.to_json())
            .await
            .status(),
        200
    );
    let _: i32 = team
        .owner
        .call_ok("publish_widget", &[("slug", slug), ("id", &id.to_string())])
        .await;
    let mut seen = Vec::new();
    while seen.len() < 3 {
        match tab.next(5000).await {
            Some(ServerMessage::Event { event, .. }) => {
                if let Change::Widget {
                    widget,
                    live_version,
                } = event.change
                {
                    assert_eq!(widget, id);
                    seen.push(live_version);
                }
            }
            other => panic!("expected widget events: {other:?}"),
        }
    }
    assert_eq!(seen, [None, None, Some(1)]);
    assert_eq!(
        outside.next(300).await,
        None,
        "the outsider received an event"
    );
}
