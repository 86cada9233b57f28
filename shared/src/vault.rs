//! The API-key vault (seed 003): people keep their own keys for model and telephony
//! providers. A key is checked against its provider's format once, here; the server seals
//! it with AES-256-GCM under the server key and only ever shows its last four characters.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::VaultKeyId;
use crate::names::KeyLabel;
use crate::validation::ValidationError;

text_enum! {
    /// Who issued a key.
    pub enum Provider {
        Groq => "groq",
        Deepgram => "deepgram",
        Twilio => "twilio",
        Generic => "generic",
    }
}

impl Provider {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Groq => "Groq",
            Self::Deepgram => "Deepgram",
            Self::Twilio => "Twilio",
            Self::Generic => "Other provider",
        }
    }

    /// What a key of this provider looks like, for the form's hint and the refusal.
    pub const fn format_hint(self) -> &'static str {
        match self {
            Self::Groq => "a Groq key starts with gsk_ followed by at least 40 letters and digits",
            Self::Deepgram => "a Deepgram key is 40 hexadecimal characters",
            Self::Twilio => {
                "a Twilio key is the account SID and auth token joined by a colon: AC + 32 hexadecimal characters, then 32 more"
            }
            Self::Generic => "8 to 512 visible characters, without spaces",
        }
    }
}

fn is_hex(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A provider key that passed its provider's format check. Its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct ProviderSecret {
    provider: Provider,
    value: String,
}

impl std::fmt::Debug for ProviderSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "ProviderSecret({}, ••••{})",
            self.provider,
            self.last_four()
        )
    }
}

impl ProviderSecret {
    /// Checks `input` (surrounding whitespace ignored) against `provider`'s format.
    pub fn parse(provider: Provider, input: &str) -> Result<Self, ValidationError> {
        let value = input.trim();
        let refuse = || {
            ValidationError::new(
                "secret",
                format!(
                    "This does not look like a {} key: {}.",
                    provider.label(),
                    provider.format_hint()
                ),
            )
        };
        if value.is_empty() {
            return Err(ValidationError::new("secret", "Paste the key."));
        }
        let ok = match provider {
            Provider::Groq => value.strip_prefix("gsk_").is_some_and(|rest| {
                rest.len() >= 40 && rest.bytes().all(|b| b.is_ascii_alphanumeric())
            }),
            Provider::Deepgram => value.len() == 40 && is_hex(value),
            Provider::Twilio => value.split_once(':').is_some_and(|(sid, token)| {
                sid.len() == 34
                    && sid.starts_with("AC")
                    && is_hex(&sid[2..])
                    && token.len() == 32
                    && is_hex(token)
            }),
            Provider::Generic => {
                (8..=512).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_graphic())
            }
        };
        if !ok {
            return Err(refuse());
        }
        Ok(Self {
            provider,
            value: value.to_owned(),
        })
    }

    pub fn provider(&self) -> Provider {
        self.provider
    }

    /// The key itself, for sealing and for calling the provider. Never for display.
    pub fn expose(&self) -> &str {
        &self.value
    }

    /// The last four characters: all a key ever shows once stored.
    pub fn last_four(&self) -> String {
        let chars: Vec<char> = self.value.chars().collect();
        chars[chars.len().saturating_sub(4)..].iter().collect()
    }
}

/// A stored key as its owner sees it: never the key, only its last four characters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct VaultKeyView {
    pub id: VaultKeyId,
    pub provider: Provider,
    pub label: KeyLabel,
    pub last_four: String,
    pub created_at: DateTime<Utc>,
    pub rotated_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
}

impl VaultKeyView {
    /// "••••1a2b".
    pub fn masked(&self) -> String {
        format!("••••{}", self.last_four)
    }
}

/// The vault page: the person's keys in one workspace (whoever may see it may manage them).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultPage {
    pub tenant: crate::tenants::TenantSummary,
    pub keys: Vec<VaultKeyView>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const GROQ: &str = "gsk_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN0123";
    const DEEPGRAM: &str = "0123456789abcdef0123456789abcdef01234567";
    const TWILIO: &str = "AC0123456789abcdef0123456789abcdef:0123456789abcdef0123456789abcdef";

    #[test]
    fn each_provider_has_its_format() {
        for (provider, good) in [
            (Provider::Groq, GROQ),
            (Provider::Deepgram, DEEPGRAM),
            (Provider::Twilio, TWILIO),
            (Provider::Generic, "sk-live-12345678"),
        ] {
            let secret = ProviderSecret::parse(provider, &format!("  {good}\n")).unwrap();
            assert_eq!(secret.expose(), good);
            assert_eq!(secret.last_four(), good[good.len() - 4..]);
        }
        for (provider, bad) in [
            (
                Provider::Groq,
                "sk_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN0123",
            ),
            (Provider::Groq, "gsk_short"),
            (Provider::Deepgram, "0123456789abcdef"),
            (
                Provider::Deepgram,
                "zz23456789abcdef0123456789abcdef01234567",
            ),
            (Provider::Twilio, "AC0123456789abcdef0123456789abcdef"),
            (
                Provider::Twilio,
                "SK0123456789abcdef0123456789abcdef:0123456789abcdef0123456789abcdef",
            ),
            (Provider::Generic, "short"),
            (Provider::Generic, "has a space in it"),
        ] {
            let err = ProviderSecret::parse(provider, bad).unwrap_err();
            assert_eq!(err.field, "secret");
            assert!(
                err.reason.contains(provider.format_hint()),
                "{}",
                err.reason
            );
        }
        assert_eq!(
            ProviderSecret::parse(Provider::Groq, "  ")
                .unwrap_err()
                .reason,
            "Paste the key."
        );
    }

    #[test]
    fn debug_output_never_shows_the_key() {
        let secret = ProviderSecret::parse(Provider::Deepgram, DEEPGRAM).unwrap();
        let shown = format!("{secret:?}");
        assert!(!shown.contains(&DEEPGRAM[..36]), "{shown}");
        assert!(shown.ends_with("4567)"));
    }

    proptest! {
        #[test]
        fn the_parser_never_panics_and_keeps_only_what_it_checked(input in "\\PC{0,600}") {
            for provider in Provider::ALL {
                if let Ok(secret) = ProviderSecret::parse(*provider, &input) {
                    prop_assert_eq!(secret.expose(), input.trim());
                    prop_assert!(secret.last_four().chars().count() <= 4);
                }
            }
        }
    }
}
