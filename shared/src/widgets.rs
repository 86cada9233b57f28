//! Widgets (seed 000): what builders make for their customers' sites. Three kinds — a lead
//! form, a service status badge and a feedback (NPS) prompt — each with a typed
//! configuration: texts, theme, position, size, behaviour and the origins allowed to embed
//! it. The editor checks a configuration with this code as the builder types, the server
//! checks it again before anything is saved, and the embedded runtime renders from it.
//!
//! Colors, origins and field keys are newtypes that parse once (also while deserializing);
//! the rules that span fields — lengths, counts, one email field, readable contrast — are in
//! [`WidgetConfig::problems`], each naming the field path the editor marks.

pub mod embed;
pub mod events;
pub mod submissions;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::ids::{ServiceId, WidgetId};
use crate::names::{PersonName, WidgetName};
use crate::tenants::TenantSummary;
use crate::validation::ValidationError;

/// Largest configuration accepted, as JSON.
pub const CONFIG_MAX_BYTES: usize = 16 * 1024;
/// Most fields a lead form asks for.
pub const FORM_FIELDS_MAX: usize = 8;
/// Most origins one widget may be embedded on.
pub const ORIGINS_MAX: usize = 20;
/// Most services a status badge lists (none listed: every service the customer has).
pub const BADGE_SERVICES_MAX: usize = 20;
/// Narrowest and widest a widget is drawn, in CSS pixels.
pub const WIDTH_RANGE: std::ops::RangeInclusive<u16> = 240..=640;
/// Longest a widget waits before opening by itself, in seconds.
pub const DELAY_MAX_SECS: u16 = 120;
/// The least contrast between text and background (WCAG AA for body text).
pub const MIN_CONTRAST: f64 = 4.5;

text_enum! {
    pub enum WidgetKind {
        /// Asks visitors for their details; each submission becomes a contact.
        LeadForm => "lead_form",
        /// Shows the live status of the customer's services.
        StatusBadge => "status_badge",
        /// Asks "How likely are you to recommend us?" and stores the answers.
        Feedback => "feedback",
    }
}

impl WidgetKind {
    pub const fn label(self) -> &'static str {
        match self {
            Self::LeadForm => "Lead form",
            Self::StatusBadge => "Service status badge",
            Self::Feedback => "Feedback (NPS)",
        }
    }

    pub const fn description(self) -> &'static str {
        match self {
            Self::LeadForm => {
                "A short form on your customer's site; every submission becomes a contact in their workspace."
            }
            Self::StatusBadge => {
                "The live status of your customer's services, for their status page or footer."
            }
            Self::Feedback => {
                "A one-question prompt (0–10 or stars) with an optional follow-up; answers are charted."
            }
        }
    }
}

text_enum! {
    /// Where the widget sits on the host page.
    pub enum Position {
        BottomRight => "bottom_right",
        BottomLeft => "bottom_left",
        /// Where the snippet is placed, in the page's flow.
        Inline => "inline",
    }
}

impl Position {
    pub const fn label(self) -> &'static str {
        match self {
            Self::BottomRight => "Bottom right corner",
            Self::BottomLeft => "Bottom left corner",
            Self::Inline => "In the page, where the snippet is",
        }
    }
}

text_enum! {
    pub enum Font {
        System => "system",
        Serif => "serif",
        Rounded => "rounded",
        Mono => "mono",
    }
}

impl Font {
    pub const fn label(self) -> &'static str {
        match self {
            Self::System => "The visitor's system font",
            Self::Serif => "Serif",
            Self::Rounded => "Rounded",
            Self::Mono => "Monospace",
        }
    }

    /// The CSS `font-family` stack (fonts every system has; nothing is downloaded).
    pub const fn stack(self) -> &'static str {
        match self {
            Self::System => "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
            Self::Serif => "Georgia, 'Times New Roman', serif",
            Self::Rounded => "ui-rounded, 'SF Pro Rounded', 'Nunito', system-ui, sans-serif",
            Self::Mono => "ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace",
        }
    }
}

text_enum! {
    /// When a corner widget opens.
    pub enum OpenOn {
        /// Behind a launcher button the visitor clicks.
        Click => "click",
        /// As soon as the page has loaded.
        Load => "load",
        /// A few seconds after the page has loaded.
        Delay => "delay",
    }
}

