//! Collecting invoices: the interface a payment provider implements, and the one provider
//! this build has — [`TestPaymentProvider`], which moves no money. A real processor (Stripe,
//! Adyen…) would implement [`PaymentProvider`] with its API and the idempotency key.

use std::future::Future;
use std::pin::Pin;

use shared::AppError;
use shared::billing::Money;
use shared::billing::invoice::TestCard;

/// One charge to make.
#[derive(Clone, Debug)]
pub struct Charge<'a> {
    pub invoice_number: &'a str,
    pub amount: Money,
    /// The payment method the payer chose, as the provider names it.
    pub method: &'a str,
    /// The same key for a retried request of the same attempt, so it charges once.
    pub idempotency_key: String,
}

/// What the provider answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChargeOutcome {
    Succeeded { reference: String },
    Declined { reference: String, reason: String },
}

impl ChargeOutcome {
    /// The provider's reference for the attempt, and the reason when it was declined.
    pub fn into_parts(self) -> (String, Option<String>) {
        match self {
            Self::Succeeded { reference } => (reference, None),
            Self::Declined { reference, reason } => (reference, Some(reason)),
        }
    }
}

/// Refuses, before anything is charged, a payment method the provider does not offer.
pub fn check_method(provider: &dyn PaymentProvider, method: &str) -> Result<(), AppError> {
    if provider.methods().iter().any(|(value, _)| *value == method) {
        Ok(())
    } else {
        Err(AppError::invalid(
            "method",
            "Choose one of the payment methods listed.",
        ))
    }
}

/// A charge in flight.
pub type Charging<'a> = Pin<Box<dyn Future<Output = ChargeOutcome> + Send + 'a>>;

pub trait PaymentProvider: Send + Sync {
    /// Shown on the invoice next to each attempt.
    fn name(&self) -> &'static str;
    /// The payment methods a payer may choose: (value, label).
    fn methods(&self) -> Vec<(&'static str, &'static str)>;
    fn charge<'a>(&'a self, charge: &'a Charge<'a>) -> Charging<'a>;
}

/// The test provider: its two test cards are always accepted and always declined. Nothing
/// leaves the server; the reference is derived from the idempotency key.
#[derive(Clone, Copy, Debug, Default)]
pub struct TestPaymentProvider;

impl PaymentProvider for TestPaymentProvider {
    fn name(&self) -> &'static str {
        "Test payments (no money moves)"
    }

    fn methods(&self) -> Vec<(&'static str, &'static str)> {
        TestCard::ALL
            .iter()
            .map(|card| (card.as_str(), card.label()))
            .collect()
    }

    fn charge<'a>(&'a self, charge: &'a Charge<'a>) -> Charging<'a> {
        let reference = format!("test_{}", charge.idempotency_key.to_lowercase());
        let outcome = match charge.method.parse::<TestCard>() {
            Ok(TestCard::Accepted) => ChargeOutcome::Succeeded { reference },
            Ok(TestCard::Declined) => ChargeOutcome::Declined {
                reference,
                reason: "The card was declined (test card 0002 always is).".to_owned(),
            },
            Err(_) => ChargeOutcome::Declined {
                reference,
                reason: format!("“{}” is not a payment method here.", charge.method),
            },
        };
        Box::pin(std::future::ready(outcome))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::billing::Currency;

    fn charge(method: &str) -> Charge<'_> {
        Charge {
            invoice_number: "INV-ACME-2026-11",
            amount: Money::new(4_900, Currency::Usd),
            method,
            idempotency_key: "INV-ACME-2026-11-1".to_owned(),
        }
    }

    #[tokio::test]
    async fn the_test_cards_do_what_they_say() {
        let provider = TestPaymentProvider;
        assert_eq!(
            provider.charge(&charge("test_card_accepted")).await,
            ChargeOutcome::Succeeded {
                reference: "test_inv-acme-2026-11-1".to_owned()
            }
        );
        assert!(matches!(
            provider.charge(&charge("test_card_declined")).await,
            ChargeOutcome::Declined { .. }
        ));
        let ChargeOutcome::Declined { reason, .. } = provider.charge(&charge("visa")).await else {
            panic!("an unknown method was accepted");
        };
        assert!(reason.contains("visa"));
        assert_eq!(provider.methods().len(), 2);
    }
}
