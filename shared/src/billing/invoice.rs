//! Monthly invoices: what an organization owes for a closed month — its plan, the monthly
//! services it had active, the provider costs it ran on the platform's keys less the
//! credits that covered them — plus tax at the platform's rate. Integer minor units
//! throughout; [`compute`] is the one place the figures come from, for the server that
//! stores an invoice and for the tests that check it.

use chrono::{DateTime, Datelike as _, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{Currency, Money, PlanTier};
use crate::ids::InvoiceId;
use crate::tenants::TenantSummary;
use crate::validation::ValidationError;

/// A percentage in basis points, 0–100 %: 825 is 8.25 %. Invoices' tax and builders'
/// commissions are rates.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rate(u32);

/// What invoices charge in tax.
pub type TaxRate = Rate;

impl Rate {
    pub const ZERO: Rate = Rate(0);

    pub const fn basis_points(self) -> u32 {
        self.0
    }

    pub fn from_basis_points(bp: u32) -> Result<Self, ValidationError> {
        if bp > 10_000 {
            return Err(ValidationError::new(
                "tax_rate",
                "A tax rate is between 0 and 100 %.",
            ));
        }
        Ok(Self(bp))
    }

    /// Reads a tax rate: "8.25", "8.25%" or "20 %", a percentage with at most two decimals,
    /// 0–100.
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        Self::parse_as(input, "tax_rate", "a tax rate")
    }

    /// Reads a percentage as [`Self::parse`] does; a refusal names `field` and calls the
    /// rate `what` ("a commission rate").
    pub fn parse_as(input: &str, field: &str, what: &str) -> Result<Self, ValidationError> {
        let refuse = || {
            ValidationError::new(
                field,
                format!(
                    "“{input}” is not {what}: write a percentage such as 8.25 (0–100, two decimals at most)."
                ),
            )
        };
        let text = input.trim().trim_end_matches('%').trim_end();
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        if whole.is_empty()
            || whole.len() > 3
            || fraction.len() > 2
            || !whole
                .bytes()
                .chain(fraction.bytes())
                .all(|b| b.is_ascii_digit())
        {
            return Err(refuse());
        }
        let whole: u32 = whole.parse().map_err(|_| refuse())?;
        let fraction: u32 = format!("{fraction:0<2}").parse().map_err(|_| refuse())?;
        Self::from_basis_points(whole * 100 + fraction).map_err(|_| refuse())
    }

    /// "8.25 %", "20 %".
    pub fn text(self) -> String {
        let (whole, fraction) = (self.0 / 100, self.0 % 100);
        match fraction {
            0 => format!("{whole} %"),
            f if f % 10 == 0 => format!("{whole}.{} %", f / 10),
            f => format!("{whole}.{f:02} %"),
        }
    }

    /// The rate's share of `amount` minor units (the tax on it, the commission on it), rounded
    /// half up to the minor unit; none of a credit.
    pub fn of(self, amount: i64) -> i64 {
        if amount <= 0 {
            return 0;
        }
        let tax = (i128::from(amount) * i128::from(self.0) + 5_000) / 10_000;
        i64::try_from(tax).unwrap_or(i64::MAX)
    }
}

/// A closed month an invoice covers: "2026-11".
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Period {
    year: i32,
    month: u32,
}

