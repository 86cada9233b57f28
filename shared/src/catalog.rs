//! The service catalog (seed 001): services a super admin offers, with a price, a unit and
//! the plans that may use them; and each organization's activation of a service, which
//! moves requested → active ⇄ suspended, and any → cancelled.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::billing::{Currency, Money, PlanTier};
use crate::ids::{ActivationId, ServiceId};
use crate::names::{PersonName, ServiceName};
use crate::tenants::TenantSummary;
use crate::validation::ValidationError;

/// Longest description a service may have.
pub const DESCRIPTION_MAX: usize = 500;

text_enum! {
    /// What a service's price is counted in.
    pub enum ServiceUnit {
        Month => "month",
        Request => "request",
        Minute => "minute",
        ThousandTokens => "1k_tokens",
        Once => "once",
    }
}

impl ServiceUnit {
    /// Follows the price: "$49.00 per month".
    pub const fn label(self) -> &'static str {
        match self {
            Self::Month => "per month",
            Self::Request => "per request",
            Self::Minute => "per minute",
            Self::ThousandTokens => "per 1,000 tokens",
            Self::Once => "one-off",
        }
    }
}

text_enum! {
    /// Where one organization's use of a service stands.
    pub enum ActivationStatus {
        Requested => "requested",
        Active => "active",
        Suspended => "suspended",
        Cancelled => "cancelled",
    }
}

impl ActivationStatus {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Requested => "Requested",
            Self::Active => "Active",
            Self::Suspended => "Suspended",
            Self::Cancelled => "Cancelled",
        }
    }

    /// The organization may use the service now.
    pub const fn is_usable(self) -> bool {
        matches!(self, Self::Active)
    }
}

text_enum! {
    /// What can be done to an activation.
    pub enum ActivationAction {
        Approve => "approve",
        Suspend => "suspend",
        Resume => "resume",
        Cancel => "cancel",
    }
}

impl ActivationAction {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Approve => "Approve",
            Self::Suspend => "Suspend",
            Self::Resume => "Resume",
            Self::Cancel => "Cancel",
        }
    }

    const fn allowed_from(self) -> &'static [ActivationStatus] {
        match self {
            Self::Approve => &[ActivationStatus::Requested],
            Self::Suspend => &[ActivationStatus::Active],
            Self::Resume => &[ActivationStatus::Suspended],
            Self::Cancel => &[
                ActivationStatus::Requested,
                ActivationStatus::Active,
                ActivationStatus::Suspended,
            ],
        }
    }

    const fn to_state(self) -> ActivationStatus {
        match self {
            Self::Approve | Self::Resume => ActivationStatus::Active,
            Self::Suspend => ActivationStatus::Suspended,
            Self::Cancel => ActivationStatus::Cancelled,
        }
    }

    const fn past_participle(self) -> &'static str {
        match self {
            Self::Approve => "approved",
            Self::Suspend => "suspended",
            Self::Resume => "resumed",
            Self::Cancel => "cancelled",
        }
    }

    /// An organization's own admins may only cancel (withdraw a request, or stop using a
    /// service); approving, suspending and resuming are the platform's.
    pub const fn open_to_the_organization(self) -> bool {
        matches!(self, Self::Cancel)
    }

    /// Whether the action can be taken from `status` (for showing only buttons that work).
    pub fn applies_to(self, status: ActivationStatus) -> bool {
        self.allowed_from().contains(&status)
    }
}

/// Where `action` takes an activation that is `from`, or why it cannot.
pub fn transition(
    from: ActivationStatus,
    action: ActivationAction,
) -> Result<ActivationStatus, ValidationError> {
    if action.applies_to(from) {
        return Ok(action.to_state());
    }
    let from_list = action
        .allowed_from()
        .iter()
        .map(|s| s.label().to_lowercase())
        .collect::<Vec<_>>()
        .join(" or ");
    Err(ValidationError::new(
        "status",
        format!(
            "This service is {}, so it cannot be {}: only {} services can.",
            from.label().to_lowercase(),
            action.past_participle(),
            from_list
        ),
    ))
}

