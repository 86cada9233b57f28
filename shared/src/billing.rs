//! Plans, their limits and features, and usage against them: what each tier allows, how a
//! change of plan reads to the person making it, and what an action beyond its quota is told.
//!
//! Money is integer minor units with a currency, never a float. Monthly quotas (API calls,
//! tokens) reset on the first of each month (UTC); standing limits (members, widgets) count
//! what exists now.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::tenants::TenantSummary;
use crate::validation::ValidationError;

pub mod invoice;
mod money;

pub use money::{Currency, Money};

text_enum! {
    /// The plan tiers, cheapest first.
    pub enum PlanTier {
        Free => "free",
        Pro => "pro",
        Enterprise => "enterprise",
    }
}

text_enum! {
    /// What is counted against a plan's limits.
    pub enum Metric {
        /// Calls to the public REST API, per calendar month.
        ApiCalls => "api_calls",
        /// Model tokens used by services, per calendar month.
        Tokens => "tokens",
        /// Members of the organization, now.
        Members => "members",
        /// Widgets (or agents) the organization has, now.
        Widgets => "widgets",
    }
}

text_enum! {
    /// A capability a plan switches on.
    pub enum Feature {
        ApiAccess => "api_access",
        Webhooks => "webhooks",
        CustomTemplates => "custom_templates",
        WhiteLabel => "white_label",
        PrioritySupport => "priority_support",
    }
}

impl PlanTier {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Free => "Free",
            Self::Pro => "Pro",
            Self::Enterprise => "Enterprise",
        }
    }

    /// The next tier up, where an upgrade prompt points.
    pub fn next(self) -> Option<Self> {
        match self {
            Self::Free => Some(Self::Pro),
            Self::Pro => Some(Self::Enterprise),
            Self::Enterprise => None,
        }
    }
}

impl Metric {
    /// Whether the metric counts per calendar month (else: what exists now).
    pub const fn is_monthly(self) -> bool {
        matches!(self, Self::ApiCalls | Self::Tokens)
    }

    /// "API calls", for sentences and labels.
    pub const fn label(self) -> &'static str {
        match self {
            Self::ApiCalls => "API calls",
            Self::Tokens => "tokens",
            Self::Members => "members",
            Self::Widgets => "widgets",
        }
    }

    /// "API calls this month", for meters.
    pub fn meter_label(self) -> String {
        let label = self.label();
        let mut title = label[..1].to_uppercase();
        title.push_str(&label[1..]);
        if self.is_monthly() {
            title.push_str(" this month");
        }
        title
    }
}

impl Feature {
    pub const fn label(self) -> &'static str {
        match self {
            Self::ApiAccess => "REST API access",
            Self::Webhooks => "Outbound webhooks",
            Self::CustomTemplates => "Custom process templates",
            Self::WhiteLabel => "White-label branding",
            Self::PrioritySupport => "Priority support",
        }
    }
}

/// A plan's limits; `None` is unlimited.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    pub members: Option<u64>,
    pub widgets: Option<u64>,
    pub monthly_tokens: Option<u64>,
    pub monthly_api_calls: Option<u64>,
    /// The REST API's rate for each token of the organization.
    pub api_requests_per_minute: u32,
}

impl Limits {
    pub fn of(&self, metric: Metric) -> Option<u64> {
        match metric {
            Metric::ApiCalls => self.monthly_api_calls,
            Metric::Tokens => self.monthly_tokens,
            Metric::Members => self.members,
            Metric::Widgets => self.widgets,
        }
    }

    pub fn set(&mut self, metric: Metric, limit: Option<u64>) {
        match metric {
            Metric::ApiCalls => self.monthly_api_calls = limit,
            Metric::Tokens => self.monthly_tokens = limit,
            Metric::Members => self.members = limit,
            Metric::Widgets => self.widgets = limit,
        }
    }

    /// These limits with a tenant's own overrides on top.
    pub fn with_overrides(mut self, overrides: &[LimitOverride]) -> Self {
        for o in overrides {
            self.set(o.metric, o.limit);
        }
        self
    }
}

/// A super admin's exception to a tenant's plan for one metric (`None`: unlimited).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LimitOverride {
    pub metric: Metric,
    pub limit: Option<u64>,
}

