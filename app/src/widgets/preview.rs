//! The editor's preview: the embedded runtime in a sandboxed frame of its own document
//! ([`PREVIEW_PATH`]), drawing the draft the editor posts to it as the builder types.
//!
//! The frame is what a customer's site gets, minus the data: the same `embed_shell`, the same
//! stylesheet and `/embed-frame.js`, the same [`WidgetView`] hydrated by the same lazily
//! loaded runtime, so the editor's styles cannot reach the widget and what is previewed is
//! what embeds. It is sandboxed twice — the editor's `sandbox="allow-scripts"` and the
//! document's own CSP `sandbox allow-scripts` — so it runs in an opaque origin: it can read no
//! cookie, call nothing as the builder and touch nothing of the editor. It only draws.
//!
//! The conversation: the frame posts [`PREVIEW_READY`] to the editor's origin once it
//! listens; the editor answers with a [`PreviewMessage::Draw`] and sends one on every change;
//! `/embed-frame.js` posts the widget's size (`atrium:size`), which the editor gives the frame
//! as the loader on a customer's page would. Each side accepts messages only from the other's
//! window.

use leptos::html;
use leptos::prelude::*;
use shared::widgets::embed::PREVIEW_PATH;
#[cfg(feature = "hydrate")]
use shared::widgets::embed::{PREVIEW_READY, PreviewMessage};
use shared::widgets::{Position, WidgetConfig};

use super::view::WidgetView;

/// The frame's size from its last `atrium:size` message (`{type, width, height}`, as
/// `/embed-frame.js` posts it).
#[cfg(feature = "hydrate")]
fn frame_size(data: &wasm_bindgen::JsValue) -> Option<(u32, u32)> {
    let field = |name: &str| js_sys::Reflect::get(data, &name.into()).ok();
    if field("type")?.as_string()? != "atrium:size" {
        return None;
    }
    let pixels = |name: &str| {
        let n = field(name)?.as_f64()?;
        // Whole pixels, at most 4096: a frame cannot ask the editor for more.
        (n.is_finite() && n >= 0.0).then(|| n.min(4096.0).ceil() as u32)
    };
    Some((pixels("width")?, pixels("height")?))
}

/// The editor's side: the sandboxed frame, fed `config` on every change.
#[component]
pub fn PreviewFrame(#[prop(into)] config: Signal<WidgetConfig>, title: String) -> impl IntoView {
    let frame = NodeRef::<html::Iframe>::new();
    let (ready, set_ready) = signal(false);
    let (size, set_size) = signal(None::<(u32, u32)>);
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsValue;
        let from_frame = move |e: &web_sys::MessageEvent| {
            let window = frame.get_untracked().and_then(|f| f.content_window());
            match (e.source(), window) {
                (Some(source), Some(window)) => JsValue::from(source) == JsValue::from(window),
                _ => false,
            }
        };
        let handle = window_event_listener(leptos::ev::message, move |e| {
            if !from_frame(&e) {
                return;
            }
            let data = e.data();
            if data.as_string().as_deref() == Some(PREVIEW_READY) {
                set_ready.set(true);
            } else if let Some(measured) = frame_size(&data) {
                set_size.set(Some(measured));
            }
        });
        on_cleanup(move || handle.remove());
        Effect::new(move || {
            let message = PreviewMessage::Draw {
                config: config.get(),
            };
            if !ready.get() {
                return;
            }
            if let Some(window) = frame.get_untracked().and_then(|f| f.content_window()) {
                // The frame's origin is opaque (sandboxed), so it cannot be named: "*". It is
                // our own document, and what goes to it is the draft on this screen.
                let _ = window.post_message(&JsValue::from_str(&message.to_json()), "*");
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (config, set_ready, set_size);
    // Placed as the loader places it on a page: an inline widget as wide as its configured
    // width with the frame's padding (16 px a side), or less where the stage is narrower; a
    // corner widget in its corner, as large as it says it is.
    let inline = move || config.with(|c| c.position == Position::Inline);
    let width = move || match (inline(), size.get()) {
        (true, _) => Some(u32::from(config.with(|c| c.width)) + 32),
        (false, measured) => measured.map(|(width, _)| width),
    };
    view! {
        <iframe class="widget-frame" node_ref=frame src=PREVIEW_PATH sandbox="allow-scripts"
            title=title data-testid="widget-frame" data-ready=move || ready.get().then_some("true")
            data-position=move || config.with(|c| c.position.as_str())
            width=width height=move || size.get().map_or(160, |(_, height)| height)></iframe>
    }
}

/// The frame's side: draws the drafts the editor posts, with the runtime that embeds.
#[component]
pub fn PreviewApp() -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::server::set_preview_csp();
    // One signal for the widget once the first draft came, so later drafts redraw it in place
    // (what a visitor opened or typed into stays).
    let drawn = RwSignal::new(None::<RwSignal<WidgetConfig>>);
    #[cfg(feature = "hydrate")]
    {
        let editor = window().location().origin().ok();
        let parent = window().parent().ok().flatten();
        let from_editor = {
            let (editor, parent) = (editor.clone(), parent.clone());
            move |e: &web_sys::MessageEvent| {
                let source = e.source().map(wasm_bindgen::JsValue::from);
                editor.as_deref() == Some(e.origin().as_str())
                    && parent
                        .as_ref()
                        .is_some_and(|p| source.as_ref() == Some(p.as_ref()))
            }
        };
        let handle = window_event_listener(leptos::ev::message, move |e| {
            if !from_editor(&e) {
                return;
            }
            let Some(PreviewMessage::Draw { config }) = e
                .data()
                .as_string()
                .as_deref()
                .and_then(PreviewMessage::parse)
            else {
                return;
            };
            match drawn.get_untracked() {
                Some(current) => current.set(config),
                None => drawn.set(Some(RwSignal::new(config))),
            }
        });
        on_cleanup(move || handle.remove());
        // Listening now: ask the editor (and only Atrium's own page) for the draft.
        if let (Some(parent), Some(editor)) = (parent, editor) {
            let _ = parent.post_message(&wasm_bindgen::JsValue::from_str(PREVIEW_READY), &editor);
        }
    }
    view! {
        <main class="embed-frame" data-preview="true">
            {move || drawn.get().map(|config| view! { <WidgetView config /> })}
        </main>
    }
    .into_any()
}
