//! The widget marketplace: a builder lists a published widget (its sites stay its own),
//! other builders find it by words and kind, rate it once per workspace (never their own),
//! and install it — a published widget of their own, and for a customer a draft deployment —
//! in one step that makes all of it or nothing. A withdrawn listing is found by nobody but
//! its publisher, and what was installed from it stays.

use shared::customers::{BuildersPage, CustomersPage, ImplementationStatus};
use shared::ids::{CustomerLinkId, ListingId, WidgetId};
use shared::marketplace::{Installed, ListingPage, MarketplacePage};
use shared::widgets::{WidgetDetail, WidgetsPage};

use shared::live::{Change, ServerMessage};

use crate::command_center::{Tab, open_tab};
use crate::embeds::{published, status_and_text};
use crate::helpers::{Browser, spawn_app};
use crate::members::{Org, builder_org, org};

const SITE: &str = "https://store.example.org";

async fn search(browser: &Browser, slug: &str, q: &str, kind: &str, sort: &str) -> MarketplacePage {
    browser
        .call_ok(
            "get_marketplace",
            &[("slug", slug), ("q", q), ("kind", kind), ("sort", sort)],
        )
        .await
}

async fn list(
    browser: &Browser,
    slug: &str,
    widget: WidgetId,
    title: &str,
    summary: &str,
) -> reqwest::Response {
    browser
        .call(
            "list_widget",
            &[
                ("slug", slug),
                ("widget", &widget.to_string()),
                ("title", title),
                ("summary", summary),
                (
                    "description",
                    "Asks for a name and an email.\nNothing else.",
                ),
            ],
        )
        .await
}

async fn rate(browser: &Browser, slug: &str, listing: ListingId, stars: &str) -> (u16, String) {
    status_and_text(
        browser
            .call(
                "rate_listing",
                &[
                    ("slug", slug),
                    ("listing", &listing.to_string()),
                    ("stars", stars),
                    ("review", "Works on our shop."),
                ],
            )
            .await,
    )
    .await
}

async fn install(
    browser: &Browser,
    slug: &str,
    listing: ListingId,
    site: &str,
    customer: &str,
) -> reqwest::Response {
    browser
        .call(
            "install_listing",
            &[
                ("slug", slug),
                ("listing", &listing.to_string()),
                ("name", "Store contact form"),
                ("site", site),
                ("customer", customer),
            ],
        )
        .await
}

async fn listing(browser: &Browser, slug: &str, listing: ListingId) -> reqwest::Response {
    browser
        .call(
            "get_listing",
            &[("slug", slug), ("listing", &listing.to_string())],
        )
        .await
}

/// `team`'s accepted link with a new end-user organization.
async fn customer_of(app: &crate::helpers::TestApp, team: &Org) -> (Org, CustomerLinkId) {
    let customer = org(app, "Store Customer", "store-customer.example").await;
    let link: CustomerLinkId = team
        .owner
        .call_ok(
            "request_customer_link",
            &[("slug", &team.slug), ("customer", &customer.slug)],
        )
        .await;
    let _: shared::customers::LinkStatus = customer
        .owner
        .call_ok(
            "answer_builder_link",
            &[
                ("slug", &customer.slug),
                ("link", &link.to_string()),
                ("action", "accept"),
            ],
        )
        .await;
    (customer, link)
}

