//! Builders and their customers: a builder asks an end-user organization by its address, the
//! customer's owner answers, and over an active link the builder deploys a widget for the
//! customer. A live deployment's visitors become the customer's contacts — never the
//! builder's — and pausing, retiring or ending the link takes the widget off the site.

use shared::billing::invoice::Period;
use shared::billing::{Currency, Money};
use shared::customers::{
    BuilderOverview, BuildersPage, CustomersPage, ImplementationStatus, LinkStatus,
};
use shared::ids::{CustomerLinkId, ImplementationId, ProcessSessionId, TemplateId, WidgetId};
use shared::live::{Change, ServerMessage};
use shared::process::{JobStatus, SessionStatus, TemplateSummary, TemplatesPage};
use shared::widgets::events::WidgetAnalytics;
use shared::widgets::submissions::ContactsPage;

use crate::command_center::{
    TWO_PHASES, act, add_middle_phase, create_template, detail, wait_for_job,
};
use crate::embeds::{framed, lead, published, report, status_and_text, submit, watching};
use crate::helpers::{Browser, TestApp, spawn_app};
use crate::members::{Org, builder_org, org};

const SHOP: &str = "https://shop.example.com";

async fn request(builder: &Browser, slug: &str, customer: &str) -> reqwest::Response {
    builder
        .call(
            "request_customer_link",
            &[("slug", slug), ("customer", customer)],
        )
        .await
}

async fn answer(
    customer: &Browser,
    slug: &str,
    link: CustomerLinkId,
    action: &str,
) -> reqwest::Response {
    customer
        .call(
            "answer_builder_link",
            &[
                ("slug", slug),
                ("link", &link.to_string()),
                ("action", action),
            ],
        )
        .await
}

async fn change(
    builder: &Browser,
    slug: &str,
    implementation: ImplementationId,
    action: &str,
) -> reqwest::Response {
    builder
        .call(
            "change_implementation",
            &[
                ("slug", slug),
                ("implementation", &implementation.to_string()),
                ("action", action),
            ],
        )
        .await
}

/// `team` linked with `customer` (asked and accepted), with a published lead form deployed
/// and live for it.
pub(crate) async fn live_deployment(
    team: &Org,
    customer: &Org,
) -> (CustomerLinkId, WidgetId, ImplementationId) {
    let link: CustomerLinkId = team
        .owner
        .call_ok(
            "request_customer_link",
            &[("slug", &team.slug), ("customer", &customer.slug)],
        )
        .await;
    let _: LinkStatus = customer
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
    let widget = published(team, "Shop lead form", "lead_form").await;
    let implementation: ImplementationId = team
        .owner
        .call_ok(
            "deploy_widget",
            &[
                ("slug", &team.slug),
                ("link", &link.to_string()),
                ("widget", &widget.to_string()),
            ],
        )
        .await;
    let live: ImplementationStatus = team
        .owner
        .call_ok(
            "change_implementation",
            &[
                ("slug", &team.slug),
                ("implementation", &implementation.to_string()),
                ("action", "go_live"),
            ],
        )
        .await;
    assert_eq!(live, ImplementationStatus::Live);
    (link, widget, implementation)
}

/// The visit the deployment's document carries, as a frame on [`SHOP`] gets it.
async fn deployed_visit(
    app: &TestApp,
    widget: WidgetId,
    implementation: ImplementationId,
) -> String {
    let response = framed(app, &format!("{widget}?for={implementation}"), Some(SHOP)).await;
    let (status, body) = status_and_text(response).await;
    assert_eq!(status, 200, "{body}");
    let start = body
        .find("data-visit=\"")
        .expect("the document carries a visit")
        + 12;
    let end = start + body[start..].find('"').unwrap();
    body[start..end].to_owned()
}

