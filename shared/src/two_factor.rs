//! Two-factor sign-in: what a person types as a second factor, parsed once, and what the
//! enrollment and security pages show.

use serde::{Deserialize, Serialize};

use crate::validation::ValidationError;

/// Backup codes per set.
pub const BACKUP_CODE_COUNT: usize = 10;
/// Characters in a backup code: 10 from a 32-letter alphabet, 50 random bits.
pub const BACKUP_CODE_LEN: usize = 10;
/// The backup-code alphabet (Crockford's base 32): digits and lower-case letters without
/// `i l o u`; when typed back, `o` reads as `0` and `i`/`l` as `1`, so a code copied from
/// paper works.
pub const BACKUP_CODE_ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// A second factor as typed: a 6-digit authenticator code or a backup code. Spaces and
/// dashes are ignored and letters may be in either case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SecondFactorCode {
    Totp(String),
    Backup(String),
}

impl SecondFactorCode {
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let compact: String = input
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .map(|c| match c.to_ascii_lowercase() {
                'o' => '0',
                'i' | 'l' => '1',
                other => other,
            })
            .collect();
        if compact.is_empty() {
            return Err(ValidationError::new(
                "code",
                "Enter the 6-digit code from your authenticator app, or a backup code.",
            ));
        }
        if compact.len() == 6 && compact.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(Self::Totp(compact));
        }
        if compact.len() == BACKUP_CODE_LEN
            && compact.bytes().all(|b| BACKUP_CODE_ALPHABET.contains(&b))
        {
            return Ok(Self::Backup(compact));
        }
        Err(ValidationError::new(
            "code",
            "That is neither a 6-digit authenticator code nor a 10-character backup code.",
        ))
    }

    /// Only an authenticator code (enrollment, where backup codes do not exist yet).
    pub fn parse_totp(input: &str) -> Result<String, ValidationError> {
        match Self::parse(input)? {
            Self::Totp(code) => Ok(code),
            Self::Backup(_) => Err(ValidationError::new(
                "code",
                "Enter the 6-digit code your authenticator app shows.",
            )),
        }
    }
}

/// Formats a backup code for people: `abcde-fghjk`.
pub fn format_backup_code(code: &str) -> String {
    if code.len() == BACKUP_CODE_LEN && code.is_ascii() {
        format!("{}-{}", &code[..5], &code[5..])
    } else {
        code.to_owned()
    }
}

/// Step one of enrollment: what to put into the authenticator app.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TotpSetup {
    /// The secret in base32, for typing in by hand.
    pub secret: String,
    /// `otpauth://totp/…`, what the QR code holds.
    pub otpauth_url: String,
    /// The QR code as an SVG document, rendered on the server.
    pub qr_svg: String,
}

/// A fresh set of backup codes, shown once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupCodes {
    pub codes: Vec<String>,
}

/// The second factor of the signed-in person, for Account → Security.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoFactorStatus {
    pub enabled: bool,
    pub backup_codes_left: u32,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn codes_parse_once() {
        assert_eq!(
            SecondFactorCode::parse(" 123 456 "),
            Ok(SecondFactorCode::Totp("123456".into()))
        );
        assert_eq!(
            SecondFactorCode::parse("ABCDE-FGHJK"),
            Ok(SecondFactorCode::Backup("abcdefghjk".into()))
        );
        assert!(SecondFactorCode::parse("").is_err());
        assert!(SecondFactorCode::parse("12345").is_err());
        assert_eq!(
            SecondFactorCode::parse("abcde-fghjo"),
            Ok(SecondFactorCode::Backup("abcdefghj0".into())),
            "o reads as zero"
        );
        assert!(
            SecondFactorCode::parse("abcde-fghju").is_err(),
            "u is not in the alphabet"
        );
        assert!(SecondFactorCode::parse_totp("abcde-fghjk").is_err());
        assert_eq!(SecondFactorCode::parse_totp("000111").unwrap(), "000111");
        assert_eq!(format_backup_code("abcdefghjk"), "abcde-fghjk");
    }

    #[test]
    fn the_alphabet_has_no_look_alikes_or_repeats() {
        let mut seen = std::collections::BTreeSet::new();
        for b in BACKUP_CODE_ALPHABET {
            assert!(!b"oliu".contains(b));
            assert!(seen.insert(b));
        }
    }

    proptest! {
        #[test]
        fn parsing_never_panics_and_formatted_codes_parse_back(input in "\\PC{0,24}", n in 0u32..1_000_000) {
            let _ = SecondFactorCode::parse(&input);
            let totp = format!("{n:06}");
            prop_assert_eq!(SecondFactorCode::parse(&totp), Ok(SecondFactorCode::Totp(totp.clone())));
        }

        #[test]
        fn backup_codes_round_trip(indexes in proptest::collection::vec(0usize..32, BACKUP_CODE_LEN)) {
            let code: String = indexes.iter().map(|&i| BACKUP_CODE_ALPHABET[i] as char).collect();
            let shown = format_backup_code(&code).to_uppercase();
            prop_assert_eq!(SecondFactorCode::parse(&shown), Ok(SecondFactorCode::Backup(code)));
        }
    }
}
