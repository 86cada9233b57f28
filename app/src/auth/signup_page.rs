use leptos::prelude::*;
use leptos_meta::Title;
use shared::platform::SignUpKind;

use super::sign_up::SignUp;
use crate::components::errors::ActionError;
use crate::components::forms::{
    Field, check_email, check_optional_slug, check_password, check_person_name, check_tenant_name,
};

/// `/signup`: a person and the organization they will own, either a customer organization
/// (End User) or a builder workspace.
#[component]
pub fn SignupPage() -> impl IntoView {
    let action = ServerAction::<SignUp>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(path)) = action.value().get() {
            super::navigate_hard(&path);
        }
    });

    view! {
        <Title text="Create your account" />
        <main id="main" class="auth-page">
            <section class="panel auth-card wide-card">
                <p class="brand-mark" aria-hidden="true">"◆ Atrium"</p>
                <h1>"Create your account"</h1>
                <ActionForm action=action attr:novalidate="true">
                    <fieldset class="choice">
                        <legend>"What are you setting up?"</legend>
                        <label class="option">
                            <input type="radio" name="kind" value=SignUpKind::EndUser.as_str() checked=true />
                            <span>
                                <strong>"An organization"</strong>
                                <span class="muted">" — use the services and widgets built for you (End User)"</span>
                            </span>
                        </label>
                        <label class="option">
                            <input type="radio" name="kind" value=SignUpKind::Builder.as_str() />
                            <span>
                                <strong>"A builder workspace"</strong>
                                <span class="muted">" — build widgets and processes for your customers (Builder)"</span>
                            </span>
                        </label>
                    </fieldset>
                    <Field name="name" label="Your name" autocomplete="name" required=true check=check_person_name server_error=error />
                    <Field name="email" label="Work email" kind="email" autocomplete="email" required=true check=check_email server_error=error />
                    <Field
                        name="password"
                        label="Password"
                        kind="password"
                        autocomplete="new-password"
                        required=true
                        hint="At least 10 characters."
                        check=check_password
                        server_error=error
                    />
                    <Field name="organization" label="Organization name" autocomplete="organization" required=true check=check_tenant_name server_error=error />
                    <Field
                        name="slug"
                        label="Web address (optional)"
                        hint="Lowercase letters, digits and hyphens; we suggest one from the name."
                        check=check_optional_slug
                        server_error=error
                    />
                    <ActionError error />
                    <button type="submit" class="button primary wide" disabled=move || action.pending().get()>
                        {move || if action.pending().get() { "Creating…" } else { "Create account" }}
                    </button>
                </ActionForm>
                <p class="muted">"Already have an account? " <a href="/login">"Sign in"</a></p>
            </section>
        </main>
    }
}