/// A super admin's exception to a tenant's plan for one feature: switched on although the
/// plan lacks it, or off although the plan has it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeatureOverride {
    pub feature: Feature,
    pub on: bool,
}

text_enum! {
    /// What the console sets a tenant's feature to.
    pub enum FeatureSwitch {
        /// No override: what its plan says.
        Plan => "plan",
        On => "on",
        Off => "off",
    }
}

impl FeatureSwitch {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Plan => "As its plan",
            Self::On => "On",
            Self::Off => "Off",
        }
    }

    /// The override it stands for (`None`: follow the plan).
    pub const fn to_override(self) -> Option<bool> {
        match self {
            Self::Plan => None,
            Self::On => Some(true),
            Self::Off => Some(false),
        }
    }

    pub const fn of(switched: Option<bool>) -> Self {
        match switched {
            None => Self::Plan,
            Some(true) => Self::On,
            Some(false) => Self::Off,
        }
    }

    /// Reads the console's form: one switch per feature, named by the feature
    /// (`api_access=off`); a feature left out keeps what it has.
    pub fn parse_form(
        form: &std::collections::BTreeMap<String, String>,
    ) -> Result<Vec<(Feature, Self)>, ValidationError> {
        form.iter()
            .map(|(feature, switch)| {
                let feature = feature.parse::<Feature>().map_err(|_| {
                    ValidationError::new("features", format!("There is no feature “{feature}”."))
                })?;
                let switch = switch.parse::<Self>().map_err(|_| {
                    ValidationError::new(
                        "features",
                        format!("Choose on, off or as its plan for {}.", feature.label()),
                    )
                })?;
                Ok((feature, switch))
            })
            .collect()
    }
}

/// One feature of a tenant as the console shows it: what its plan says, and its override.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeatureState {
    pub feature: Feature,
    pub in_plan: bool,
    pub switch: FeatureSwitch,
}

impl FeatureState {
    /// Every feature of a tenant on `plan` with `overrides`.
    pub fn all(plan: &Plan, overrides: &[FeatureOverride]) -> Vec<Self> {
        Feature::ALL
            .iter()
            .map(|feature| Self {
                feature: *feature,
                in_plan: plan.has(*feature),
                switch: FeatureSwitch::of(
                    overrides
                        .iter()
                        .find(|o| o.feature == *feature)
                        .map(|o| o.on),
                ),
            })
            .collect()
    }

    /// Whether the tenant has it now.
    pub fn on(&self) -> bool {
        self.switch.to_override().unwrap_or(self.in_plan)
    }
}

/// What a workspace may use: its plan's features with its overrides on top, and for each
/// feature it lacks, why (for the refusal).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Features {
    pub on: Vec<Feature>,
    /// Each missing feature with the sentence that refuses it.
    pub refusals: Vec<(Feature, String)>,
}

impl Features {
    /// The features of a workspace on `plan`, among the platform's `plans`.
    pub fn of(plan: &Plan, plans: &[Plan], overrides: &[FeatureOverride]) -> Self {
        let mut features = Self {
            on: Vec::new(),
            refusals: Vec::new(),
        };
        for feature in Feature::ALL.iter().copied() {
            let switched = overrides.iter().find(|o| o.feature == feature);
            if switched.map_or(plan.has(feature), |o| o.on) {
                features.on.push(feature);
                continue;
            }
            let why = if plan.has(feature) {
                format!(
                    "“{}” is switched off for this workspace by the platform's operators: ask them to switch it back on.",
                    feature.label()
                )
            } else {
                let higher = plans
                    .iter()
                    .filter(|p| p.tier > plan.tier && p.has(feature))
                    .min_by_key(|p| p.tier);
                match higher {
                    Some(up) => format!(
                        "“{}” is not part of the {} plan: upgrade to {} to use it.",
                        feature.label(),
                        plan.tier.label(),
                        up.tier.label()
                    ),
                    None => format!(
                        "“{}” is not part of the {} plan.",
                        feature.label(),
                        plan.tier.label()
                    ),
                }
            };
            features.refusals.push((feature, why));
        }
        features
    }

    pub fn has(&self, feature: Feature) -> bool {
        self.on.contains(&feature)
    }

