//! A page's data, shown once it has loaded.
//!
//! Leptos's `<Transition>` on the server walks its children to find their resources, and
//! once they have loaded walks them again ("double-checking") before rendering: the view of
//! the loaded data is built twice per request. [`loaded`] renders that view once: the server
//! awaits the data inside a `Suspend` with no boundary around it (the page is sent only when
//! it is complete, `SsrMode::Async`), and the browser, hydrating, finds the values the server
//! wrote into the page. In the browser a reload keeps the current view until the new data
//! arrive, as `<Transition>` does, and a first load (after a client-side navigation) shows
//! `fallback` meanwhile.
//!
//! It relies on the page being rendered whole before it is sent (`SsrMode::Async`, every
//! route's mode): streamed out of order, a `Suspend` outside a boundary would arrive as a
//! script without the page's nonce.
//!
//! Only what is handed to [`loaded`] is waited for: a view that also reads another resource
//! names both, `(resource, other)`, or the server could render it before the other loaded.

use std::future::Future;

use leptos::either::Either;
use leptos::prelude::*;
use leptos::tachys::reactive_graph::OwnedView;

/// What [`loaded`] waits for: a resource, or a pair of them.
pub trait Loadable: Copy + Send + Sync + 'static {
    type Value: Send + 'static;
    /// Whether nothing has loaded yet (tracked: a view reading it follows the change).
    fn pending(self) -> bool;
    /// The value once loaded (the latest, when a reload is under way).
    fn load(self) -> impl Future<Output = Self::Value> + Send + 'static;
}

impl<T: Clone + Send + Sync + 'static> Loadable for Resource<T> {
    type Value = T;

    fn pending(self) -> bool {
        self.with(Option::is_none)
    }

    fn load(self) -> impl Future<Output = T> + Send + 'static {
        self.into_future()
    }
}

impl<A: Loadable, B: Loadable> Loadable for (A, B) {
    type Value = (A::Value, B::Value);

    fn pending(self) -> bool {
        self.0.pending() || self.1.pending()
    }

    async fn load(self) -> Self::Value {
        (self.0.load().await, self.1.load().await)
    }
}

/// `render` of what `data` loads, with `fallback` in the browser until it first has.
pub fn loaded<D, V>(
    data: D,
    fallback: &'static str,
    render: impl Fn(D::Value) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    D: Loadable,
    V: IntoView + 'static,
{
    // The server always awaits; only the browser can start without the data.
    let first_load = (!cfg!(feature = "ssr")).then(|| Memo::new(move |_| data.pending()));
    let view = move || {
        if first_load.is_some_and(|pending| pending.get()) {
            return Either::Left(view! { <p class="loading">{fallback}</p> });
        }
        let render = render.clone();
        // The view is written out after the rest of the page, when whatever owned the
        // closure may be gone: it keeps its owner (and the signals made in it) alive with it.
        Either::Right(Suspend::new(async move {
            OwnedView::new(render(data.load().await))
        }))
    };
    // An owner of its own: a waiting `Suspend` on the server keeps a context in its owner
    // (tachys's `LocalResourceNotifier`), which sections of one page sharing an owner would
    // replace for each other; a replaced one would render nothing.
    OwnedView::new_with_owner(view, Owner::new())
}