#[tokio::test]
async fn a_customer_accepts_a_builder_and_the_deployments_contacts_are_the_customers() {
    let app = spawn_app().await;
    let team = builder_org(&app, "Link Builders", "link-builders.example").await;
    let customer = org(&app, "Link Customer", "link-customer.example").await;

    // Only those who manage customers ask, and only end-user organizations can be asked.
    let response = request(&team.viewer, &team.slug, &customer.slug).await;
    assert_eq!(response.status(), 403);
    let response = request(&team.consultant, &team.slug, &customer.slug).await;
    assert_eq!(response.status(), 403);
    for address in ["no-such-org", &team.slug, "NOT A SLUG"] {
        let (status, body) = status_and_text(request(&team.admin, &team.slug, address).await).await;
        assert_eq!(status, 422, "{address}: {body}");
        assert!(
            body.contains("No end-user organization has the address"),
            "{body}"
        );
    }
    let link: CustomerLinkId = team
        .admin
        .call_ok(
            "request_customer_link",
            &[("slug", &team.slug), ("customer", &customer.slug)],
        )
        .await;
    let (status, body) =
        status_and_text(request(&team.owner, &team.slug, &customer.slug).await).await;
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("already have a link"), "{body}");

    // The builder sees only the address it typed until the customer accepts.
    let page: CustomersPage = team
        .viewer
        .call_ok("get_customers", &[("slug", &team.slug)])
        .await;
    assert_eq!(page.links.len(), 1);
    assert_eq!(page.links[0].status, LinkStatus::Pending);
    assert_eq!(page.links[0].other_name, None);
    assert!(!page.can_manage);
    let page: BuildersPage = customer
        .viewer
        .call_ok("get_builders", &[("slug", &customer.slug)])
        .await;
    assert_eq!(page.links[0].title(), "Link Builders");
    assert!(!page.can_decide);

    // Only the customer's owners answer; the builder cannot accept for them.
    let response = answer(&customer.admin, &customer.slug, link, "accept").await;
    assert_eq!(response.status(), 403);
    let response = team
        .owner
        .call(
            "answer_builder_link",
            &[
                ("slug", &team.slug),
                ("link", &link.to_string()),
                ("action", "accept"),
            ],
        )
        .await;
    assert_eq!(
        response.status(),
        403,
        "a builder workspace has no builders"
    );
    let response = answer(&customer.owner, &customer.slug, link, "end").await;
    let (status, body) = status_and_text(response).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("Accept or decline this request"), "{body}");
    let accepted: LinkStatus = answer(&customer.owner, &customer.slug, link, "accept")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(accepted, LinkStatus::Active);
    let page: CustomersPage = team
        .owner
        .call_ok("get_customers", &[("slug", &team.slug)])
        .await;
    assert_eq!(page.links[0].title(), "Link Customer");

    // A deployment starts as a draft; a draft, an unpublished widget and a paused
    // deployment show nothing on the customer's site.
    let draft_widget: WidgetId = team
        .owner
        .call_ok(
            "create_widget",
            &[
                ("slug", &team.slug),
                ("name", "Not yet published"),
                ("kind", "feedback"),
                ("preset", "clean"),
            ],
        )
        .await;
    let unpublished: ImplementationId = team
        .owner
        .call_ok(
            "deploy_widget",
            &[
                ("slug", &team.slug),
                ("link", &link.to_string()),
                ("widget", &draft_widget.to_string()),
            ],
        )
        .await;
    let (status, body) =
        status_and_text(change(&team.owner, &team.slug, unpublished, "go_live").await).await;
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("Publish the widget first"), "{body}");

    let widget = published(&team, "Shop lead form", "lead_form").await;
    let implementation: ImplementationId = team
        .owner
        .call_ok(
            "deploy_widget",
            &[
                ("slug", &team.slug),
                ("link", &link.to_string()),
                ("widget", &widget.to_string()),
            ],
        )
        .await;
    let response = team
        .owner
        .call(
            "deploy_widget",
            &[
                ("slug", &team.slug),
                ("link", &link.to_string()),
                ("widget", &widget.to_string()),
            ],
        )
        .await;
    assert_eq!(
        response.status(),
        409,
        "one open deployment per widget and customer"
    );
    let deployed = format!("{widget}?for={implementation}");
    let (status, body) = status_and_text(framed(&app, &deployed, Some(SHOP)).await).await;
    assert_eq!(status, 403, "a draft serves no one: {body}");
    assert!(body.contains("not available right now"));
    let (status, body) =
        status_and_text(change(&team.owner, &team.slug, implementation, "pause").await).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("only live implementations can"), "{body}");

    // The customer's tab hears the deployment go live and its contact arrive.
    let mut customers_tab = watching(&app, &customer.viewer, &customer.slug, "customers").await;
    let live: ImplementationStatus = change(&team.admin, &team.slug, implementation, "go_live")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(live, ImplementationStatus::Live);
    match customers_tab.next(5000).await {
        Some(ServerMessage::Event { event, .. }) => assert_eq!(
            event.change,
            Change::Implementation {
                implementation,
                status: ImplementationStatus::Live
            }
        ),
        other => panic!("expected the deployment's change, got {other:?}"),
    }
    let mut contacts_tab = watching(&app, &customer.viewer, &customer.slug, "submissions").await;
    let visit = deployed_visit(&app, widget, implementation).await;
    let response = submit(
        &app.browser(),
        widget,
        Some(SHOP),
        &visit,
        &lead(
            "Rita Visitor",
            "rita@visitor.example",
            "Through the deployment",
        ),
    )
    .await;
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    assert!(matches!(
        contacts_tab.next(5000).await,
        Some(ServerMessage::Event { event: e, .. }) if matches!(e.change, Change::Submission { widget: w, .. } if w == widget)
    ));
    let contacts: ContactsPage = customer
        .viewer
        .call_ok("get_contacts", &[("slug", &customer.slug)])
        .await;
    assert_eq!(contacts.contacts.len(), 1);
    assert_eq!(contacts.contacts[0].email.as_str(), "rita@visitor.example");
    assert_eq!(
        contacts.contacts[0]
            .widget
            .as_ref()
            .map(ToString::to_string)
            .as_deref(),
        Some("Shop lead form")
    );
    let builders_own: ContactsPage = team
        .owner
        .call_ok("get_contacts", &[("slug", &team.slug)])
        .await;
    assert!(
        builders_own.contacts.is_empty(),
        "the contact is the customer's"
    );

    // The builder's own embed code still keeps contacts in the builder's workspace.
    let own_visit = services::widgets::embed::visit(&app.services, widget, None, Some(SHOP))
        .await
        .unwrap()
        .visit;
    let response = submit(
        &app.browser(),
        widget,
        Some(SHOP),
        &own_visit,
        &lead("Otto Own", "otto@own.example", "Through the builder's code"),
    )
    .await;
    assert_eq!(response.status(), 200);
    let builders_own: ContactsPage = team
        .owner
        .call_ok("get_contacts", &[("slug", &team.slug)])
        .await;
    assert_eq!(builders_own.contacts.len(), 1);
    assert_eq!(builders_own.contacts[0].email.as_str(), "otto@own.example");
    // The builder's analytics count each customer apart from its own code.
    let analytics: WidgetAnalytics = team
        .viewer
        .call_ok(
            "get_widget_analytics",
            &[("slug", &team.slug), ("id", &widget.to_string())],
        )
        .await;
    let sent = |customer: Option<&str>| {
        analytics
            .by_customer
            .iter()
            .find(|c| c.customer.as_deref() == customer)
            .map(|c| c.submissions)
    };
    assert_eq!(
        sent(Some("Link Customer")),
        Some(1),
        "{:?}",
        analytics.by_customer
    );
    assert_eq!(sent(None), Some(1), "{:?}", analytics.by_customer);

    // The customer sees its deployment's own counters, live: what came through the
    // deployment, never the builder's own code, and no other organization sees them.
    let mut stats_tab = watching(&app, &customer.viewer, &customer.slug, "widget_stats").await;
    let impression = format!(
        r#"{{"visit": "{visit}", "site": "{SHOP}", "events": [{{"kind": "impression"}}, {{"kind": "impression"}}]}}"#
    );
    assert_eq!(report(&app, widget, &impression).await.status(), 202);
    match stats_tab.next(5000).await {
        Some(ServerMessage::Event { event, .. }) => {
            assert_eq!(event.change, Change::WidgetStats { widget });
        }
        other => panic!("expected the counters' notice, got {other:?}"),
    }
    let builders: BuildersPage = customer
        .viewer
        .call_ok("get_builders", &[("slug", &customer.slug)])
        .await;
    assert_eq!(builders.activity.len(), 1, "{:?}", builders.activity);
    let counted = &builders.activity[0];
    assert_eq!(counted.implementation, Some(implementation));
    assert_eq!((counted.impressions, counted.submissions), (2, 1));
    // Another customer of the same widget sees nothing of the first one's visitors.
    let bystander = org(&app, "Stats Bystander", "stats-bystander.example").await;
    let other_link: CustomerLinkId = request(&team.owner, &team.slug, &bystander.slug)
        .await
        .json()
        .await
        .unwrap();
    let _: LinkStatus = answer(&bystander.owner, &bystander.slug, other_link, "accept")
        .await
        .json()
        .await
        .unwrap();
    let theirs: ImplementationId = team
        .owner
        .call_ok(
            "deploy_widget",
            &[
                ("slug", &team.slug),
                ("link", &other_link.to_string()),
                ("widget", &widget.to_string()),
            ],
        )
        .await;
    changed(&team.owner, &team.slug, theirs, "go_live").await;
    let their_visit = deployed_visit(&app, widget, theirs).await;
    let one = format!(
        r#"{{"visit": "{their_visit}", "site": "{SHOP}", "events": [{{"kind": "impression"}}]}}"#
    );
    assert_eq!(report(&app, widget, &one).await.status(), 202);
    let theirs_page: BuildersPage = bystander
        .owner
        .call_ok("get_builders", &[("slug", &bystander.slug)])
        .await;
    assert_eq!(theirs_page.activity.len(), 1, "{:?}", theirs_page.activity);
    assert_eq!(
        (
            theirs_page.activity[0].implementation,
            theirs_page.activity[0].impressions,
            theirs_page.activity[0].submissions
        ),
        (Some(theirs), 1, 0)
    );
    let mine: BuildersPage = customer
        .viewer
        .call_ok("get_builders", &[("slug", &customer.slug)])
        .await;
    assert_eq!(
        mine.activity, builders.activity,
        "the first customer's stay its own"
    );

    // Paused: the site shows "not available" and sending is refused; resumed: back.
    let _ = changed(&team.owner, &team.slug, implementation, "pause").await;
    let (status, _) = status_and_text(framed(&app, &deployed, Some(SHOP)).await).await;
    assert_eq!(status, 403);
    let response = submit(
        &app.browser(),
        widget,
        Some(SHOP),
        &visit,
        &lead("Paula Paused", "paula@visitor.example", "While paused"),
    )
    .await;
    assert_eq!(response.status(), 403);
    let _ = changed(&team.owner, &team.slug, implementation, "resume").await;
    let (status, _) = status_and_text(framed(&app, &deployed, Some(SHOP)).await).await;
    assert_eq!(status, 200);

    // The customer ends the link: every deployment over it is retired at once.
    let ended: LinkStatus = answer(&customer.owner, &customer.slug, link, "end")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ended, LinkStatus::Ended);
    let (status, _) = status_and_text(framed(&app, &deployed, Some(SHOP)).await).await;
    assert_eq!(status, 403);
    let page: CustomersPage = team
        .owner
        .call_ok("get_customers", &[("slug", &team.slug)])
        .await;
    assert!(
        page.implementations
            .iter()
            .filter(|i| i.link == link)
            .all(|i| i.status == ImplementationStatus::Retired),
        "{:?}",
        page.implementations
    );
    let other = page.implementations.iter().find(|i| i.id == theirs);
    assert_eq!(
        other.map(|i| i.status),
        Some(ImplementationStatus::Live),
        "another customer's link is not this one"
    );
    let ended_link = page.links.iter().find(|l| l.id == link).unwrap();
    assert_eq!(ended_link.other_name, None, "no longer named once ended");
    let (status, body) =
        status_and_text(change(&team.owner, &team.slug, implementation, "resume").await).await;
    assert_eq!(status, 422, "{body}");
    let response = team
        .owner
        .call(
            "deploy_widget",
            &[
                ("slug", &team.slug),
                ("link", &link.to_string()),
                ("widget", &widget.to_string()),
            ],
        )
        .await;
    assert_eq!(response.status(), 409, "no deployments over an ended link");

    // The builder may ask again; the customer may decline.
    let again: CustomerLinkId = team
        .owner
        .call_ok(
            "request_customer_link",
            &[("slug", &team.slug), ("customer", &customer.slug)],
        )
        .await;
    assert_eq!(again, link, "the same link, pending again");
    let declined: LinkStatus = answer(&customer.owner, &customer.slug, link, "decline")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(declined, LinkStatus::Declined);
    // Nothing the customer had is lost.
    let contacts: ContactsPage = customer
        .owner
        .call_ok("get_contacts", &[("slug", &customer.slug)])
        .await;
    assert_eq!(contacts.contacts.len(), 1);
}

