//! The built browser assets (`target/site`: WebAssembly, JavaScript, CSS, icons), read into
//! memory at start-up and served from there: no file-system round trip per request, the
//! precompressed `.br`/`.gz` copies chosen by `Accept-Encoding`, and `ETag` revalidation.

use std::collections::HashMap;
use std::path::Path;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::header::{
    ACCEPT_ENCODING, ACCESS_CONTROL_ALLOW_ORIGIN, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE,
    ETAG, IF_NONE_MATCH, VARY,
};
use http::{HeaderMap, HeaderValue, StatusCode};
use sha2::{Digest, Sha256};

/// One file in its forms; `Bytes`, so a response shares them instead of copying.
struct Asset {
    body: Bytes,
    brotli: Option<Bytes>,
    gzip: Option<Bytes>,
    content_type: &'static str,
    etag: HeaderValue,
}

#[derive(Default)]
pub struct Assets {
    files: HashMap<String, Asset>,
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("wasm") => "application/wasm",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("json") => "application/json",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

impl Assets {
    /// Reads every file under `root`. A missing folder (a server built without its browser
    /// assets, as in the integration tests) gives an empty set.
    pub fn load(root: &Path) -> anyhow::Result<Self> {
        let mut assets = Self::default();
        if root.is_dir() {
            assets.walk(root, root)?;
        }
        Ok(assets)
    }

    fn walk(&mut self, root: &Path, dir: &Path) -> anyhow::Result<()> {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            if path.is_dir() {
                self.walk(root, &path)?;
                continue;
            }
            let name = path.to_string_lossy();
            if name.ends_with(".br") || name.ends_with(".gz") || name.ends_with(".d.ts") {
                continue;
            }
            let url = format!("/{}", path.strip_prefix(root)?.to_string_lossy());
            let body = Bytes::from(std::fs::read(&path)?);
            let digest = Sha256::digest(&body);
            let etag = HeaderValue::from_str(&format!("\"{}\"", hex(&digest[..12])))?;
            let sibling = |ext: &str| std::fs::read(format!("{name}.{ext}")).ok().map(Bytes::from);
            self.files.insert(
                url.clone(),
                Asset {
                    brotli: sibling("br"),
                    gzip: sibling("gz"),
                    content_type: content_type(&url),
                    body,
                    etag,
                },
            );
        }
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    fn respond(&self, path: &str, headers: &HeaderMap) -> Option<Response> {
        let asset = self.files.get(path)?;
        let mut response = Response::builder()
            .header(CONTENT_TYPE, asset.content_type)
            .header(ETAG, asset.etag.clone())
            .header(VARY, "accept-encoding")
            // File names are stable across builds, so browsers revalidate (a cheap 304).
            .header(CACHE_CONTROL, "no-cache");
        if path.starts_with("/pkg/") {
            // The browser build is public, and the editor's preview runs it in a sandboxed
            // frame, whose opaque origin fetches modules and WebAssembly in CORS mode.
            response = response.header(ACCESS_CONTROL_ALLOW_ORIGIN, "*");
        }
        if headers.get(IF_NONE_MATCH) == Some(&asset.etag) {
            return response
                .status(StatusCode::NOT_MODIFIED)
                .body(Body::empty())
                .ok();
        }
        let accepts = headers
            .get(ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let body = match (&asset.brotli, &asset.gzip) {
            (Some(br), _) if accepts.contains("br") => {
                response = response.header(CONTENT_ENCODING, "br");
                br.clone()
            }
            (_, Some(gz)) if accepts.contains("gzip") => {
                response = response.header(CONTENT_ENCODING, "gzip");
                gz.clone()
            }
            _ => asset.body.clone(),
        };
        response.body(Body::from(body)).ok()
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub async fn serve(State(assets): State<std::sync::Arc<Assets>>, req: Request) -> Response {
    assets
        .respond(req.uri().path(), req.headers())
        .unwrap_or_else(|| StatusCode::NOT_FOUND.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serves_precompressed_copies_and_revalidates() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("pkg")).unwrap();
        std::fs::write(dir.path().join("pkg/app.js"), "console.log(1)").unwrap();
        std::fs::write(dir.path().join("pkg/app.js.br"), "BR").unwrap();
        std::fs::write(dir.path().join("pkg/app.js.gz"), "GZ").unwrap();
        let assets = Assets::load(dir.path()).unwrap();
        assert_eq!(assets.len(), 1);

        let mut headers = HeaderMap::new();
        let plain = assets.respond("/pkg/app.js", &headers).unwrap();
        assert_eq!(plain.headers()[ACCESS_CONTROL_ALLOW_ORIGIN], "*");
        assert_eq!(
            plain.headers()[CONTENT_TYPE],
            "text/javascript; charset=utf-8"
        );
        assert!(plain.headers().get(CONTENT_ENCODING).is_none());
        let etag = plain.headers()[ETAG].clone();

        headers.insert(ACCEPT_ENCODING, HeaderValue::from_static("gzip, br"));
        assert_eq!(
            assets.respond("/pkg/app.js", &headers).unwrap().headers()[CONTENT_ENCODING],
            "br"
        );
        headers.insert(ACCEPT_ENCODING, HeaderValue::from_static("gzip"));
        assert_eq!(
            assets.respond("/pkg/app.js", &headers).unwrap().headers()[CONTENT_ENCODING],
            "gzip"
        );
        headers.insert(IF_NONE_MATCH, etag);
        assert_eq!(
            assets.respond("/pkg/app.js", &headers).unwrap().status(),
            StatusCode::NOT_MODIFIED
        );
        assert!(assets.respond("/pkg/missing.js", &headers).is_none());
        assert!(Assets::load(&dir.path().join("nope")).unwrap().is_empty());
    }
}
