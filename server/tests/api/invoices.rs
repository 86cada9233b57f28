//! Monthly invoices: issued once per closed month from the plan, monthly services and the
//! provider costs on the platform's keys less credits, plus tax; shown, downloaded as CSV,
//! paid through the test provider (declines recorded, never charged twice); figures fixed.

use chrono::{TimeDelta, Utc};
use shared::billing::BillingPage;
use shared::billing::invoice::{Invoice, InvoiceStatus, LineKind, Period};

use crate::helpers::{Backend, Browser, backend, spawn_app_with};
use crate::members::org;

async fn report_cost(browser: &Browser, slug: &str, provider: &str, quantity: u64, cost: i64) {
    let response = browser
        .api_post(
            &format!("/api/v1/tenants/{slug}/usage"),
            &format!(
                r#"{{"metric": "tokens", "quantity": {quantity}, "provider": "{provider}", "cost_minor": {cost}}}"#
            ),
        )
        .await;
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
}

/// "Now" at the start of next month, when this month has closed.
fn next_month() -> chrono::DateTime<Utc> {
    Period::of(Utc::now()).next().start() + TimeDelta::hours(1)
}

async fn invoice(browser: &Browser, slug: &str, number: &str) -> Invoice {
    browser
        .call_ok("get_invoice", &[("slug", slug), ("number", number)])
        .await
}

#[tokio::test]
async fn a_closed_month_is_invoiced_once_to_the_cent_and_paid_once() {
    let app = spawn_app_with(|s| s.billing.tax_rate = "8.25".into()).await;
    let admin = app.super_admin().await;
    let team = org(&app, "Invoice Ltd", "invoice.example").await;
    let slug = team.slug.clone();
    let _: () = team
        .owner
        .call_ok("change_plan", &[("slug", &slug), ("tier", "pro")])
        .await;
    let granted = admin
        .call(
            "adjust_credits",
            &[
                ("slug", &slug),
                ("kind", "grant"),
                ("amount", "5"),
                ("note", "welcome"),
            ],
        )
        .await;
    assert_eq!(granted.status(), 200);
    // $12.34 of groq on the platform's key: $5.00 of it from credits, the rest billed.
    report_cost(&team.owner, &slug, "groq", 120_000, 1_034).await;
    report_cost(&team.owner, &slug, "groq", 30_000, 200).await;

    // Nothing is issued for a month that has not closed.
    assert_eq!(
        services::billing::invoices::issue_due(&app.services, Utc::now())
            .await
            .unwrap(),
        0
    );
    let issued = services::billing::invoices::issue_due(&app.services, next_month())
        .await
        .unwrap();
    assert!(issued >= 1);
    // Issuing again changes nothing.
    assert_eq!(
        services::billing::invoices::issue_due(&app.services, next_month())
            .await
            .unwrap(),
        0
    );

    let page: BillingPage = team.viewer.call_ok("get_billing", &[("slug", &slug)]).await;
    assert_eq!(page.invoices.len(), 1);
    let number = page.invoices[0].number.clone();
    let period = Period::of(Utc::now());
    assert_eq!(
        number,
        format!("INV-{}-{period}", slug.to_uppercase()),
        "numbered by organization and month"
    );

    let shown = invoice(&team.viewer, &slug, &number).await;
    let lines: Vec<(LineKind, i64)> = shown
        .draft
        .lines
        .iter()
        .map(|l| (l.kind, l.amount.minor))
        .collect();
    assert_eq!(
        lines,
        [
            (LineKind::Plan, 4_900),
            (LineKind::ProviderUsage, 1_234),
            (LineKind::Credits, -500)
        ]
    );
    assert_eq!(shown.draft.subtotal.minor, 5_634);
    // 5,634 × 8.25 % = 464.805 → 465.
    assert_eq!(shown.draft.tax.minor, 465);
    assert_eq!(shown.summary.total.minor, 6_099);
    assert_eq!(shown.summary.status, InvoiceStatus::Open);
    assert!(!shown.can_pay, "viewers see invoices but do not pay them");

    // The page and the CSV carry the same figures.
    let html = team
        .owner
        .page(&format!("/app/{slug}/billing/invoices/{number}"))
        .await;
    assert_eq!(html.status(), 200);
    let html = html.text().await.unwrap();
    assert!(
        html.contains("$60.99") && html.contains("Pay $60.99"),
        "{html}"
    );
    let csv = team
        .owner
        .client
        .get(
            team.owner
                .url(&format!("/api/v1/tenants/{slug}/invoices/{number}/csv")),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    assert_eq!(
        csv.headers()["content-type"].to_str().unwrap(),
        "text/csv; charset=utf-8"
    );
    let csv = csv.text().await.unwrap();
    assert!(
        csv.starts_with("invoice,period,description,kind,quantity,unit_price,amount,currency\n")
    );
    assert!(
        csv.contains(",groq usage on the platform's key,provider_usage,150000,12.34,12.34,USD")
    );
    assert!(csv.contains(",Total,total,,,60.99,USD"), "{csv}");

    // Viewers may not pay; a bad method is named; a declined card is recorded.
    let (status, _) = team
        .viewer
        .call_err(
            "pay_invoice",
            &[
                ("slug", &slug),
                ("number", &number),
                ("method", "test_card_accepted"),
            ],
        )
        .await;
    assert_eq!(status, 403);
    let (status, err) = team
        .owner
        .call_err(
            "pay_invoice",
            &[("slug", &slug), ("number", &number), ("method", "iou")],
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(err.field(), Some("method"));
    let (status, err) = team
        .owner
        .call_err(
            "pay_invoice",
            &[
                ("slug", &slug),
                ("number", &number),
                ("method", "test_card_declined"),
            ],
        )
        .await;
    assert_eq!(status, 402);
    assert!(err.to_string().contains("declined"), "{err}");
    let failed = invoice(&team.owner, &slug, &number).await;
    assert_eq!(failed.summary.status, InvoiceStatus::Failed);
    assert_eq!(failed.payments.len(), 1);
    assert!(failed.can_pay);

    // Ten clicks at once charge it once.
    let form = [
        ("slug", slug.as_str()),
        ("number", number.as_str()),
        ("method", "test_card_accepted"),
    ];
    let clicks = (0..10).map(|_| team.owner.call("pay_invoice", &form));
    let statuses: Vec<u16> = futures_util::future::join_all(clicks)
        .await
        .iter()
        .map(|r| r.status().as_u16())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        9,
        "{statuses:?}"
    );
    let paid = invoice(&team.owner, &slug, &number).await;
    assert_eq!(paid.summary.status, InvoiceStatus::Paid);
    assert_eq!(paid.payments.len(), 2);
    assert!(paid.payments[1].succeeded && !paid.can_pay);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'invoice.payment'")
            .await,
        2
    );

    // The figures are fixed in the database itself.
    let forged = app
        .try_exec("UPDATE invoices SET total_minor = 1, subtotal_minor = 1, tax_minor = 0")
        .await;
    assert!(forged.is_err(), "an issued invoice's total changed");
    assert_eq!(
        invoice(&team.owner, &slug, &number)
            .await
            .summary
            .total
            .minor,
        6_099
    );
}