#[tokio::test]
async fn a_visit_is_good_only_for_the_deployment_it_was_signed_for() {
    let app = spawn_app().await;
    let team = builder_org(&app, "Visit Builders", "visit-builders.example").await;
    let first = org(&app, "Visit First", "visit-first.example").await;
    let second = org(&app, "Visit Second", "visit-second.example").await;
    let (_, widget, first_deployment) = live_deployment(&team, &first).await;
    let link: CustomerLinkId = team
        .owner
        .call_ok(
            "request_customer_link",
            &[("slug", &team.slug), ("customer", &second.slug)],
        )
        .await;
    let _: LinkStatus = answer(&second.owner, &second.slug, link, "accept")
        .await
        .json()
        .await
        .unwrap();
    let second_deployment: ImplementationId = team
        .owner
        .call_ok(
            "deploy_widget",
            &[
                ("slug", &team.slug),
                ("link", &link.to_string()),
                ("widget", &widget.to_string()),
            ],
        )
        .await;
    let _: ImplementationStatus = change(&team.owner, &team.slug, second_deployment, "go_live")
        .await
        .json()
        .await
        .unwrap();

    // A visit signed for the first customer's page, edited to name the second: refused.
    let visit = deployed_visit(&app, widget, first_deployment).await;
    let forged = visit.replace(
        &first_deployment.to_string(),
        &second_deployment.to_string(),
    );
    assert_ne!(forged, visit);
    let response = submit(
        &app.browser(),
        widget,
        Some(SHOP),
        &forged,
        &lead(
            "Fay Forger",
            "fay@forger.example",
            "Into the other customer",
        ),
    )
    .await;
    assert_eq!(response.status(), 403);
    // A deployment of another widget, or none that exists, is not found.
    let other_widget = published(&team, "Another form", "lead_form").await;
    for id in [
        format!("{other_widget}?for={first_deployment}"),
        format!("{widget}?for={}", uuid::Uuid::now_v7()),
        format!("{widget}?for=not-an-id"),
    ] {
        let (status, _) = status_and_text(framed(&app, &id, Some(SHOP)).await).await;
        assert_eq!(status, 404, "{id}");
    }
    // The honest visit lands in the first customer's contacts only.
    let response = submit(
        &app.browser(),
        widget,
        Some(SHOP),
        &visit,
        &lead(
            "Hal Honest",
            "hal@honest.example",
            "Into the first customer",
        ),
    )
    .await;
    assert_eq!(response.status(), 200);
    let first_contacts: ContactsPage = first
        .owner
        .call_ok("get_contacts", &[("slug", &first.slug)])
        .await;
    let second_contacts: ContactsPage = second
        .owner
        .call_ok("get_contacts", &[("slug", &second.slug)])
        .await;
    assert_eq!(first_contacts.contacts.len(), 1);
    assert!(second_contacts.contacts.is_empty());
    // Neither customer sees the other's deployment.
    let page: BuildersPage = second
        .owner
        .call_ok("get_builders", &[("slug", &second.slug)])
        .await;
    assert_eq!(page.implementations.len(), 1);
    assert_eq!(page.implementations[0].id, second_deployment);
}

