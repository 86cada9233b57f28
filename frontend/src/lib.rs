//! The browser half of Atrium: hydrates the server-rendered page into the live app.
//! Built to WebAssembly by `cargo leptos build` (see the README).

use leptos::web_sys::HtmlElement;
use wasm_bindgen::UnwrapThrowExt as _;

/// Room for `wasm-split` (`cargo leptos build --split`) to move static data out of the main
/// file. It lays each split module's data out afresh in the read-only segment, with padding
/// for alignment, and when the result is longer than the segment it was given (724 bytes
/// longer in this build) it keeps the whole segment in the main file: all 350 KB of strings,
/// tables and panic locations of every page. Nothing refers to this block, so the split
/// places it in no module: the segment gains this much room and no file grows.
#[used]
static SPLIT_DATA_ROOM: [u8; 16 * 1024] = [0xA5; 16 * 1024];

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    let body = leptos::prelude::document().body().unwrap_throw();
    // An embedded widget's document (`/embed/{widget}`, or the editor's preview of one at
    // `/embed/preview`) is its own small app.
    let embedded = body.get_attribute("data-embed");
    wasm_bindgen_futures::spawn_local(async move {
        if let Some(document) = embedded {
            if document == "preview" {
                hydrate_widget_preview(body.clone()).await;
            } else {
                hydrate_embedded_widget(body.clone()).await;
            }
        } else {
            leptos::mount::hydrate_from_async(body.clone(), app::App)
                .await
                .forget();
        }
        // Marks the page interactive once all of it (the lazily loaded part included) is
        // hydrated, for people's tools and for tests that must not click server HTML.
        let _ = body.set_attribute("data-hydrated", "true");
    });
}

/// Hydrates an embedded widget. Split out of the main WebAssembly file (`--split`): the
/// widget runtime loads on customers' sites only, and the app's pages never load it.
#[leptos::lazy]
async fn hydrate_embedded_widget(body: HtmlElement) {
    leptos::mount::hydrate_from_async(body, app::widgets::embed::EmbedApp)
        .await
        .forget();
}

/// Hydrates the editor's preview frame: the same widget runtime, drawing the drafts the
/// editor posts. Split like the embedded widget, so neither loads the other's part.
#[leptos::lazy]
async fn hydrate_widget_preview(body: HtmlElement) {
    leptos::mount::hydrate_from_async(body, app::widgets::preview::PreviewApp)
        .await
        .forget();
}