/// A service in the catalog.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Service {
    pub id: ServiceId,
    pub name: ServiceName,
    pub description: String,
    pub price: Money,
    pub unit: ServiceUnit,
    /// The plans whose organizations may request it, cheapest first.
    pub tiers: Vec<PlanTier>,
    /// Still offered: a retired service takes no new requests; activations keep running.
    pub offered: bool,
}

impl Service {
    pub fn allows(&self, tier: PlanTier) -> bool {
        self.tiers.contains(&tier)
    }

    /// "$0.05 per minute".
    pub fn price_text(&self) -> String {
        format!("{} {}", self.price.format(), self.unit.label())
    }

    /// Why an organization on `tier` may not request it: the plans that may, and the way up.
    pub fn tier_refusal(&self, tier: PlanTier) -> String {
        let names = self
            .tiers
            .iter()
            .map(|t| t.label())
            .collect::<Vec<_>>()
            .join(" or ");
        format!(
            "{} needs the {names} plan; this organization is on {}. Upgrade under Plan & usage to request it.",
            self.name,
            tier.label()
        )
    }
}

/// A service as a super admin defines it, parsed from the editor's form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceInput {
    pub name: ServiceName,
    pub description: String,
    pub price: Money,
    pub unit: ServiceUnit,
    pub tiers: Vec<PlanTier>,
    pub offered: bool,
}

impl ServiceInput {
    /// Checks every field of the editor's form; the first refusal names its field.
    pub fn parse(
        name: &str,
        description: &str,
        price: &str,
        unit: &str,
        tiers: &[String],
        offered: bool,
    ) -> Result<Self, ValidationError> {
        let name = ServiceName::parse(name)?;
        let description = description.trim().to_owned();
        let chars = description.chars().count();
        if chars > DESCRIPTION_MAX {
            return Err(ValidationError::new(
                "description",
                format!(
                    "Description must be at most {DESCRIPTION_MAX} characters (it has {chars})."
                ),
            ));
        }
        let price = Money::parse("price", price, Currency::Usd)?;
        let unit = unit
            .parse::<ServiceUnit>()
            .map_err(|_| ValidationError::new("unit", "Choose what the price is counted in."))?;
        let mut parsed = Vec::new();
        for tier in tiers {
            let tier = tier.parse::<PlanTier>().map_err(|e| e.for_field("tiers"))?;
            if !parsed.contains(&tier) {
                parsed.push(tier);
            }
        }
        if parsed.is_empty() {
            return Err(ValidationError::new(
                "tiers",
                "Choose at least one plan whose organizations may use it.",
            ));
        }
        parsed.sort();
        Ok(Self {
            name,
            description,
            price,
            unit,
            tiers: parsed,
            offered,
        })
    }
}

/// One organization's use of one service.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activation {
    pub id: ActivationId,
    pub service: ServiceId,
    pub status: ActivationStatus,
    pub requested_by: Option<PersonName>,
    pub requested_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A line of an organization's catalog: the service and, once requested, its activation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogEntry {
    pub service: Service,
    pub activation: Option<Activation>,
    /// The organization's plan may use it.
    pub eligible: bool,
}

impl CatalogEntry {
    /// Can be requested now (again, after a cancellation).
    pub fn requestable(&self) -> bool {
        self.service.offered
            && self.eligible
            && self
                .activation
                .as_ref()
                .is_none_or(|a| a.status == ActivationStatus::Cancelled)
    }
}

/// The organization's Services page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServicesPage {
    pub tenant: TenantSummary,
    pub tier: PlanTier,
    pub entries: Vec<CatalogEntry>,
    /// The viewer may request and cancel services.
    pub can_manage: bool,
}

impl ServicesPage {
    /// What the organization has (requested, active or suspended), for the dashboard.
    pub fn mine(&self) -> impl Iterator<Item = &CatalogEntry> {
        self.entries.iter().filter(|e| {
            e.activation
                .as_ref()
                .is_some_and(|a| a.status != ActivationStatus::Cancelled)
        })
    }
}

/// One activation as the super admin's console lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminActivation {
    pub id: ActivationId,
    pub tenant: TenantSummary,
    pub service: ServiceId,
    pub service_name: ServiceName,
    pub status: ActivationStatus,
    pub requested_by: Option<PersonName>,
    pub requested_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The super admin's catalog page: the services, and every organization's activations
