use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::verify_second_factor::VerifySecondFactor;
use crate::components::errors::ActionError;
use crate::components::forms::{Field, check_second_factor};

/// `/login/two-factor`: the second step after a right password, for people with two-factor
/// sign-in on. Takes the code from the authenticator app or a backup code.
#[component]
pub fn TwoFactorPage() -> impl IntoView {
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let action = ServerAction::<VerifySecondFactor>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    super::follow_when_signed_in(action.value());

    view! {
        <Title text="Two-factor sign-in" />
        <super::LeaveWhenSignedIn />
        <main id="main" class="auth-page">
            <section class="panel auth-card">
                <p class="brand-mark" aria-hidden="true">"◆ Atrium"</p>
                <h1>"Two-factor sign-in"</h1>
                <p class="muted">
                    "Enter the 6-digit code from your authenticator app. No phone at hand? Enter one of your backup codes instead."
                </p>
                <ActionForm action=action attr:novalidate="true">
                    <input type="hidden" name="next" value=next />
                    <Field
                        name="code"
                        label="Code"
                        autocomplete="one-time-code"
                        inputmode="text"
                        required=true
                        check=check_second_factor
                        server_error=error
                    />
                    <label class="check">
                        <input type="checkbox" name="trust_device" value="on" />
                        " Trust this device for 30 days (it will ask for your password only)"
                    </label>
                    <ActionError error />
                    <button type="submit" class="button primary wide" disabled=move || action.pending().get()>
                        {move || if action.pending().get() { "Checking…" } else { "Verify" }}
                    </button>
                </ActionForm>
                <p class="muted"><a href="/login">"Start again"</a></p>
            </section>
        </main>
    }
}
