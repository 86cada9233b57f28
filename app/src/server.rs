//! What server functions and server-rendered pages need from the request: the services,
//! the caller, the client's address, and a way to answer with the right status.
//!
//! The `server` crate's middleware resolves the session once per request and stores a
//! [`RequestContext`] in the request's extensions; everything here reads it back.

use http::header::{ACCEPT, COOKIE, RETRY_AFTER, SET_COOKIE};
use std::sync::Arc;

use http::request::Parts;
use http::{HeaderValue, StatusCode};
use leptos::prelude::*;
use leptos::reactive::owner::with_context;
use leptos_axum::ResponseOptions;
use shared::AppError;

pub use services::{Caller, ClientInfo, Services};

/// Set by the server's middleware on every request that reaches the app.
#[derive(Clone, Debug, Default)]
pub struct RequestContext {
    pub caller: Option<Caller>,
    pub client: ClientInfo,
    /// The raw session token from the cookie (for sign-out and rotation).
    pub session_token: Option<String>,
    /// The signed-in person with their workspaces, loaded for page views (the frame of
    /// every page shows them); `None` for visitors and for calls that render no page.
    pub me: Option<Result<shared::accounts::Me, AppError>>,
}

/// Reads the request without cloning it (leptos_axum provides its `Parts` as context).
fn with_parts<R>(read: impl FnOnce(&Parts) -> R) -> Option<R> {
    with_context::<Parts, R>(read)
}

pub fn request_context() -> Arc<RequestContext> {
    with_parts(|p| p.extensions.get::<Arc<RequestContext>>().cloned())
        .flatten()
        .unwrap_or_default()
}

pub fn services() -> Result<Services, AppError> {
    use_context::<Services>().ok_or_else(|| AppError::Internal {
        reference: "services-missing".into(),
    })
}

/// The signed-in caller, or `Unauthenticated` (401).
pub fn caller() -> Result<Caller, AppError> {
    request_context().caller.clone().ok_or_else(|| {
        let err = AppError::Unauthenticated;
        report(&err);
        err
    })
}

/// Converts a service error for the wire and sets the response status to match (unless the
/// request is a plain form post, which must stay a redirect back to its page).
pub fn fail(err: services::Error) -> AppError {
    let err = err.into_app_error();
    report(&err);
    err
}

/// Sets the status (and `Retry-After`) for an error on the current response.
pub fn report(err: &AppError) {
    if is_form_post() {
        return;
    }
    if let Some(res) = use_context::<ResponseOptions>() {
        res.set_status(
            StatusCode::from_u16(err.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        );
        if let Some(secs) = err.retry_after()
            && let Ok(value) = HeaderValue::from_str(&secs.to_string())
        {
            res.insert_header(RETRY_AFTER, value);
        }
    }
}

/// A plain HTML form post (JavaScript off), as opposed to a call from the app's client.
pub fn is_form_post() -> bool {
    with_parts(|p| {
        p.method == http::Method::POST
            && p.headers
                .get(ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("text/html"))
    })
    .unwrap_or(false)
}

/// After a successful plain form post, sends the browser to `path`. Calls from the app's
/// client get the path as the function's result and navigate themselves.
pub fn redirect_form_post(path: &str) {
    if is_form_post() {
        leptos_axum::redirect(path);
    }
}

pub fn set_cookie(value: &str) {
    if let (Some(res), Ok(value)) = (
        use_context::<ResponseOptions>(),
        HeaderValue::from_str(value),
    ) {
        res.append_header(SET_COOKIE, value);
    }
}

/// A cookie sent by the browser.
pub fn cookie(name: &str) -> Option<String> {
    with_parts(|parts| {
        let header = parts.headers.get(COOKIE)?.to_str().ok()?;
        header.split(';').find_map(|pair| {
            let (key, value) = pair.trim().split_once('=')?;
            (key == name).then(|| value.to_owned())
        })
    })
    .flatten()
}

/// The newest live event this server has delivered, read as the page starts rendering (before
/// any of its data): the page's tab resumes its live connection from here.
pub fn live_cursor() -> i64 {
    services().map(|s| s.store().events().latest()).unwrap_or(0)
}

/// The theme the person chose, for the `<html>` element.
pub fn theme() -> Option<&'static str> {
    crate::theme::Theme::from_cookie(cookie(crate::theme::COOKIE).as_deref()).attribute()
}

