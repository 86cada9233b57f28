//! The browser half of Atrium: hydrates the server-rendered page into the live app.
//! Built to WebAssembly by `cargo leptos build` (see the README).

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_lazy(app::App);
}
