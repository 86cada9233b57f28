//! Credits: an append-only ledger per organization. Grants, purchases and refunds add;
//! consumption (provider costs of metered usage) and expiry take away. The balance is the
//! sum of the entries — derived, never stored on its own — and consumption never takes it
//! below zero (what credits do not cover is billed).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::billing::{Currency, Money};
use crate::validation::ValidationError;

/// Below this balance the owners and admins are told (once per crossing): $5.00.
pub const LOW_BALANCE_MINOR: i64 = 500;

/// Longest note on an entry.
pub const NOTE_MAX: usize = 200;

text_enum! {
    /// What an entry records.
    pub enum CreditKind {
        Grant => "grant",
        Purchase => "purchase",
        Consumption => "consumption",
        Refund => "refund",
        Expiry => "expiry",
    }
}

impl CreditKind {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Grant => "Grant",
            Self::Purchase => "Purchase",
            Self::Consumption => "Used",
            Self::Refund => "Refund",
            Self::Expiry => "Expired",
        }
    }

    /// Whether the entry adds to the balance (+1) or takes from it (−1).
    pub const fn sign(self) -> i64 {
        match self {
            Self::Grant | Self::Purchase | Self::Refund => 1,
            Self::Consumption | Self::Expiry => -1,
        }
    }

    /// A super admin records these by hand; purchases come from payments and consumption
    /// from metered usage.
    pub const fn by_hand(self) -> bool {
        matches!(self, Self::Grant | Self::Refund | Self::Expiry)
    }
}

/// The packs of credits an owner may buy, in cents: $10, $25, $50.
pub const PACKS_MINOR: &[i64] = &[1_000, 2_500, 5_000];

/// Reads a pack chosen on the form ("25" for $25.00); anything else is refused by name.
pub fn parse_pack(input: &str) -> Result<Money, ValidationError> {
    let dollars: Option<i64> = input.trim().parse().ok();
    dollars
        .and_then(|d| d.checked_mul(100))
        .filter(|minor| PACKS_MINOR.contains(minor))
        .map(|minor| Money::new(minor, Currency::Usd))
        .ok_or_else(|| {
            let packs: Vec<String> = PACKS_MINOR
                .iter()
                .map(|m| Money::new(*m, Currency::Usd).format())
                .collect();
            ValidationError::new(
                "amount",
                format!("Choose one of the packs: {}.", packs.join(", ")),
            )
        })
}

/// One ledger entry as shown: `amount` is signed (negative takes from the balance).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditEntry {
    pub kind: CreditKind,
    pub amount: Money,
    pub note: String,
    pub created_at: DateTime<Utc>,
}

/// The organization's credits: balance, whether it is low, the latest entries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditsView {
    pub balance: Money,
    pub low: bool,
    pub entries: Vec<CreditEntry>,
}

/// A super admin's entry, parsed from the form: a positive amount and a note.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditAdjustment {
    pub kind: CreditKind,
    /// Positive; the kind gives the sign.
    pub amount: Money,
    pub note: String,
}

impl CreditAdjustment {
    pub fn parse(kind: CreditKind, amount: &str, note: &str) -> Result<Self, ValidationError> {
        if !kind.by_hand() {
            return Err(ValidationError::new(
                "kind",
                "Only grants, refunds and expiries are entered by hand.",
            ));
        }
        let amount = Money::parse("amount", amount, Currency::Usd)?;
        if amount.minor == 0 {
            return Err(ValidationError::new(
                "amount",
                "Enter an amount above zero.",
            ));
        }
        let note = note.trim().to_owned();
        if note.is_empty() {
            return Err(ValidationError::new("note", "Say what the entry is for."));
        }
        let chars = note.chars().count();
        if chars > NOTE_MAX {
            return Err(ValidationError::new(
                "note",
                format!("The note must be at most {NOTE_MAX} characters (it has {chars})."),
            ));
        }
        Ok(Self { kind, amount, note })
    }

    /// The signed amount the entry adds to the balance.
    pub fn signed_minor(&self) -> i64 {
        self.kind.sign() * self.amount.minor
    }
}

/// How much of a cost the balance covers: never more than the balance, never below zero.
pub fn covered(balance: i64, cost: i64) -> i64 {
    cost.min(balance).max(0)
}