/// The page's Content-Security-Policy, allowing exactly the nonce Leptos puts on the inline
/// scripts it renders for this response.
pub fn content_security_policy(nonce: &str) -> String {
    content_security_policy_framed_by(nonce, "'none'")
}

/// The same policy, with the pages that may frame this one.
fn content_security_policy_framed_by(nonce: &str, ancestors: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'nonce-{nonce}'; img-src 'self' data: blob:; font-src 'self'; \
         connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors {ancestors}"
    )
}

/// Sets the embedded widget's CSP: a page's, framed only by the sites its live version
/// allows. A widget that cannot be shown may be framed anywhere: its page says only that.
pub fn set_embed_csp(widget: Option<&shared::widgets::embed::EmbeddedWidget>) {
    let ancestors = widget.map_or_else(
        || "*".to_owned(),
        |w| {
            w.config
                .allowed_origins
                .iter()
                .map(|o| o.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        },
    );
    if let (Some(nonce), Some(res)) = (leptos::nonce::use_nonce(), use_context::<ResponseOptions>())
        && let Ok(value) =
            HeaderValue::from_str(&content_security_policy_framed_by(&nonce, &ancestors))
    {
        res.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// Sets the CSP of the editor's preview document: framed by Atrium's own pages only, and
/// sandboxed by its own policy too (scripts, in an opaque origin), whoever opens it.
pub fn set_preview_csp() {
    if let (Some(nonce), Some(res)) = (leptos::nonce::use_nonce(), use_context::<ResponseOptions>())
        && let Ok(value) = HeaderValue::from_str(&format!(
            "{}; sandbox allow-scripts",
            content_security_policy_framed_by(&nonce, "'self'")
        ))
    {
        res.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// Sets this page's CSP header from the nonce Leptos is rendering with.
pub fn set_page_csp() {
    if let (Some(nonce), Some(res)) = (leptos::nonce::use_nonce(), use_context::<ResponseOptions>())
        && let Ok(value) = HeaderValue::from_str(&content_security_policy(&nonce))
    {
        res.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

/// The response header by which a page split out of the main WebAssembly file names its area
/// (`console_pages`), so the server's preload middleware can add the links that preload the
/// area's chunks to the page's head; the middleware removes it.
pub const SPLIT_AREA_HEADER: &str = "x-atrium-split-area";

/// Names the area of the split page being rendered (its split function's name).
pub fn mark_split_area(area: &'static str) {
    if let Some(res) = use_context::<ResponseOptions>() {
        res.insert_header(
            http::HeaderName::from_static(SPLIT_AREA_HEADER),
            HeaderValue::from_static(area),
        );
    }
}

/// Replaces the split manifest `HydrationScripts` provided with the same one without chunks:
/// Leptos keeps its preload of the split loader (`__wasm_split.js`) and renders no link per
/// chunk. It rendered them anew on every request, an element and a string each (about a
/// hundred per page), and only when the page's split function had run before it looked — a
/// race that left some pages without any. The server's preload middleware adds the same
/// links, prepared once per area. Called in the document's head, after `HydrationScripts`.
pub fn without_leptos_chunk_links() {
    use leptos::WasmSplitManifest;
    use leptos::reactive::owner::ArcStoredValue;
    use std::sync::OnceLock;

    static WITHOUT_CHUNKS: OnceLock<Option<WasmSplitManifest>> = OnceLock::new();
    let replacement = WITHOUT_CHUNKS.get_or_init(|| {
        let manifest = use_context::<WasmSplitManifest>()?;
        let (pkg, split) = manifest
            .0
            .try_with_value(|(pkg, _, split)| (pkg.clone(), split.clone()))?;
        Some(WasmSplitManifest(ArcStoredValue::new((
            pkg,
            Default::default(),
            split,
        ))))
    });
    if let Some(replacement) = replacement {
        provide_context(replacement.clone());
    }
}
