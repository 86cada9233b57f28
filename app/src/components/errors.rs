//! How errors look: a whole page when a page cannot be shown, a line under a form when an
//! action is refused.

use leptos::prelude::*;
use leptos_meta::Title;
use shared::AppError;

fn title_for(error: &AppError) -> &'static str {
    match error {
        AppError::Unauthenticated => "Sign in to continue",
        AppError::NotFound { .. } => "Not found",
        AppError::Forbidden { .. } => "Not allowed",
        AppError::TenantSuspended { .. } => "Workspace suspended",
        AppError::AccountDisabled => "Account deactivated",
        AppError::RateLimited { .. } | AppError::AccountLocked { .. } => "Slow down",
        AppError::Unavailable { .. } => "Busy",
        AppError::QuotaExceeded { .. } => "Limit reached",
        AppError::Network { .. } => "Offline",
        AppError::Internal { .. } => "Something went wrong",
        _ => "That did not work",
    }
}

/// A page-sized explanation with a way out. The page answers with the error's status, also
/// when the page found the error itself (an address whose id is not one).
#[component]
pub fn ErrorView(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::server::report(&error);
    let title = title_for(&error);
    let status = error.status();
    let sign_in = matches!(error, AppError::Unauthenticated);
    view! {
        <Title text=title />
        <section class="panel error-panel" role="alert" data-status=status>
            <p class="eyebrow">{format!("Error {status}")}</p>
            <h1>{title}</h1>
            <p>{error.to_string()}</p>
            <p class="actions">
                {if sign_in {
                    view! { <a class="button" href="/login">"Sign in"</a> }.into_any()
                } else {
                    view! { <a class="button" href="/">"Go to your home page"</a> }.into_any()
                }}
            </p>
        </section>
    }
}

/// The router's fallback: a real 404 page.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! {
        <main id="main" class="narrow">
            <ErrorView error=AppError::not_found("This page") />
        </main>
    }
}

/// The message of a refused action, announced to screen readers.
#[component]
pub fn ActionError(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    view! {
        <p class="form-error" role="alert" aria-live="assertive" hidden=move || error.read().is_none()>
            {move || error.get().map(|e| e.to_string())}
        </p>
    }
}