/// Whether taking `spent` from `before` crosses below the low-balance line.
pub fn crosses_low(before: i64, spent: i64) -> bool {
    before >= LOW_BALANCE_MINOR && before - spent < LOW_BALANCE_MINOR
}

/// Why an expiry is refused: it may take at most what is there.
pub fn check_expiry(balance: i64, adjustment: &CreditAdjustment) -> Result<(), ValidationError> {
    if adjustment.kind == CreditKind::Expiry && adjustment.amount.minor > balance {
        return Err(ValidationError::new(
            "amount",
            format!(
                "Only {} is left to expire.",
                Money::new(balance.max(0), Currency::Usd).format()
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_offered_packs_can_be_bought() {
        assert_eq!(parse_pack("25").unwrap(), Money::new(2_500, Currency::Usd));
        assert_eq!(parse_pack(" 10 ").unwrap().minor, 1_000);
        for bad in ["", "0", "11", "-10", "25.5", "lots", "99999999999999999999"] {
            let err = parse_pack(bad).unwrap_err();
            assert_eq!(err.field, "amount", "{bad}");
            assert!(
                err.reason.contains("$10.00, $25.00, $50.00"),
                "{}",
                err.reason
            );
        }
    }
    use proptest::prelude::*;

    #[test]
    fn hand_entries_are_checked_by_field() {
        let ok = CreditAdjustment::parse(CreditKind::Grant, "20", " Welcome ").unwrap();
        assert_eq!((ok.signed_minor(), ok.note.as_str()), (2_000, "Welcome"));
        let field = |r: Result<CreditAdjustment, ValidationError>| r.unwrap_err().field;
        assert_eq!(
            field(CreditAdjustment::parse(CreditKind::Consumption, "1", "x")),
            "kind"
        );
        assert_eq!(
            field(CreditAdjustment::parse(CreditKind::Grant, "lots", "x")),
            "amount"
        );
        assert_eq!(
            field(CreditAdjustment::parse(CreditKind::Grant, "0", "x")),
            "amount"
        );
        assert_eq!(
            field(CreditAdjustment::parse(CreditKind::Grant, "1", " ")),
            "note"
        );
        assert_eq!(
            field(CreditAdjustment::parse(
                CreditKind::Grant,
                "1",
                &"n".repeat(201)
            )),
            "note"
        );
        let expiry = CreditAdjustment::parse(CreditKind::Expiry, "3", "Year end").unwrap();
        assert_eq!(expiry.signed_minor(), -300);
        assert_eq!(
            check_expiry(250, &expiry).unwrap_err().reason,
            "Only $2.50 is left to expire."
        );
        assert!(check_expiry(300, &expiry).is_ok());
    }

    #[derive(Debug, Clone)]
    enum Op {
        Hand(CreditKind, i64),
        Use(i64),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (
                proptest::sample::select(vec![
                    CreditKind::Grant,
                    CreditKind::Refund,
                    CreditKind::Expiry
                ]),
                1i64..5_000
            )
                .prop_map(|(k, n)| Op::Hand(k, n)),
            (0i64..3_000).prop_map(Op::Use),
        ]
    }

    proptest! {
        /// The rules the service applies, run over random sequences: the balance is always the
        /// sum of the entries, and never negative.
        #[test]
        fn the_balance_is_the_sum_of_the_entries_and_never_negative(ops in proptest::collection::vec(op(), 0..60)) {
            let mut entries: Vec<i64> = Vec::new();
            for op in ops {
                let balance: i64 = entries.iter().sum();
                match op {
                    Op::Hand(kind, minor) => {
                        let adjustment = CreditAdjustment { kind, amount: Money::new(minor, Currency::Usd), note: "n".into() };
                        if check_expiry(balance, &adjustment).is_ok() {
                            entries.push(adjustment.signed_minor());
                        }
                    }
                    Op::Use(cost) => {
                        let taken = covered(balance, cost);
                        prop_assert!(taken <= cost && taken <= balance.max(0));
                        if taken > 0 {
                            entries.push(-taken);
                        }
                    }
                }
                prop_assert!(entries.iter().sum::<i64>() >= 0);
            }
        }
    }

    #[test]
    fn the_low_line_is_crossed_once() {
        assert!(crosses_low(600, 200));
        assert!(!crosses_low(400, 100), "already below");
        assert!(!crosses_low(900, 300), "still above");
    }
}
