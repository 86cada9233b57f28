//! A tenant's white-label branding: its accent color and typeface (the widgets' own color
//! and font types), applied to its members' pages as CSS custom properties, and its logo,
//! shown in their top bar. The console's form, its live preview and the pages all read the
//! same [`Branding::properties`]; a logo is checked by [`LOGO`] in the browser and again on
//! the server.

use serde::{Deserialize, Serialize};

use crate::support::files::ImageUse;
use crate::validation::{ValidationError, choice};
use crate::widgets::{Color, Font};

/// A tenant's branding; each part left unset keeps the platform's own.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Branding {
    pub accent: Option<Color>,
    pub font: Option<Font>,
}

/// Near-black text, for light accents.
const DARK_TEXT: &str = "#0b1220";
const WHITE: &str = "#ffffff";

impl Branding {
    /// Reads the console's form: a color (`#rrggbb`, empty for the platform's) and a font
    /// from the list (empty for the platform's).
    pub fn parse(accent: &str, font: &str) -> Result<Self, ValidationError> {
        Ok(Self {
            accent: match accent.trim() {
                "" => None,
                other => Some(Color::parse(other).map_err(|e| e.for_field("accent"))?),
            },
            font: choice("font", font, "a font")?,
        })
    }

    /// The CSS custom properties this branding sets (none when it sets nothing): the
    /// accent, the text readable on it and its soft tint, and the typeface.
    pub fn properties(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if let Some(accent) = &self.accent {
            out.push(("--accent", accent.to_string()));
            out.push(("--accent-text", text_on(accent)));
            out.push(("--accent-soft", tint(accent, 14)));
        }
        if let Some(font) = self.font {
            out.push(("--font", font.stack().to_owned()));
        }
        out
    }

