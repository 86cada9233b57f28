//! Secrets at rest: AES-256-GCM under the server key from configuration.
//!
//! A sealed value is `version (1 byte) ‖ nonce (12 bytes) ‖ ciphertext and tag`. The
//! caller names what the value is for (`totp:<user id>`, later `vault:<key id>`), and that
//! name is bound in as associated data, so a sealed value copied to another row or another
//! person does not open.

use std::fmt;
use std::path::Path;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use anyhow::Context as _;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// The layout written today; a key rotation (`atrium rotate-key`) will add the next one.
const VERSION: u8 = 1;
const NONCE_LEN: usize = 12;

/// What each sealed value is for, bound in as associated data: the one list of purposes, so
/// sealing, opening and the key rotation can never disagree.
pub mod purposes {
    use shared::ids::{TenantId, UserId, VaultKeyId};

    pub fn totp(user: UserId) -> String {
        format!("totp:{user}")
    }

    pub fn webhook_secret(tenant: TenantId) -> String {
        format!("webhook-secret:{tenant}")
    }

    pub fn vault(key: VaultKeyId) -> String {
        format!("vault:{key}")
    }
}

/// The server key, ready to seal and open secrets. Never printed.
#[derive(Clone)]
pub struct SecretBox {
    cipher: Aes256Gcm,
    /// A key for signatures only the server makes and checks (callback URLs), derived from
    /// the server key so the encryption key itself is never used for anything else.
    mac_root: [u8; 32],
}

impl fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretBox(***)")
    }
}

/// A sealed value that does not open: wrong key, wrong purpose, or tampered with.
#[derive(Debug, thiserror::Error)]
#[error("a stored secret could not be decrypted with the server key")]
pub struct OpenError;

impl SecretBox {
    pub fn new(key: [u8; 32]) -> Self {
        use hmac::Mac as _;
        let mac_root = <hmac::Hmac<sha2::Sha256> as hmac::KeyInit>::new_from_slice(&key)
            .map(|mut mac| {
                mac.update(b"atrium/derived-keys/v1");
                mac.finalize().into_bytes().into()
            })
            .unwrap_or([0; 32]);
        Self {
            cipher: Aes256Gcm::new(&Key::<Aes256Gcm>::from(key)),
            mac_root,
        }
    }

    /// A signing key for `purpose` (e.g. `callbacks:<tenant>`), known only to the server.
    pub fn derived_key(&self, purpose: &str) -> String {
        crate::process::webhooks::sign_with(&self.mac_root, purpose.as_bytes())
    }

    /// Parses a key given as base64 of 32 bytes (`ATRIUM_SECRETS__SERVER_KEY`).
    pub fn from_base64(text: &str) -> anyhow::Result<Self> {
        let bytes = STANDARD
            .decode(text.trim())
            .context("the server key is not valid base64")?;
        let key: [u8; 32] = bytes.try_into().map_err(|_| {
            anyhow::anyhow!("the server key must be 32 bytes (44 base64 characters)")
        })?;
        Ok(Self::new(key))
    }

    /// Reads the key file, or creates it with a fresh random key (readable by its owner
    /// only) when it does not exist yet. Returns whether it was created.
    pub fn from_file_or_create(path: &Path) -> anyhow::Result<(Self, bool)> {
        match std::fs::read_to_string(path) {
            Ok(text) => Ok((
                Self::from_base64(&text).with_context(|| format!("reading {}", path.display()))?,
                false,
            )),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                let key: [u8; 32] = rand::random();
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)
                        .with_context(|| format!("creating {}", dir.display()))?;
                }
                write_private(path, &STANDARD.encode(key))
                    .with_context(|| format!("writing {}", path.display()))?;
                Ok((Self::new(key), true))
            }
            Err(error) => Err(error).with_context(|| format!("reading {}", path.display())),
        }
    }

    /// A new random key, as base64 for a key file or `ATRIUM_SECRETS__SERVER_KEY`.
    pub fn generate() -> (Self, String) {
        let key: [u8; 32] = rand::random();
        (Self::new(key), STANDARD.encode(key))
    }

    /// Writes `key` (base64) to `path`, readable by its owner only.
    pub fn write_key_file(path: &Path, key: &str) -> anyhow::Result<()> {
        write_private(path, key).with_context(|| format!("writing {}", path.display()))
    }

    pub fn seal(&self, purpose: &str, plaintext: &[u8]) -> Vec<u8> {
        let nonce_bytes: [u8; NONCE_LEN] = rand::random();
        let nonce = Nonce::from(nonce_bytes);
        let sealed = self.cipher.encrypt(
            &nonce,
            Payload {
                msg: plaintext,
                aad: purpose.as_bytes(),
            },
        );
        let mut out = Vec::with_capacity(1 + NONCE_LEN + plaintext.len() + 16);
        out.push(VERSION);
        out.extend_from_slice(&nonce_bytes);
        // Encryption into a Vec cannot fail; an error here would be a bug in the cipher.
        out.extend_from_slice(&sealed.unwrap_or_default());
        out
    }

    pub fn open(&self, purpose: &str, sealed: &[u8]) -> Result<Vec<u8>, OpenError> {
        let (&version, rest) = sealed.split_first().ok_or(OpenError)?;
        if version != VERSION || rest.len() < NONCE_LEN + 16 {
            return Err(OpenError);
        }
        let (nonce, ciphertext) = rest.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| OpenError)?;
        self.cipher
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: ciphertext,
                    aad: purpose.as_bytes(),
                },
            )
            .map_err(|_| OpenError)
    }
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents.as_bytes())?;
    // On disk before anything is sealed under it.
    file.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(contents.as_bytes())?;
    file.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_their_key_and_purpose() {
        let a = SecretBox::new([7; 32]);
        let b = SecretBox::new([8; 32]);
        let sealed = a.seal("totp:1", b"secret bytes");
        assert_eq!(sealed.len(), 1 + 12 + 12 + 16);
        assert!(!sealed.windows(12).any(|w| w == b"secret bytes"));
        assert_eq!(a.open("totp:1", &sealed).unwrap(), b"secret bytes");
        assert!(a.open("totp:2", &sealed).is_err(), "another purpose");
        assert!(b.open("totp:1", &sealed).is_err(), "another key");
        let mut tampered = sealed.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert!(a.open("totp:1", &tampered).is_err(), "tampered");
        assert!(a.open("totp:1", &[]).is_err());
        assert_ne!(
            a.seal("totp:1", b"x"),
            a.seal("totp:1", b"x"),
            "fresh nonce"
        );
    }

    #[test]
    fn keys_parse_from_base64_and_files() {
        assert!(SecretBox::from_base64("not base64!").is_err());
        assert!(SecretBox::from_base64(&STANDARD.encode([1u8; 16])).is_err());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys/server.key");
        let (first, created) = SecretBox::from_file_or_create(&path).unwrap();
        assert!(created);
        let (second, created) = SecretBox::from_file_or_create(&path).unwrap();
        assert!(!created);
        let sealed = first.seal("p", b"v");
        assert_eq!(second.open("p", &sealed).unwrap(), b"v");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