text_enum! {
    pub enum FieldKind {
        Text => "text",
        Email => "email",
        Phone => "phone",
        LongText => "long_text",
    }
}

impl FieldKind {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Text => "Short text",
            Self::Email => "Email",
            Self::Phone => "Phone",
            Self::LongText => "Long text",
        }
    }
}

text_enum! {
    pub enum Scale {
        /// 0 to 10: promoters 9–10, passives 7–8, detractors 0–6.
        Nps => "nps",
        /// 1 to 5 stars.
        Stars => "stars",
    }
}

impl Scale {
    pub const fn range(self) -> std::ops::RangeInclusive<u8> {
        match self {
            Self::Nps => 0..=10,
            Self::Stars => 1..=5,
        }
    }
}

/// A color as `#rrggbb` (lowercase; `#rgb` is accepted and widened).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Color(String);

impl Color {
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let refused = || {
            ValidationError::new(
                "color",
                format!(
                    "“{}” is not a color: use #rrggbb, such as #2563eb.",
                    input.trim()
                ),
            )
        };
        let hex = input.trim().strip_prefix('#').ok_or_else(refused)?;
        if !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(refused());
        }
        let hex = hex.to_ascii_lowercase();
        match hex.len() {
            6 => Ok(Self(format!("#{hex}"))),
            3 => Ok(Self(format!(
                "#{}",
                hex.chars().flat_map(|c| [c, c]).collect::<String>()
            ))),
            _ => Err(refused()),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn channel(&self, at: usize) -> f64 {
        let value = self
            .0
            .get(at..at + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or_default();
        let c = f64::from(value) / 255.0;
        if c <= 0.039_28 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    }

    /// WCAG relative luminance, 0 (black) to 1 (white).
    pub fn luminance(&self) -> f64 {
        0.2126 * self.channel(1) + 0.7152 * self.channel(3) + 0.0722 * self.channel(5)
    }

    /// WCAG contrast ratio against `other`, 1 to 21.
    pub fn contrast(&self, other: &Self) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }
}

impl std::fmt::Display for Color {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Color {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).map_err(|e| serde::de::Error::custom(e.reason))
    }
}

/// A site allowed to embed a widget: `scheme://host[:port]`, as browsers send it in the
/// `Origin` header (lowercase, no path, the default port left out).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct AllowedOrigin(String);

impl AllowedOrigin {
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let text = input.trim();
        let refused = |why: &str| {
            ValidationError::new("origin", format!("“{text}” is not a site address: {why}"))
        };
        let (scheme, rest) = text
            .split_once("://")
            .ok_or_else(|| refused("start it with https:// (or http://)."))?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "https" && scheme != "http" {
            return Err(refused(
                "only http:// and https:// sites can embed a widget.",
            ));
        }
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        if rest.contains(['/', '?', '#']) {
            return Err(refused(
                "give the site only, without a path (such as https://shop.example.com).",
            ));
        }
        if rest.contains('@') {
            return Err(refused("it cannot contain a user name."));
        }
        let (host, port) = match rest.rsplit_once(':') {
            Some((host, port)) => {
                let port: u16 = port
                    .parse()
                    .ok()
                    .filter(|p| *p > 0)
                    .ok_or_else(|| refused("the port must be a number from 1 to 65535."))?;
                (host, Some(port))
            }
            None => (rest, None),
        };
        let host = host.to_ascii_lowercase();
        let labels_ok = !host.is_empty()
            && host.len() <= 253
            && host.split('.').all(|label| {
                (1..=63).contains(&label.len())
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    && !label.starts_with('-')
                    && !label.ends_with('-')
            });
        if !labels_ok {
            return Err(refused("the host name is not valid."));
        }
        let default_port = if scheme == "https" { 443 } else { 80 };
        Ok(Self(match port {
            Some(port) if port != default_port => format!("{scheme}://{host}:{port}"),
            _ => format!("{scheme}://{host}"),
        }))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether a request's `Origin` header is this site.
    pub fn matches(&self, origin: &str) -> bool {
        Self::parse(origin).is_ok_and(|o| o == *self)
    }
}

impl std::fmt::Display for AllowedOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for AllowedOrigin {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).map_err(|e| serde::de::Error::custom(e.reason))
    }
}

/// The name a lead form's answer is stored under: 1 to 32 lowercase letters, digits or `_`,
/// starting with a letter.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct FieldKey(String);

