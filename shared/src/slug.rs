//! URL-safe tenant handles: `/app/{slug}`.

use serde::{Deserialize, Serialize};

use crate::validation::ValidationError;

const MIN_LEN: usize = 3;
const MAX_LEN: usize = 40;

/// Words that name our own routes; a tenant called `admin` would shadow the console.
const RESERVED: &[&str] = &[
    "admin", "api", "app", "apps", "account", "assets", "builder", "embed", "fn", "healthz",
    "help", "invite", "login", "logout", "metrics", "new", "pkg", "public", "rpc", "settings",
    "signup", "static", "support", "system", "www",
];

/// A tenant's handle: 3–40 lowercase letters, digits and single hyphens, starting with a
/// letter.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
#[cfg_attr(feature = "ssr", derive(sqlx::Type), sqlx(transparent))]
pub struct Slug(String);

impl Slug {
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let err = |reason: String| ValidationError::new("slug", reason);
        let slug = input.trim();
        if slug.len() < MIN_LEN || slug.len() > MAX_LEN {
            return Err(err(format!(
                "The address must be {MIN_LEN}–{MAX_LEN} characters long."
            )));
        }
        if let Some(bad) = slug
            .chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
        {
            return Err(err(format!(
                "The address may contain only lowercase letters, digits and hyphens, not “{bad}”."
            )));
        }
        if !slug.starts_with(|c: char| c.is_ascii_lowercase()) {
            return Err(err("The address must start with a letter.".into()));
        }
        if slug.ends_with('-') || slug.contains("--") {
            return Err(err(
                "The address cannot end with a hyphen or contain two hyphens in a row.".into(),
            ));
        }
        if RESERVED.contains(&slug) {
            return Err(err(format!(
                "“{slug}” is reserved; choose another address."
            )));
        }
        Ok(Self(slug.to_owned()))
    }

    /// Proposes a slug for an organization name: "Acme Corp." → `acme-corp`. Names with no
    /// usable letters fall back to `org-…` so that the proposal always parses.
    pub fn suggest(name: &str) -> Self {
        let mut out = String::new();
        for c in name.chars().flat_map(char::to_lowercase) {
            if c.is_ascii_alphanumeric() {
                out.push(c);
            } else if !out.is_empty() && !out.ends_with('-') {
                out.push('-');
            }
            if out.len() >= MAX_LEN {
                break;
            }
        }
        let trimmed = out.trim_matches('-');
        let mut candidate = trimmed.to_owned();
        if !candidate.starts_with(|c: char| c.is_ascii_lowercase()) {
            candidate = format!("org-{candidate}");
        }
        candidate.truncate(MAX_LEN);
        let candidate = candidate.trim_end_matches('-').to_owned();
        Self::parse(&candidate)
            .or_else(|_| Self::parse(&format!("{candidate}-org")))
            .unwrap_or_else(|_| Self("org-workspace".to_owned()))
    }

    /// `acme` → `acme-2`, used when a suggested slug is taken.
    pub fn with_suffix(&self, n: u32) -> Self {
        let suffix = format!("-{n}");
        let mut base = self.0.clone();
        base.truncate(MAX_LEN - suffix.len());
        Self(format!("{}{suffix}", base.trim_end_matches('-')))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for Slug {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Slug {
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
    fn accepts_handles_and_explains_refusals() {
        assert_eq!(Slug::parse(" acme-corp ").unwrap().as_str(), "acme-corp");
        for (input, needle) in [
            ("ab", "3–40"),
            ("Acme", "lowercase"),
            ("1acme", "start with a letter"),
            ("acme-", "hyphen"),
            ("ac--me", "hyphen"),
            ("admin", "reserved"),
            ("acme corp", "not “ ”"),
        ] {
            let err = Slug::parse(input).unwrap_err();
            assert!(err.reason.contains(needle), "{input}: {}", err.reason);
        }
    }

    #[test]
    fn suggestions_follow_the_name() {
        assert_eq!(Slug::suggest("Acme Corp.").as_str(), "acme-corp");
        assert_eq!(Slug::suggest("  Ünïcode & Co ").as_str(), "n-code-co");
        assert_eq!(Slug::suggest("42").as_str(), "org-42");
        assert_eq!(Slug::suggest("Admin").as_str(), "admin-org");
        assert_eq!(Slug::suggest("acme").with_suffix(2).as_str(), "acme-2");
    }

    proptest! {
        #[test]
        fn every_suggestion_parses(name in "\\PC{0,100}") {
            let slug = Slug::suggest(&name);
            prop_assert_eq!(Slug::parse(slug.as_str()), Ok(slug.clone()));
            for n in [2u32, 10, 999] {
                let suffixed = slug.with_suffix(n);
                prop_assert!(Slug::parse(suffixed.as_str()).is_ok(), "{}", suffixed);
            }
        }

        #[test]
        fn parse_never_panics(input in "\\PC{0,60}") {
            let _ = Slug::parse(&input);
        }
    }
}