#[tokio::test]
async fn a_suspended_customer_takes_no_submissions_and_no_new_builders() {
    let app = spawn_app().await;
    let team = builder_org(&app, "Pause Builders", "pause-builders.example").await;
    let customer = org(&app, "Pause Customer", "pause-customer.example").await;
    let (_, widget, implementation) = live_deployment(&team, &customer).await;
    let admin = app.super_admin().await;
    let _: () = admin
        .call_ok(
            "set_tenant_status",
            &[("slug", &customer.slug), ("status", "suspended")],
        )
        .await;
    let (status, body) =
        status_and_text(framed(&app, &format!("{widget}?for={implementation}"), Some(SHOP)).await)
            .await;
    assert_eq!(status, 403);
    assert!(body.contains("not available right now"), "{body}");
    let other = builder_org(&app, "Other Builders", "other-builders.example").await;
    // Asked for, a suspended organization answers as an unknown one does.
    let (status, body) =
        status_and_text(request(&other.owner, &other.slug, &customer.slug).await).await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body.contains("No end-user organization has the address"),
        "{body}"
    );
}

#[tokio::test]
async fn each_customer_invoice_earns_its_active_builders_their_rate_of_that_day() {
    let app = spawn_app().await;
    let admin = app.super_admin().await;
    let team = builder_org(&app, "Rate Builders", "rate-builders.example").await;
    let waiting = builder_org(&app, "Waiting Builders", "waiting-builders.example").await;
    let customer = org(&app, "Rate Customer", "rate-customer.example").await;
    let _: () = customer
        .owner
        .call_ok("change_plan", &[("slug", &customer.slug), ("tier", "pro")])
        .await;
    let link: CustomerLinkId = team
        .owner
        .call_ok(
            "request_customer_link",
            &[("slug", &team.slug), ("customer", &customer.slug)],
        )
        .await;
    let _: LinkStatus = answer(&customer.owner, &customer.slug, link, "accept")
        .await
        .json()
        .await
        .unwrap();
    // A builder whose request is not answered earns nothing.
    let _: CustomerLinkId = waiting
        .owner
        .call_ok(
            "request_customer_link",
            &[("slug", &waiting.slug), ("customer", &customer.slug)],
        )
        .await;

    // Only super admins set a rate, only for builders, as a percentage of 0–100.
    let rate = |browser: &Browser, slug: &str, rate: &str| {
        let (browser, slug, rate) = (browser.clone(), slug.to_owned(), rate.to_owned());
        async move {
            browser
                .call("set_commission_rate", &[("slug", &slug), ("rate", &rate)])
                .await
        }
    };
    assert_eq!(rate(&team.owner, &team.slug, "50").await.status(), 403);
    let (status, body) = status_and_text(rate(&admin, &customer.slug, "5").await).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("is not a builder workspace"), "{body}");
    let (status, body) = status_and_text(rate(&admin, &team.slug, "150").await).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("is not a commission rate"), "{body}");
    assert_eq!(rate(&admin, &team.slug, "12.5").await.status(), 200);
    let before: BuilderOverview = team
        .viewer
        .call_ok("get_builder_overview", &[("slug", &team.slug)])
        .await;
    assert_eq!(before.rate.basis_points(), 1_250);
    assert!(before.months.is_empty());
    assert_eq!(before.active_customers, 1);

    // The month closes: the Pro plan's $49.00 (before tax) earns 12.5 %, $6.125 → $6.13.
    let next_month = Period::of(chrono::Utc::now()).next().start() + chrono::TimeDelta::hours(1);
    services::billing::invoices::issue_due(&app.services, next_month)
        .await
        .unwrap();
    let after: BuilderOverview = team
        .viewer
        .call_ok("get_builder_overview", &[("slug", &team.slug)])
        .await;
    assert_eq!(after.months.len(), 1);
    assert_eq!(after.months[0].period, Period::of(chrono::Utc::now()));
    assert_eq!(after.months[0].revenue, Money::new(4_900, Currency::Usd));
    assert_eq!(after.months[0].commission, Money::new(613, Currency::Usd));
    assert_eq!(after.by_customer.len(), 1);
    assert_eq!(after.by_customer[0].name.as_str(), "Rate Customer");
    let none: BuilderOverview = waiting
        .owner
        .call_ok("get_builder_overview", &[("slug", &waiting.slug)])
        .await;
    assert!(none.months.is_empty() && none.by_customer.is_empty());

    // A new rate applies from now on; what was attributed keeps its day's rate.
    assert_eq!(rate(&admin, &team.slug, "20").await.status(), 200);
    let later: BuilderOverview = team
        .owner
        .call_ok("get_builder_overview", &[("slug", &team.slug)])
        .await;
    assert_eq!(later.rate.basis_points(), 2_000);
    assert_eq!(later.months[0].commission, Money::new(613, Currency::Usd));
    // The figures are the builder's: the customer has no builder dashboard.
    let response = customer
        .owner
        .call("get_builder_overview", &[("slug", &customer.slug)])
        .await;
    assert_eq!(response.status(), 403);
}

