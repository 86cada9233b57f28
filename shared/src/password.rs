//! The password policy, checked in the browser as you type and again on the server.

use crate::validation::ValidationError;

pub const MIN_LEN: usize = 10;
/// Bounded so that hashing cost cannot be inflated by a megabyte-long "password".
pub const MAX_LEN: usize = 128;

/// A handful of the most common passwords that satisfy the length rule; the full breach
/// corpus is not shipped to the browser.
const COMMON: &[&str] = &[
    "1234567890",
    "12345678910",
    "qwertyuiop",
    "password123",
    "password1234",
    "1q2w3e4r5t",
    "qwerty1234",
    "iloveyou123",
    "abcdefghij",
    "0987654321",
    "1111111111",
    "passw0rd123",
    "administrator",
    "letmein1234",
    "welcome123",
    "changeme123",
];

/// A new password that meets the policy. It never derives `Serialize` or prints itself:
/// the only thing that may happen to it is hashing.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// Checks a password chosen by a person. `email` lets us refuse passwords that are
    /// just the account's own address.
    pub fn parse(input: &str, email: Option<&str>) -> Result<Self, ValidationError> {
        let err = |reason: String| ValidationError::new("password", reason);
        let chars = input.chars().count();
        if chars < MIN_LEN {
            return Err(err(format!(
                "Password must be at least {MIN_LEN} characters (it has {chars})."
            )));
        }
        if chars > MAX_LEN {
            return Err(err(format!(
                "Password must be at most {MAX_LEN} characters."
            )));
        }
        let mut distinct: Vec<char> = input.chars().collect();
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.len() < 4 {
            return Err(err(
                "Password needs more variety: use at least 4 different characters.".into(),
            ));
        }
        let lowered = input.to_lowercase();
        if COMMON.contains(&lowered.as_str()) {
            return Err(err(
                "That password is among the most common ones; choose another.".into(),
            ));
        }
        if let Some(email) = email {
            let local = email.split('@').next().unwrap_or_default().to_lowercase();
            if lowered == email.to_lowercase() || (local.len() >= 4 && lowered.contains(&local)) {
                return Err(err("Password cannot contain your email address.".into()));
            }
        }
        Ok(Self(input.to_owned()))
    }

    /// The secret itself, for the hasher only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(********)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn policy_explains_itself() {
        for (input, email, needle) in [
            ("short", None, "at least 10"),
            ("aaaaaaaaaaaa", None, "variety"),
            ("Password123", None, "common"),
            ("olivia-rocks-2026", Some("olivia@acme.example"), "email"),
        ] {
            let err = Password::parse(input, email).unwrap_err();
            assert_eq!(err.field, "password");
            assert!(err.reason.contains(needle), "{input}: {}", err.reason);
        }
        assert!(
            Password::parse(&"ab12".repeat(40), None)
                .unwrap_err()
                .reason
                .contains("at most")
        );
        assert!(Password::parse("correct horse battery", Some("olivia@acme.example")).is_ok());
    }

    #[test]
    fn debug_hides_the_secret() {
        let pw = Password::parse("correct horse battery", None).unwrap();
        assert!(!format!("{pw:?}").contains("horse"));
    }

    proptest! {
        #[test]
        fn accepted_passwords_respect_the_bounds(input in "\\PC{0,140}") {
            if let Ok(pw) = Password::parse(&input, None) {
                let n = pw.expose().chars().count();
                prop_assert!((MIN_LEN..=MAX_LEN).contains(&n));
            }
        }
    }
}
