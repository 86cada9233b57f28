//! Preloading the WebAssembly chunks of the pages split out of the main file.
//!
//! `cargo leptos build --split` writes a manifest beside the WebAssembly: for each lazily
//! loaded function, the chunks it needs. Leptos reads it and renders a `<link rel=preload>`
//! per chunk into the `<head>` of every page — about forty per page, rendered anew on each
//! request (about 6 % of the dashboard page's server time) — and only when the page's split
//! view has run before the head is written, which is a race: 3 of 10 identical requests in a
//! row carried none. Here the list for each page is built once at start as one `Link`
//! header, which the page's route adds as it renders; Leptos's own pass is given a manifest
//! without chunks.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use http::HeaderValue;
use http::header::LINK;
use leptos::WasmSplitManifest;
use leptos::prelude::*;
use leptos::reactive::owner::ArcStoredValue;
use leptos::reactive::owner::with_context;
use leptos_axum::ResponseOptions;

/// The manifest's file name in the site's package directory.
pub const MANIFEST: &str = "__wasm_split_manifest.json";

/// For each page split out of the main file (by its route's type name, `EndUserHomeRoute`),
/// the `Link` header that preloads its chunks. Written without optional spaces or the
/// `type` hint: a page of the release build needs about forty chunks, about 2 KB of header,
/// well inside the 4 KB a proxy such as nginx buffers by default for a response's headers.
#[derive(Clone, Debug, Default)]
pub struct RoutePreloads(Arc<HashMap<String, HeaderValue>>);

impl RoutePreloads {
    /// Reads a split manifest whose chunks are served under `pkg` (`/pkg`). Keys that are not
    /// a route's view (other lazily loaded functions) are left out.
    pub fn from_manifest(manifest: &str, pkg: &str) -> Result<Self, serde_json::Error> {
        let entries: HashMap<String, Vec<String>> = serde_json::from_str(manifest)?;
        let routes = entries
            .into_iter()
            .filter(|(_, chunks)| !chunks.is_empty())
            .filter_map(|(key, chunks)| {
                let links = chunks
                    .iter()
                    .map(|chunk| format!("<{pkg}/{chunk}.wasm>;rel=preload;as=fetch;crossorigin"))
                    .collect::<Vec<_>>()
                    .join(",");
                Some((route_of(&key)?, HeaderValue::from_str(&links).ok()?))
            })
            .collect();
        Ok(Self(Arc::new(routes)))
    }

    /// The header for a route, if its page is split out and needs chunks.
    pub fn get(&self, route: &str) -> Option<&HeaderValue> {
        self.0.get(route)
    }
}

/// The route type a manifest key names: `#[lazy_route]` keys a route's view as
/// `__{route in snake case}_view_{hash}`.
fn route_of(key: &str) -> Option<String> {
    let (snake, hash) = key.strip_prefix("__")?.rsplit_once("_view_")?;
    if hash.is_empty() || !hash.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let route: String = snake
        .split('_')
        .flat_map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase())
                .into_iter()
                .chain(chars)
        })
        .collect();
    (!route.is_empty()).then_some(route)
}

/// Adds the header preloading `route`'s chunks to the response being rendered (a split
/// page's route calls it on the server).
pub fn preload_route(route: &str) {
    let value = with_context::<RoutePreloads, _>(|preloads| preloads.get(route).cloned());
    if let (Some(Some(value)), Some(res)) = (value, use_context::<ResponseOptions>()) {
        res.append_header(LINK, value);
    }
}

/// Replaces the manifest `HydrationScripts` provided with the same one without chunks, so
/// Leptos keeps its preload of the split loader and renders no link per chunk. Called in the
/// document's head, right after `HydrationScripts`.
pub fn without_leptos_chunk_links() {
    static WITHOUT_CHUNKS: OnceLock<Option<WasmSplitManifest>> = OnceLock::new();
    let replacement = WITHOUT_CHUNKS.get_or_init(|| {
        let manifest = use_context::<WasmSplitManifest>()?;
        let (pkg, split) = manifest
            .0
            .try_with_value(|(pkg, _, split)| (pkg.clone(), split.clone()))?;
        Some(WasmSplitManifest(ArcStoredValue::new((
            pkg,
            HashMap::new(),
            split,
        ))))
    });
    if let Some(replacement) = replacement {
        provide_context(replacement.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_views_are_keyed_by_their_type_name() {
        assert_eq!(
            route_of("__end_user_home_route_view_2474938479000684462").as_deref(),
            Some("EndUserHomeRoute")
        );
        assert_eq!(
            route_of("__vault_route_view_1").as_deref(),
            Some("VaultRoute")
        );
        assert_eq!(
            route_of("hydrate_embedded_widget_4487900047595655364"),
            None
        );
        assert_eq!(route_of("__route_view_"), None);
        assert_eq!(route_of("__route_view_12a"), None);
    }

    #[test]
    fn each_page_gets_one_header_listing_its_chunks() {
        let manifest = r#"{
            "__billing_route_view_42": ["chunk_3", "chunk_7"],
            "__empty_route_view_42": [],
            "hydrate_embedded_widget_9": ["chunk_1"]
        }"#;
        let preloads = RoutePreloads::from_manifest(manifest, "/pkg").unwrap();
        assert_eq!(
            preloads.get("BillingRoute").unwrap(),
            "</pkg/chunk_3.wasm>;rel=preload;as=fetch;crossorigin,\
             </pkg/chunk_7.wasm>;rel=preload;as=fetch;crossorigin"
        );
        assert!(preloads.get("EmptyRoute").is_none());
        assert!(preloads.get("HydrateEmbeddedWidget").is_none());
        assert_eq!(preloads.0.len(), 1);
        assert!(RoutePreloads::from_manifest("[", "/pkg").is_err());
    }
}
