//! A published widget as an embedding site gets it: the live version's configuration, what a
//! status badge lists, and the signed visit its submissions must carry.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{CONFIG_MAX_BYTES, WidgetConfig};
use crate::catalog::ActivationStatus;
use crate::ids::{ImplementationId, WidgetId};

/// A service as a status badge lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BadgeService {
    pub name: String,
    pub status: ActivationStatus,
    pub since: DateTime<Utc>,
}

/// Everything the embedded document draws and sends with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmbeddedWidget {
    pub id: WidgetId,
    pub version: i32,
    pub config: WidgetConfig,
    /// The site showing it, when the browser said which (sent back with submissions).
    pub site: Option<String>,
    /// The server's signature over the widget, the site and an expiry: a submission without
    /// a valid one is refused.
    pub visit: String,
    /// For a status badge: the services it lists, with their status now.
    pub services: Vec<BadgeService>,
}

/// Escapes text for an HTML attribute value in double quotes.
fn attribute(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The script tag that puts `widget`'s live version on a page, served from `base`; with
/// `implementation`, as deployed for that customer (what visitors send is the customer's).
/// `title` names the frame for screen readers.
pub fn script_snippet(
    base: &str,
    widget: WidgetId,
    implementation: Option<ImplementationId>,
    title: &str,
) -> String {
    let deployment = implementation.map_or_else(String::new, |i| format!(r#" data-for="{i}""#));
    format!(
        r#"<script src="{base}/embed.js" data-widget="{widget}"{deployment} data-title="{}" async></script>"#,
        attribute(title)
    )
}

/// The iframe variant of [`script_snippet`], for sites that take no scripts.
pub fn iframe_snippet(
    base: &str,
    widget: WidgetId,
    implementation: Option<ImplementationId>,
    title: &str,
    height: u32,
) -> String {
    let deployment = implementation.map_or_else(String::new, |i| format!("?for={i}"));
    format!(
        r#"<iframe src="{base}/embed/{widget}{deployment}" title="{}" style="border:0;width:100%;height:{height}px" loading="lazy"></iframe>"#,
        attribute(title)
    )
}

/// The address of the editor's preview document: the embedded runtime in a sandboxed frame,
/// drawing what the editor posts to it.
pub const PREVIEW_PATH: &str = "/embed/preview";

/// What the preview frame posts to the editor once it listens, asking for the draft.
pub const PREVIEW_READY: &str = "atrium:preview-ready";

/// What the editor posts to its preview frame (as JSON text): the draft to draw, branding
/// applied. Only its shape is checked: a draft being typed may still break rules (a contrast
/// too low, a required text left empty) and the preview draws it all the same, as the
/// editor's own preview did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum PreviewMessage {
    Draw { config: WidgetConfig },
}

impl PreviewMessage {
    /// Reads a message a preview frame received; `None` for anything that is not one (other
    /// scripts' messages, or a draft larger than a configuration may be).
    pub fn parse(text: &str) -> Option<Self> {
        if text.len() > 2 * CONFIG_MAX_BYTES {
            return None;
        }
        serde_json::from_str(text).ok()
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_name_the_deployment_and_escape_the_title() {
        let widget = WidgetId::from_uuid(uuid::Uuid::nil());
        let script = script_snippet("https://a.example", widget, None, r#"Say "hi" <b>"#);
        assert_eq!(
            script,
            r#"<script src="https://a.example/embed.js" data-widget="00000000-0000-0000-0000-000000000000" data-title="Say &quot;hi&quot; &lt;b&gt;" async></script>"#
        );
        let deployment = ImplementationId::from_uuid(uuid::Uuid::max());
        let script = script_snippet("https://a.example", widget, Some(deployment), "Form");
        assert!(script.contains(r#" data-for="ffffffff-ffff-ffff-ffff-ffffffffffff" "#));
        let frame = iframe_snippet("https://a.example", widget, Some(deployment), "Form", 420);
        assert!(frame.starts_with(
            r#"<iframe src="https://a.example/embed/00000000-0000-0000-0000-000000000000?for=ffffffff-ffff-ffff-ffff-ffffffffffff" title="Form""#
        ));
        assert!(frame.contains("height:420px"));
    }

    fn message_json() -> String {
        PreviewMessage::Draw {
            config: crate::widgets::presets(crate::widgets::WidgetKind::Feedback)
                .remove(0)
                .config,
        }
        .to_json()
    }

    #[test]
    fn a_preview_message_carries_a_draft_the_rules_would_refuse() {
        let mut config = crate::widgets::presets(crate::widgets::WidgetKind::LeadForm)
            .remove(0)
            .config;
        config.theme.text = config.theme.background.clone();
        assert!(config.check().is_err(), "too little contrast to save");
        let message = PreviewMessage::Draw {
            config: config.clone(),
        };
        assert_eq!(PreviewMessage::parse(&message.to_json()), Some(message));
        // Not a message of ours, or too large to be one: ignored.
        assert_eq!(PreviewMessage::parse("atrium:size"), None);
        assert_eq!(PreviewMessage::parse(r#"{"type":"draw"}"#), None);
        // Well-formed, but larger than any configuration: refused before it is read.
        let padded = format!("{}{}", " ".repeat(2 * CONFIG_MAX_BYTES), message_json());
        assert!(PreviewMessage::parse(&message_json()).is_some());
        assert_eq!(PreviewMessage::parse(&padded), None);
    }
}
