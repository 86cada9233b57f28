//! The widget marketplace (seed 000): a builder lists one of its published widgets as a
//! template — a title, a one-line summary and a description, with the configuration of the
//! version it listed (without the sites it was allowed on). Every builder workspace can
//! search the listings, filter them by kind, sort them by rating, installs or age, see each
//! one drawn by the widget runtime itself, rate it (one rating per workspace, never its own)
//! and install it: the template becomes a published widget of the installer's, allowed on
//! the site it names, and, for a customer, a draft deployment on that customer's site.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::customers::Link;
use crate::ids::{CustomerLinkId, ListingId, ScreenshotId};
use crate::names::{ListingTitle, TenantName, WidgetName};
use crate::support::files::{FileKind, FileName, ImageUse};
use crate::tenants::TenantSummary;
use crate::validation::{ValidationError, search_text};
use crate::widgets::{AllowedOrigin, WidgetConfig, WidgetKind};

/// The longest summary, in characters.
pub const SUMMARY_MAX: usize = 160;
/// The longest description, in characters.
pub const DESCRIPTION_MAX: usize = 4_000;
/// The longest review, in characters.
pub const REVIEW_MAX: usize = 1_000;
/// The longest search text, in characters.
pub const SEARCH_MAX: usize = 80;
/// How many listings one search shows.
pub const PAGE_SIZE: u32 = 50;

/// A free text of at most `max` characters (line breaks and tabs allowed), trimmed.
fn free_text(
    input: &str,
    field: &str,
    label: &str,
    min: usize,
    max: usize,
) -> Result<String, ValidationError> {
    let text = input.trim().to_owned();
    let chars = text.chars().count();
    if chars < min {
        return Err(ValidationError::new(field, format!("{label} is required.")));
    }
    if chars > max {
        return Err(ValidationError::new(
            field,
            format!("{label} must be at most {max} characters (it has {chars})."),
        ));
    }
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(ValidationError::new(
            field,
            format!("{label} cannot contain control characters."),
        ));
    }
    Ok(text)
}

/// What a builder writes about a widget it lists, checked once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingDraft {
    pub title: ListingTitle,
    /// One line, shown in search results.
    pub summary: String,
    pub description: String,
}

impl ListingDraft {
    pub fn parse(title: &str, summary: &str, description: &str) -> Result<Self, ValidationError> {
        let title = ListingTitle::parse(title)?;
        let summary = free_text(summary, "summary", "The summary", 1, SUMMARY_MAX)?;
        if summary.contains(['\n', '\r']) {
            return Err(ValidationError::new(
                "summary",
                "The summary is one line: put the rest in the description.",
            ));
        }
        let description = free_text(
            description,
            "description",
            "The description",
            0,
            DESCRIPTION_MAX,
        )?;
        Ok(Self {
            title,
            summary,
            description,
        })
    }
}

/// What a listing offers: the listed version's configuration without the sites the
/// publisher allowed (those are the publisher's customers' business).
pub fn template_of(config: &WidgetConfig) -> WidgetConfig {
    WidgetConfig {
        allowed_origins: Vec::new(),
        ..config.clone()
    }
}

/// One to five stars.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Stars(u8);

impl Stars {
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        input
            .trim()
            .parse::<u8>()
            .ok()
            .and_then(|n| Self::try_from(n).ok())
            .ok_or_else(|| ValidationError::new("stars", "Choose from 1 to 5 stars."))
    }

    pub const fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for Stars {
    type Error = ValidationError;

    fn try_from(n: u8) -> Result<Self, Self::Error> {
        if (1..=5).contains(&n) {
            Ok(Self(n))
        } else {
            Err(ValidationError::new("stars", "Choose from 1 to 5 stars."))
        }
    }
}

impl From<Stars> for u8 {
    fn from(stars: Stars) -> Self {
        stars.0
    }
}

/// A workspace's rating of a listing, checked once.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingDraft {
    pub stars: Stars,
    /// May be empty.
    pub review: String,
}

impl RatingDraft {
    pub fn parse(stars: &str, review: &str) -> Result<Self, ValidationError> {
        Ok(Self {
            stars: Stars::parse(stars)?,
            review: free_text(review, "review", "The review", 0, REVIEW_MAX)?,
        })
    }
}

/// Ratings of one listing, summed up.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingSummary {
    pub count: u32,
    /// The sum of every rating's stars.
    pub stars: u32,
}

impl RatingSummary {
    /// The average in tenths of a star, rounded half up (`None` without ratings).
    pub fn average_tenths(&self) -> Option<u32> {
        (self.count > 0).then(|| (self.stars * 20 + self.count) / (self.count * 2))
    }