    /// Why the workspace cannot use `feature`, or `None` when it can.
    pub fn refusal(&self, feature: Feature) -> Option<&str> {
        self.refusals
            .iter()
            .find(|(f, _)| *f == feature)
            .map(|(_, why)| why.as_str())
    }
}

/// A plan as offered: price per month, limits, features.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub tier: PlanTier,
    pub price: Money,
    pub limits: Limits,
    pub features: Vec<Feature>,
}

impl Plan {
    /// The plan an upgrade prompt offers to a workspace on `tier`: the next tier up, among
    /// `plans`.
    pub fn upgrade_from(plans: &[Plan], tier: PlanTier) -> Option<&Plan> {
        let next = tier.next()?;
        plans.iter().find(|p| p.tier == next)
    }

    /// The plans a new platform starts with; super admins edit them afterwards.
    pub fn defaults() -> Vec<Plan> {
        use Feature::*;
        vec![
            Plan {
                tier: PlanTier::Free,
                price: Money::new(0, Currency::Usd),
                limits: Limits {
                    members: Some(5),
                    widgets: Some(3),
                    monthly_tokens: Some(100_000),
                    monthly_api_calls: Some(1_000),
                    api_requests_per_minute: 60,
                },
                features: vec![ApiAccess],
            },
            Plan {
                tier: PlanTier::Pro,
                price: Money::new(4_900, Currency::Usd),
                limits: Limits {
                    members: Some(25),
                    widgets: Some(25),
                    monthly_tokens: Some(5_000_000),
                    monthly_api_calls: Some(100_000),
                    api_requests_per_minute: 600,
                },
                features: vec![ApiAccess, Webhooks, CustomTemplates],
            },
            Plan {
                tier: PlanTier::Enterprise,
                price: Money::new(49_900, Currency::Usd),
                limits: Limits {
                    members: None,
                    widgets: None,
                    monthly_tokens: None,
                    monthly_api_calls: None,
                    api_requests_per_minute: 6_000,
                },
                features: vec![
                    ApiAccess,
                    Webhooks,
                    CustomTemplates,
                    WhiteLabel,
                    PrioritySupport,
                ],
            },
        ]
    }

    pub fn has(&self, feature: Feature) -> bool {
        self.features.contains(&feature)
    }

    /// Checks a plan as a super admin edits it.
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.price.minor < 0 {
            return Err(ValidationError::new(
                "price",
                "The price cannot be negative.",
            ));
        }
        if self.limits.api_requests_per_minute == 0 {
            return Err(ValidationError::new(
                "api_requests_per_minute",
                "Allow at least one API request per minute.",
            ));
        }
        if self.limits.api_requests_per_minute > 1_000_000 {
            return Err(ValidationError::new(
                "api_requests_per_minute",
                "At most 1,000,000 API requests per minute.",
            ));
        }
        Ok(())
    }
}

/// Writes a limit for people: "1,000", "unlimited".
pub fn limit_text(limit: Option<u64>) -> String {
    limit.map_or_else(|| "unlimited".to_owned(), group_digits)
}

/// 1234567 → "1,234,567".
pub fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Parses a limit typed into a form: a whole number (commas allowed), or empty/"unlimited".
pub fn parse_limit(field: &str, input: &str) -> Result<Option<u64>, ValidationError> {
    let input = input.trim();
    if input.is_empty() || input.eq_ignore_ascii_case("unlimited") {
        return Ok(None);
    }
    input
        .replace([',', '_', ' '], "")
        .parse::<u64>()
        .map(Some)
        .map_err(|_| {
            ValidationError::new(
                field,
                "Enter a whole number, or leave it empty for unlimited.",
            )
        })
}

