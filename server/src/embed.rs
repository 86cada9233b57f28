//! Widgets on customers' sites: the loader script (`/embed.js`), the script of the widget's
//! frame (`/embed-frame.js`), and the widget's own document (`/embed/{widget}`), rendered by
//! the app's `EmbedApp` after `services::widgets::embed::visit` admitted the visitor.

use app::widgets::embed::EmbedDocument;
use axum::extract::{Path, Request, State};
use axum::response::Response;
use http::header::{CACHE_CONTROL, REFERER};
use http::{HeaderMap, HeaderValue, StatusCode};
use leptos::prelude::provide_context;
use shared::AppError;
use shared::ids::{ImplementationId, WidgetId};

use crate::http::csrf::{is_own_origin, origin_of};
use crate::startup::AppState;

/// The site a widget's document is being framed by: the origin of the page that asked for it,
/// as the browser's `Referer` tells (cross-origin pages send their origin by default). `None`
/// when the browser says nothing, when the document is opened on its own (not in a frame),
/// or when it is framed by Atrium itself.
fn embedding_site(headers: &HeaderMap, public_url: &str) -> Option<String> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if header("sec-fetch-dest").is_some_and(|dest| dest != "iframe") {
        return None;
    }
    let origin = origin_of(header(REFERER.as_str())?)?;
    (!is_own_origin(origin, public_url, header("host"))).then(|| origin.to_owned())
}

#[tracing::instrument(skip_all, fields(widget = %widget))]
pub async fn show_widget(
    State(state): State<AppState>,
    Path(widget): Path<String>,
    req: Request,
) -> Response {
    let services = state.services.clone();
    let site = embedding_site(req.headers(), &services.settings().public_url());
    // `?for=IMPLEMENTATION`: the embed code of a deployment for a customer.
    let implementation = req.uri().query().and_then(|q| {
        q.split('&')
            .find_map(|pair| pair.strip_prefix("for="))
            .map(|id| id.parse::<ImplementationId>())
    });
    let found = match (widget.parse::<WidgetId>(), implementation.transpose()) {
        (Ok(id), Ok(implementation)) => {
            services::widgets::embed::visit(&services, id, implementation, site.as_deref())
                .await
                .map_err(services::Error::into_app_error)
        }
        _ => Err(AppError::not_found("This widget")),
    };
    let status = found.as_ref().err().map_or(StatusCode::OK, |e| {
        StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    });
    let options = state.leptos_options.clone();
    let render = leptos_axum::render_app_to_stream_with_context(
        move || {
            provide_context(services.clone());
            provide_context(app::widgets::embed::EmbedResult(found.clone()));
        },
        move || app::widgets::embed::embed_shell(options.clone(), EmbedDocument::Widget),
    );
    let mut response = render(req).await;
    *response.status_mut() = status;
    // The live version can change at any moment (a publish, a rollback, a suspension).
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The editor's preview document (`/embed/preview`): the embed shell with nothing loaded,
/// drawing what the editor posts to it. It holds no data, so anyone may fetch it; its CSP lets
/// only Atrium's pages frame it and sandboxes it whoever opens it.
pub async fn show_preview(State(state): State<AppState>, req: Request) -> Response {
    let options = state.leptos_options.clone();
    let render = leptos_axum::render_app_to_stream_with_context(
        || {},
        move || app::widgets::embed::embed_shell(options.clone(), EmbedDocument::Preview),
    );
    let mut response = render(req).await;
    response
        .headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn the_site_is_the_framing_page_origin() {
        let public = "https://atrium.example";
        let framed = headers(&[
            ("sec-fetch-dest", "iframe"),
            ("referer", "https://shop.example.com/pricing?x=1"),
        ]);
        assert_eq!(
            embedding_site(&framed, public).as_deref(),
            Some("https://shop.example.com")
        );
        // Opened on its own, framed by Atrium, or with nothing said: no site.
        let opened = headers(&[
            ("sec-fetch-dest", "document"),
            ("referer", "https://shop.example.com/"),
        ]);
        assert_eq!(embedding_site(&opened, public), None);
        let own = headers(&[("referer", "https://atrium.example/builder/x/widgets")]);
        assert_eq!(embedding_site(&own, public), None);
        assert_eq!(embedding_site(&HeaderMap::new(), public), None);
    }
}
