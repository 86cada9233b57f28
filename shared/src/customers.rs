//! Builders and their customers (seed 000). A builder workspace asks an end-user
//! organization, by its address, to become its customer; the organization's owner accepts or
//! declines, and either side can end the link. Over an active link the builder deploys its
//! widgets for the customer as **implementations**, which move draft → live ⇄ paused, and any
//! → retired. A live implementation's visitors become the customer's contacts, in the
//! customer's own workspace.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::billing::invoice::{Period, Rate};
use crate::billing::{Currency, Money};
use crate::ids::{CustomerLinkId, ImplementationId, ProjectId, TemplateId, WidgetId};
use crate::names::{TemplateName, TenantName, WidgetName};
use crate::projects::{ProjectRevenue, ProjectSummary};
use crate::slug::Slug;
use crate::tenants::TenantSummary;
use crate::validation::ValidationError;

text_enum! {
    /// Where a link between a builder and a customer stands.
    pub enum LinkStatus {
        /// Asked by the builder; the customer's owner has not answered.
        Pending => "pending",
        Active => "active",
        Declined => "declined",
        /// Withdrawn by the builder or ended by either side.
        Ended => "ended",
    }
}

impl LinkStatus {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Pending => "Waiting for the customer",
            Self::Active => "Active",
            Self::Declined => "Declined",
            Self::Ended => "Ended",
        }
    }

    /// A builder may ask again after a refusal or an end, never while a link is open.
    pub const fn can_request_again(self) -> bool {
        matches!(self, Self::Declined | Self::Ended)
    }
}

text_enum! {
    /// What can be done to a link, and by whom: the customer's owner accepts or declines;
    /// either side ends (a builder ending a pending link withdraws its request).
    pub enum LinkAction {
        Accept => "accept",
        Decline => "decline",
        End => "end",
    }
}

/// Which side of a link acts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Side {
    Builder,
    Customer,
}

impl LinkAction {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Accept => "Accept",
            Self::Decline => "Decline",
            Self::End => "End",
        }
    }

    /// Whether `side` may take this action on a link that is `from` (for showing only
    /// buttons that work).
    pub const fn applies(self, side: Side, from: LinkStatus) -> bool {
        matches!(
            (self, side, from),
            (
                Self::Accept | Self::Decline,
                Side::Customer,
                LinkStatus::Pending
            ) | (Self::End, Side::Customer, LinkStatus::Active)
                | (
                    Self::End,
                    Side::Builder,
                    LinkStatus::Pending | LinkStatus::Active
                )
        )
    }
}

/// Where `action` by `side` takes a link that is `from`, or why it cannot.
pub fn link_transition(
    side: Side,
    from: LinkStatus,
    action: LinkAction,
) -> Result<LinkStatus, ValidationError> {
    if action.applies(side, from) {
        return Ok(match action {
            LinkAction::Accept => LinkStatus::Active,
            LinkAction::Decline => LinkStatus::Declined,
            LinkAction::End => LinkStatus::Ended,
        });
    }
    let reason = match (side, action, from) {
        (Side::Builder, LinkAction::Accept | LinkAction::Decline, _) => {
            "Only the customer's owner can accept or decline a link.".to_owned()
        }
        (_, LinkAction::Accept | LinkAction::Decline, from) => format!(
            "This link is {}, so there is nothing to answer: only links waiting for you can be accepted or declined.",
            from.as_str()
        ),
        (Side::Customer, LinkAction::End, LinkStatus::Pending) => {
            "Accept or decline this request; ending is for active links.".to_owned()
        }
        (_, LinkAction::End, from) => format!("This link is already {}.", from.as_str()),
    };
    Err(ValidationError::new("status", reason))
}

text_enum! {
    /// Where one deployment of a widget for a customer stands.
    pub enum ImplementationStatus {
        Draft => "draft",
        Live => "live",
        Paused => "paused",
        Retired => "retired",
    }
}

impl ImplementationStatus {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Draft => "Draft",
            Self::Live => "Live",
            Self::Paused => "Paused",
            Self::Retired => "Retired",
        }
    }

    /// Visitors of the customer's site get the widget.
    pub const fn serves_visitors(self) -> bool {
        matches!(self, Self::Live)
    }
}

text_enum! {
    pub enum ImplementationAction {
        GoLive => "go_live",
        Pause => "pause",
        Resume => "resume",
        Retire => "retire",
    }
}