/// (open requests first).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServicesAdminPage {
    pub services: Vec<Service>,
    pub activations: Vec<AdminActivation>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_state_machine_moves_as_the_catalog_says() {
        use ActivationAction::*;
        use ActivationStatus::*;
        assert_eq!(transition(Requested, Approve), Ok(Active));
        assert_eq!(transition(Active, Suspend), Ok(Suspended));
        assert_eq!(transition(Suspended, Resume), Ok(Active));
        for from in [Requested, Active, Suspended] {
            assert_eq!(transition(from, Cancel), Ok(Cancelled));
        }
        let err = transition(Requested, Suspend).unwrap_err();
        assert_eq!(err.field, "status");
        assert_eq!(
            err.reason,
            "This service is requested, so it cannot be suspended: only active services can."
        );
        assert_eq!(
            transition(Cancelled, Cancel).unwrap_err().reason,
            "This service is cancelled, so it cannot be cancelled: only requested or active or suspended services can."
        );
    }

    proptest! {
        #[test]
        fn nothing_leaves_cancelled_and_every_move_lands_where_it_says(
            from in proptest::sample::select(ActivationStatus::ALL),
            action in proptest::sample::select(ActivationAction::ALL),
        ) {
            match transition(from, action) {
                Ok(to) => {
                    prop_assert!(action.applies_to(from));
                    prop_assert_ne!(from, ActivationStatus::Cancelled);
                    prop_assert_eq!(to, action.to_state());
                }
                Err(err) => {
                    prop_assert!(!action.applies_to(from));
                    prop_assert_eq!(err.field, "status");
                }
            }
        }
    }

    #[test]
    fn only_cancelling_is_open_to_the_organization() {
        let open: Vec<_> = ActivationAction::ALL
            .iter()
            .filter(|a| a.open_to_the_organization())
            .collect();
        assert_eq!(open, [&ActivationAction::Cancel]);
    }

    fn tiers(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn the_editor_form_is_checked_field_by_field() {
        let ok = ServiceInput::parse(
            "  Voice   agent ",
            "Answers calls.",
            "0.05",
            "minute",
            &tiers(&["enterprise", "pro", "pro"]),
            true,
        )
        .unwrap();
        assert_eq!(ok.name.as_str(), "Voice agent");
        assert_eq!(ok.price.minor, 5);
        assert_eq!(ok.tiers, [PlanTier::Pro, PlanTier::Enterprise]);
        let field = |r: Result<ServiceInput, ValidationError>| r.unwrap_err().field;
        assert_eq!(
            field(ServiceInput::parse(
                "",
                "",
                "1",
                "month",
                &tiers(&["free"]),
                true
            )),
            "name"
        );
        assert_eq!(
            field(ServiceInput::parse(
                "A",
                &"x".repeat(501),
                "1",
                "month",
                &tiers(&["free"]),
                true
            )),
            "description"
        );
        assert_eq!(
            field(ServiceInput::parse(
                "A",
                "",
                "-1",
                "month",
                &tiers(&["free"]),
                true
            )),
            "price"
        );
        assert_eq!(
            field(ServiceInput::parse(
                "A",
                "",
                "1",
                "year",
                &tiers(&["free"]),
                true
            )),
            "unit"
        );
        assert_eq!(
            field(ServiceInput::parse("A", "", "1", "month", &[], true)),
            "tiers"
        );
        assert_eq!(
            field(ServiceInput::parse(
                "A",
                "",
                "1",
                "month",
                &tiers(&["gold"]),
                true
            )),
            "tiers"
        );
    }

    #[test]
    fn a_plan_gate_names_the_plans_and_the_way_up() {
        let service = Service {
            id: ServiceId::from_uuid(uuid::Uuid::nil()),
            name: ServiceName::parse("Voice agent").unwrap(),
            description: String::new(),
            price: Money::new(5, Currency::Usd),
            unit: ServiceUnit::Minute,
            tiers: vec![PlanTier::Pro, PlanTier::Enterprise],
            offered: true,
        };
        assert!(!service.allows(PlanTier::Free));
        assert_eq!(service.price_text(), "$0.05 per minute");
        assert_eq!(
            service.tier_refusal(PlanTier::Free),
            "Voice agent needs the Pro or Enterprise plan; this organization is on Free. Upgrade under Plan & usage to request it."
        );
    }
}