/// `team` (a builder on the Pro plan, which makes process templates) linked with `customer`.
async fn linked(app: &TestApp, team: &Org, customer: &Org) -> CustomerLinkId {
    app.exec(&format!(
        "UPDATE tenants SET plan_tier = 'pro' WHERE slug = '{}'",
        team.slug
    ))
    .await;
    let link: CustomerLinkId = request(&team.owner, &team.slug, &customer.slug)
        .await
        .json()
        .await
        .unwrap();
    let accepted: LinkStatus = answer(&customer.owner, &customer.slug, link, "accept")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(accepted, LinkStatus::Active);
    link
}

/// [`change`], answered with the deployment's new status.
async fn changed(
    builder: &Browser,
    slug: &str,
    implementation: ImplementationId,
    action: &str,
) -> ImplementationStatus {
    let response = change(builder, slug, implementation, action).await;
    assert_eq!(response.status(), 200, "{action}");
    response.json().await.unwrap()
}

async fn deploy_template(
    builder: &Browser,
    slug: &str,
    link: CustomerLinkId,
    template: TemplateId,
) -> reqwest::Response {
    builder
        .call(
            "deploy_template",
            &[
                ("slug", slug),
                ("link", &link.to_string()),
                ("template", &template.to_string()),
            ],
        )
        .await
}