impl ImplementationAction {
    pub const fn label(self) -> &'static str {
        match self {
            Self::GoLive => "Go live",
            Self::Pause => "Pause",
            Self::Resume => "Resume",
            Self::Retire => "Retire",
        }
    }

    const fn allowed_from(self) -> &'static [ImplementationStatus] {
        use ImplementationStatus::{Draft, Live, Paused};
        match self {
            Self::GoLive => &[Draft],
            Self::Pause => &[Live],
            Self::Resume => &[Paused],
            Self::Retire => &[Draft, Live, Paused],
        }
    }

    const fn to_state(self) -> ImplementationStatus {
        match self {
            Self::GoLive | Self::Resume => ImplementationStatus::Live,
            Self::Pause => ImplementationStatus::Paused,
            Self::Retire => ImplementationStatus::Retired,
        }
    }

    pub fn applies_to(self, status: ImplementationStatus) -> bool {
        self.allowed_from().contains(&status)
    }
}

/// Where `action` takes an implementation that is `from`, or why it cannot.
pub fn implementation_transition(
    from: ImplementationStatus,
    action: ImplementationAction,
) -> Result<ImplementationStatus, ValidationError> {
    if action.applies_to(from) {
        return Ok(action.to_state());
    }
    let from_list = action
        .allowed_from()
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(" or ");
    Err(ValidationError::new(
        "status",
        format!(
            "This implementation is {}, so “{}” does not apply: only {from_list} implementations can.",
            from.as_str(),
            action.label().to_lowercase()
        ),
    ))
}

/// One side's view of a link: the other organization, known by name once the link is
/// active (before, a builder sees only the address it typed).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Link {
    pub id: CustomerLinkId,
    pub other_slug: Slug,
    pub other_name: Option<TenantName>,
    pub status: LinkStatus,
    pub requested_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    /// The builder's project the customer is in (known to the builder only).
    pub project: Option<ProjectId>,
}

impl Link {
    /// The other organization's name where it may be shown, else its address.
    pub fn title(&self) -> String {
        self.other_name
            .as_ref()
            .map_or_else(|| self.other_slug.to_string(), ToString::to_string)
    }
}

/// A widget, or a process template, deployed for a customer: exactly one of `widget` and
/// `template` is set (the database checks it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct Implementation {
    pub id: ImplementationId,
    pub link: CustomerLinkId,
    pub widget: Option<WidgetId>,
    pub template: Option<TemplateId>,
    /// The widget's or template's name when it was deployed, checked then as a widget's or
    /// a template's name (the customer cannot see the builder's own).
    pub name: String,
    pub status: ImplementationStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Implementation {
    /// What was deployed, for people: "Widget" or "Process template".
    pub fn kind_label(&self) -> &'static str {
        if self.template.is_some() {
            "Process template"
        } else {
            "Widget"
        }
    }
}

/// A builder's process template as the deploy form offers it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeployableTemplate {
    pub id: TemplateId,
    pub name: TemplateName,
}

/// A builder's widget as the deploy form offers it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeployableWidget {
    pub id: WidgetId,
    pub name: WidgetName,
    pub published: bool,
}

/// A builder workspace's customers page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomersPage {
    pub tenant: TenantSummary,
    pub links: Vec<Link>,
    pub implementations: Vec<Implementation>,
    pub widgets: Vec<DeployableWidget>,
    /// The builder's own process templates (built-in ones every workspace has already).
    pub templates: Vec<DeployableTemplate>,
    /// The builder's projects (customers are placed in those that take them).
    pub projects: Vec<ProjectSummary>,
    pub can_manage: bool,
    /// Where embed codes point (the server's public address).
    pub public_url: String,
}

/// An end-user organization's builders page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildersPage {
    pub tenant: TenantSummary,
    pub links: Vec<Link>,
    pub implementations: Vec<Implementation>,
    /// What visitors did through the widgets deployed for it over the last
    /// [`crate::projects::ACTIVITY_DAYS`] days (deployments with no activity are left out).
    pub activity: Vec<crate::projects::DeploymentActivity>,
    /// The person may accept, decline or end links (the organization's owners).
    pub can_decide: bool,
}

/// What a builder earns of its customers' invoices, set per builder by super admins.
pub type CommissionRate = Rate;

/// Reads a commission rate typed as a percentage ("10", "12.5 %").
pub fn parse_commission_rate(input: &str) -> Result<CommissionRate, ValidationError> {
    Rate::parse_as(input, "rate", "a commission rate")
}