impl Period {
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let refuse = || {
            ValidationError::new(
                "period",
                format!("“{input}” is not a month: write it as 2026-11."),
            )
        };
        let (year, month) = input.trim().split_once('-').ok_or_else(refuse)?;
        if year.len() != 4 || month.len() != 2 {
            return Err(refuse());
        }
        let year: i32 = year.parse().map_err(|_| refuse())?;
        let month: u32 = month.parse().map_err(|_| refuse())?;
        if !(2000..=9999).contains(&year) || !(1..=12).contains(&month) {
            return Err(refuse());
        }
        Ok(Self { year, month })
    }

    /// The month `at` falls in.
    pub fn of(at: DateTime<Utc>) -> Self {
        Self {
            year: at.year(),
            month: at.month(),
        }
    }

    /// The month before this one.
    pub fn previous(self) -> Self {
        if self.month == 1 {
            Self {
                year: self.year - 1,
                month: 12,
            }
        } else {
            Self {
                year: self.year,
                month: self.month - 1,
            }
        }
    }

    /// The month after this one.
    pub fn next(self) -> Self {
        if self.month == 12 {
            Self {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Self {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    /// Its first day.
    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or_default()
    }

    /// Its first moment, UTC.
    pub fn start(self) -> DateTime<Utc> {
        self.first_day()
            .and_hms_opt(0, 0, 0)
            .unwrap_or_default()
            .and_utc()
    }

    /// "November 2026".
    pub fn label(self) -> String {
        self.first_day().format("%B %Y").to_string()
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

text_enum! {
    /// What an invoice line is for.
    pub enum LineKind {
        Plan => "plan",
        Service => "service",
        ProviderUsage => "provider_usage",
        Credits => "credits",
    }
}

/// One line of an invoice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceLine {
    pub kind: LineKind,
    pub description: String,
    pub quantity: u64,
    pub unit_price: Money,
    pub amount: Money,
}

/// What a month's invoice is computed from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvoiceInputs {
    pub period: Period,
    pub plan: (PlanTier, Money),
    /// Services priced per month that were active during the month: name and price.
    pub monthly_services: Vec<(String, Money)>,
    /// Per provider: quantity used and its cost, on the platform's keys only (an
    /// organization's own keys are billed by the provider directly).
    pub provider_costs: Vec<(String, u64, Money)>,
    /// What the organization's credits covered of those costs during the month.
    pub credits_applied: Money,
    pub tax_rate: TaxRate,
}

/// An invoice's lines and totals, before it is stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceDraft {
    pub currency: Currency,
    pub lines: Vec<InvoiceLine>,
    pub subtotal: Money,
    pub tax_rate: TaxRate,
    pub tax: Money,
    pub total: Money,
}

/// The invoice for `inputs`: every amount in the plan's currency (anything priced in
/// another is refused by name, rather than converted).
pub fn compute(inputs: &InvoiceInputs) -> Result<InvoiceDraft, ValidationError> {
    let (tier, plan_price) = inputs.plan;
    let currency = plan_price.currency;
    let same = |what: &str, money: Money| {
        if money.currency == currency {
            Ok(money)
        } else {
            Err(ValidationError::new(
                "currency",
                format!(
                    "{what} is priced in {}, and this invoice is in {}.",
                    money.currency.as_str().to_uppercase(),
                    currency.as_str().to_uppercase()
                ),
            ))
        }
    };
    let mut lines = vec![InvoiceLine {
        kind: LineKind::Plan,
        description: format!("{} plan, {}", tier.label(), inputs.period.label()),
        quantity: 1,
        unit_price: plan_price,
        amount: plan_price,
    }];
    for (name, price) in &inputs.monthly_services {
        let price = same(name, *price)?;
        lines.push(InvoiceLine {
            kind: LineKind::Service,
            description: format!("{name}, {}", inputs.period.label()),
            quantity: 1,
            unit_price: price,
            amount: price,
        });
    }
    let mut provider_total = 0i64;
    for (provider, quantity, cost) in &inputs.provider_costs {
        let cost = same(provider, *cost)?;
        if cost.minor == 0 {
            continue;
        }
        provider_total = provider_total.saturating_add(cost.minor);
        lines.push(InvoiceLine {
            kind: LineKind::ProviderUsage,
            description: format!("{provider} usage on the platform's key"),
            quantity: *quantity,
            unit_price: cost,
            amount: cost,
        });
    }
    // Credits only ever cover provider costs, so they never take the invoice below them.
    let credits = same("Credits", inputs.credits_applied)?
        .minor
        .clamp(0, provider_total);
    if credits > 0 {
        lines.push(InvoiceLine {
            kind: LineKind::Credits,
            description: "Credits applied".to_owned(),
            quantity: 1,
            unit_price: Money::new(-credits, currency),
            amount: Money::new(-credits, currency),
        });
    }
    let subtotal = lines
        .iter()
        .fold(0i64, |sum, line| sum.saturating_add(line.amount.minor));
    let tax = inputs.tax_rate.of(subtotal);
    Ok(InvoiceDraft {
        currency,
        lines,
        subtotal: Money::new(subtotal, currency),
        tax_rate: inputs.tax_rate,
        tax: Money::new(tax, currency),
        total: Money::new(subtotal.saturating_add(tax), currency),
    })
}

/// An invoice's number: the organization's slug and the month, "INV-ACME-2026-11".
pub fn invoice_number(slug: &str, period: Period) -> String {
    format!("INV-{}-{period}", slug.to_uppercase())
}

text_enum! {
    /// Where an invoice's payment stands.
    pub enum InvoiceStatus {
        Open => "open",
        Paid => "paid",
        Failed => "failed",
    }
}

impl InvoiceStatus {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Open => "Open",
            Self::Paid => "Paid",
            Self::Failed => "Payment failed",
        }
    }

    /// Whether someone may try to pay it (again).
    pub const fn payable(self) -> bool {
        matches!(self, Self::Open | Self::Failed)
    }
}

