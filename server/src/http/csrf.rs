//! Cross-site request forgery defence: a state-changing request must come from our own
//! pages. Browsers say where a request comes from (`Sec-Fetch-Site`, `Origin`, `Referer`);
//! a request naming another site is refused before it reaches any handler. Requests with
//! none of these headers come from programs, not browsers, and carry no ambient cookies
//! the way a forged browser request would (and session cookies are `SameSite=Lax` too).

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::header::{HOST, ORIGIN, REFERER};
use http::{HeaderMap, Method};
use services::Services;
use shared::AppError;

use super::errors::{respond, wants_html};

pub fn origin_of(url: &str) -> Option<&str> {
    let scheme_end = url.find("://")? + 3;
    let rest = &url[scheme_end..];
    let end = rest.find('/').map(|i| scheme_end + i).unwrap_or(url.len());
    Some(&url[..end])
}

/// Whether `origin` (`scheme://host[:port]`) is this server: the configured public URL, or
/// the host the browser addressed.
pub fn is_own_origin(origin: &str, public_url: &str, host: Option<&str>) -> bool {
    origin_of(public_url) == Some(origin)
        || host.is_some_and(|host| {
            origin
                .strip_prefix("http://")
                .or_else(|| origin.strip_prefix("https://"))
                == Some(host)
        })
}

/// Whether a WebSocket handshake comes from one of our own pages: browsers always send
/// `Origin` on it, and a handshake without one (or naming another site) is refused, since
/// the session cookie would otherwise ride along on a page elsewhere.
pub fn is_own_page_handshake(headers: &HeaderMap, public_url: &str) -> bool {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    header(ORIGIN.as_str())
        .is_some_and(|origin| is_own_origin(origin, public_url, header(HOST.as_str())))
}

/// Whether a request of `method` may change state (reads never do here).
fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

pub fn is_cross_site(method: &Method, headers: &HeaderMap, public_url: &str) -> bool {
    if !changes_state(method) {
        return false;
    }
    let header = |name| {
        headers
            .get(name)
            .and_then(|v: &http::HeaderValue| v.to_str().ok())
    };
    match header("sec-fetch-site") {
        Some("cross-site") => return true,
        Some("same-origin") => return false,
        _ => {}
    }
    let host = header(HOST.as_str());
    if let Some(origin) = header(ORIGIN.as_str()) {
        return !is_own_origin(origin, public_url, host);
    }
    if let Some(referer) = header(REFERER.as_str()) {
        return !origin_of(referer).is_some_and(|o| is_own_origin(o, public_url, host));
    }
    false
}

pub async fn refuse_cross_site(
    State(services): State<Services>,
    req: Request,
    next: Next,
) -> Response {
    // A read passes without the public URL being put together.
    if changes_state(req.method())
        && is_cross_site(
            req.method(),
            req.headers(),
            &services.settings().public_url(),
        )
    {
        metrics::counter!("atrium_csrf_refused_total").increment(1);
        tracing::warn!(path = %req.uri().path(), "refused a cross-site request");
        return respond(&AppError::CrossSiteRequest, wants_html(req.headers())).into_response();
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_static(v));
        }
        map
    }

    const PUBLIC: &str = "http://127.0.0.1:3000";

    #[test]
    fn reads_are_never_refused() {
        assert!(!is_cross_site(
            &Method::GET,
            &headers(&[("origin", "https://evil.example")]),
            PUBLIC
        ));
    }

    #[test]
    fn writes_from_elsewhere_are_refused() {
        let post = Method::POST;
        assert!(is_cross_site(
            &post,
            &headers(&[("sec-fetch-site", "cross-site")]),
            PUBLIC
        ));
        assert!(is_cross_site(
            &post,
            &headers(&[
                ("origin", "https://evil.example"),
                ("host", "127.0.0.1:3000")
            ]),
            PUBLIC
        ));
        assert!(is_cross_site(
            &post,
            &headers(&[("origin", "null"), ("host", "127.0.0.1:3000")]),
            PUBLIC
        ));
        assert!(is_cross_site(
            &post,
            &headers(&[
                ("referer", "https://evil.example/x"),
                ("host", "127.0.0.1:3000")
            ]),
            PUBLIC
        ));
        assert!(is_cross_site(
            &post,
            &headers(&[
                ("sec-fetch-site", "same-site"),
                ("origin", "http://sub.127.0.0.1:3000"),
                ("host", "127.0.0.1:3000")
            ]),
            PUBLIC
        ));
    }

    #[test]
    fn writes_from_our_pages_and_programs_pass() {
        let post = Method::POST;
        assert!(!is_cross_site(
            &post,
            &headers(&[("sec-fetch-site", "same-origin")]),
            PUBLIC
        ));
        assert!(!is_cross_site(
            &post,
            &headers(&[("origin", "http://127.0.0.1:3000")]),
            PUBLIC
        ));
        assert!(!is_cross_site(
            &post,
            &headers(&[
                ("origin", "http://localhost:4000"),
                ("host", "localhost:4000")
            ]),
            PUBLIC
        ));
        assert!(!is_cross_site(
            &post,
            &headers(&[
                ("referer", "http://127.0.0.1:3000/login"),
                ("host", "127.0.0.1:3000")
            ]),
            PUBLIC
        ));
        assert!(
            !is_cross_site(&post, &headers(&[]), PUBLIC),
            "no browser headers: a program"
        );
    }
}