/// What changes when a tenant moves from `from` to `to`, one line per difference, as the
/// confirmation shows it before anything is saved.
pub fn change_statement(from: &Plan, to: &Plan) -> Vec<String> {
    let mut lines = Vec::new();
    if from.price != to.price {
        lines.push(format!(
            "Price: {} → {} a month.",
            from.price.format(),
            to.price.format()
        ));
    }
    for metric in Metric::ALL {
        let (old, new) = (from.limits.of(*metric), to.limits.of(*metric));
        if old != new {
            let unit = if metric.is_monthly() { " a month" } else { "" };
            lines.push(format!(
                "{}: {} → {}{unit}.",
                capitalized(metric.label()),
                limit_text(old),
                limit_text(new)
            ));
        }
    }
    let (old_rate, new_rate) = (
        from.limits.api_requests_per_minute,
        to.limits.api_requests_per_minute,
    );
    if old_rate != new_rate {
        lines.push(format!(
            "API rate: {} → {} requests a minute per token.",
            group_digits(u64::from(old_rate)),
            group_digits(u64::from(new_rate))
        ));
    }
    for feature in Feature::ALL {
        match (from.has(*feature), to.has(*feature)) {
            (false, true) => lines.push(format!("You gain: {}.", feature.label())),
            (true, false) => lines.push(format!("You lose: {}.", feature.label())),
            _ => {}
        }
    }
    lines
}

fn capitalized(text: &str) -> String {
    let mut out = text[..1].to_uppercase();
    out.push_str(&text[1..]);
    out
}

/// Refuses a move to `limits` when what the organization has now would not fit (standing
/// limits: members, widgets). Monthly quotas may be below this month's use: the rest of the
/// month is then refused until the next one.
pub fn check_fits(
    limits: &Limits,
    tier: PlanTier,
    standing: &[(Metric, u64)],
) -> Result<(), ValidationError> {
    for (metric, have) in standing {
        if metric.is_monthly() {
            continue;
        }
        if let Some(limit) = limits.of(*metric)
            && *have > limit
        {
            return Err(ValidationError::new(
                "tier",
                format!(
                    "The {} plan allows {} {}; this organization has {}. Remove {} first.",
                    tier.label(),
                    group_digits(limit),
                    metric.label(),
                    group_digits(*have),
                    group_digits(*have - limit)
                ),
            ));
        }
    }
    Ok(())
}

/// How close a meter is to its limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum UsageLevel {
    Normal,
    /// At 80 % or more.
    Warning,
    /// At 100 %: further use is refused.
    Reached,
}

impl UsageLevel {
    pub fn of(used: u64, limit: Option<u64>) -> Self {
        match limit {
            None => Self::Normal,
            Some(limit) if used >= limit => Self::Reached,
            Some(limit) if used.saturating_mul(5) >= limit.saturating_mul(4) => Self::Warning,
            Some(_) => Self::Normal,
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Normal => "normal",
            Self::Warning => "warning",
            Self::Reached => "reached",
        }
    }
}

/// The refusal an action beyond its quota gets: the limit, the plan, and the way up.
pub fn quota_message(metric: Metric, limit: u64, plan: PlanTier) -> String {
    let period = if metric.is_monthly() {
        " this month"
    } else {
        ""
    };
    let reached = if metric.is_monthly() {
        format!(
            "This organization has used all {} {} of its {} plan{period}.",
            group_digits(limit),
            metric.label(),
            plan.label()
        )
    } else {
        format!(
            "The {} plan allows {} {}, and this organization has reached that.",
            plan.label(),
            group_digits(limit),
            metric.label()
        )
    };
    let way_up = match plan.next() {
        Some(next) => format!(" Upgrade to {} under Plan & usage for more.", next.label()),
        None => " Ask the platform team to raise the limit.".to_owned(),
    };
    format!("{reached}{way_up}")
}

/// The month a moment falls in, as the quota counters key it: "2026-12".
pub fn period_of(at: DateTime<Utc>) -> String {
    format!("{:04}-{:02}", at.year(), at.month())
}

/// The first day of the month after `at` (when monthly quotas reset).
pub fn next_period_start(at: DateTime<Utc>) -> NaiveDate {
    let (year, month) = if at.month() == 12 {
        (at.year() + 1, 1)
    } else {
        (at.year(), at.month() + 1)
    };
    NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(at.date_naive())
}

/// One meter on the usage page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageMeter {
    pub metric: Metric,
    pub used: u64,
    pub limit: Option<u64>,
}

impl UsageMeter {
    pub fn level(&self) -> UsageLevel {
        UsageLevel::of(self.used, self.limit)
    }

    /// The meter an upgrade prompt speaks of: the one furthest past its warning level, if
    /// any is.
    pub fn most_pressing(meters: &[UsageMeter]) -> Option<&UsageMeter> {
        meters
            .iter()
            .filter(|m| m.level() != UsageLevel::Normal)
            .max_by_key(|m| m.level())
    }