#[tokio::test]
async fn a_listed_widget_is_found_rated_and_installed_by_other_builders() {
    let app = spawn_app().await;
    let maker = builder_org(&app, "Maker Builders", "maker-builders.example").await;
    let user = builder_org(&app, "User Builders", "user-builders.example").await;
    let critic = builder_org(&app, "Critic Builders", "critic-builders.example").await;
    let (customer, link) = customer_of(&app, &user).await;

    // Only published widgets are listed, by those who may publish, with a one-line summary.
    let widget = published(&maker, "Maker lead form", "lead_form").await;
    assert_eq!(
        list(
            &maker.viewer,
            &maker.slug,
            widget,
            "Clean form",
            "Two fields"
        )
        .await
        .status(),
        403
    );
    let (status, body) =
        status_and_text(list(&maker.owner, &maker.slug, widget, "Clean form", " ").await).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("The summary is required."), "{body}");
    let draft: WidgetId = maker
        .owner
        .call_ok(
            "create_widget",
            &[
                ("slug", &maker.slug),
                ("name", "Unpublished"),
                ("kind", "feedback"),
                ("preset", "clean"),
            ],
        )
        .await;
    let (status, body) =
        status_and_text(list(&maker.owner, &maker.slug, draft, "Draft", "Not yet").await).await;
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("Publish the widget first"), "{body}");
    let id: ListingId = list(
        &maker.admin,
        &maker.slug,
        widget,
        "Clean lead form",
        "Two fields, one button",
    )
    .await
    .json()
    .await
    .unwrap();
    let detail: WidgetDetail = maker
        .owner
        .call_ok(
            "get_widget",
            &[("slug", &maker.slug), ("id", &widget.to_string())],
        )
        .await;
    let own = detail.listing.expect("the editor knows its listing");
    assert!(own.listed && own.id == id && own.version == 1);

    // Others find it by words and kind; the template carries none of the maker's sites.
    let found = search(&user.viewer, &user.slug, "  LEAD   form ", "lead_form", "").await;
    assert_eq!(found.listings.len(), 1);
    let card = &found.listings[0];
    assert_eq!(
        (card.id, card.publisher.as_str(), card.own),
        (id, "Maker Builders", false)
    );
    assert!(
        search(&user.viewer, &user.slug, "chatbot", "", "")
            .await
            .listings
            .is_empty()
    );
    assert!(
        search(&user.viewer, &user.slug, "", "feedback", "")
            .await
            .listings
            .is_empty()
    );
    let (status, body) = status_and_text(
        user.viewer
            .call(
                "get_marketplace",
                &[
                    ("slug", &user.slug),
                    ("q", ""),
                    ("kind", "chat"),
                    ("sort", ""),
                ],
            )
            .await,
    )
    .await;
    assert_eq!(status, 422, "{body}");
    let page: ListingPage = listing(&user.viewer, &user.slug, id)
        .await
        .json()
        .await
        .unwrap();
    assert!(page.template.allowed_origins.is_empty());
    assert!(!page.can_rate && !page.can_install && !page.can_withdraw);
    assert!(page.customers.is_empty(), "a viewer deploys for nobody");

    // One rating per workspace, from 1 to 5, never on one's own listing.
    assert_eq!(rate(&user.viewer, &user.slug, id, "4").await.0, 403);
    let (status, body) = rate(&user.owner, &user.slug, id, "6").await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("Choose from 1 to 5 stars."), "{body}");
    assert_eq!(rate(&user.owner, &user.slug, id, "4").await.0, 200);
    assert_eq!(rate(&user.consultant, &user.slug, id, "2").await.0, 200);
    let (status, body) = rate(&maker.owner, &maker.slug, id, "5").await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("this one is your own"), "{body}");
    assert_eq!(rate(&critic.owner, &critic.slug, id, "5").await.0, 200);
    let page: ListingPage = listing(&user.owner, &user.slug, id)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (page.listing.rating.count, page.listing.rating.stars),
        (2, 7)
    );
    assert_eq!(page.listing.rating.label(), "3.5 ★ (2 ratings)");
    assert_eq!(page.mine.as_ref().map(|m| m.stars.get()), Some(2));
    assert_eq!(page.reviews.len(), 2);
    assert!(page.can_rate && page.can_install);
    assert_eq!(page.customers.len(), 1);

    // Installing: those who may publish; a site is required; all or nothing.
    assert_eq!(
        install(&user.consultant, &user.slug, id, SITE, "")
            .await
            .status(),
        403
    );
    let (status, body) =
        status_and_text(install(&user.owner, &user.slug, id, "store", "").await).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("is not a site address"), "{body}");
    let other_link = CustomerLinkId::from_uuid(uuid::Uuid::now_v7());
    let (status, body) =
        status_and_text(install(&user.owner, &user.slug, id, SITE, &other_link.to_string()).await)
            .await;
    assert_eq!(status, 404, "{body}");
    let before: WidgetsPage = user
        .owner
        .call_ok("get_widgets", &[("slug", &user.slug)])
        .await;
    assert!(
        before.widgets.is_empty(),
        "a refused install leaves nothing behind"
    );

    let installed: Installed = install(&user.admin, &user.slug, id, SITE, &link.to_string())
        .await
        .json()
        .await
        .unwrap();
    let copy: WidgetDetail = user
        .owner
        .call_ok(
            "get_widget",
            &[("slug", &user.slug), ("id", &installed.widget.to_string())],
        )
        .await;
    assert_eq!(copy.summary.live_version, Some(1));
    assert_eq!(copy.draft.allowed_origins.len(), 1);
    assert_eq!(copy.draft.allowed_origins[0].as_str(), SITE);
    assert_eq!(copy.draft.content, page.template.content);
    let deployment = installed.implementation.expect("deployed for the customer");
    let customers: CustomersPage = user
        .owner
        .call_ok("get_customers", &[("slug", &user.slug)])
        .await;
    let deployed = customers
        .implementations
        .iter()
        .find(|i| i.id == deployment)
        .unwrap();
    assert_eq!(
        (deployed.widget, deployed.status),
        (Some(installed.widget), ImplementationStatus::Draft)
    );
    let builders: BuildersPage = customer
        .owner
        .call_ok("get_builders", &[("slug", &customer.slug)])
        .await;
    assert!(builders.implementations.iter().any(|i| i.id == deployment));
    let plain: Installed = install(&user.owner, &user.slug, id, SITE, "")
        .await
        .json()
        .await
        .unwrap();
    assert!(plain.implementation.is_none());
    let found = search(&critic.owner, &critic.slug, "", "", "installs").await;
    assert_eq!(found.listings[0].installs, 2);

    // Withdrawn: only its publisher finds it; what was installed stays.
    let withdraw = |browser: &Browser, slug: &str| {
        let (browser, slug) = (browser.clone(), slug.to_owned());
        async move {
            browser
                .call(
                    "withdraw_listing",
                    &[("slug", &slug), ("listing", &id.to_string())],
                )
                .await
                .status()
        }
    };
    assert_eq!(withdraw(&user.owner, &user.slug).await, 404);
    assert_eq!(withdraw(&maker.viewer, &maker.slug).await, 403);
    assert_eq!(withdraw(&maker.owner, &maker.slug).await, 200);
    assert!(
        search(&user.owner, &user.slug, "", "", "")
            .await
            .listings
            .is_empty()
    );
    assert_eq!(listing(&user.owner, &user.slug, id).await.status(), 404);
    assert_eq!(rate(&critic.owner, &critic.slug, id, "1").await.0, 404);
    assert_eq!(
        install(&user.owner, &user.slug, id, SITE, "")
            .await
            .status(),
        404
    );
    let mine: ListingPage = listing(&maker.owner, &maker.slug, id)
        .await
        .json()
        .await
        .unwrap();
    assert!(mine.listing.own && !mine.can_withdraw && !mine.can_install);
    let after: WidgetsPage = user
        .owner
        .call_ok("get_widgets", &[("slug", &user.slug)])
        .await;
    assert_eq!(after.widgets.len(), 2);

    // Listed again: the same listing, found again, its ratings kept.
    let again: ListingId = list(
        &maker.owner,
        &maker.slug,
        widget,
        "Clean lead form",
        "Two fields, one button",
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(again, id);
    let found = search(&user.owner, &user.slug, "", "", "").await;
    assert_eq!(found.listings[0].rating.count, 2);

    // Every change is audited in the workspace that made it.
    let audited = app
        .count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'marketplace.%'")
        .await;
    assert_eq!(
        audited,
        2 + 3 + 2 + 1,
        "listed twice, rated three times, installed twice, withdrawn once"
    );

    // End-user organizations have no marketplace.
    let response = customer
        .owner
        .call(
            "get_marketplace",
            &[
                ("slug", &customer.slug),
                ("q", ""),
                ("kind", ""),
                ("sort", ""),
            ],
        )
        .await;
    assert_eq!(response.status(), 403);
}

