//! A page's data, shown once it has loaded.
//!
//! Leptos's `<Transition>` on the server walks its children to find their resources, and
//! once they have loaded walks them again ("double-checking") before rendering: the view of
//! the loaded data is built twice per request. [`loaded`] renders that view once on the
//! server: it awaits the data inside a `Suspend` with no boundary around it (the page is sent
//! only when it is complete, `SsrMode::Async`). The browser keeps Leptos's `<Transition>`:
//! hydrating, it finds the values the server wrote into the page; a reload keeps the current
//! view until the new data arrive, so a form's error shown in it stays live meanwhile; a
//! first load (after a client-side navigation) shows `fallback`. Both sides produce the same
//! markup and take the same hydration id, so the one hydrates the other.
//!
//! It relies on the page being rendered whole before it is sent (`SsrMode::Async`, every
//! route's mode): streamed out of order, a `Suspend` outside a boundary would arrive as a
//! script without the page's nonce.
//!
//! Only what is handed to [`loaded`] is waited for: a view that also reads another resource
//! names both, `(resource, other)`, or the server could render it before the other loaded.

use std::future::Future;

use leptos::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::page_json::PageJson;

/// A page's data as a resource, encoded in the page as [`PageJson`].
pub type PageResource<T> = Resource<T, PageJson>;

/// A page's data: a resource in the page's encoding ([`PageJson`]), with the future `fetch`
/// returns boxed.
///
/// On the server a fetch is the server function's body, whose future holds every read it
/// awaits inline (large), and a resource moves its future through several wrappers before
/// the first poll: copying it was about 7 % of a page's CPU. Boxed, each move is a pointer.
#[track_caller]
pub fn resource<S, T, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetch: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> PageResource<T>
where
    S: PartialEq + Clone + Send + Sync + 'static,
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    Resource::new_with_options(source, move |source| Box::pin(fetch(source)), false)
}

/// What [`loaded`] waits for: a resource, or a pair of them.
pub trait Loadable: Copy + Send + Sync + 'static {
    type Value: Send + 'static;
    /// The value if loaded (tracked; the previous one while a reload is under way).
    fn now(self) -> Option<Self::Value>;
    /// The value once loaded.
    fn load(self) -> impl Future<Output = Self::Value> + Send + 'static;
}

impl<T: Clone + Send + Sync + 'static> Loadable for PageResource<T> {
    type Value = T;

    fn now(self) -> Option<T> {
        self.get()
    }

    fn load(self) -> impl Future<Output = T> + Send + 'static {
        self.into_future()
    }
}

impl<A: Loadable, B: Loadable> Loadable for (A, B) {
    type Value = (A::Value, B::Value);

    fn now(self) -> Option<Self::Value> {
        self.0.now().zip(self.1.now())
    }

    async fn load(self) -> Self::Value {
        (self.0.load().await, self.1.load().await)
    }
}

/// `render` of what `data` loads, with `fallback` in the browser until it first has.
#[cfg(feature = "ssr")]
pub fn loaded<D, V>(
    data: D,
    _fallback: &'static str,
    render: impl Fn(D::Value) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    D: Loadable,
    V: IntoView + 'static,
{
    use leptos::tachys::reactive_graph::OwnedView;

    // The hydration id the browser's `<Transition>` takes, so that resources made after this
    // one keep the same ids on both sides.
    if let Some(context) = Owner::current_shared_context() {
        context.next_id();
    }
    let view = move || {
        let render = render.clone();
        // The view is written out after the rest of the page, when whatever owned the
        // closure may be gone: it keeps its owner (and the signals made in it) alive with it.
        Suspend::new(async move { OwnedView::new(render(data.load().await)) })
    };
    // An owner of its own: a waiting `Suspend` keeps a context in its owner (tachys's
    // `LocalResourceNotifier`), which sections of one page sharing an owner would replace for
    // each other; a replaced one would render nothing.
    OwnedView::new_with_owner(view, Owner::new())
}

/// `render` of what `data` loads, with `fallback` until it first has.
#[cfg(not(feature = "ssr"))]
pub fn loaded<D, V>(
    data: D,
    fallback: &'static str,
    render: impl Fn(D::Value) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    D: Loadable,
    V: IntoView + 'static,
{
    view! {
        <Transition fallback=move || view! { <p class="loading">{fallback}</p> }>
            {move || data.now().map(&render)}
        </Transition>
    }
}
