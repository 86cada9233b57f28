use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::sign_in::SignIn;
use crate::components::errors::ActionError;
use crate::components::forms::{Field, check_email};

/// `/login`: email and password. Works as a plain form without JavaScript; with it, a
/// refusal keeps what was typed.
#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let action = ServerAction::<SignIn>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    super::follow_when_signed_in(action.value());

    view! {
        <Title text="Sign in" />
        <super::LeaveWhenSignedIn />
        <main id="main" class="auth-page">
            <section class="panel auth-card">
                <p class="brand-mark" aria-hidden="true">"◆ Atrium"</p>
                <h1>"Sign in"</h1>
                <ActionForm action=action attr:novalidate="true">
                    <input type="hidden" name="next" value=next />
                    <Field name="email" label="Email" kind="email" autocomplete="username" required=true check=check_email server_error=error />
                    <Field name="password" label="Password" kind="password" autocomplete="current-password" required=true server_error=error />
                    <ActionError error />
                    <button type="submit" class="button primary wide" disabled=move || action.pending().get()>
                        {move || if action.pending().get() { "Signing in…" } else { "Sign in" }}
                    </button>
                </ActionForm>
                {move || query.read().get("reset").map(|_| view! {
                    <p class="notice" role="status" data-testid="password-reset-done">
                        "Your password was changed. Sign in with the new one."
                    </p>
                })}
                <p class="muted"><a href="/forgot-password">"Forgot your password?"</a></p>
                <p class="muted">"New to Atrium? " <a href="/signup">"Create an account"</a></p>
            </section>
        </main>
    }
}