#[tokio::test]
async fn concurrent_ratings_and_installs_are_all_counted() {
    let app = spawn_app().await;
    let maker = builder_org(&app, "Busy Maker", "busy-maker.example").await;
    let widget = published(&maker, "Busy form", "lead_form").await;
    let id: ListingId = list(&maker.owner, &maker.slug, widget, "Busy form", "Popular")
        .await
        .json()
        .await
        .unwrap();
    let mut raters = Vec::new();
    for n in 0..4 {
        raters.push(builder_org(&app, &format!("Rater {n}"), &format!("rater-{n}.example")).await);
    }
    let results =
        futures_util::future::join_all(raters.iter().enumerate().map(|(n, r)| async move {
            let stars = (n % 5 + 1).to_string();
            let rated = rate(&r.owner, &r.slug, id, &stars).await.0;
            let installed = install(&r.owner, &r.slug, id, SITE, "")
                .await
                .status()
                .as_u16();
            (rated, installed)
        }))
        .await;
    assert!(results.iter().all(|r| *r == (200, 200)), "{results:?}");
    let page: ListingPage = listing(&maker.owner, &maker.slug, id)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page.listing.rating.count, 4);
    assert_eq!(page.listing.rating.stars, 1 + 2 + 3 + 4);
    assert_eq!(page.listing.installs, 4);
}