    /// 0–100, for the progress bar (an unlimited meter shows none).
    pub fn percent(&self) -> Option<u8> {
        self.limit.map(|limit| {
            self.used
                .saturating_mul(100)
                .checked_div(limit)
                .map_or(100, |p| p.min(100) as u8)
        })
    }
}

/// A day of usage, for the history chart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailyUsage {
    pub day: NaiveDate,
    pub metric: Metric,
    pub quantity: u64,
}

/// What a provider cost this month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderCost {
    pub provider: String,
    pub cost: Money,
    pub quantity: u64,
}

/// A tenant's "Plan & usage" page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BillingPage {
    pub tenant: TenantSummary,
    pub plan: Plan,
    /// The plan's limits with this tenant's overrides applied: what is enforced.
    pub limits: Limits,
    pub overrides: Vec<LimitOverride>,
    pub meters: Vec<UsageMeter>,
    pub plans: Vec<Plan>,
    pub history: Vec<DailyUsage>,
    pub costs: Vec<ProviderCost>,
    pub can_change_plan: bool,
    pub period: String,
    pub resets_on: NaiveDate,
    pub credits: crate::credits::CreditsView,
    /// Issued invoices, the newest month first.
    pub invoices: Vec<invoice::InvoiceSummary>,
    /// Whether the viewer pays for the organization (invoices, credit packs), and how.
    pub can_pay: bool,
    pub payment_provider: String,
    pub payment_methods: Vec<(String, String)>,
}

/// One tenant on the super admin's plans page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantPlanRow {
    pub tenant: TenantSummary,
    pub tier: PlanTier,
    pub overrides: Vec<LimitOverride>,
    /// The tenant's credit balance.
    pub credits: Money,
}

/// The super admin's plans page: the plans, and every tenant's plan and overrides.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlansAdminPage {
    pub plans: Vec<Plan>,
    pub tenants: Vec<TenantPlanRow>,
}

/// A usage event as an integration reports it (`POST /api/v1/tenants/{slug}/usage`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageReport {
    pub metric: Metric,
    pub quantity: u64,
    #[serde(default)]
    pub service: Option<String>,
    #[serde(default)]
    pub provider: Option<String>,
    /// What the provider charged for it, in minor units of the plan's currency.
    #[serde(default)]
    pub cost_minor: i64,
}