text_enum! {
    /// The test payment provider's payment methods: like a card processor's test cards,
    /// one that is always accepted and one that is always declined. No money moves.
    pub enum TestCard {
        Accepted => "test_card_accepted",
        Declined => "test_card_declined",
    }
}

impl TestCard {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Accepted => "Card 4242 (accepted)",
            Self::Declined => "Card 0002 (declined)",
        }
    }
}

/// One attempt to collect an invoice.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentAttempt {
    pub at: DateTime<Utc>,
    pub provider: String,
    pub method: String,
    pub succeeded: bool,
    pub reference: String,
    pub message: String,
}

/// An invoice in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceSummary {
    pub id: InvoiceId,
    pub number: String,
    pub period: Period,
    pub status: InvoiceStatus,
    pub total: Money,
    pub issued_at: DateTime<Utc>,
}

/// An invoice in full, for its page and its downloads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invoice {
    pub tenant: TenantSummary,
    pub summary: InvoiceSummary,
    pub draft: InvoiceDraft,
    pub payments: Vec<PaymentAttempt>,
    /// Whether the viewer may pay it (now).
    pub can_pay: bool,
    /// The payment provider's name, and the methods a payer may choose: (value, label).
    pub provider: String,
    pub methods: Vec<(String, String)>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const USD: Currency = Currency::Usd;

    fn usd(minor: i64) -> Money {
        Money::new(minor, USD)
    }

    fn november() -> Period {
        Period::parse("2026-11").unwrap()
    }

    fn inputs() -> InvoiceInputs {
        InvoiceInputs {
            period: november(),
            plan: (PlanTier::Pro, usd(4_900)),
            monthly_services: vec![("Voice agent".into(), usd(2_500))],
            provider_costs: vec![
                ("groq".into(), 120_000, usd(1_234)),
                ("deepgram".into(), 90, usd(0)),
            ],
            credits_applied: usd(500),
            tax_rate: TaxRate::parse("8.25").unwrap(),
        }
    }

    #[test]
    fn a_known_month_adds_up_to_the_cent() {
        let draft = compute(&inputs()).unwrap();
        let amounts: Vec<i64> = draft.lines.iter().map(|l| l.amount.minor).collect();
        // Plan, service, groq (deepgram cost nothing and has no line), credits.
        assert_eq!(amounts, [4_900, 2_500, 1_234, -500]);
        assert_eq!(draft.subtotal, usd(8_134));
        // 8,134 × 8.25 % = 671.055 → 671.
        assert_eq!(draft.tax, usd(671));
        assert_eq!(draft.total, usd(8_805));
        assert_eq!(draft.lines[0].description, "Pro plan, November 2026");
    }

    #[test]
    fn credits_never_cover_more_than_the_provider_costs() {
        let mut big = inputs();
        big.credits_applied = usd(99_999);
        let draft = compute(&big).unwrap();
        assert_eq!(draft.lines.last().unwrap().amount, usd(-1_234));
        assert_eq!(draft.subtotal, usd(7_400));
    }

    #[test]
    fn tax_rounds_half_up_and_never_applies_to_nothing() {
        let rate = TaxRate::parse("10").unwrap();
        assert_eq!(rate.of(5), 1); // 0.5 → 1
        assert_eq!(rate.of(4), 0); // 0.4 → 0
        assert_eq!(rate.of(0), 0);
        assert_eq!(rate.of(-100), 0);
        assert_eq!(TaxRate::parse("100").unwrap().of(1_999), 1_999);
    }

    #[test]
    fn another_currency_is_refused_by_name() {
        let mut mixed = inputs();
        mixed.monthly_services = vec![("Lead enrichment".into(), Money::new(900, Currency::Eur))];
        let err = compute(&mixed).unwrap_err();
        assert_eq!(
            err.reason,
            "Lead enrichment is priced in EUR, and this invoice is in USD."
        );
    }

    #[test]
    fn tax_rates_parse_once_and_say_why_not() {
        assert_eq!(TaxRate::parse("8.25").unwrap().basis_points(), 825);
        assert_eq!(TaxRate::parse(" 20 % ").unwrap().basis_points(), 2_000);
        assert_eq!(TaxRate::parse("7.5").unwrap().basis_points(), 750);
        assert_eq!(TaxRate::parse("0").unwrap(), TaxRate::ZERO);
        assert_eq!(TaxRate::parse("8.25").unwrap().text(), "8.25 %");
        assert_eq!(TaxRate::parse("7.5").unwrap().text(), "7.5 %");
        assert_eq!(TaxRate::parse("19").unwrap().text(), "19 %");
        for bad in ["", "abc", "8.255", "101", "-3", "1e2", "8,25", ".5"] {
            let err = TaxRate::parse(bad).unwrap_err();
            assert_eq!(err.field, "tax_rate", "{bad}");
        }
    }

    #[test]
    fn periods_parse_and_step_over_the_year() {
        let p = Period::parse("2026-12").unwrap();
        assert_eq!(p.next().to_string(), "2027-01");
        assert_eq!(Period::parse("2027-01").unwrap().previous(), p);
        assert_eq!(p.label(), "December 2026");
        assert_eq!(p.start().to_rfc3339(), "2026-12-01T00:00:00+00:00");
        for bad in ["2026-13", "2026-1", "26-11", "2026/11", "", "1999-05"] {
            assert!(Period::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(invoice_number("acme", p), "INV-ACME-2026-12");
    }

    proptest! {
        #[test]
        fn totals_are_the_sum_of_the_lines_plus_tax(
            plan in 0i64..1_000_000,
            services in proptest::collection::vec(0i64..100_000, 0..5),
            costs in proptest::collection::vec(0i64..100_000, 0..5),
            credits in 0i64..1_000_000,
            bp in 0u32..=10_000,
        ) {
            let draft = compute(&InvoiceInputs {
                period: november(),
                plan: (PlanTier::Free, usd(plan)),
                monthly_services: services.iter().map(|m| ("s".to_owned(), usd(*m))).collect(),
                provider_costs: costs.iter().map(|m| ("p".to_owned(), 1, usd(*m))).collect(),
                credits_applied: usd(credits),
                tax_rate: TaxRate::from_basis_points(bp).unwrap(),
            }).unwrap();
            let lines: i64 = draft.lines.iter().map(|l| l.amount.minor).sum();
            prop_assert_eq!(draft.subtotal.minor, lines);
            prop_assert!(draft.subtotal.minor >= plan + services.iter().sum::<i64>());
            prop_assert!(draft.tax.minor >= 0 && draft.tax.minor <= draft.subtotal.minor);
            prop_assert_eq!(draft.total.minor, draft.subtotal.minor + draft.tax.minor);
        }

        #[test]
        fn tax_rate_parsing_never_panics(input in "\\PC{0,12}") {
            let _ = TaxRate::parse(&input);
            let _ = Period::parse(&input);
        }
    }
}
