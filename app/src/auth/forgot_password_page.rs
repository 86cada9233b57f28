use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::request_password_reset::RequestPasswordReset;
use crate::components::errors::ActionError;
use crate::components::forms::{Field, check_email};

/// `/forgot-password`: asks for a reset link. The answer reads the same whether or not an
/// account has the email. Works as a plain form without JavaScript.
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let query = use_query_map();
    let action = ServerAction::<RequestPasswordReset>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let sent =
        move || matches!(action.value().get(), Some(Ok(()))) || query.read().get("sent").is_some();

    view! {
        <Title text="Reset your password" />
        <super::LeaveWhenSignedIn />
        <main id="main" class="auth-page">
            <section class="panel auth-card">
                <p class="brand-mark" aria-hidden="true">"◆ Atrium"</p>
                <h1>"Reset your password"</h1>
                <Show
                    when=sent
                    fallback=move || {
                        view! {
                            <p class="muted">"Enter the email you sign in with. If an account has it, we send a link to choose a new password."</p>
                            <ActionForm action=action attr:novalidate="true">
                                <Field name="email" label="Email" kind="email" autocomplete="username" required=true check=check_email server_error=error />
                                <ActionError error />
                                <button type="submit" class="button primary wide" disabled=move || action.pending().get()>
                                    {move || if action.pending().get() { "Sending…" } else { "Send the link" }}
                                </button>
                            </ActionForm>
                        }
                    }
                >
                    <p class="notice" role="status" data-testid="reset-sent">
                        "If an account uses that email, a link to reset its password is on its way. It works once, for an hour."
                    </p>
                </Show>
                <p class="muted"><a href="/login">"Back to sign in"</a></p>
            </section>
        </main>
    }
}
