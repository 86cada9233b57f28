//! Amounts of money: integer minor units (cents) with their currency.

use serde::{Deserialize, Serialize};

use crate::validation::ValidationError;

text_enum! {
    /// The currencies prices are set in (all with two decimal places).
    pub enum Currency {
        Usd => "usd",
        Eur => "eur",
        Gbp => "gbp",
    }
}

impl Currency {
    pub const fn symbol(self) -> &'static str {
        match self {
            Self::Usd => "$",
            Self::Eur => "€",
            Self::Gbp => "£",
        }
    }
}

/// An amount in minor units: `Money::new(4_900, Currency::Usd)` is $49.00.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    pub const fn new(minor: i64, currency: Currency) -> Self {
        Self { minor, currency }
    }

    pub const fn zero(currency: Currency) -> Self {
        Self::new(0, currency)
    }

    /// "$49.00", "-€0.05".
    pub fn format(&self) -> String {
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        let whole = super::group_digits(abs / 100);
        format!("{sign}{}{whole}.{:02}", self.currency.symbol(), abs % 100)
    }

    /// The sum, refusing another currency or an overflow.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        (self.currency == other.currency)
            .then(|| self.minor.checked_add(other.minor))
            .flatten()
            .map(|minor| Money::new(minor, self.currency))
    }

    /// Reads an amount typed into a form: "49", "49.5", "1,049.00" (no symbol, not negative).
    pub fn parse(field: &str, input: &str, currency: Currency) -> Result<Money, ValidationError> {
        let refuse = || {
            ValidationError::new(
                field,
                "Enter an amount such as 49 or 49.90 (no currency sign).",
            )
        };
        let cleaned = input.trim().replace(',', "");
        let (whole, fraction) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
        if whole.is_empty()
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || fraction.len() > 2
            || !fraction.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(refuse());
        }
        let whole: i64 = whole.parse().map_err(|_| refuse())?;
        let cents: i64 = match fraction.len() {
            0 => 0,
            1 => fraction.parse::<i64>().map_err(|_| refuse())? * 10,
            _ => fraction.parse().map_err(|_| refuse())?,
        };
        whole
            .checked_mul(100)
            .and_then(|w| w.checked_add(cents))
            .filter(|minor| *minor <= 10_000_000_000)
            .map(|minor| Money::new(minor, currency))
            .ok_or_else(refuse)
    }

    /// The amount as a form shows it: "49.00".
    pub fn input_value(&self) -> String {
        format!("{}.{:02}", self.minor / 100, (self.minor % 100).abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn amounts_read_as_people_write_them() {
        assert_eq!(Money::new(4_900, Currency::Usd).format(), "$49.00");
        assert_eq!(
            Money::new(123_456_789, Currency::Eur).format(),
            "€1,234,567.89"
        );
        assert_eq!(Money::new(-5, Currency::Gbp).format(), "-£0.05");
        let usd = Currency::Usd;
        assert_eq!(Money::parse("p", "49", usd).unwrap().minor, 4_900);
        assert_eq!(Money::parse("p", "49.5", usd).unwrap().minor, 4_950);
        assert_eq!(Money::parse("p", "1,049.09", usd).unwrap().minor, 104_909);
        for bad in ["", "-1", "4.999", "$5", "1e3", "abc", ".5"] {
            assert!(Money::parse("p", bad, usd).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn sums_refuse_mixed_currencies_and_overflow() {
        let a = Money::new(1, Currency::Usd);
        assert_eq!(a.checked_add(a), Some(Money::new(2, Currency::Usd)));
        assert_eq!(a.checked_add(Money::new(1, Currency::Eur)), None);
        assert_eq!(Money::new(i64::MAX, Currency::Usd).checked_add(a), None);
    }

    proptest! {
        #[test]
        fn an_amount_survives_the_form(minor in 0i64..10_000_000_000) {
            let money = Money::new(minor, Currency::Usd);
            prop_assert_eq!(Money::parse("p", &money.input_value(), Currency::Usd).unwrap(), money);
        }
    }
}
