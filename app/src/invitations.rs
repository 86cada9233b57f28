//! `/invite/{token}`: what an invitation offers, and accepting it — signed in, or by
//! creating an account on the spot.

pub mod accept_invitation;
pub mod get_invitation;
pub mod join_with_invitation;

use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use shared::members::{InvitationPreview, InvitationViewer};

use crate::auth::navigate_hard;
use crate::auth::sign_out::SignOut;
use crate::components::errors::{ActionError, ErrorView};
use crate::components::forms::{Field, check_password, check_person_name};
use crate::components::loaded::{loaded, resource};
use crate::components::time::format_time;
use accept_invitation::AcceptInvitation;
use get_invitation::get_invitation;
use join_with_invitation::JoinWithInvitation;

#[component]
pub fn InvitationPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let preview = resource(token, get_invitation);
    view! {
        <Title text="Invitation" />
        <main id="main" class="auth-page">
            {loaded(preview, "Loading invitation…", move |result| match result {
                Err(error) => view! { <ErrorView error /> }.into_any(),
                Ok(preview) => view! { <InvitationCard preview token=token() /> }.into_any(),
            })}
        </main>
    }
}

#[component]
fn InvitationCard(preview: InvitationPreview, token: String) -> impl IntoView {
    let accept = ServerAction::<AcceptInvitation>::new();
    let join = ServerAction::<JoinWithInvitation>::new();
    Effect::new(move |_| {
        if let Some(Ok(path)) = accept.value().get().or_else(|| join.value().get()) {
            navigate_hard(&path);
        }
    });
    let accept_error = Signal::derive(move || accept.value().get().and_then(Result::err));
    let join_error = Signal::derive(move || join.value().get().and_then(Result::err));
    let next = format!("/invite/{token}");
    let join_label = format!("Join {}", preview.tenant_name);
    let body = match preview.viewer.clone() {
        InvitationViewer::Invitee => view! {
            <ActionForm action=accept>
                <input type="hidden" name="token" value=token.clone() />
                <ActionError error=accept_error />
                <button type="submit" class="button primary wide">{join_label}</button>
            </ActionForm>
        }
        .into_any(),
        InvitationViewer::SomeoneElse { email } => view! {
            <p class="notice">
                {format!("You are signed in as {email}, but this invitation is for {}. Sign out, then open the link again.", preview.email)}
            </p>
            <form method="post" action=SignOut::url()>
                <button type="submit" class="button">"Sign out"</button>
            </form>
        }
        .into_any(),
        InvitationViewer::Anonymous { has_account: true } => view! {
            <p>{format!("Sign in as {} to accept.", preview.email)}</p>
            <a class="button primary wide" href=format!("/login?next={next}")>"Sign in to accept"</a>
        }
        .into_any(),
        InvitationViewer::Anonymous { has_account: false } => view! {
            <p>{format!("Create your account for {} to accept.", preview.email)}</p>
            <ActionForm action=join attr:novalidate="true">
                <input type="hidden" name="token" value=token.clone() />
                <Field name="name" label="Your name" autocomplete="name" required=true check=check_person_name server_error=join_error />
                <Field name="password" label="Choose a password" kind="password" autocomplete="new-password" required=true hint="At least 10 characters." check=check_password server_error=join_error />
                <ActionError error=join_error />
                <button type="submit" class="button primary wide">"Create account and join"</button>
            </ActionForm>
        }
        .into_any(),
    };
    view! {
        <section class="panel auth-card" data-testid="invitation">
            <p class="brand-mark" aria-hidden="true">"◆ Atrium"</p>
            <h1>{format!("Join {}", preview.tenant_name)}</h1>
            <p>
                {format!(
                    "{} invited {} to join {} as {} ({} persona).",
                    preview.invited_by,
                    preview.email,
                    preview.tenant_name,
                    preview.role.label(),
                    preview.persona.label()
                )}
            </p>
            <p class="muted">{format!("The invitation works until {}.", format_time(preview.expires_at))}</p>
            {body}
        </section>
    }
}
