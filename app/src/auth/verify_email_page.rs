use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::verify_email::VerifyEmail;
use crate::components::errors::ActionError;

/// `/verify-email/:token`: the link from a verification (or email-change) email. Following a
/// link changes something, so the page asks for a click (a POST) rather than acting on the
/// GET — mail scanners that open links change nothing.
#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let action = ServerAction::<VerifyEmail>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let confirmed = move || action.value().get().and_then(Result::ok);

    view! {
        <Title text="Confirm your email" />
        <main id="main" class="auth-page">
            <section class="panel auth-card">
                <p class="brand-mark" aria-hidden="true">"◆ Atrium"</p>
                <h1>"Confirm your email"</h1>
                {move || match confirmed() {
                    Some(email) => {
                        view! {
                            <p class="notice" role="status" data-testid="email-confirmed">
                                {format!("Confirmed: {email} is the address of your account.")}
                            </p>
                            <p><a class="button primary" href="/">"Continue"</a></p>
                        }
                            .into_any()
                    }
                    None => {
                        view! {
                            <ActionForm action=action>
                                <input type="hidden" name="token" value=token />
                                <ActionError error />
                                <button type="submit" class="button primary wide" disabled=move || action.pending().get()>
                                    "Confirm this address"
                                </button>
                            </ActionForm>
                        }
                            .into_any()
                    }
                }}
            </section>
        </main>
    }
}