#[tokio::test]
async fn own_key_costs_are_not_billed_and_another_organizations_invoice_is_unknown() {
    let app = spawn_app_with(|_| {}).await;
    let ours = org(&app, "Own Key Ltd", "ownkey.example").await;
    let theirs = org(&app, "Other Key Ltd", "otherkey.example").await;
    let added = ours
        .owner
        .call(
            "add_vault_key",
            &[
                ("slug", &ours.slug),
                ("provider", "groq"),
                ("label", "Mine"),
                (
                    "secret",
                    "gsk_InvoiceTestKey0123456789abcdefghijklmnopqrWXYZ",
                ),
            ],
        )
        .await;
    assert_eq!(added.status(), 200, "{}", added.text().await.unwrap());
    report_cost(&ours.owner, &ours.slug, "groq", 1_000, 700).await;
    services::billing::invoices::issue_due(&app.services, next_month())
        .await
        .unwrap();
    let page: BillingPage = ours
        .owner
        .call_ok("get_billing", &[("slug", &ours.slug)])
        .await;
    let mine = invoice(&ours.owner, &ours.slug, &page.invoices[0].number).await;
    // Free plan, and the groq cost ran on the owner's own key: nothing to bill, so the
    // invoice is settled as it is issued.
    assert_eq!(mine.draft.lines.len(), 1);
    assert_eq!(mine.summary.total.minor, 0);
    assert_eq!(mine.summary.status, InvoiceStatus::Paid);
    assert!(!mine.can_pay);

    // Their invoice, asked for from our workspace or theirs, is not found / refused.
    let their_page: BillingPage = theirs
        .owner
        .call_ok("get_billing", &[("slug", &theirs.slug)])
        .await;
    let their_number = &their_page.invoices[0].number;
    let (status, _) = ours
        .owner
        .call_err(
            "get_invoice",
            &[("slug", &ours.slug), ("number", their_number)],
        )
        .await;
    assert_eq!(status, 404);
    let csv = ours
        .owner
        .client
        .get(ours.owner.url(&format!(
            "/api/v1/tenants/{}/invoices/{their_number}/csv",
            theirs.slug
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 404);
    if backend() == Backend::Postgres {
        // Row-level security covers the new tables too.
        let policies = app
            .count("SELECT COUNT(*) FROM pg_policies WHERE tablename IN ('invoices', 'invoice_payments')")
            .await;
        assert_eq!(policies, 2);
    }
}