async fn templates_of(browser: &Browser, slug: &str) -> Vec<TemplateSummary> {
    let page: TemplatesPage = browser.call_ok("get_templates", &[("slug", slug)]).await;
    page.templates
}

async fn start_session(browser: &Browser, slug: &str, template: TemplateId) -> reqwest::Response {
    browser
        .call(
            "create_session",
            &[
                ("slug", slug),
                ("template", &template.to_string()),
                ("title", "Onboarding Acme"),
            ],
        )
        .await
}

#[tokio::test]
async fn a_builder_deploys_a_process_template_its_customer_runs_sessions_from() {
    let app = spawn_app().await;
    let team = builder_org(&app, "Flow Builders", "flow-builders.example").await;
    let customer = org(&app, "Flow Customer", "flow-customer.example").await;
    let other = org(&app, "Flow Bystander", "flow-bystander.example").await;
    let link = linked(&app, &team, &customer).await;
    let template = create_template(&team.owner, &team.slug, "Onboarding", TWO_PHASES).await;
    let builtin = templates_of(&team.owner, &team.slug)
        .await
        .into_iter()
        .find(|t| t.builtin_key.is_some())
        .unwrap();

    // Only the builder's own templates, once per customer, by those who manage customers.
    let (status, body) =
        status_and_text(deploy_template(&team.owner, &team.slug, link, builtin.id).await).await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body.contains("Built-in templates are in every workspace already"),
        "{body}"
    );
    let (status, body) =
        status_and_text(deploy_template(&team.viewer, &team.slug, link, template).await).await;
    assert_eq!(status, 403, "{body}");
    let implementation: ImplementationId = deploy_template(&team.owner, &team.slug, link, template)
        .await
        .json()
        .await
        .unwrap();
    let (status, body) =
        status_and_text(deploy_template(&team.owner, &team.slug, link, template).await).await;
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("“Onboarding” is already deployed"), "{body}");

    // Both sides list it; a draft gives the customer nothing to start from.
    let page: CustomersPage = team
        .owner
        .call_ok("get_customers", &[("slug", &team.slug)])
        .await;
    assert!(page.templates.iter().any(|t| t.id == template));
    assert!(
        page.templates.iter().all(|t| t.id != builtin.id),
        "built-ins are not offered"
    );
    let deployed = page
        .implementations
        .iter()
        .find(|i| i.id == implementation)
        .unwrap();
    assert_eq!(
        (deployed.template, deployed.widget, deployed.kind_label()),
        (Some(template), None, "Process template")
    );
    let builders: BuildersPage = customer
        .viewer
        .call_ok("get_builders", &[("slug", &customer.slug)])
        .await;
    assert_eq!(builders.implementations[0].name, "Onboarding");
    let before = templates_of(&customer.owner, &customer.slug).await;
    assert!(before.iter().all(|t| t.name.as_str() != "Onboarding"));

    // Live: the customer's workspace holds a read-only copy its members start sessions from,
    // and the customer's command center hears of it.
    let mut tab = watching(&app, &customer.viewer, &customer.slug, "sessions").await;
    let live = changed(&team.owner, &team.slug, implementation, "go_live").await;
    assert_eq!(live, ImplementationStatus::Live);
    let copy = templates_of(&customer.viewer, &customer.slug)
        .await
        .into_iter()
        .find(|t| t.name.as_str() == "Onboarding")
        .expect("the customer's copy");
    assert_ne!(copy.id, template, "a copy in the customer's workspace");
    assert_eq!(
        copy.provided_by.as_ref().map(|n| n.as_str()),
        Some("Flow Builders")
    );
    assert_eq!(copy.deployment, Some(ImplementationStatus::Live));
    assert!(copy.read_only() && copy.startable());
    match tab.next(5000).await {
        Some(ServerMessage::Event { event, .. }) => {
            assert_eq!(event.change, Change::Template { template: copy.id });
        }
        other => panic!("expected the template's change, got {other:?}"),
    }
    let session: ProcessSessionId = start_session(&customer.consultant, &customer.slug, copy.id)
        .await
        .json()
        .await
        .unwrap();
    let running = detail(&customer.consultant, &customer.slug, session).await;
    assert_eq!(running.session.template_name.as_str(), "Onboarding");
    assert_eq!(running.definition.phases.len(), 2);
    // The session runs in the customer's workspace like any other.
    let _: () = customer
        .consultant
        .call_ok(
            "update_session_data",
            &[
                ("slug", customer.slug.as_str()),
                ("id", session.to_string().as_str()),
                ("phase", "P0"),
                ("fields[client]", "Acme"),
                ("fields[budget]", "1200"),
            ],
        )
        .await;
    assert_eq!(
        act(&customer.consultant, &customer.slug, session, "start").await,
        SessionStatus::Active
    );
    wait_for_job(
        &customer.consultant,
        &customer.slug,
        session,
        "approve",
        JobStatus::Waiting,
    )
    .await;

    // A template's deployment serves no visitor: named in an embed code, it is not found.
    let widget = published(&team, "Flow form", "lead_form").await;
    let (status, body) =
        status_and_text(framed(&app, &format!("{widget}?for={implementation}"), Some(SHOP)).await)
            .await;
    assert_eq!(status, 404, "{body}");

    // Read-only for the customer: neither changed nor copied.
    let (status, body) = status_and_text(
        customer
            .owner
            .call(
                "update_template",
                &[
                    ("slug", &customer.slug),
                    ("id", &copy.id.to_string()),
                    ("name", "Mine now"),
                    ("definition", TWO_PHASES),
                ],
            )
            .await,
    )
    .await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("Flow Builders"), "{body}");
    let (status, body) = status_and_text(
        customer
            .owner
            .call(
                "duplicate_template",
                &[("slug", &customer.slug), ("id", &copy.id.to_string())],
            )
            .await,
    )
    .await;
    assert_eq!(status, 403, "{body}");
    // Nobody else gets it, and the builder's copy is not the customer's to reach.
    assert!(
        templates_of(&other.owner, &other.slug)
            .await
            .iter()
            .all(|t| t.name.as_str() != "Onboarding")
    );
    let (status, _) =
        status_and_text(start_session(&other.owner, &other.slug, copy.id).await).await;
    assert_eq!(status, 404);
    let (status, _) =
        status_and_text(start_session(&customer.owner, &customer.slug, template).await).await;
    assert_eq!(
        status, 404,
        "the builder's own template stays the builder's"
    );

    // A new version reaches the customer when the deployment is live again; sessions keep
    // the version they started on.
    add_middle_phase(&team.owner, &team.slug, template, "Onboarding").await;
    let paused = changed(&team.owner, &team.slug, implementation, "pause").await;
    assert_eq!(paused, ImplementationStatus::Paused);
    let (status, body) =
        status_and_text(start_session(&customer.consultant, &customer.slug, copy.id).await).await;
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("is paused by its builder"), "{body}");
    // Nor is one cloned from a session of it.
    let (status, body) = status_and_text(
        customer
            .consultant
            .call(
                "clone_session",
                &[("slug", &customer.slug), ("id", &session.to_string())],
            )
            .await,
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert!(body.contains("is paused by its builder"), "{body}");
    let listed = templates_of(&customer.viewer, &customer.slug).await;
    let paused_copy = listed.iter().find(|t| t.id == copy.id).unwrap();
    assert!(!paused_copy.startable());
    assert_eq!(paused_copy.version, 1, "nothing new while paused");
    let _ = changed(&team.owner, &team.slug, implementation, "resume").await;
    let refreshed = templates_of(&customer.viewer, &customer.slug)
        .await
        .into_iter()
        .find(|t| t.id == copy.id)
        .unwrap();
    assert_eq!(refreshed.version, 2, "the builder's latest version");
    // Live again with nothing changed: no new version; renamed: the name comes along.
    changed(&team.owner, &team.slug, implementation, "pause").await;
    changed(&team.owner, &team.slug, implementation, "resume").await;
    let same = templates_of(&customer.viewer, &customer.slug).await;
    assert_eq!(same.iter().find(|t| t.id == copy.id).unwrap().version, 2);
    add_middle_phase(&team.owner, &team.slug, template, "Onboarding plus").await;
    changed(&team.owner, &team.slug, implementation, "pause").await;
    changed(&team.owner, &team.slug, implementation, "resume").await;
    let renamed = templates_of(&customer.viewer, &customer.slug)
        .await
        .into_iter()
        .find(|t| t.id == copy.id)
        .unwrap();
    assert_eq!(
        (renamed.name.as_str(), renamed.version),
        ("Onboarding plus", 3)
    );
    let newer: ProcessSessionId = start_session(&customer.consultant, &customer.slug, copy.id)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        detail(&customer.consultant, &customer.slug, newer)
            .await
            .definition
            .phases
            .len(),
        3
    );
    assert_eq!(
        detail(&customer.consultant, &customer.slug, session)
            .await
            .definition
            .phases
            .len(),
        2
    );

    // Ending the link retires the deployment: nothing new starts from it.
    let ended: LinkStatus = answer(&customer.owner, &customer.slug, link, "end")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(ended, LinkStatus::Ended);
    let (status, body) =
        status_and_text(start_session(&customer.consultant, &customer.slug, copy.id).await).await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body.contains("is retired (it ends with the builder's link)"),
        "{body}"
    );
    assert_eq!(
        detail(&customer.consultant, &customer.slug, session)
            .await
            .session
            .status,
        SessionStatus::Active,
        "what started goes on"
    );
}