    /// "4.5 ★ (12 ratings)", "No ratings yet".
    pub fn label(&self) -> String {
        match self.average_tenths() {
            None => "No ratings yet".to_owned(),
            Some(tenths) => format!(
                "{}.{} ★ ({} rating{})",
                tenths / 10,
                tenths % 10,
                self.count,
                if self.count == 1 { "" } else { "s" }
            ),
        }
    }
}

text_enum! {
    /// How search results are ordered.
    pub enum ListingSort {
        Rating => "rating",
        Installs => "installs",
        Newest => "newest",
    }
}

/// Best rated first, unless a search says otherwise.
impl Default for ListingSort {
    fn default() -> Self {
        Self::Rating
    }
}

impl ListingSort {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Rating => "Best rated",
            Self::Installs => "Most installed",
            Self::Newest => "Newest",
        }
    }
}

/// A marketplace search as a form or a URL asks it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarketplaceQuery {
    /// Words every listing found has in its title, summary or description (any case).
    pub text: String,
    pub kind: Option<WidgetKind>,
    pub sort: ListingSort,
}

impl Default for MarketplaceQuery {
    fn default() -> Self {
        Self {
            text: String::new(),
            kind: None,
            sort: ListingSort::Rating,
        }
    }
}

impl MarketplaceQuery {
    /// Reads the search form (empty fields mean "any" and the default order).
    pub fn parse(text: &str, kind: &str, sort: &str) -> Result<Self, ValidationError> {
        let text = search_text(text, SEARCH_MAX)?;
        let kind = match kind.trim() {
            "" => None,
            other => Some(
                other
                    .parse::<WidgetKind>()
                    .map_err(|_| ValidationError::new("kind", "Choose a kind from the list."))?,
            ),
        };
        let sort = match sort.trim() {
            "" => ListingSort::default(),
            other => other
                .parse()
                .map_err(|_| ValidationError::new("sort", "Choose an order from the list."))?,
        };
        Ok(Self { text, kind, sort })
    }

    /// The words searched for, lower-cased.
    pub fn words(&self) -> Vec<String> {
        self.text
            .split_whitespace()
            .map(str::to_lowercase)
            .collect()
    }

    /// Whether a listing with these texts is found by the search's words.
    pub fn matches(&self, texts: &[&str]) -> bool {
        let haystack = texts.join("\n").to_lowercase();
        self.words().iter().all(|w| haystack.contains(w.as_str()))
    }
}

/// A listing in search results.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingSummary {
    pub id: ListingId,
    pub title: ListingTitle,
    pub summary: String,
    pub kind: WidgetKind,
    /// The builder workspace that listed it.
    pub publisher: TenantName,
    pub rating: RatingSummary,
    pub installs: u32,
    /// The listed widget's version.
    pub version: i32,
    pub updated_at: DateTime<Utc>,
    /// Listed by the workspace looking.
    pub own: bool,
    /// Its first screenshot, shown on its card.
    pub cover: Option<ScreenshotId>,
}

/// The marketplace as one builder workspace sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MarketplacePage {
    pub tenant: TenantSummary,
    pub query: MarketplaceQuery,
    pub listings: Vec<ListingSummary>,
    /// More listings matched than are shown.
    pub more: bool,
}

/// A rating as others read it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub stars: Stars,
    pub review: String,
    /// The workspace that rated.
    pub by: TenantName,
    pub at: DateTime<Utc>,
}

/// One listing in full.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingPage {
    pub tenant: TenantSummary,
    pub listing: ListingSummary,
    pub description: String,
    /// What installing it gives, as the preview draws it.
    pub template: WidgetConfig,
    /// Newest first.
    pub reviews: Vec<Review>,
    /// This workspace's own rating, if it rated.
    pub mine: Option<RatingDraft>,
    /// The caller may rate it (not the publisher's own).
    pub can_rate: bool,
    /// The caller may install it (publishes a widget in this workspace).
    pub can_install: bool,
    /// The caller may withdraw it (the publisher's).
    pub can_withdraw: bool,
    /// Active customers it can be installed for (with the right to deploy).
    pub customers: Vec<Link>,
    /// Oldest first.
    pub screenshots: Vec<Screenshot>,
    /// The caller may add and remove screenshots (the publisher's, with the right to publish).
    pub can_edit_screenshots: bool,
}