/// The commission on one customer invoice: the builder's rate of the invoice's subtotal
/// (before tax), rounded half up to the minor unit; nothing on an invoice that credits.
pub fn commission_on(subtotal: Money, rate: CommissionRate) -> Money {
    Money::new(rate.of(subtotal.minor), subtotal.currency)
}

/// One month of a builder's customers' invoices, in one currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevenueMonth {
    pub period: Period,
    /// The customers' invoices' subtotals (before tax).
    pub revenue: Money,
    pub commission: Money,
    pub invoices: u32,
}

/// What one customer's invoices brought a builder, in one currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerRevenue {
    pub name: TenantName,
    pub revenue: Money,
    pub commission: Money,
    pub invoices: u32,
}

/// Revenue and commission over `months`, per currency (in the order each first appears).
pub fn month_totals(months: &[RevenueMonth]) -> Vec<(Money, Money)> {
    let mut totals: Vec<(Money, Money)> = Vec::new();
    for month in months {
        match totals
            .iter_mut()
            .find(|(r, _)| r.currency == month.revenue.currency)
        {
            Some((revenue, commission)) => {
                revenue.minor = revenue.minor.saturating_add(month.revenue.minor);
                commission.minor = commission.minor.saturating_add(month.commission.minor);
            }
            None => totals.push((month.revenue, month.commission)),
        }
    }
    totals
}

/// One builder workspace on the super admin's builders page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuilderStanding {
    /// The workspace as the tenant list shows it (with its commission rate).
    pub row: crate::tenants::TenantRow,
    pub active_customers: u32,
    pub waiting_customers: u32,
    pub live_deployments: u32,
    /// Deployments not retired (draft, live or paused).
    pub open_deployments: u32,
    /// Months with invoices over the last twelve, oldest first, per currency.
    pub months: Vec<RevenueMonth>,
}

/// The super admin's builders page: every builder workspace, by name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuildersConsole {
    /// The first month the figures cover.
    pub since: Period,
    pub builders: Vec<BuilderStanding>,
}

/// A builder workspace's dashboard: customers, deployments, and what the customers'
/// invoices brought it (commissions are attributed as each invoice is issued, at the rate
/// of that day).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuilderOverview {
    pub rate: CommissionRate,
    /// Months with invoices, oldest first (the last twelve).
    pub months: Vec<RevenueMonth>,
    /// Every customer that brought revenue, most first.
    pub by_customer: Vec<CustomerRevenue>,
    /// Revenue by the project each invoice's customer was in, most first.
    pub by_project: Vec<ProjectRevenue>,
    /// The open projects (not archived), the latest change first.
    pub projects: Vec<ProjectSummary>,
    pub active_customers: u32,
    pub waiting_customers: u32,
    pub live_deployments: u32,
    pub paused_deployments: u32,
    pub draft_deployments: u32,
}

impl BuilderOverview {
    /// Revenue and commission over the months shown, per currency.
    pub fn totals(&self) -> Vec<(Money, Money)> {
        month_totals(&self.months)
    }

