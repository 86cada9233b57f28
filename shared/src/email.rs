//! Email addresses, normalized once so that duplicates are found by plain equality.

use serde::{Deserialize, Serialize};

use crate::validation::ValidationError;

const MAX_LEN: usize = 254;
const MAX_LOCAL_LEN: usize = 64;
const MAX_LABEL_LEN: usize = 63;

/// A syntactically valid, lowercase email address.
///
/// Only ASCII addresses are accepted (internationalized domains in their `xn--` form);
/// quoted local parts are refused because no mail provider people use issues them.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let err = |reason: &str| ValidationError::new("email", reason);
        let address = input.trim();
        if address.is_empty() {
            return Err(err("Email is required."));
        }
        if address.len() > MAX_LEN {
            return Err(err("Email must be at most 254 characters."));
        }
        if !address.is_ascii() {
            return Err(err(
                "Email must use plain letters, digits and punctuation (write an international domain in its xn-- form).",
            ));
        }
        let mut parts = address.split('@');
        let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(err(
                "Email must contain exactly one @, like name@example.com.",
            ));
        };
        if local.is_empty() {
            return Err(err("Email needs a name before the @."));
        }
        if local.len() > MAX_LOCAL_LEN {
            return Err(err("The part before the @ must be at most 64 characters."));
        }
        if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
            return Err(err(
                "The part before the @ cannot start or end with a dot or contain two dots in a row.",
            ));
        }
        if let Some(bad) = local.chars().find(|c| !is_local_char(*c)) {
            return Err(err(&format!("Email cannot contain “{bad}” before the @.")));
        }
        check_domain(domain).map_err(|reason| err(&reason))?;
        Ok(Self(address.to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part after the @.
    pub fn domain(&self) -> &str {
        self.0.rsplit('@').next().unwrap_or_default()
    }
}

fn is_local_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~.".contains(c)
}

fn check_domain(domain: &str) -> Result<(), String> {
    if domain.is_empty() {
        return Err("Email needs a domain after the @, like example.com.".into());
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return Err(format!(
            "“{domain}” is not a full domain; it needs a dot, like example.com."
        ));
    }
    for label in &labels {
        if label.is_empty() {
            return Err(format!("“{domain}” has an empty part between dots."));
        }
        if label.len() > MAX_LABEL_LEN {
            return Err(format!("“{domain}” has a part longer than 63 characters."));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(format!(
                "“{domain}” has a part that starts or ends with a hyphen."
            ));
        }
        if !label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(format!(
                "“{domain}” may contain only letters, digits, hyphens and dots."
            ));
        }
    }
    let tld = labels.last().copied().unwrap_or_default();
    if tld.len() < 2 || !(tld.chars().all(|c| c.is_ascii_alphabetic()) || tld.starts_with("xn--")) {
        return Err(format!(
            "“{domain}” does not end in a valid top-level domain."
        ));
    }
    Ok(())
}

impl std::fmt::Display for Email {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Email {
    type Error = ValidationError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl<'de> Deserialize<'de> for Email {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_and_normalizes_ordinary_addresses() {
        let email = Email::parse("  Olivia.Owner+work@Acme.Example ").unwrap();
        assert_eq!(email.as_str(), "olivia.owner+work@acme.example");
        assert_eq!(email.domain(), "acme.example");
        assert!(Email::parse("a@b.co").is_ok());
        assert!(Email::parse("x@xn--bcher-kva.xn--p1ai").is_ok());
    }

    #[test]
    fn refuses_with_a_reason_a_person_can_act_on() {
        for (input, needle) in [
            ("", "required"),
            ("olivia", "exactly one @"),
            ("a@b@c.com", "exactly one @"),
            ("@acme.example", "before the @"),
            ("olivia@", "domain"),
            ("olivia@localhost", "needs a dot"),
            ("olivia@acme..example", "empty part"),
            ("olivia@-acme.example", "hyphen"),
            (".olivia@acme.example", "dot"),
            ("oli via@acme.example", "cannot contain"),
            ("olivia@acme.c0m", "top-level"),
            ("jörg@acme.example", "plain letters"),
        ] {
            let err = Email::parse(input).unwrap_err();
            assert_eq!(err.field, "email");
            assert!(err.reason.contains(needle), "{input:?}: {}", err.reason);
        }
        let long_local = format!("{}@acme.example", "a".repeat(65));
        assert!(Email::parse(&long_local).is_err());
    }

    #[test]
    fn deserializing_runs_the_same_parser() {
        assert!(serde_json::from_str::<Email>("\"nope\"").is_err());
        let email: Email = serde_json::from_str("\"A@B.example\"").unwrap();
        assert_eq!(email.as_str(), "a@b.example");
    }

    proptest! {
        #[test]
        fn never_panics_and_output_is_normalized(input in "\\PC{0,80}") {
            if let Ok(email) = Email::parse(&input) {
                prop_assert_eq!(email.as_str(), email.as_str().trim());
                prop_assert_eq!(email.as_str().to_ascii_lowercase(), email.as_str());
                prop_assert_eq!(Email::parse(email.as_str()), Ok(email.clone()));
            }
        }

        #[test]
        fn generated_addresses_parse(
            local in "[a-zA-Z0-9][a-zA-Z0-9_+-]{0,20}",
            domain in "[a-z0-9]{1,10}(-[a-z0-9]{1,5})?",
            tld in "[a-z]{2,6}",
        ) {
            let input = format!("{local}@{domain}.{tld}");
            let email = Email::parse(&input).unwrap();
            prop_assert_eq!(email.as_str(), input.to_ascii_lowercase());
        }
    }
}