/// Largest screenshot a listing takes: 1 MiB.
pub const SCREENSHOT_MAX_BYTES: usize = 1024 * 1024;
/// Most screenshots one listing shows.
pub const SCREENSHOTS_PER_LISTING: usize = 6;
/// How a screenshot is checked: an image a browser shows, at most [`SCREENSHOT_MAX_BYTES`].
pub const SCREENSHOT: ImageUse = ImageUse {
    noun: "screenshot",
    shown_by: "a listing shows",
    max_bytes: SCREENSHOT_MAX_BYTES,
};

/// A screenshot on a listing, without its bytes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Screenshot {
    pub id: ScreenshotId,
    pub name: FileName,
    pub kind: FileKind,
    pub size: i64,
}

/// What an install asks for, checked once: the new widget's name, the site that will embed
/// it, and optionally the customer whose site it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstallRequest {
    pub name: WidgetName,
    pub site: AllowedOrigin,
    pub customer: Option<CustomerLinkId>,
}

impl InstallRequest {
    pub fn parse(name: &str, site: &str, customer: &str) -> Result<Self, ValidationError> {
        let name = WidgetName::parse(name)?;
        let site =
            AllowedOrigin::parse(site).map_err(|e| ValidationError::new("site", e.reason))?;
        let customer = match customer.trim() {
            "" => None,
            other => Some(other.parse().map_err(|_| {
                ValidationError::new("customer", "Choose a customer from the list.")
            })?),
        };
        Ok(Self {
            name,
            site,
            customer,
        })
    }
}

/// A workspace's own listing of one of its widgets, as the widget's editor shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct OwnListing {
    pub id: ListingId,
    /// On the marketplace now (not withdrawn).
    pub listed: bool,
    /// The widget's version it offers.
    pub version: i32,
    pub title: ListingTitle,
    pub summary: String,
    pub description: String,
}

