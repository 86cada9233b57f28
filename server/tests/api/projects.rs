//! A builder's projects: managers start them, place customers in them (one project at a
//! time, current customers only, projects whose work is not over), and move them through
//! their states; each customer invoice counts for the project its customer was in that day,
//! and stays there when the customer moves on. A project is only ever its builder's: the
//! database refuses a link placed in another builder's project.

use shared::billing::invoice::Period;
use shared::billing::{Currency, Money};
use shared::customers::{BuilderOverview, CustomersPage, LinkStatus};
use shared::ids::{CustomerLinkId, ProjectId};
use shared::live::{Change, ServerMessage};
use shared::projects::{ProjectPage, ProjectStatus, ProjectsPage};

use crate::customers::live_deployment;
use crate::embeds::{status_and_text, watching};
use crate::helpers::{Browser, TestApp, spawn_app, sql_uuid};
use crate::members::{Org, builder_org, org};

async fn create(browser: &Browser, slug: &str, name: &str) -> reqwest::Response {
    browser
        .call(
            "create_project",
            &[("slug", slug), ("name", name), ("description", "")],
        )
        .await
}

async fn place(
    browser: &Browser,
    slug: &str,
    link: CustomerLinkId,
    project: &str,
) -> reqwest::Response {
    browser
        .call(
            "place_customer",
            &[
                ("slug", slug),
                ("link", &link.to_string()),
                ("project", project),
            ],
        )
        .await
}

async fn change(browser: &Browser, slug: &str, project: ProjectId, action: &str) -> (u16, String) {
    status_and_text(
        browser
            .call(
                "change_project",
                &[
                    ("slug", slug),
                    ("project", &project.to_string()),
                    ("action", action),
                ],
            )
            .await,
    )
    .await
}

async fn page(team: &Org, project: ProjectId) -> ProjectPage {
    team.viewer
        .call_ok(
            "get_project",
            &[("slug", &team.slug), ("project", &project.to_string())],
        )
        .await
}

/// A Pro customer of `team` that accepted its link.
async fn pro_customer(
    app: &TestApp,
    team: &Org,
    name: &str,
    domain: &str,
) -> (Org, CustomerLinkId) {
    let customer = org(app, name, domain).await;
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
    (customer, link)
}

