use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::check_password_reset::check_password_reset;
use super::reset_password::ResetPassword;
use crate::components::errors::{ActionError, ErrorView};
use crate::components::forms::{Field, check_password};
use crate::components::loaded::{loaded, resource};

/// `/reset-password/:token`: the link from the reset email. A used or expired link says so
/// and offers a new one.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let link = resource(token, check_password_reset);
    let action = ServerAction::<ResetPassword>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(())) = action.value().get() {
            super::navigate_hard("/login?reset=1");
        }
    });

    view! {
        <Title text="Choose a new password" />
        <main id="main" class="auth-page">
            <section class="panel auth-card">
                <p class="brand-mark" aria-hidden="true">"◆ Atrium"</p>
                <h1>"Choose a new password"</h1>
                {loaded(link, "Checking the link…", move |checked| match checked {
                    Err(error) => {
                        view! {
                            <ErrorView error />
                            <p><a class="button" href="/forgot-password">"Ask for a new link"</a></p>
                        }
                            .into_any()
                    }
                    Ok(()) => {
                        view! {
                            <ActionForm action=action attr:novalidate="true">
                                <input type="hidden" name="token" value=token />
                                <Field name="new_password" label="New password" kind="password" autocomplete="new-password" required=true check=check_password server_error=error hint="At least 10 characters." />
                                <ActionError error />
                                <button type="submit" class="button primary wide" disabled=move || action.pending().get()>
                                    "Set the new password"
                                </button>
                            </ActionForm>
                            <p class="muted">"Every device signed in to your account is signed out."</p>
                        }
                            .into_any()
                    }
                })}
            </section>
        </main>
    }
}