    /// The same as a stylesheet's declarations (for a nonce'd `<style>`).
    pub fn css(&self) -> String {
        self.properties()
            .into_iter()
            .map(|(name, value)| format!("{name}: {value};"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub fn is_default(&self) -> bool {
        self.accent.is_none() && self.font.is_none()
    }

    /// The workspace's stylesheet: these properties on its pages' frame.
    pub fn stylesheet(&self) -> String {
        format!(".app {{ {} }}\n", self.css())
    }

    /// A short fingerprint of the properties (FNV-1a), so the stylesheet's address changes
    /// with them and browsers may keep each version for good.
    pub fn version(&self) -> String {
        fingerprint(self.css().as_bytes())
    }
}

/// A short fingerprint of `bytes` (FNV-1a, 16 hex digits), for addresses that change with
/// what they serve.
pub fn fingerprint(bytes: &[u8]) -> String {
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("{hash:016x}")
}

/// Largest logo a workspace takes: 256 KiB (it is drawn 32 pixels high).
pub const LOGO_MAX_BYTES: usize = 256 * 1024;

/// How a logo is checked: an image a browser shows (never SVG, which can run), at most
/// [`LOGO_MAX_BYTES`], whose bytes are what its name says.
pub const LOGO: ImageUse = ImageUse {
    noun: "logo",
    shown_by: "a page shows",
    max_bytes: LOGO_MAX_BYTES,
};

/// Where a workspace's logo is served (to its members), at `version` (its fingerprint).
pub fn logo_path(slug: &str, version: &str) -> String {
    format!("/api/v1/tenants/{slug}/logo?v={version}")
}

/// Where a super admin sends a tenant's logo (and, with the version, loads it in the
/// console, which is no member of the tenant).
pub fn logo_upload_path(slug: &str) -> String {
    format!("/api/v1/platform/tenants/{slug}/logo")
}

/// Where the console loads a tenant's logo, at `version`.
pub fn console_logo_path(slug: &str, version: &str) -> String {
    format!("{}?v={version}", logo_upload_path(slug))
}

/// Where a workspace's branding stylesheet is served, at this version.
pub fn stylesheet_path(slug: &str, branding: &Branding) -> String {
    format!(
        "/api/v1/tenants/{slug}/branding.css?v={}",
        branding.version()
    )
}

/// White or near-black, whichever reads better on `color`.
fn text_on(color: &Color) -> String {
    let (white, dark) = (Color::parse(WHITE), Color::parse(DARK_TEXT));
    match (white, dark) {
        (Ok(white), Ok(dark)) if color.contrast(&dark) > color.contrast(&white) => dark.to_string(),
        _ => WHITE.to_owned(),
    }
}

/// `color` mixed with white, `percent` parts in 100 of it.
fn tint(color: &Color, percent: u32) -> String {
    let hex = color.as_str().trim_start_matches('#');
    let channel = |at: usize| {
        let c = hex
            .get(at..at + 2)
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .unwrap_or(255);
        (c * percent.min(100) + 255 * (100 - percent.min(100))) / 100
    };
    format!("#{:02x}{:02x}{:02x}", channel(0), channel(2), channel(4))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn branding_becomes_css_properties() {
        assert!(Branding::default().properties().is_empty());
        assert!(Branding::default().is_default());
        let branding = Branding::parse(" #AA3300 ", "serif").unwrap();
        let light = Branding::parse("#ffd84d", "").unwrap();
        assert_eq!(
            branding.css(),
            "--accent: #aa3300; --accent-text: #ffffff; --accent-soft: #f3e2db; --font: Georgia, 'Times New Roman', serif;"
        );
        assert!(
            branding
                .stylesheet()
                .starts_with(".app { --accent: #aa3300;")
        );
        assert_eq!(branding.version().len(), 16);
        assert_ne!(branding.version(), light.version());
        assert_eq!(
            light.properties()[1],
            ("--accent-text", DARK_TEXT.to_owned())
        );
        assert_eq!(Branding::parse("", "").unwrap(), Branding::default());
    }

    #[test]
    fn logos_are_small_images_at_versioned_addresses() {
        const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";
        let (name, kind) = LOGO.check("acme.png", PNG).unwrap();
        assert_eq!((name.as_str(), kind.as_str()), ("acme.png", "png"));
        use crate::support::files::FileRefusal;
        let refusal = |r: Result<(), FileRefusal>| match r {
            Err(FileRefusal::Unsupported(reason) | FileRefusal::TooLarge(reason)) => reason,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            refusal(LOGO.check("logo.svg", b"<svg></svg>").map(|_| ())),
            "“logo.svg” is not an image a page shows: choose a PNG, JPEG, GIF or WebP logo."
        );
        assert_eq!(
            refusal(
                LOGO.check_before_upload("big.png", (LOGO_MAX_BYTES + 1) as u64)
                    .map(|_| ())
            ),
            "“big.png” is 257 KB; a logo can be at most 256 KB."
        );
        assert_eq!(
            logo_path("acme", "00ff"),
            "/api/v1/tenants/acme/logo?v=00ff"
        );
        assert_eq!(
            logo_upload_path("acme"),
            "/api/v1/platform/tenants/acme/logo"
        );
        assert_eq!(
            console_logo_path("acme", "00ff"),
            "/api/v1/platform/tenants/acme/logo?v=00ff"
        );
        assert_eq!(fingerprint(b"a"), fingerprint(b"a"));
        assert_ne!(fingerprint(b"a"), fingerprint(b"b"));
    }

    #[test]
    fn each_bad_part_is_named() {
        let err = Branding::parse("blue", "").unwrap_err();
        assert_eq!(err.field, "accent");
        assert!(err.reason.contains("#rrggbb"), "{}", err.reason);
        assert_eq!(Branding::parse("", "comic").unwrap_err().field, "font");
        assert_eq!(tint(&Color::parse("#2952cc").unwrap(), 0), "#ffffff");
        assert_eq!(tint(&Color::parse("#2952cc").unwrap(), 100), "#2952cc");
    }
}