#[tokio::test]
async fn a_publisher_shows_screenshots_that_other_builders_see_while_it_is_listed() {
    use shared::marketplace::{SCREENSHOT_MAX_BYTES, SCREENSHOTS_PER_LISTING, Screenshot};
    use shared::support::files::FileKind;

    use crate::support::{PDF, PNG, error_of};

    let app = spawn_app().await;
    let maker = builder_org(&app, "Shot Makers", "shot-makers.example").await;
    let other = builder_org(&app, "Shot Viewers", "shot-viewers.example").await;
    let widget = published(&maker, "Pictured form", "lead_form").await;
    let id: ListingId = list(
        &maker.owner,
        &maker.slug,
        widget,
        "Pictured form",
        "With pictures",
    )
    .await
    .json()
    .await
    .unwrap();
    let shots = format!(
        "/api/v1/tenants/{}/marketplace/{id}/screenshots",
        maker.slug
    );

    // The publisher's admin adds one; a consultant, who may not publish, may not.
    let response = maker
        .admin
        .upload(&shots, "C:\\shots\\on-the-shop.png", PNG, false)
        .await;
    assert_eq!(response.status(), 201);
    let shot: Screenshot = response.json().await.unwrap();
    assert_eq!(
        (shot.name.as_str(), shot.kind, shot.size),
        ("on-the-shop.png", FileKind::Png, 16)
    );
    let (status, _) = error_of(
        maker
            .consultant
            .upload(&shots, "more.png", PNG, false)
            .await,
    )
    .await;
    assert_eq!(status, 403);

    // Bad images get their own status and message, and store nothing.
    let big = [PNG, &vec![0; SCREENSHOT_MAX_BYTES]].concat();
    let cases: [(&str, &[u8], u16, &str); 5] = [
        (
            "shot.png",
            PDF,
            415,
            "The content of “shot.png” is not a PNG image",
        ),
        (
            "shot.svg",
            b"<svg onload=alert(1)/>",
            415,
            "not an image a listing shows",
        ),
        ("empty.png", b"", 422, "is empty"),
        ("big.png", &big, 413, "“big.png” is larger than 1.0 MB"),
        ("", PNG, 422, "Choose a file"),
    ];
    for (name, bytes, expected, says) in cases {
        let (status, err) = error_of(maker.owner.upload(&shots, name, bytes, false).await).await;
        assert_eq!(status, expected, "{name}: {err}");
        assert!(err.to_string().contains(says), "{name}: {err}");
    }

    // Another builder sees it on the card and the page, and loads it byte for byte, as an
    // image that can run nothing.
    let found = search(&other.viewer, &other.slug, "pictured", "", "").await;
    assert_eq!(found.listings[0].cover, Some(shot.id));
    let page: ListingPage = listing(&other.viewer, &other.slug, id)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page.screenshots, std::slice::from_ref(&shot));
    assert!(!page.can_edit_screenshots);
    let seen_from_other = format!(
        "/api/v1/tenants/{}/marketplace/{id}/screenshots/{}",
        other.slug, shot.id
    );
    let response = other
        .viewer
        .client
        .get(other.viewer.url(&seen_from_other))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let header = |name: &str| response.headers()[name].to_str().unwrap().to_owned();
    assert_eq!(header("content-type"), "image/png");
    assert!(header("content-security-policy").contains("sandbox"));
    assert!(header("content-disposition").starts_with("inline; filename=\"on-the-shop.png\""));
    assert_eq!(response.bytes().await.unwrap().as_ref(), PNG);
    // It cannot add one to that listing, nor remove one: the listing is not its own.
    let theirs = format!(
        "/api/v1/tenants/{}/marketplace/{id}/screenshots",
        other.slug
    );
    let (status, err) = error_of(other.owner.upload(&theirs, "mine.png", PNG, false).await).await;
    assert_eq!(status, 404, "{err}");
    let remove = |by: &Browser, slug: &str, screenshot: &str| {
        let (by, slug, screenshot) = (by.clone(), slug.to_owned(), screenshot.to_owned());
        async move {
            status_and_text(
                by.call(
                    "remove_screenshot",
                    &[
                        ("slug", slug.as_str()),
                        ("listing", &id.to_string()),
                        ("screenshot", screenshot.as_str()),
                    ],
                )
                .await,
            )
            .await
        }
    };
    assert_eq!(
        remove(&other.owner, &other.slug, &shot.id.to_string())
            .await
            .0,
        404
    );

    // A plain form post goes back to the listing; at most six screenshots.
    let response = maker.owner.upload(&shots, "second.png", PNG, true).await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers()["location"],
        format!("/builder/{}/marketplace/{id}", maker.slug).as_str()
    );
    for n in 3..=SCREENSHOTS_PER_LISTING {
        let response = maker
            .owner
            .upload(&shots, &format!("{n}.png"), PNG, false)
            .await;
        assert_eq!(response.status(), 201);
    }
    let (status, err) = error_of(maker.owner.upload(&shots, "seventh.png", PNG, false).await).await;
    assert_eq!(status, 409);
    assert!(
        err.to_string().contains("already shows 6 screenshots"),
        "{err}"
    );

    // The publisher removes the first: the next one becomes the cover.
    assert_eq!(
        remove(&maker.owner, &maker.slug, &shot.id.to_string())
            .await
            .0,
        200
    );
    assert_eq!(
        remove(&maker.owner, &maker.slug, &shot.id.to_string())
            .await
            .0,
        404
    );
    let page: ListingPage = listing(&maker.owner, &maker.slug, id)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page.screenshots.len(), SCREENSHOTS_PER_LISTING - 1);
    assert_eq!(page.screenshots[0].name.as_str(), "second.png");
    assert!(page.can_edit_screenshots);
    let found = search(&other.viewer, &other.slug, "pictured", "", "").await;
    assert_eq!(found.listings[0].cover, Some(page.screenshots[0].id));

    // Withdrawn, its screenshots are the publisher's alone.
    let _: () = maker
        .owner
        .call_ok(
            "withdraw_listing",
            &[("slug", &maker.slug), ("listing", &id.to_string())],
        )
        .await;
    let second = page.screenshots[0].id;
    let response = other
        .viewer
        .client
        .get(other.viewer.url(&format!(
            "/api/v1/tenants/{}/marketplace/{id}/screenshots/{second}",
            other.slug
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let response = maker
        .viewer
        .client
        .get(maker.viewer.url(&format!("{shots}/{second}")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn every_builder_watching_the_marketplace_hears_of_listings_from_any_workspace() {
    let app = spawn_app().await;
    let publisher = builder_org(&app, "Live Listers", "live-listers.example").await;
    let watcher = builder_org(&app, "Live Watchers", "live-watchers.example").await;
    let end_user = org(&app, "Live End User", "live-end-user.example").await;
    let (mut tab, subscribed) = tab_asking(
        &app,
        &watcher.viewer,
        &watcher.slug,
        r#"["marketplace","widgets"]"#,
        "null",
    )
    .await;
    assert!(matches!(subscribed, Some(ServerMessage::Subscribed { .. })));

    // An end-user organization has no marketplace to watch; other topics stay per workspace.
    let (_, answer) = tab_asking(
        &app,
        &end_user.owner,
        &end_user.slug,
        r#"["marketplace"]"#,
        "null",
    )
    .await;
    match answer {
        Some(ServerMessage::Refused { reason, .. }) => {
            assert!(
                reason.contains("The marketplace is for builder workspaces"),
                "{reason}"
            );
        }
        other => panic!("expected a refusal, got {other:?}"),
    }

    // Listed in one builder workspace: news in the other, under its own address.
    let widget = published(&publisher, "Live form", "lead_form").await;
    let listed: ListingId = list(
        &publisher.owner,
        &publisher.slug,
        widget,
        "Live form",
        "Live.",
    )
    .await
    .json()
    .await
    .unwrap();
    match tab.next(5000).await {
        Some(ServerMessage::Event { slug, event }) => {
            assert_eq!(slug, watcher.slug);
            assert_eq!(event.change, Change::Listing { listing: listed });
        }
        other => panic!("expected the listing, got {other:?}"),
    }
    // Rated by the watcher itself, then withdrawn by its publisher: each is heard.
    let (status, body) = rate(&watcher.owner, &watcher.slug, listed, "5").await;
    assert_eq!(status, 200, "{body}");
    let _: () = publisher
        .owner
        .call_ok(
            "withdraw_listing",
            &[("slug", &publisher.slug), ("listing", &listed.to_string())],
        )
        .await;
    for _ in 0..2 {
        match tab.next(5000).await {
            Some(ServerMessage::Event { event, .. }) => {
                assert_eq!(event.change, Change::Listing { listing: listed });
            }
            other => panic!("expected the listing's change, got {other:?}"),
        }
    }
    // The publisher's other changes (its widgets) stay its own.
    let _: () = publisher
        .owner
        .call_ok(
            "save_widget",
            &[
                ("slug", &publisher.slug),
                ("id", &widget.to_string()),
                ("name", "Live form"),
                (
                    "config",
                    &publisher_config(&publisher, widget).await.to_json(),
                ),
            ],
        )
        .await;
    assert_eq!(
        tab.next(1000).await,
        None,
        "nothing else crosses workspaces"
    );
    // A tab that comes back is told to reload: others' events are not its own to replay.
    let (mut again, subscribed) = tab_asking(
        &app,
        &watcher.viewer,
        &watcher.slug,
        r#"["marketplace"]"#,
        "1",
    )
    .await;
    assert!(matches!(subscribed, Some(ServerMessage::Subscribed { .. })));
    assert!(matches!(
        again.next(5000).await,
        Some(ServerMessage::Resync { .. })
    ));
}

/// A live tab of `browser` that asked for `topics` (a JSON list) of the workspace `slug`,
/// and the server's first answer.
async fn tab_asking(
    app: &crate::helpers::TestApp,
    browser: &Browser,
    slug: &str,
    topics: &str,
    since: &str,
) -> (Tab, Option<ServerMessage>) {
    let mut tab = open_tab(&app.address, browser, Some(&app.address))
        .await
        .unwrap();
    tab.send(&format!(
        r#"{{"type":"subscribe","slug":"{slug}","topics":{topics},"since":{since}}}"#
    ))
    .await;
    let answer = tab.next(5000).await;
    (tab, answer)
}

async fn publisher_config(team: &Org, widget: WidgetId) -> shared::widgets::WidgetConfig {
    let detail: WidgetDetail = team
        .owner
        .call_ok(
            "get_widget",
            &[("slug", &team.slug), ("id", &widget.to_string())],
        )
        .await;
    detail.draft
}