    /// The latest month's figures in `currency`, if it had invoices.
    pub fn latest(&self, currency: Currency) -> Option<&RevenueMonth> {
        self.months
            .iter()
            .rev()
            .find(|m| m.revenue.currency == currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn links_move_as_each_side_may() {
        use LinkAction::*;
        use LinkStatus::*;
        assert_eq!(link_transition(Side::Customer, Pending, Accept), Ok(Active));
        assert_eq!(
            link_transition(Side::Customer, Pending, Decline),
            Ok(Declined)
        );
        assert_eq!(link_transition(Side::Customer, Active, End), Ok(Ended));
        assert_eq!(link_transition(Side::Builder, Pending, End), Ok(Ended));
        assert_eq!(link_transition(Side::Builder, Active, End), Ok(Ended));
        assert_eq!(
            link_transition(Side::Builder, Pending, Accept)
                .unwrap_err()
                .reason,
            "Only the customer's owner can accept or decline a link."
        );
        assert_eq!(
            link_transition(Side::Customer, Active, Accept)
                .unwrap_err()
                .reason,
            "This link is active, so there is nothing to answer: only links waiting for you can be accepted or declined."
        );
        assert_eq!(
            link_transition(Side::Customer, Pending, End)
                .unwrap_err()
                .reason,
            "Accept or decline this request; ending is for active links."
        );
        assert_eq!(
            link_transition(Side::Builder, Ended, End)
                .unwrap_err()
                .reason,
            "This link is already ended."
        );
        assert!(Declined.can_request_again() && Ended.can_request_again());
        assert!(!Pending.can_request_again() && !Active.can_request_again());
    }

    #[test]
    fn implementations_move_draft_live_paused_retired() {
        use ImplementationAction::*;
        use ImplementationStatus::*;
        assert_eq!(implementation_transition(Draft, GoLive), Ok(Live));
        assert_eq!(implementation_transition(Live, Pause), Ok(Paused));
        assert_eq!(implementation_transition(Paused, Resume), Ok(Live));
        for from in [Draft, Live, Paused] {
            assert_eq!(implementation_transition(from, Retire), Ok(Retired));
        }
        assert_eq!(
            implementation_transition(Draft, Pause).unwrap_err().reason,
            "This implementation is draft, so “pause” does not apply: only live implementations can."
        );
        assert_eq!(
            implementation_transition(Retired, Retire)
                .unwrap_err()
                .reason,
            "This implementation is retired, so “retire” does not apply: only draft or live or paused implementations can."
        );
        assert!(Live.serves_visitors());
        assert!(!Paused.serves_visitors() && !Draft.serves_visitors());
    }

    #[test]
    fn commissions_are_the_rate_of_the_subtotal_rounded_half_up() {
        let rate = parse_commission_rate("12.5 %").unwrap();
        assert_eq!(rate.basis_points(), 1_250);
        let usd = |minor| Money::new(minor, Currency::Usd);
        assert_eq!(commission_on(usd(4_900), rate), usd(613)); // 612.5 → 613
        assert_eq!(commission_on(usd(4_899), rate), usd(612)); // 612.375
        assert_eq!(commission_on(usd(-500), rate), usd(0));
        assert_eq!(commission_on(usd(10_000), CommissionRate::ZERO), usd(0));
        let err = parse_commission_rate("101").unwrap_err();
        assert_eq!(err.field, "rate");
        assert!(
            err.reason.contains("is not a commission rate"),
            "{}",
            err.reason
        );
    }

    #[test]
    fn totals_add_up_per_currency() {
        let month = |period: &str, currency, revenue, commission| RevenueMonth {
            period: Period::parse(period).unwrap(),
            revenue: Money::new(revenue, currency),
            commission: Money::new(commission, currency),
            invoices: 1,
        };
        let overview = BuilderOverview {
            rate: CommissionRate::ZERO,
            months: vec![
                month("2026-10", Currency::Usd, 1_000, 100),
                month("2026-11", Currency::Eur, 500, 50),
                month("2026-11", Currency::Usd, 2_000, 200),
            ],
            by_customer: Vec::new(),
            by_project: Vec::new(),
            projects: Vec::new(),
            active_customers: 0,
            waiting_customers: 0,
            live_deployments: 0,
            paused_deployments: 0,
            draft_deployments: 0,
        };
        assert_eq!(
            overview.totals(),
            [
                (
                    Money::new(3_000, Currency::Usd),
                    Money::new(300, Currency::Usd)
                ),
                (
                    Money::new(500, Currency::Eur),
                    Money::new(50, Currency::Eur)
                ),
            ]
        );
        assert_eq!(
            overview.latest(Currency::Usd).map(|m| m.revenue.minor),
            Some(2_000)
        );
    }

    proptest! {
        #[test]
        fn nothing_leaves_retired_and_no_sequence_reaches_another_state(
            actions in proptest::collection::vec(proptest::sample::select(ImplementationAction::ALL), 0..40),
        ) {
            let mut status = ImplementationStatus::Draft;
            let mut retired = false;
            for action in actions {
                match implementation_transition(status, action) {
                    Ok(to) => {
                        prop_assert!(!retired);
                        prop_assert_eq!(to, action.to_state());
                        status = to;
                    }
                    Err(err) => {
                        prop_assert!(!action.applies_to(status));
                        prop_assert_eq!(err.field, "status");
                    }
                }
                retired |= status == ImplementationStatus::Retired;
            }
        }

        #[test]
        fn a_link_is_only_answered_by_its_customer_and_ends_for_good(
            moves in proptest::collection::vec(
                (proptest::sample::select(vec![Side::Builder, Side::Customer]),
                 proptest::sample::select(LinkAction::ALL)), 0..20),
        ) {
            let mut status = LinkStatus::Pending;
            for (side, action) in moves {
                if let Ok(to) = link_transition(side, status, action) {
                    prop_assert!(matches!(status, LinkStatus::Pending | LinkStatus::Active));
                    if matches!(action, LinkAction::Accept | LinkAction::Decline) {
                        prop_assert_eq!(side, Side::Customer);
                    }
                    status = to;
                }
            }
        }
    }
}