/// What an install made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Installed {
    pub widget: crate::ids::WidgetId,
    pub implementation: Option<crate::ids::ImplementationId>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::support::files::FileRefusal;
    use crate::widgets::preset;
    use proptest::prelude::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";
    const GIF: &[u8] = b"GIF89a\x01\0\x01\0\x80\0\0\xff\xff\xff\0\0\0!";

    #[test]
    fn screenshots_are_images_whose_bytes_agree_with_their_names() {
        let (name, kind) = SCREENSHOT.check("C:\\shots\\editor.png", PNG).unwrap();
        assert_eq!((name.as_str(), kind), ("editor.png", FileKind::Png));
        assert_eq!(SCREENSHOT.check("loop.GIF", GIF).unwrap().1, FileKind::Gif);
        let refused = |name: &str, bytes: &[u8]| match SCREENSHOT.check(name, bytes) {
            Err(FileRefusal::Unsupported(reason) | FileRefusal::TooLarge(reason)) => reason,
            Err(FileRefusal::Invalid(err)) => err.reason,
            Ok(found) => panic!("{name} was taken as {found:?}"),
        };
        assert_eq!(
            refused("shot.png", GIF),
            "“shot.png” is named as a PNG image but its content is a GIF image; rename it or choose the right file."
        );
        assert_eq!(
            refused("shot.png", b"<svg onload=alert(1)></svg>"),
            "The content of “shot.png” is not a PNG image: a screenshot is a PNG, JPEG, GIF or WebP image."
        );
        assert_eq!(
            refused("shot.svg", b"<svg></svg>"),
            "“shot.svg” is not an image a listing shows: choose a PNG, JPEG, GIF or WebP screenshot."
        );
        assert_eq!(
            refused("notes.pdf", b"%PDF-1.7"),
            "“notes.pdf” is not an image a listing shows: choose a PNG, JPEG, GIF or WebP screenshot."
        );
        assert_eq!(refused("empty.png", b""), "“empty.png” is empty.");
        let big = [PNG, &vec![0; 2 * SCREENSHOT_MAX_BYTES]].concat();
        assert_eq!(
            refused("big.png", &big),
            "“big.png” is 2.0 MB; a screenshot can be at most 1.0 MB."
        );
        assert!(
            SCREENSHOT
                .check_before_upload("big.webp", SCREENSHOT_MAX_BYTES as u64)
                .is_ok()
        );
        assert_eq!(SCREENSHOT.accept(), ".png,.jpg,.jpeg,.gif,.webp");
    }

    #[test]
    fn drafts_are_checked_once() {
        let draft =
            ListingDraft::parse(" Clean  lead form ", "Two fields, one button.", "").unwrap();
        assert_eq!(draft.title.as_str(), "Clean lead form");
        assert_eq!(draft.description, "");
        let err = ListingDraft::parse("", "x", "").unwrap_err();
        assert_eq!(
            (err.field.as_str(), err.reason.as_str()),
            ("title", "Title is required.")
        );
        let err = ListingDraft::parse("A", "  ", "").unwrap_err();
        assert_eq!(
            (err.field.as_str(), err.reason.as_str()),
            ("summary", "The summary is required.")
        );
        let err = ListingDraft::parse("A", "one\ntwo", "").unwrap_err();
        assert_eq!(err.field, "summary");
        let err = ListingDraft::parse("A", "x", &"d".repeat(DESCRIPTION_MAX + 1)).unwrap_err();
        assert_eq!(
            err.reason,
            "The description must be at most 4000 characters (it has 4001)."
        );
    }

    #[test]
    fn stars_are_one_to_five() {
        assert_eq!(Stars::parse(" 4 ").map(Stars::get), Ok(4));
        for bad in ["0", "6", "", "four", "-1", "4.5"] {
            assert_eq!(
                Stars::parse(bad).unwrap_err().reason,
                "Choose from 1 to 5 stars."
            );
        }
        assert!(serde_json::from_str::<Stars>("9").is_err());
        assert_eq!(serde_json::to_string(&Stars(3)).unwrap(), "3");
    }

    #[test]
    fn averages_round_half_up_in_tenths() {
        let summary = |count, stars| RatingSummary { count, stars };
        assert_eq!(summary(0, 0).average_tenths(), None);
        assert_eq!(summary(0, 0).label(), "No ratings yet");
        assert_eq!(summary(1, 5).label(), "5.0 ★ (1 rating)");
        assert_eq!(summary(2, 9).average_tenths(), Some(45));
        assert_eq!(summary(3, 13).average_tenths(), Some(43)); // 4.333…
        assert_eq!(summary(3, 11).label(), "3.7 ★ (3 ratings)"); // 3.666…
        assert_eq!(summary(8, 37).average_tenths(), Some(46)); // 4.625 → 4.6
        assert_eq!(summary(4, 18).average_tenths(), Some(45)); // 4.5
    }

    #[test]
    fn searches_read_their_form() {
        assert_eq!(
            MarketplaceQuery::parse("", "", ""),
            Ok(MarketplaceQuery::default())
        );
        let query = MarketplaceQuery::parse("  Lead   FORM ", "lead_form", "installs").unwrap();
        assert_eq!(query.text, "Lead FORM");
        assert_eq!(query.kind, Some(WidgetKind::LeadForm));
        assert_eq!(query.sort, ListingSort::Installs);
        assert!(query.matches(&["Clean lead", "A form for leads"]));
        assert!(!query.matches(&["Clean lead", "Two fields"]));
        assert_eq!(
            MarketplaceQuery::parse("", "chat", "").unwrap_err().field,
            "kind"
        );
        assert_eq!(
            MarketplaceQuery::parse("", "", "price").unwrap_err().field,
            "sort"
        );
        assert_eq!(
            MarketplaceQuery::parse(&"x".repeat(81), "", "")
                .unwrap_err()
                .field,
            "q"
        );
    }

    #[test]
    fn a_template_carries_no_sites() {
        let mut config = preset(WidgetKind::LeadForm, "clean").unwrap().config;
        config.allowed_origins = vec![AllowedOrigin::parse("https://shop.example.com").unwrap()];
        let template = template_of(&config);
        assert!(template.allowed_origins.is_empty());
        assert_eq!(template.content, config.content);
    }

    #[test]
    fn installs_name_a_site_and_maybe_a_customer() {
        let request = InstallRequest::parse("Shop form", "https://Shop.example.com/", "").unwrap();
        assert_eq!(request.site.as_str(), "https://shop.example.com");
        assert_eq!(request.customer, None);
        assert_eq!(
            InstallRequest::parse("Shop form", "shop", "")
                .unwrap_err()
                .field,
            "site"
        );
        assert_eq!(
            InstallRequest::parse("Shop form", "https://shop.example.com", "acme")
                .unwrap_err()
                .field,
            "customer"
        );
    }

    proptest! {
        #[test]
        fn no_form_input_panics(a in ".{0,200}", b in ".{0,200}", c in ".{0,300}") {
            let _ = ListingDraft::parse(&a, &b, &c);
            let _ = RatingDraft::parse(&a, &c);
            let _ = MarketplaceQuery::parse(&a, &b, &c);
            let _ = InstallRequest::parse(&a, &b, &c);
        }

        #[test]
        fn an_average_lies_between_one_and_five_stars(ratings in proptest::collection::vec(1u32..=5, 1..200)) {
            let summary = RatingSummary { count: ratings.len() as u32, stars: ratings.iter().sum() };
            let tenths = summary.average_tenths().unwrap();
            prop_assert!((10..=50).contains(&tenths));
        }
    }
}