#[tokio::test]
async fn customers_are_placed_in_projects_and_each_invoice_counts_for_the_project_of_its_day() {
    let app = spawn_app().await;
    let team = builder_org(&app, "Project Builders", "project-builders.example").await;
    let relaunch_customer = org(&app, "Relaunch Customer", "relaunch-customer.example").await;
    let _: () = relaunch_customer
        .owner
        .call_ok(
            "change_plan",
            &[("slug", &relaunch_customer.slug), ("tier", "pro")],
        )
        .await;
    let (relaunch_link, _, implementation) = live_deployment(&team, &relaunch_customer).await;
    let (_pilot_customer, pilot_link) =
        pro_customer(&app, &team, "Pilot Customer", "pilot-customer.example").await;

    // Viewers read; managers start projects; names are checked once and unique per builder.
    assert_eq!(create(&team.viewer, &team.slug, "Peek").await.status(), 403);
    let (status, body) = status_and_text(create(&team.owner, &team.slug, "   ").await).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("Project name is required."), "{body}");
    let relaunch: ProjectId = create(&team.admin, &team.slug, "Relaunch")
        .await
        .json()
        .await
        .unwrap();
    let (status, body) = status_and_text(create(&team.owner, &team.slug, " relaunch ").await).await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body.contains("You already have a project named “relaunch”"),
        "{body}"
    );
    let mut tab = watching(&app, &team.viewer, &team.slug, "customers").await;
    let pilot: ProjectId = create(&team.owner, &team.slug, "Pilot")
        .await
        .json()
        .await
        .unwrap();
    match tab.next(5000).await {
        Some(ServerMessage::Event { event, .. }) => assert_eq!(
            event.change,
            Change::Project {
                project: pilot,
                status: ProjectStatus::Active
            }
        ),
        other => panic!("expected the new project live, got {other:?}"),
    }

    // Customers are placed by managers, in one project at a time.
    assert_eq!(
        place(
            &team.viewer,
            &team.slug,
            relaunch_link,
            &relaunch.to_string()
        )
        .await
        .status(),
        403
    );
    let (status, body) =
        status_and_text(place(&team.owner, &team.slug, relaunch_link, "acme").await).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.contains("Choose a project from the list."), "{body}");
    for (link, project) in [(relaunch_link, relaunch), (pilot_link, pilot)] {
        let response = place(&team.admin, &team.slug, link, &project.to_string()).await;
        assert_eq!(response.status(), 200);
    }
    let before = page(&team, relaunch).await;
    assert_eq!(before.project.customers, 1);
    assert_eq!(before.project.live_deployments, 1);
    assert_eq!(before.customers.len(), 1);
    assert_eq!(before.customers[0].id, relaunch_link);
    assert_eq!(before.implementations.len(), 1);
    assert_eq!(before.implementations[0].id, implementation);
    assert!(before.addable.is_empty(), "the other customer is in Pilot");
    assert!(before.months.is_empty() && before.project.revenue.is_empty());
    let customers: CustomersPage = team
        .viewer
        .call_ok("get_customers", &[("slug", &team.slug)])
        .await;
    let placed = |link| {
        customers
            .links
            .iter()
            .find(|l| l.id == link)
            .unwrap()
            .project
    };
    assert_eq!(placed(relaunch_link), Some(relaunch));
    assert_eq!(placed(pilot_link), Some(pilot));
    assert_eq!(customers.projects.len(), 2);

    // The month closes: each Pro invoice ($49.00) counts for its customer's project.
    let next_month = Period::of(chrono::Utc::now()).next().start() + chrono::TimeDelta::hours(1);
    services::billing::invoices::issue_due(&app.services, next_month)
        .await
        .unwrap();
    let usd = |minor| Money::new(minor, Currency::Usd);
    let overview: BuilderOverview = team
        .viewer
        .call_ok("get_builder_overview", &[("slug", &team.slug)])
        .await;
    assert_eq!(overview.by_project.len(), 2);
    for row in &overview.by_project {
        assert_eq!(
            (row.revenue, row.commission, row.invoices),
            (usd(4_900), usd(490), 1)
        );
    }
    assert_eq!(overview.projects.len(), 2);
    let after = page(&team, relaunch).await;
    assert_eq!(after.project.revenue, vec![usd(4_900)]);
    assert_eq!(after.months.len(), 1);
    assert_eq!(after.months[0].commission, usd(490));

    // The relaunch customer moves to the pilot: its past invoice stays with the relaunch.
    assert_eq!(
        place(&team.owner, &team.slug, relaunch_link, &pilot.to_string())
            .await
            .status(),
        200
    );
    let moved = page(&team, relaunch).await;
    assert_eq!(moved.project.customers, 0);
    assert_eq!(moved.project.live_deployments, 0);
    assert!(moved.implementations.is_empty());
    assert_eq!(moved.project.revenue, vec![usd(4_900)]);
    assert_eq!(page(&team, pilot).await.project.customers, 2);

    // States: a completed project takes no customers until reopened; refused moves say why
    // and change nothing.
    assert_eq!(
        change(&team.owner, &team.slug, relaunch, "complete")
            .await
            .0,
        200
    );
    let (status, body) = change(&team.owner, &team.slug, relaunch, "hold").await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body.contains(
            "This project is completed, so “put on hold” does not apply: only active projects can."
        ),
        "{body}"
    );
    assert_eq!(
        change(&team.viewer, &team.slug, relaunch, "reopen").await.0,
        403
    );
    let (status, body) = status_and_text(
        place(
            &team.owner,
            &team.slug,
            relaunch_link,
            &relaunch.to_string(),
        )
        .await,
    )
    .await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body.contains("This project is completed: reopen it to add customers."),
        "{body}"
    );
    assert_eq!(page(&team, pilot).await.project.customers, 2);
    assert_eq!(
        change(&team.owner, &team.slug, relaunch, "reopen").await.0,
        200
    );
    assert_eq!(
        change(&team.owner, &team.slug, relaunch, "hold").await.0,
        200
    );
    assert_eq!(
        place(
            &team.owner,
            &team.slug,
            relaunch_link,
            &relaunch.to_string()
        )
        .await
        .status(),
        200,
        "a project on hold still takes customers"
    );

    // Archived projects leave the home's portfolio but keep their revenue and stay listed.
    assert_eq!(
        change(&team.owner, &team.slug, pilot, "archive").await.0,
        200
    );
    let overview: BuilderOverview = team
        .viewer
        .call_ok("get_builder_overview", &[("slug", &team.slug)])
        .await;
    assert_eq!(overview.projects.len(), 1);
    assert_eq!(overview.projects[0].id, relaunch);
    assert_eq!(overview.by_project.len(), 2);
    let all: ProjectsPage = team
        .viewer
        .call_ok("get_projects", &[("slug", &team.slug)])
        .await;
    assert_eq!(all.projects.len(), 2);
    assert_eq!(all.projects[1].id, pilot, "archived ones come last");
    assert_eq!(all.projects[1].status, ProjectStatus::Archived);
    assert!(!all.can_manage);

    // Renaming to a taken name is refused and keeps the old one.
    let rename = |name: &'static str| {
        let owner = team.owner.clone();
        let slug = team.slug.clone();
        async move {
            status_and_text(
                owner
                    .call(
                        "update_project",
                        &[
                            ("slug", slug.as_str()),
                            ("project", &relaunch.to_string()),
                            ("name", name),
                            ("description", "Second phase"),
                        ],
                    )
                    .await,
            )
            .await
        }
    };
    let (status, body) = rename("PILOT").await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(
        page(&team, relaunch).await.project.name.as_str(),
        "Relaunch"
    );
    assert_eq!(rename("Relaunch 2027").await.0, 200);
    let renamed = page(&team, relaunch).await;
    assert_eq!(renamed.project.name.as_str(), "Relaunch 2027");
    assert_eq!(renamed.project.description, "Second phase");

    // An ended link is no longer placed anywhere new.
    let _: LinkStatus = team
        .owner
        .call_ok(
            "end_customer_link",
            &[("slug", &team.slug), ("link", &pilot_link.to_string())],
        )
        .await;
    let (status, body) =
        status_and_text(place(&team.owner, &team.slug, pilot_link, "").await).await;
    assert_eq!(status, 409, "{body}");
    assert!(
        body.contains("only current customers are placed in projects"),
        "{body}"
    );

    // Every change is in the builder's audit trail: two projects started, four placements,
    // four status changes, one rename (refusals write nothing).
    let audited = app
        .count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'project.%' OR action = 'customer_link.project_set'")
        .await;
    assert_eq!(audited, 2 + 4 + 4 + 1);

    // Projects are for builder workspaces only.
    let response = relaunch_customer
        .owner
        .call("get_projects", &[("slug", &relaunch_customer.slug)])
        .await;
    assert_eq!(response.status(), 403);
}

