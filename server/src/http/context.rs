//! Builds the [`RequestContext`] every page and server function reads: the caller (from the
//! session cookie, resolved once per request) and the client's address and user agent.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use app::server::RequestContext;
use axum::extract::{ConnectInfo, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::header::{COOKIE, SET_COOKIE, USER_AGENT};
use http::{HeaderMap, HeaderValue};
use services::auth::{cookie, sessions};
use services::{ClientInfo, Services};

use super::errors::{respond, wants_html};

/// Paths that never need to know who is asking.
fn is_anonymous_path(path: &str) -> bool {
    path.starts_with("/pkg/")
        || path.starts_with("/embed/")
        || path == "/embed.js"
        || path == "/embed-frame.js"
        || matches!(
            path,
            "/healthz" | "/metrics" | "/favicon.svg" | "/favicon.ico"
        )
}

/// Whether the request may render a page, whose frame shows the signed-in person: a GET
/// outside the JSON API and the server functions.
fn renders_page(req: &Request) -> bool {
    let path = req.uri().path();
    req.method() == http::Method::GET && !path.starts_with("/api/") && !path.starts_with("/rpc/")
}

/// The API token of a REST request, if it carries one (only `/api/v1/` takes tokens).
fn bearer_token(req: &Request) -> Option<&str> {
    if !req.uri().path().starts_with("/api/v1/") {
        return None;
    }
    req.headers()
        .get(http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

pub fn client_info(
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
    trust_forwarded_for: bool,
) -> ClientInfo {
    let forwarded = trust_forwarded_for
        .then(|| headers.get("x-forwarded-for")?.to_str().ok())
        .flatten()
        .and_then(|list| list.rsplit(',').next())
        .and_then(|ip| ip.trim().parse::<IpAddr>().ok());
    ClientInfo {
        ip: forwarded.or(peer.map(|p| p.ip())),
        user_agent: headers
            .get(USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        impersonator: None,
    }
}

pub async fn request_context(
    State(services): State<Services>,
    mut req: Request,
    next: Next,
) -> Response {
    let settings = services.settings();
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    let client = client_info(req.headers(), peer, settings.http.trust_forwarded_for);
    let token = req
        .headers()
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|header| cookie::token_from_cookie_header(settings, header))
        .map(str::to_owned);

    // The REST API also takes `Authorization: Bearer atr_…` (an API token): the caller is
    // then the token's person, limited to its workspace and scopes, and rate-limited.
    if let Some(presented) = bearer_token(&req) {
        // Boxed: checking a token can meter and flush usage, and that future is large
        // (about 18 KB in a debug build); held inline it made this middleware's future,
        // which every request moves onto the heap, as large for requests without a token.
        let caller = match Box::pin(services::api_tokens::authenticate(&services, presented)).await
        {
            Ok(caller) => caller,
            Err(err) => return respond(&err.into_app_error(), false).into_response(),
        };
        req.extensions_mut().insert(Arc::new(RequestContext {
            caller: Some(caller),
            client,
            session_token: None,
            me: None,
        }));
        let mut response = next.run(req).await;
        super::headers::apply(response.headers_mut(), settings.is_https());
        return response;
    }

    let mut stale_cookie = false;
    let caller = match &token {
        Some(token) if !is_anonymous_path(req.uri().path()) => {
            // A session waiting for its second factor has no caller yet, but its cookie
            // must stay.
            match sessions::lookup(&services, token).await {
                Ok(Some(sessions::Live::SignedIn(caller))) => Some(caller),
                Ok(Some(sessions::Live::AwaitingSecondFactor(_))) => None,
                Ok(None) => {
                    stale_cookie = true;
                    None
                }
                Err(err) => {
                    // Without the database we cannot tell who is asking; say so plainly rather
                    // than treating a signed-in person as a stranger.
                    let err = match err.into_app_error() {
                        shared::AppError::Internal { .. } => shared::AppError::Unavailable {
                            retry_after_secs: 5,
                        },
                        other => other,
                    };
                    return respond(&err, wants_html(req.headers())).into_response();
                }
            }
        }
        _ => None,
    };

    // While a super admin impersonates the caller, every audit entry names them.
    let mut client = client;
    client.impersonator = caller
        .as_ref()
        .and_then(|c| c.impersonator.as_ref())
        .map(|by| by.user_id);

    let me = match &caller {
        Some(caller) if renders_page(&req) => Some(
            services::accounts::me(&services, caller)
                .await
                .map_err(services::Error::into_app_error),
        ),
        _ => None,
    };
    req.extensions_mut().insert(Arc::new(RequestContext {
        caller,
        client,
        session_token: token,
        me,
    }));
    let mut response = next.run(req).await;
    super::headers::apply(response.headers_mut(), settings.is_https());
    // A dead cookie is cleared, unless the response sets a new one (signing in again).
    let name = cookie::cookie_name(settings);
    let sets_session = response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| {
            v.strip_prefix(name)
                .is_some_and(|rest| rest.starts_with('='))
        });
    if stale_cookie
        && !sets_session
        && let Ok(clear) = HeaderValue::from_str(&cookie::clear_session_cookie(settings))
    {
        response.headers_mut().append(SET_COOKIE, clear);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_addresses_are_used_only_when_trusted() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-forwarded-for",
            HeaderValue::from_static("203.0.113.9, 10.0.0.2"),
        );
        headers.insert(USER_AGENT, HeaderValue::from_static("curl/8"));
        let peer: SocketAddr = "127.0.0.1:5555".parse().unwrap();
        assert_eq!(client_info(&headers, Some(peer), false).ip, Some(peer.ip()));
        assert_eq!(
            client_info(&headers, Some(peer), true).ip,
            "10.0.0.2".parse().ok()
        );
        assert_eq!(
            client_info(&headers, None, false).user_agent.as_deref(),
            Some("curl/8")
        );
    }
}
