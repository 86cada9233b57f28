//! Tokens for the public REST API: what each may do (scopes), and how they are shown.
//!
//! A token belongs to one person and one workspace. What it may do there is what the
//! person's role allows *and* its scopes allow; the server checks both in the one
//! permission check. The secret is shown once, when it is made; only its hash is kept.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::ApiTokenId;
use crate::permissions::Permission;
use crate::slug::Slug;
use crate::validation::ValidationError;

text_enum! {
    /// One thing a token may do.
    pub enum ApiScope {
        WorkspaceRead => "workspace:read",
        MembersRead => "members:read",
        UsageRead => "usage:read",
        UsageWrite => "usage:write",
    }
}

impl ApiScope {
    /// The permission the scope lets a token use (the role must hold it too).
    pub const fn permission(self) -> Permission {
        match self {
            Self::WorkspaceRead => Permission::TenantView,
            Self::MembersRead => Permission::MembersView,
            Self::UsageRead => Permission::BillingView,
            Self::UsageWrite => Permission::UsageReport,
        }
    }

    pub const fn label(self) -> &'static str {
        match self {
            Self::WorkspaceRead => "Read the workspace",
            Self::MembersRead => "Read members",
            Self::UsageRead => "Read plan and usage",
            Self::UsageWrite => "Report usage",
        }
    }

    /// Reads a space- or comma-separated list, refusing unknown scopes.
    pub fn parse_list(input: &str) -> Result<Vec<ApiScope>, ValidationError> {
        let mut scopes = Vec::new();
        for word in input.split([' ', ',']).filter(|w| !w.is_empty()) {
            let scope = word.parse::<ApiScope>().map_err(|_| {
                ValidationError::new(
                    "scopes",
                    format!(
                        "“{word}” is not a scope; choose from {}.",
                        Self::ALL
                            .iter()
                            .map(|s| s.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })?;
            if !scopes.contains(&scope) {
                scopes.push(scope);
            }
        }
        if scopes.is_empty() {
            return Err(ValidationError::new(
                "scopes",
                "Choose at least one thing the token may do.",
            ));
        }
        scopes.sort();
        Ok(scopes)
    }

    pub fn list_text(scopes: &[ApiScope]) -> String {
        scopes
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// How long a new token works.
pub const EXPIRY_CHOICES: &[(u32, &str)] = &[
    (7, "7 days"),
    (30, "30 days"),
    (90, "90 days"),
    (365, "1 year"),
    (0, "No expiry"),
];

/// Checks the days a token should work: one of [`EXPIRY_CHOICES`] (0: no expiry).
pub fn parse_expiry_days(days: u32) -> Result<Option<u32>, ValidationError> {
    if EXPIRY_CHOICES.iter().any(|(d, _)| *d == days) {
        Ok((days > 0).then_some(days))
    } else {
        Err(ValidationError::new(
            "expires_in_days",
            "Choose 7, 30, 90 or 365 days, or no expiry.",
        ))
    }
}

/// A token's name: 1–60 characters, trimmed.
pub fn parse_token_name(input: &str) -> Result<String, ValidationError> {
    let name = input.trim();
    if name.is_empty() || name.chars().count() > 60 || name.chars().any(char::is_control) {
        return Err(ValidationError::new(
            "name",
            "Name the token (up to 60 characters), such as “n8n usage reporter”.",
        ));
    }
    Ok(name.to_owned())
}

/// A token as its owner sees it (never the secret).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokenView {
    pub id: ApiTokenId,
    pub name: String,
    /// The first characters of the secret, to recognise it.
    pub prefix: String,
    pub workspace: Slug,
    pub workspace_name: String,
    pub scopes: Vec<ApiScope>,
    pub created_at: DateTime<Utc>,
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// Neither revoked nor expired when this was read.
    pub active: bool,
}

/// A token just made: the secret, shown this once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedApiToken {
    pub token: String,
    pub view: ApiTokenView,
}

/// Account → API tokens.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiTokensPage {
    pub tokens: Vec<ApiTokenView>,
    /// Workspaces a token can be made for: (slug, name).
    pub workspaces: Vec<(Slug, String)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_parse_once_with_a_clear_refusal() {
        assert_eq!(
            ApiScope::parse_list("usage:write, usage:read usage:write").unwrap(),
            vec![ApiScope::UsageRead, ApiScope::UsageWrite]
        );
        assert_eq!(
            ApiScope::parse_list("admin").unwrap_err().reason,
            "“admin” is not a scope; choose from workspace:read, members:read, usage:read, usage:write."
        );
        assert!(ApiScope::parse_list("  ").is_err());
    }

    #[test]
    fn expiry_and_names_are_checked() {
        assert_eq!(parse_expiry_days(30).unwrap(), Some(30));
        assert_eq!(parse_expiry_days(0).unwrap(), None);
        assert!(parse_expiry_days(5).is_err());
        assert_eq!(parse_token_name("  n8n  ").unwrap(), "n8n");
        assert!(parse_token_name("").is_err());
        assert!(parse_token_name(&"x".repeat(61)).is_err());
    }
}
