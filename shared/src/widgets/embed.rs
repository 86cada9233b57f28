//! A published widget as an embedding site gets it: the live version's configuration, what a
//! status badge lists, and the signed visit its submissions must carry.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::WidgetConfig;
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
}