impl UsageReport {
    /// Checks a report before anything is counted.
    pub fn validate(&self) -> Result<(), ValidationError> {
        if !self.metric.is_monthly() {
            return Err(ValidationError::new(
                "metric",
                format!(
                    "{} are counted by Atrium itself; report api_calls or tokens.",
                    capitalized(self.metric.label())
                ),
            ));
        }
        if self.quantity == 0 || self.quantity > 10_000_000 {
            return Err(ValidationError::new(
                "quantity",
                "The quantity must be between 1 and 10,000,000.",
            ));
        }
        if self.cost_minor < 0 {
            return Err(ValidationError::new(
                "cost_minor",
                "The cost cannot be negative.",
            ));
        }
        for (field, value) in [("service", &self.service), ("provider", &self.provider)] {
            if let Some(value) = value
                && (value.is_empty()
                    || value.len() > 40
                    || !value
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
            {
                return Err(ValidationError::new(
                    field,
                    format!(
                        "The {field} is 1–40 letters, digits, dashes or underscores, such as “groq”."
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// What a usage report was answered with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageRecorded {
    pub metric: Metric,
    pub used: u64,
    pub limit: Option<u64>,
    pub level: UsageLevel,
    /// The last four characters of the reporter's own vault key the action ran on; `None`:
    /// the platform's key.
    #[serde(default)]
    pub own_key: Option<String>,
    /// How much of the reported provider cost the organization's credits covered (minor
    /// units); the rest is billed.
    #[serde(default)]
    pub credits_used_minor: i64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn plan(tier: PlanTier) -> Plan {
        Plan::defaults()
            .into_iter()
            .find(|p| p.tier == tier)
            .unwrap()
    }

    #[test]
    fn features_follow_the_plan_then_its_overrides_and_say_why_not() {
        let plans = Plan::defaults();
        let free = Features::of(&plan(PlanTier::Free), &plans, &[]);
        assert!(free.has(Feature::ApiAccess));
        assert!(!free.has(Feature::Webhooks));
        assert_eq!(
            free.refusal(Feature::Webhooks),
            Some("“Outbound webhooks” is not part of the Free plan: upgrade to Pro to use it.")
        );
        assert!(
            free.refusal(Feature::WhiteLabel)
                .unwrap()
                .ends_with("upgrade to Enterprise to use it.")
        );
        assert_eq!(free.refusal(Feature::ApiAccess), None);
        let overrides = [
            FeatureOverride {
                feature: Feature::Webhooks,
                on: true,
            },
            FeatureOverride {
                feature: Feature::ApiAccess,
                on: false,
            },
        ];
        let custom = Features::of(&plan(PlanTier::Free), &plans, &overrides);
        assert!(custom.has(Feature::Webhooks));
        assert!(
            custom
                .refusal(Feature::ApiAccess)
                .unwrap()
                .contains("switched off for this workspace")
        );
        let top = Features::of(&plan(PlanTier::Enterprise), &plans, &[]);
        assert_eq!(top.on.len(), Feature::ALL.len());
        let states = FeatureState::all(&plan(PlanTier::Free), &overrides);
        let webhooks = states
            .iter()
            .find(|s| s.feature == Feature::Webhooks)
            .unwrap();
        assert!(!webhooks.in_plan && webhooks.on());
        assert_eq!(webhooks.switch, FeatureSwitch::On);
    }

    #[test]
    fn the_feature_form_names_each_bad_switch() {
        let form = |pairs: &[(&str, &str)]| {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<std::collections::BTreeMap<_, _>>()
        };
        let parsed =
            FeatureSwitch::parse_form(&form(&[("webhooks", "on"), ("api_access", "plan")]))
                .unwrap();
        assert_eq!(
            parsed,
            vec![
                (Feature::ApiAccess, FeatureSwitch::Plan),
                (Feature::Webhooks, FeatureSwitch::On)
            ]
        );
        assert!(FeatureSwitch::parse_form(&form(&[("teleport", "on")])).is_err());
        let err = FeatureSwitch::parse_form(&form(&[("webhooks", "maybe")])).unwrap_err();
        assert!(err.reason.contains("Outbound webhooks"), "{}", err.reason);
    }

    #[test]
    fn the_default_plans_grow_with_the_tier() {
        let plans = Plan::defaults();
        assert_eq!(
            plans.iter().map(|p| p.tier).collect::<Vec<_>>(),
            PlanTier::ALL
        );
        for pair in plans.windows(2) {
            assert!(pair[0].price.minor < pair[1].price.minor);
            for metric in Metric::ALL {
                let (low, high) = (pair[0].limits.of(*metric), pair[1].limits.of(*metric));
                assert!(high.is_none() || low.is_some_and(|l| Some(l) <= high));
            }
            for feature in &pair[0].features {
                assert!(pair[1].has(*feature), "{feature} lost on the way up");
            }
        }
        for p in plans {
            p.validate().unwrap();
        }
    }

    #[test]
    fn a_change_of_plan_says_what_changes() {
        let lines = change_statement(&plan(PlanTier::Pro), &plan(PlanTier::Free));
        assert_eq!(
            lines,
            vec![
                "Price: $49.00 → $0.00 a month.",
                "API calls: 100,000 → 1,000 a month.",
                "Tokens: 5,000,000 → 100,000 a month.",
                "Members: 25 → 5.",
                "Widgets: 25 → 3.",
                "API rate: 600 → 60 requests a minute per token.",
                "You lose: Outbound webhooks.",
                "You lose: Custom process templates.",
            ]
        );
        let up = change_statement(&plan(PlanTier::Pro), &plan(PlanTier::Enterprise));
        assert!(up.contains(&"Members: 25 → unlimited.".to_owned()));
        assert!(up.contains(&"You gain: White-label branding.".to_owned()));
        assert!(change_statement(&plan(PlanTier::Pro), &plan(PlanTier::Pro)).is_empty());
    }

    #[test]
    fn a_downgrade_that_does_not_fit_is_refused_with_what_to_do() {
        let free = plan(PlanTier::Free);
        let err = check_fits(
            &free.limits,
            PlanTier::Free,
            &[(Metric::Members, 7), (Metric::ApiCalls, 5_000)],
        )
        .unwrap_err();
        assert_eq!(
            err.reason,
            "The Free plan allows 5 members; this organization has 7. Remove 2 first."
        );
        assert!(check_fits(&free.limits, PlanTier::Free, &[(Metric::Members, 5)]).is_ok());
        // Monthly use above the new quota does not block the move.
        assert!(check_fits(&free.limits, PlanTier::Free, &[(Metric::ApiCalls, 5_000)]).is_ok());
    }

    #[test]
    fn quota_messages_name_the_limit_and_the_way_up() {
        assert_eq!(
            quota_message(Metric::ApiCalls, 1_000, PlanTier::Free),
            "This organization has used all 1,000 API calls of its Free plan this month. Upgrade to Pro under Plan & usage for more."
        );
        assert_eq!(
            quota_message(Metric::Members, 25, PlanTier::Pro),
            "The Pro plan allows 25 members, and this organization has reached that. Upgrade to Enterprise under Plan & usage for more."
        );
        assert!(
            quota_message(Metric::Tokens, 9, PlanTier::Enterprise)
                .ends_with("Ask the platform team to raise the limit.")
        );
    }

    #[test]
    fn levels_warn_at_80_and_stop_at_100_percent() {
        assert_eq!(UsageLevel::of(79, Some(100)), UsageLevel::Normal);
        assert_eq!(UsageLevel::of(80, Some(100)), UsageLevel::Warning);
        assert_eq!(UsageLevel::of(100, Some(100)), UsageLevel::Reached);
        assert_eq!(UsageLevel::of(u64::MAX, None), UsageLevel::Normal);
        assert_eq!(UsageLevel::of(0, Some(0)), UsageLevel::Reached);
        let meter = UsageMeter {
            metric: Metric::Tokens,
            used: 150,
            limit: Some(100),
        };
        assert_eq!(meter.percent(), Some(100));
    }

    #[test]
    fn an_upgrade_offers_the_next_tier_up() {
        let plans = Plan::defaults();
        let tier = |p: Option<&Plan>| p.map(|p| p.tier);
        assert_eq!(
            tier(Plan::upgrade_from(&plans, PlanTier::Free)),
            Some(PlanTier::Pro)
        );
        assert_eq!(
            tier(Plan::upgrade_from(&plans, PlanTier::Pro)),
            Some(PlanTier::Enterprise)
        );
        assert_eq!(tier(Plan::upgrade_from(&plans, PlanTier::Enterprise)), None);
        assert_eq!(tier(Plan::upgrade_from(&[], PlanTier::Free)), None);
    }

    #[test]
    fn periods_are_calendar_months() {
        let at = "2026-12-31T23:59:59Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(period_of(at), "2026-12");
        assert_eq!(
            next_period_start(at),
            NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()
        );
    }

    #[test]
    fn usage_reports_are_checked() {
        let ok = UsageReport {
            metric: Metric::Tokens,
            quantity: 10,
            service: Some("summaries".into()),
            provider: Some("groq".into()),
            cost_minor: 3,
        };
        assert!(ok.validate().is_ok());
        let members = UsageReport {
            metric: Metric::Members,
            ..ok.clone()
        };
        assert_eq!(members.validate().unwrap_err().field, "metric");
        let zero = UsageReport {
            quantity: 0,
            ..ok.clone()
        };
        assert_eq!(zero.validate().unwrap_err().field, "quantity");
        let provider = UsageReport {
            provider: Some("no spaces".into()),
            ..ok
        };
        assert_eq!(provider.validate().unwrap_err().field, "provider");
    }

    proptest! {
        #[test]
        fn limits_read_back_as_typed(n in 0u64..10_000_000_000) {
            let typed = group_digits(n);
            prop_assert_eq!(parse_limit("x", &typed).unwrap(), Some(n));
            prop_assert_eq!(limit_text(Some(n)), typed);
        }

        #[test]
        fn the_level_only_rises_with_use(limit in 1u64..1_000_000, a in 0u64..2_000_000, b in 0u64..2_000_000) {
            let (low, high) = (a.min(b), a.max(b));
            prop_assert!(UsageLevel::of(low, Some(limit)) <= UsageLevel::of(high, Some(limit)));
        }
    }
}
