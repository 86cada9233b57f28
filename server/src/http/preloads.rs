//! Preloads the WebAssembly chunks of a page split out of the main file.
//!
//! `cargo leptos build --split` writes a manifest beside the WebAssembly: for each split
//! function (an area of pages, `console_pages`), the chunks it needs. Here each area's links
//! are prepared once at start; a split page names its area in a response header
//! (`app::server::mark_split_area`), and this middleware removes that header and puts the
//! area's links at the end of the page's `<head>`, so the browser fetches the chunks while
//! the main file downloads and the split loader finds them already there.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use app::server::SPLIT_AREA_HEADER;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use bytes::{Bytes, BytesMut};
use http::StatusCode;

/// The manifest's file name in the site's package directory.
pub const MANIFEST: &str = "__wasm_split_manifest.json";

/// The largest page the middleware reads back to add the links (pages are a few hundred KB
/// at most; this is a bound, not an expectation).
const MAX_PAGE: usize = 64 * 1024 * 1024;

/// For each area, the `<link rel=preload>` elements for its chunks, as one string.
#[derive(Clone, Debug, Default)]
pub struct SplitPreloads(Arc<HashMap<String, Bytes>>);

impl SplitPreloads {
    /// Reads the manifest of the site at `site_root`, whose chunks are served under `/pkg`;
    /// none without one (a build without `--split`, or no assets at all).
    pub fn load(site_root: &Path) -> Self {
        let path = site_root.join("pkg").join(MANIFEST);
        let Ok(manifest) = std::fs::read_to_string(&path) else {
            return Self::default();
        };
        Self::from_manifest(&manifest, "/pkg").unwrap_or_else(|err| {
            tracing::warn!(path = %path.display(), %err, "unreadable split manifest: pages will not preload their chunks");
            Self::default()
        })
    }

    /// Reads a manifest whose chunks are served under `pkg`.
    pub fn from_manifest(manifest: &str, pkg: &str) -> Result<Self, serde_json::Error> {
        let entries: HashMap<String, Vec<String>> = serde_json::from_str(manifest)?;
        let areas = entries
            .into_iter()
            .filter(|(_, chunks)| !chunks.is_empty())
            .map(|(key, chunks)| {
                let links: String = chunks
                    .iter()
                    .map(|chunk| {
                        format!(r#"<link rel="preload" href="{pkg}/{chunk}.wasm" as="fetch" type="application/wasm" crossorigin>"#)
                    })
                    .collect();
                (area_of(&key).to_owned(), Bytes::from(links))
            })
            .collect();
        Ok(Self(Arc::new(areas)))
    }

    /// The links for an area, if its pages are split out and need chunks.
    pub fn get(&self, area: &str) -> Option<&Bytes> {
        self.0.get(area)
    }
}

/// The split function a manifest key names: `#[lazy]` keys it as `{name}_{hash}`.
fn area_of(key: &str) -> &str {
    match key.rsplit_once('_') {
        Some((name, hash)) if !hash.is_empty() && hash.bytes().all(|b| b.is_ascii_digit()) => name,
        _ => key,
    }
}

/// Takes the area a split page named off the response and adds its links to the head.
pub async fn add_to_page(
    State(preloads): State<SplitPreloads>,
    req: Request,
    next: Next,
) -> Response {
    let mut response = next.run(req).await;
    let Some(area) = response.headers_mut().remove(SPLIT_AREA_HEADER) else {
        return response;
    };
    let Some(links) = area.to_str().ok().and_then(|area| preloads.get(area)) else {
        return response;
    };
    let (parts, body) = response.into_parts();
    match to_bytes(body, MAX_PAGE).await {
        Ok(page) => Response::from_parts(parts, Body::from(with_links(page, links))),
        Err(err) => {
            tracing::error!(%err, "reading a page back to add its preloads");
            let mut failed = Response::new(Body::empty());
            *failed.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            failed
        }
    }
}

/// The page with `links` just before its `</head>` (unchanged without one).
fn with_links(page: Bytes, links: &Bytes) -> Bytes {
    const HEAD_END: &[u8] = b"</head>";
    let Some(at) = page
        .windows(HEAD_END.len())
        .position(|window| window == HEAD_END)
    else {
        return page;
    };
    let mut out = BytesMut::with_capacity(page.len() + links.len());
    out.extend_from_slice(&page[..at]);
    out.extend_from_slice(links);
    out.extend_from_slice(&page[at..]);
    out.freeze()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn areas_are_keyed_by_their_split_function() {
        assert_eq!(
            area_of("console_pages_2953932727764524970"),
            "console_pages"
        );
        assert_eq!(
            area_of("hydrate_embedded_widget_17"),
            "hydrate_embedded_widget"
        );
        assert_eq!(area_of("no_hash_"), "no_hash_");
        assert_eq!(area_of("pages_12a"), "pages_12a");
        assert_eq!(area_of("plain"), "plain");
    }

    #[test]
    fn each_area_gets_one_string_of_links_to_its_chunks() {
        let manifest = r#"{
            "billing_pages_42": ["chunk_3", "split_billing_pages_42"],
            "empty_pages_42": []
        }"#;
        let preloads = SplitPreloads::from_manifest(manifest, "/pkg").unwrap();
        assert_eq!(
            preloads.get("billing_pages").unwrap(),
            r#"<link rel="preload" href="/pkg/chunk_3.wasm" as="fetch" type="application/wasm" crossorigin><link rel="preload" href="/pkg/split_billing_pages_42.wasm" as="fetch" type="application/wasm" crossorigin>"#
        );
        assert!(preloads.get("empty_pages").is_none());
        assert!(SplitPreloads::from_manifest("[1]", "/pkg").is_err());
    }

    #[test]
    fn links_go_at_the_end_of_the_head_once() {
        let links = Bytes::from_static(b"<link>");
        let page = Bytes::from_static(b"<html><head><title>t</title></head><body></head></body>");
        assert_eq!(
            with_links(page, &links),
            "<html><head><title>t</title><link></head><body></head></body>"
        );
        let headless = Bytes::from_static(b"<p>no head</p>");
        assert_eq!(with_links(headless.clone(), &links), headless);
    }
}
