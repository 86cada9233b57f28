//! The document a customer's site frames (`/embed/{widget}`): the widget's live version drawn
//! by the same [`WidgetView`] as the editor's preview, on a transparent page that holds
//! nothing else. The server renders it (themed by a nonce'd stylesheet, so it shows before any
//! WebAssembly runs) and the browser hydrates it from the same value; `/embed-frame.js` tells
//! the host page's loader how large it is and reports impressions, load times, interactions
//! and errors (with the signed visit this page carries). Framing is limited to the widget's allowed sites
//! by `frame-ancestors`, set by the server with the page's nonce.

use leptos::prelude::*;
use shared::AppError;
use shared::widgets::embed::EmbeddedWidget;

use super::view::{Sending, WidgetView, theme_properties};
use crate::components::page_json::shared_value;

/// What the server found for this request: the live widget, or why there is none to show.
#[derive(Clone, Debug)]
pub struct EmbedResult(pub Result<EmbeddedWidget, AppError>);

/// The embedded widget as the server loaded it (the browser reads the same value back from
/// the page while hydrating and never calls this).
fn embedded() -> Result<EmbeddedWidget, AppError> {
    #[cfg(feature = "ssr")]
    return use_context::<EmbedResult>().map_or_else(
        || {
            Err(AppError::Internal {
                reference: "embed-missing".into(),
            })
        },
        |found| found.0,
    );
    #[cfg(not(feature = "ssr"))]
    Err(AppError::Internal {
        reference: "embed-not-shared".into(),
    })
}

/// What an embed document holds: a published widget, or the editor's preview.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EmbedDocument {
    Widget,
    Preview,
}

impl EmbedDocument {
    /// The body's `data-embed`, by which the browser build knows what to hydrate.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Widget => "widget",
            Self::Preview => "preview",
        }
    }
}

/// The HTML document around the embedded widget (or the editor's preview of one); runs on
/// the server only.
pub fn embed_shell(options: LeptosOptions, document: EmbedDocument) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en" class="embed">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                // A light scheme keeps the frame transparent on any host page.
                <meta name="color-scheme" content="light" />
                <meta name="robots" content="noindex" />
                <title>"Widget"</title>
                <link rel="stylesheet" href="/pkg/atrium.css" />
                <script src="/embed-frame.js" defer></script>
                <HydrationScripts options />
            </head>
            {match document {
                EmbedDocument::Widget => view! {
                    <body data-embed=document.as_str()><EmbedApp /></body>
                }.into_any(),
                EmbedDocument::Preview => view! {
                    <body data-embed=document.as_str()><super::preview::PreviewApp /></body>
                }.into_any(),
            }}
        </html>
    }
}

/// The embedded widget, or a neutral line saying it cannot be shown.
#[component]
pub fn EmbedApp() -> impl IntoView {
    let found = shared_value(embedded);
    #[cfg(feature = "ssr")]
    crate::server::set_embed_csp(found.as_ref().ok());
    match found {
        Ok(widget) => {
            let nonce = leptos::nonce::use_nonce();
            let properties = theme_properties(&widget.config)
                .iter()
                .map(|(name, value)| format!("{name}: {value};"))
                .collect::<Vec<_>>()
                .join(" ");
            let sending = Sending {
                widget: widget.id,
                site: widget.site.clone(),
                visit: widget.visit.clone(),
            };
            view! {
                <style nonce=nonce>{format!(".aw-widget {{ {properties} }}")}</style>
                <main class="embed-frame" data-widget=widget.id.to_string() data-version=widget.version
                    data-visit=widget.visit.clone() data-site=widget.site.clone()>
                    <WidgetView config=Signal::stored(widget.config) sending services=widget.services />
                </main>
            }
            .into_any()
        }
        Err(error) => view! {
            <main class="embed-frame">
                <p class="embed-unavailable" role="status" data-status=error.status()>{error.to_string()}</p>
            </main>
        }
        .into_any(),
    }
}