impl FieldKey {
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let key = input.trim();
        let ok = (1..=32).contains(&key.len())
            && key.starts_with(|c: char| c.is_ascii_lowercase())
            && key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if ok {
            Ok(Self(key.to_owned()))
        } else {
            Err(ValidationError::new(
                "key",
                format!(
                    "“{key}” cannot be a field key: use 1 to 32 lowercase letters, digits or _, starting with a letter."
                ),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for FieldKey {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).map_err(|e| serde::de::Error::custom(e.reason))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Theme {
    /// Buttons, links and the launcher.
    pub primary: Color,
    pub background: Color,
    pub text: Color,
    pub font: Font,
    /// Corner radius in CSS pixels, 0 to 24.
    pub radius: u8,
    /// Follows the workspace's white-label branding: its accent color stands for `primary`
    /// and its typeface for `font`, wherever it sets them (see [`WidgetConfig::branded`]).
    #[serde(default)]
    pub brand: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Behaviour {
    pub open_on: OpenOn,
    /// Seconds after load, when `open_on` is `delay` (1 to [`DELAY_MAX_SECS`]).
    #[serde(default)]
    pub delay_secs: u16,
    /// The launcher button's text, when `open_on` is `click`.
    #[serde(default)]
    pub launcher_label: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormField {
    pub key: FieldKey,
    pub label: String,
    pub kind: FieldKind,
    pub required: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeadForm {
    pub title: String,
    #[serde(default)]
    pub intro: String,
    pub fields: Vec<FormField>,
    pub submit_label: String,
    pub success_message: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusBadge {
    pub title: String,
    /// The services shown; empty: every service the customer has.
    #[serde(default)]
    pub services: Vec<ServiceId>,
    /// Shows each service's status since when.
    #[serde(default)]
    pub show_since: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Feedback {
    pub question: String,
    pub scale: Scale,
    /// Asked after the score ("What is the main reason?"); empty: not asked.
    #[serde(default)]
    pub follow_up: String,
    pub thanks: String,
}

/// What the widget shows: one of the three kinds, with its own texts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Content {
    LeadForm(LeadForm),
    StatusBadge(StatusBadge),
    Feedback(Feedback),
}

impl Content {
    pub const fn kind(&self) -> WidgetKind {
        match self {
            Self::LeadForm(_) => WidgetKind::LeadForm,
            Self::StatusBadge(_) => WidgetKind::StatusBadge,
            Self::Feedback(_) => WidgetKind::Feedback,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WidgetConfig {
    pub content: Content,
    pub theme: Theme,
    pub position: Position,
    /// CSS pixels, within [`WIDTH_RANGE`].
    pub width: u16,
    pub behaviour: Behaviour,
    /// Sites that may embed it; a draft may have none (the preview needs none), a published
    /// version needs at least one.
    #[serde(default)]
    pub allowed_origins: Vec<AllowedOrigin>,
}

/// Checks a free text: trimmed length within `min..=max` characters, no control characters
/// other than line breaks.
fn text(
    out: &mut Vec<ValidationError>,
    field: &str,
    label: &str,
    value: &str,
    min: usize,
    max: usize,
) {
    let chars = value.trim().chars().count();
    if chars < min {
        out.push(ValidationError::new(field, format!("{label} is required.")));
    } else if chars > max {
        out.push(ValidationError::new(
            field,
            format!("{label} must be at most {max} characters (it has {chars})."),
        ));
    } else if value.chars().any(|c| c.is_control() && c != '\n') {
        out.push(ValidationError::new(
            field,
            format!("{label} cannot contain control characters."),
        ));
    }
}

impl WidgetConfig {
    /// Parses a configuration as the server receives it, with every rule checked; the first
    /// problem is the error.
    pub fn parse(json: &str) -> Result<Self, ValidationError> {
        if json.len() > CONFIG_MAX_BYTES {
            return Err(ValidationError::new(
                "config",
                format!(
                    "The configuration is {} KB; it can be at most {} KB.",
                    json.len().div_ceil(1024),
                    CONFIG_MAX_BYTES / 1024
                ),
            ));
        }
        let config: Self = serde_json::from_str(json).map_err(|e| {
            ValidationError::new("config", format!("The configuration is not valid: {e}."))
        })?;
        config.check()?;
        Ok(config)
    }

    pub fn kind(&self) -> WidgetKind {
        self.content.kind()
    }

    /// The first problem, if any.
    pub fn check(&self) -> Result<(), ValidationError> {
        match self.problems().into_iter().next() {
            Some(problem) => Err(problem),
            None => Ok(()),
        }
    }

    /// Every problem, each naming its field path (`content.fields.2.label`, `theme.text`),
    /// in the order the editor shows the fields.
    pub fn problems(&self) -> Vec<ValidationError> {
        let mut out = Vec::new();
        match &self.content {
            Content::LeadForm(form) => form.problems(&mut out),
            Content::StatusBadge(badge) => {
                text(&mut out, "content.title", "The title", &badge.title, 1, 80);
                if badge.services.len() > BADGE_SERVICES_MAX {
                    out.push(ValidationError::new(
                        "content.services",
                        format!("A badge shows at most {BADGE_SERVICES_MAX} services."),
                    ));
                }
                let mut seen = std::collections::HashSet::new();
                if !badge.services.iter().all(|s| seen.insert(*s)) {
                    out.push(ValidationError::new(
                        "content.services",
                        "A service is listed twice.",
                    ));
                }
            }
            Content::Feedback(feedback) => {
                text(
                    &mut out,
                    "content.question",
                    "The question",
                    &feedback.question,
                    1,
                    140,
                );
                text(
                    &mut out,
                    "content.follow_up",
                    "The follow-up question",
                    &feedback.follow_up,
                    0,
                    140,
                );
                text(
                    &mut out,
                    "content.thanks",
                    "The thank-you message",
                    &feedback.thanks,
                    1,
                    200,
                );
            }
        }
        let theme = &self.theme;
        let contrast = theme.text.contrast(&theme.background);
        if contrast < MIN_CONTRAST {
            out.push(ValidationError::new(
                "theme.text",
                format!(
                    "The text on the background has a contrast of {contrast:.1}:1; choose colors with at least {MIN_CONTRAST}:1 so every visitor can read it."
                ),
            ));
        }
        if theme.radius > 24 {
            out.push(ValidationError::new(
                "theme.radius",
                "The corner radius is 0 to 24 pixels.",
            ));
        }
        if !WIDTH_RANGE.contains(&self.width) {
            out.push(ValidationError::new(
                "width",
                format!(
                    "The width is {} to {} pixels.",
                    WIDTH_RANGE.start(),
                    WIDTH_RANGE.end()
                ),
            ));
        }
        let behaviour = &self.behaviour;
        match behaviour.open_on {
            OpenOn::Delay if !(1..=DELAY_MAX_SECS).contains(&behaviour.delay_secs) => {
                out.push(ValidationError::new(
                    "behaviour.delay_secs",
                    format!("The delay is 1 to {DELAY_MAX_SECS} seconds."),
                ));
            }
            OpenOn::Click if self.position != Position::Inline => text(
                &mut out,
                "behaviour.launcher_label",
                "The launcher's label",
                &behaviour.launcher_label,
                1,
                30,
            ),
            _ => {}
        }
        if self.allowed_origins.len() > ORIGINS_MAX {
            out.push(ValidationError::new(
                "allowed_origins",
                format!("A widget can be embedded on at most {ORIGINS_MAX} sites."),
            ));
        }
        let mut seen = std::collections::HashSet::new();
        if let Some(twice) = self.allowed_origins.iter().find(|o| !seen.insert(*o)) {
            out.push(ValidationError::new(
                "allowed_origins",
                format!("{twice} is listed twice."),
            ));
        }
        out
    }

    /// What publishing needs beyond a valid configuration.
    pub fn check_publishable(&self) -> Result<(), ValidationError> {
        self.check()?;
        if self.allowed_origins.is_empty() {
            return Err(ValidationError::new(
                "allowed_origins",
                "Add the site (such as https://shop.example.com) that will embed this widget before publishing it.",
            ));
        }
        Ok(())
    }

    /// The JSON stored and sent to the runtime.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

impl LeadForm {
    fn problems(&self, out: &mut Vec<ValidationError>) {
        text(out, "content.title", "The title", &self.title, 1, 80);
        text(
            out,
            "content.intro",
            "The introduction",
            &self.intro,
            0,
            280,
        );
        if self.fields.is_empty() || self.fields.len() > FORM_FIELDS_MAX {
            out.push(ValidationError::new(
                "content.fields",
                format!("A lead form asks for 1 to {FORM_FIELDS_MAX} fields."),
            ));
        }
        for (i, field) in self.fields.iter().enumerate() {
            text(
                out,
                &format!("content.fields.{i}.label"),
                &format!("Field {}'s label", i + 1),
                &field.label,
                1,
                60,
            );
            if self.fields[..i].iter().any(|f| f.key == field.key) {
                out.push(ValidationError::new(
                    format!("content.fields.{i}.key"),
                    format!("Two fields have the key “{}”.", field.key.as_str()),
                ));
            }
        }
        // Contacts are told apart by their email: the form must ask for one, and insist.
        let emails: Vec<_> = self
            .fields
            .iter()
            .filter(|f| f.kind == FieldKind::Email)
            .collect();
        match emails.as_slice() {
            [email] if email.required => {}
            [] => out.push(ValidationError::new(
                "content.fields",
                "A lead form needs an email field: each submission becomes a contact, known by its email.",
            )),
            [_] => out.push(ValidationError::new(
                "content.fields",
                "The email field must be required: a contact is known by its email.",
            )),
            _ => out.push(ValidationError::new(
                "content.fields",
                "A lead form has one email field.",
            )),
        }
        text(
            out,
            "content.submit_label",
            "The button's label",
            &self.submit_label,
            1,
            30,
        );
        text(
            out,
            "content.success_message",
            "The message after sending",
            &self.success_message,
            1,
            200,
        );
    }
}

/// A starting point for a new widget: a name, and a configuration that passes every check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preset {
    pub key: &'static str,
    pub name: &'static str,
    pub config: WidgetConfig,
}

fn color(hex: &str) -> Color {
    Color(hex.to_owned())
}

fn field(key: &str, label: &str, kind: FieldKind, required: bool) -> FormField {
    FormField {
        key: FieldKey(key.to_owned()),
        label: label.to_owned(),
        kind,
        required,
    }
}

fn theme(primary: &str, background: &str, text: &str, font: Font, radius: u8) -> Theme {
    Theme {
        primary: color(primary),
        background: color(background),
        text: color(text),
        font,
        radius,
        brand: false,
    }
}

fn content_of(kind: WidgetKind) -> Content {
    match kind {
        WidgetKind::LeadForm => Content::LeadForm(LeadForm {
            title: "Talk to us".into(),
            intro: "Leave your details and we will get back to you within a day.".into(),
            fields: vec![
                field("name", "Your name", FieldKind::Text, true),
                field("email", "Work email", FieldKind::Email, true),
                field("message", "How can we help?", FieldKind::LongText, false),
            ],
            submit_label: "Send".into(),
            success_message: "Thanks! We will be in touch shortly.".into(),
        }),
        WidgetKind::StatusBadge => Content::StatusBadge(StatusBadge {
            title: "Service status".into(),
            services: Vec::new(),
            show_since: true,
        }),
        WidgetKind::Feedback => Content::Feedback(Feedback {
            question: "How likely are you to recommend us to a friend or colleague?".into(),
            scale: Scale::Nps,
            follow_up: "What is the main reason for your score?".into(),
            thanks: "Thank you for your feedback!".into(),
        }),
    }
}

/// The presets a builder starts a widget of `kind` from: the same texts in three looks.
pub fn presets(kind: WidgetKind) -> Vec<Preset> {
    let config = |theme: Theme, position: Position, open_on: OpenOn| WidgetConfig {
        content: content_of(kind),
        theme,
        position,
        width: 360,
        behaviour: Behaviour {
            open_on,
            delay_secs: if open_on == OpenOn::Delay { 5 } else { 0 },
            launcher_label: match kind {
                WidgetKind::LeadForm => "Contact us",
                WidgetKind::StatusBadge => "Status",
                WidgetKind::Feedback => "Feedback",
            }
            .into(),
        },
        allowed_origins: Vec::new(),
    };
    let (corner, inline) = match kind {
        WidgetKind::Feedback => (OpenOn::Delay, OpenOn::Load),
        WidgetKind::LeadForm | WidgetKind::StatusBadge => (OpenOn::Click, OpenOn::Load),
    };
    vec![
        Preset {
            key: "clean",
            name: "Clean",
            config: config(
                theme("#2563eb", "#ffffff", "#111827", Font::System, 12),
                Position::BottomRight,
                corner,
            ),
        },
        Preset {
            key: "night",
            name: "Night",
            config: config(
                theme("#a78bfa", "#111827", "#f9fafb", Font::Rounded, 16),
                Position::BottomRight,
                corner,
            ),
        },
        Preset {
            key: "paper",
            name: "Paper (in the page)",
            config: config(
                theme("#b45309", "#fffbeb", "#1c1917", Font::Serif, 4),
                Position::Inline,
                inline,
            ),
        },
    ]
}

/// The preset `key` of `kind`, if there is one.
pub fn preset(kind: WidgetKind, key: &str) -> Option<Preset> {
    presets(kind).into_iter().find(|p| p.key == key)
}

/// A widget in its workspace's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct WidgetSummary {
    pub id: WidgetId,
    pub name: WidgetName,
    pub kind: WidgetKind,
    /// The published version embedded sites get; `None`: never published.
    pub live_version: Option<i32>,
    /// The draft differs from the live version (or nothing is live yet).
    pub unpublished_changes: bool,
    pub updated_at: DateTime<Utc>,
}

impl WidgetSummary {
    /// "Live · version 3", "Live · version 3 · changes not published", "Draft".
    pub fn status_label(&self) -> String {
        match (self.live_version, self.unpublished_changes) {
            (None, _) => "Draft".to_owned(),
            (Some(v), false) => format!("Live · version {v}"),
            (Some(v), true) => format!("Live · version {v} · changes not published"),
        }
    }
}

/// A published version: immutable once made.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(sqlx::FromRow))]
pub struct WidgetVersion {
    pub version: i32,
    pub published_at: DateTime<Utc>,
    pub published_by: Option<PersonName>,
}

/// The widgets page of a builder workspace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetsPage {
    pub tenant: TenantSummary,
    pub widgets: Vec<WidgetSummary>,
    /// The caller may create widgets and edit drafts.
    pub can_edit: bool,
}

/// One widget in the editor: its draft, its published versions and what the caller may do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetDetail {
    pub tenant: TenantSummary,
    pub summary: WidgetSummary,
    pub draft: WidgetConfig,
    /// Newest first.
    pub versions: Vec<WidgetVersion>,
    pub can_edit: bool,
    pub can_publish: bool,
    /// Where Atrium is served, for the embed codes (`https://atrium.example`).
    pub public_url: String,
    /// Its listing on the marketplace, if it was ever listed.
    pub listing: Option<crate::marketplace::OwnListing>,
    /// The workspace's branding, which the theme may follow.
    #[serde(default)]
    pub branding: crate::branding::Branding,
}

impl WidgetConfig {
    /// The configuration as it is drawn in a workspace with `branding`: when the theme
    /// follows the branding, its accent and typeface replace the widget's own primary color
    /// and font. The editor's preview and the embedded widget both draw this, so a branding
    /// change shows in both at once (published versions included).
    pub fn branded(&self, branding: &crate::branding::Branding) -> Self {
        let mut drawn = self.clone();
        if self.theme.brand {
            if let Some(accent) = &branding.accent {
                drawn.theme.primary = accent.clone();
            }
            if let Some(font) = branding.font {
                drawn.theme.font = font;
            }
        }
        drawn
    }

    /// A height the iframe embed code starts with, in CSS pixels (the script tag sizes its
    /// frame itself; a bare iframe cannot ask).
    pub fn frame_height_hint(&self) -> u32 {
        let body = match &self.content {
            Content::LeadForm(form) => {
                140 + form
                    .fields
                    .iter()
                    .map(|f| {
                        if f.kind == FieldKind::LongText {
                            110
                        } else {
                            70
                        }
                    })
                    .sum::<u32>()
            }
            Content::StatusBadge(badge) => 120 + 32 * badge.services.len().clamp(2, 8) as u32,
            Content::Feedback(_) => 300,
        };
        body + 32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn lead_form() -> WidgetConfig {
        presets(WidgetKind::LeadForm).remove(0).config
    }

    fn problem_fields(config: &WidgetConfig) -> Vec<String> {
        config.problems().into_iter().map(|p| p.field).collect()
    }

    #[test]
    fn every_preset_passes_and_survives_a_round_trip() {
        for kind in WidgetKind::ALL {
            let presets = presets(*kind);
            assert_eq!(presets.len(), 3);
            for preset in presets {
                assert_eq!(preset.config.problems(), vec![], "{}", preset.key);
                assert_eq!(preset.config.kind(), *kind);
                let json = preset.config.to_json();
                assert_eq!(WidgetConfig::parse(&json).unwrap(), preset.config);
            }
        }
    }

    #[test]
    fn a_theme_that_follows_the_branding_takes_its_accent_and_typeface() {
        let mut config = lead_form();
        let branding = crate::branding::Branding::parse("#aa3300", "serif").unwrap();
        let own = config.theme.clone();
        assert_eq!(
            config.branded(&branding).theme,
            own,
            "not following: its own"
        );
        config.theme.brand = true;
        let drawn = config.branded(&branding).theme;
        assert_eq!(drawn.primary.as_str(), "#aa3300");
        assert_eq!(drawn.font, Font::Serif);
        assert_eq!((drawn.background, drawn.text), (own.background, own.text));
        let accent_only = crate::branding::Branding::parse("#aa3300", "").unwrap();
        assert_eq!(config.branded(&accent_only).theme.font, own.font);
        assert_eq!(
            config
                .branded(&crate::branding::Branding::default())
                .theme
                .primary,
            own.primary
        );
        // Configurations saved before the setting existed read as not following.
        let old = lead_form().to_json().replace(",\"brand\":false", "");
        assert!(!old.contains("brand"));
        assert!(!WidgetConfig::parse(&old).unwrap().theme.brand);
    }

    #[test]
    fn colors_are_hex_and_normalised() {
        assert_eq!(Color::parse(" #2563EB ").unwrap().as_str(), "#2563eb");
        assert_eq!(Color::parse("#fA0").unwrap().as_str(), "#ffaa00");
        for bad in [
            "2563eb", "#2563e", "#ggg", "red", "#", "", "#1234567", "#+1+2+3",
        ] {
            let err = Color::parse(bad).unwrap_err();
            assert!(err.reason.contains("use #rrggbb"), "{bad}: {err}");
        }
        let (black, white) = (Color::parse("#000").unwrap(), Color::parse("#fff").unwrap());
        assert!((black.contrast(&white) - 21.0).abs() < 0.01);
        assert!((white.contrast(&white) - 1.0).abs() < 0.01);
    }

    #[test]
    fn origins_are_what_browsers_send() {
        let cases = [
            ("https://Shop.Example.com", "https://shop.example.com"),
            ("https://shop.example.com/", "https://shop.example.com"),
            ("https://shop.example.com:443", "https://shop.example.com"),
            ("http://127.0.0.1:8081", "http://127.0.0.1:8081"),
            ("http://localhost:80", "http://localhost"),
        ];
        for (input, normal) in cases {
            assert_eq!(AllowedOrigin::parse(input).unwrap().as_str(), normal);
        }
        for (bad, why) in [
            ("shop.example.com", "start it with https://"),
            ("ftp://shop.example.com", "only http:// and https://"),
            ("https://shop.example.com/contact", "without a path"),
            ("https://shop.example.com?x=1", "without a path"),
            ("https://user@shop.example.com", "user name"),
            ("https://shop.example.com:0", "port"),
            ("https://shop.example.com:99999", "port"),
            ("https://-shop.example.com", "host name"),
            ("https://", "host name"),
            ("https://*.example.com", "host name"),
        ] {
            let err = AllowedOrigin::parse(bad).unwrap_err();
            assert!(err.reason.contains(why), "{bad}: {err}");
        }
        let origin = AllowedOrigin::parse("https://shop.example.com").unwrap();
        assert!(origin.matches("https://shop.example.com"));
        assert!(origin.matches("https://SHOP.example.com:443"));
        assert!(!origin.matches("http://shop.example.com"));
        assert!(!origin.matches("https://shop.example.com.evil.example"));
        assert!(!origin.matches("null"));
    }

    #[test]
    fn a_lead_form_needs_one_required_email_field() {
        let mut config = lead_form();
        let Content::LeadForm(form) = &mut config.content else {
            unreachable!()
        };
        form.fields.retain(|f| f.kind != FieldKind::Email);
        assert_eq!(problem_fields(&config), ["content.fields"]);
        assert!(
            config
                .check()
                .unwrap_err()
                .reason
                .contains("needs an email field")
        );

        let mut config = lead_form();
        let Content::LeadForm(form) = &mut config.content else {
            unreachable!()
        };
        form.fields[1].required = false;
        assert!(
            config
                .check()
                .unwrap_err()
                .reason
                .contains("must be required")
        );

        let Content::LeadForm(form) = &mut config.content else {
            unreachable!()
        };
        form.fields[1].required = true;
        form.fields.push(form.fields[0].clone());
        assert_eq!(problem_fields(&config), ["content.fields.3.key"]);
    }

    #[test]
    fn each_problem_names_its_field() {
        let mut config = lead_form();
        config.theme.text = Color::parse("#eeeeee").unwrap();
        config.width = 100;
        config.behaviour.launcher_label = "  ".into();
        let Content::LeadForm(form) = &mut config.content else {
            unreachable!()
        };
        form.title = "x".repeat(81);
        form.fields[0].label = String::new();
        assert_eq!(
            problem_fields(&config),
            [
                "content.title",
                "content.fields.0.label",
                "theme.text",
                "width",
                "behaviour.launcher_label"
            ]
        );
        let problems = config.problems();
        assert_eq!(
            problems[0].reason,
            "The title must be at most 80 characters (it has 81)."
        );
        assert!(
            problems[2]
                .reason
                .starts_with("The text on the background has a contrast of 1.2:1")
        );
        // Inline widgets have no launcher.
        config.position = Position::Inline;
        assert!(!problem_fields(&config).contains(&"behaviour.launcher_label".to_owned()));
    }

    #[test]
    fn parsing_refuses_what_the_editor_could_not_have_made() {
        let json = lead_form().to_json();
        for (mutated, says) in [
            (json.replace("\"#2563eb\"", "\"blue\""), "not a color"),
            (
                json.replace("\"lead_form\"", "\"chatbot\""),
                "unknown variant",
            ),
            (
                json.replace("\"width\":360", "\"width\":360,\"script\":\"x\""),
                "unknown field",
            ),
            (
                json.replace("\"key\":\"email\"", "\"key\":\"Email Address\""),
                "cannot be a field key",
            ),
            (
                json.replace("\"width\":360", "\"width\":-1"),
                "invalid value",
            ),
        ] {
            let err = WidgetConfig::parse(&mutated).unwrap_err();
            assert_eq!(err.field, "config");
            assert!(err.reason.contains(says), "{says}: {err}");
        }
        let huge = format!("{{\"pad\":\"{}\"}}", "x".repeat(CONFIG_MAX_BYTES));
        assert!(
            WidgetConfig::parse(&huge)
                .unwrap_err()
                .reason
                .contains("at most 16 KB")
        );
        let mut config = lead_form();
        assert!(
            config
                .check_publishable()
                .unwrap_err()
                .reason
                .contains("before publishing")
        );
        config.allowed_origins = vec![AllowedOrigin::parse("https://shop.example.com").unwrap()];
        config.check_publishable().unwrap();
        config
            .allowed_origins
            .push(config.allowed_origins[0].clone());
        assert!(config.check().unwrap_err().reason.contains("listed twice"));
    }

    proptest! {
        #[test]
        fn no_input_panics_the_parsers(text in ".{0,300}") {
            let _ = WidgetConfig::parse(&text);
            let _ = Color::parse(&text);
            let _ = AllowedOrigin::parse(&text);
            let _ = FieldKey::parse(&text);
        }

        #[test]
        fn mutated_configs_parse_or_are_refused_with_a_reason(
            at in 0usize..2000,
            byte in any::<u8>(),
            kind in 0usize..3,
        ) {
            let mut json = presets(WidgetKind::ALL[kind])[0].config.to_json().into_bytes();
            let at = at % json.len();
            json[at] = byte;
            if let Ok(text) = String::from_utf8(json) {
                match WidgetConfig::parse(&text) {
                    Ok(config) => prop_assert!(config.problems().is_empty()),
                    Err(err) => prop_assert!(!err.reason.is_empty()),
                }
            }
        }

        #[test]
        fn any_parsed_origin_parses_to_itself(host in "[a-z0-9]{1,10}(\\.[a-z0-9]{1,10}){0,3}", port in proptest::option::of(1u16..), https in any::<bool>()) {
            let scheme = if https { "https" } else { "http" };
            let input = match port { Some(p) => format!("{scheme}://{host}:{p}"), None => format!("{scheme}://{host}") };
            let origin = AllowedOrigin::parse(&input).unwrap();
            prop_assert_eq!(AllowedOrigin::parse(origin.as_str()).unwrap(), origin.clone());
            prop_assert!(origin.matches(&input));
        }
    }
}
