//! Human-readable names: what people call their organization and themselves.

use serde::{Deserialize, Serialize};

use crate::validation::ValidationError;

pub(crate) fn parse_name(
    input: &str,
    field: &str,
    label: &str,
    max: usize,
) -> Result<String, ValidationError> {
    let name = input.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(ValidationError::new(field, format!("{label} is required.")));
    }
    let chars = name.chars().count();
    if chars > max {
        return Err(ValidationError::new(
            field,
            format!("{label} must be at most {max} characters (it has {chars})."),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(ValidationError::new(
            field,
            format!("{label} cannot contain control characters."),
        ));
    }
    Ok(name)
}

macro_rules! name_type {
    ($(#[$meta:meta])* $name:ident, field = $field:literal, label = $label:literal, max = $max:literal) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
        pub struct $name(String);

        impl $name {
            /// Trims, collapses inner whitespace and checks length and characters.
            pub fn parse(input: &str) -> Result<Self, ValidationError> {
                parse_name(input, $field, $label, $max).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let raw = String::deserialize(deserializer)?;
                Self::parse(&raw).map_err(serde::de::Error::custom)
            }
        }
    };
}

name_type!(
    /// An organization's display name, e.g. "Acme Corp".
    TenantName, field = "tenant_name", label = "Organization name", max = 80
);
name_type!(
    /// What a catalog service is called, e.g. "Voice agent".
    ServiceName, field = "name", label = "Service name", max = 80
);
name_type!(
    /// What a person calls a stored provider key, e.g. "Groq production".
    KeyLabel, field = "label", label = "Key name", max = 80
);
name_type!(
    /// What a builder calls a widget, e.g. "Acme contact form".
    WidgetName, field = "name", label = "Widget name", max = 80
);
name_type!(
    /// What a marketplace listing is called, e.g. "Clean lead form".
    ListingTitle, field = "title", label = "Title", max = 80
);
name_type!(
    /// What a builder calls a project, e.g. "Acme website relaunch".
    ProjectName, field = "name", label = "Project name", max = 80
);
name_type!(
    /// A person's display name.
    PersonName, field = "name", label = "Name", max = 80
);
name_type!(
    /// What a process template is called, e.g. "Consultation P0–P4".
    TemplateName, field = "name", label = "Template name", max = 80
);
name_type!(
    /// What a process session is called, e.g. "Acme — onboarding".
    SessionTitle, field = "title", label = "Title", max = 120
);
name_type!(
    /// A support ticket's subject, e.g. "Invoice shows the wrong plan".
    TicketSubject, field = "subject", label = "Subject", max = 120
);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn names_are_tidied_and_bounded() {
        assert_eq!(
            TenantName::parse("  Acme \t Corp ").unwrap().as_str(),
            "Acme Corp"
        );
        assert_eq!(PersonName::parse("Zoë").unwrap().as_str(), "Zoë");
        let err = TenantName::parse("   ").unwrap_err();
        assert_eq!(
            (err.field.as_str(), err.reason.as_str()),
            ("tenant_name", "Organization name is required.")
        );
        let err = PersonName::parse(&"x".repeat(81)).unwrap_err();
        assert!(err.reason.contains("at most 80"), "{}", err.reason);
        assert!(PersonName::parse("a\u{7}b").is_err());
    }

    proptest! {
        #[test]
        fn parsing_is_idempotent(input in "\\PC{0,120}") {
            if let Ok(name) = TenantName::parse(&input) {
                prop_assert_eq!(TenantName::parse(name.as_str()), Ok(name.clone()));
                prop_assert!(name.as_str().chars().count() <= 80);
            }
        }
    }
}