#[tokio::test]
async fn the_database_refuses_a_link_in_another_builders_project() {
    let app = spawn_app().await;
    let ours = builder_org(&app, "Own Projects", "own-projects.example").await;
    let theirs = builder_org(&app, "Other Projects", "other-projects.example").await;
    let (_customer, link) =
        pro_customer(&app, &ours, "Shared Customer", "shared-customer.example").await;
    let foreign: ProjectId = create(&theirs.owner, &theirs.slug, "Not yours")
        .await
        .json()
        .await
        .unwrap();
    let statement = format!(
        "UPDATE customer_links SET project_id = {} WHERE id = {}",
        sql_uuid(foreign.as_uuid()),
        sql_uuid(link.as_uuid())
    );
    assert!(app.try_exec(&statement).await.is_err());
    // Through the server, the other builder's project is not found from ours.
    let (status, body) =
        status_and_text(place(&ours.owner, &ours.slug, link, &foreign.to_string()).await).await;
    assert_eq!(status, 404, "{body}");
    let customers: CustomersPage = ours
        .owner
        .call_ok("get_customers", &[("slug", &ours.slug)])
        .await;
    assert_eq!(customers.links[0].project, None);
}

#[tokio::test]
async fn two_renames_to_one_name_at_once_give_one_project_that_name_and_a_conflict() {
    let app = spawn_app().await;
    let team = builder_org(&app, "Rename Race", "rename-race.example").await;
    let mut ids = Vec::new();
    for name in ["First", "Second", "Third", "Fourth"] {
        let id: ProjectId = create(&team.owner, &team.slug, name)
            .await
            .json()
            .await
            .unwrap();
        ids.push(id);
    }
    let renames = ids.iter().map(|id| {
        let owner = team.owner.clone();
        let slug = team.slug.clone();
        let id = id.to_string();
        async move {
            status_and_text(
                owner
                    .call(
                        "update_project",
                        &[
                            ("slug", slug.as_str()),
                            ("project", id.as_str()),
                            ("name", "Same name"),
                            ("description", ""),
                        ],
                    )
                    .await,
            )
            .await
        }
    });
    let answers = futures_util::future::join_all(renames).await;
    let mut statuses: Vec<u16> = answers.iter().map(|(status, _)| *status).collect();
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409, 409, 409], "{answers:?}");
    assert!(
        answers
            .iter()
            .filter(|(status, _)| *status == 409)
            .all(|(_, body)| body.contains("You already have a project named “Same name”")),
        "{answers:?}"
    );
    let all: ProjectsPage = team
        .owner
        .call_ok("get_projects", &[("slug", &team.slug)])
        .await;
    let named: Vec<_> = all
        .projects
        .iter()
        .filter(|p| p.name.as_str() == "Same name")
        .collect();
    assert_eq!(named.len(), 1);
}
