//! The signed-in person's own pages: the account (profile, email, notifications) and its
//! security (confirm it's you, password, two-factor sign-in, trusted devices, sessions,
//! sign-in history).

mod api_tokens;
pub mod change_password;
pub mod confirm_identity;
pub mod confirm_totp_setup;
pub mod create_api_token;
pub mod disable_two_factor;
pub mod get_me;
pub mod get_step_up;
pub mod get_two_factor;
pub mod list_api_tokens;
pub mod list_notifications;
pub mod list_sessions;
pub mod list_sign_ins;
pub mod list_support_access;
pub mod list_trusted_devices;
pub mod mark_notifications_read;
pub mod regenerate_backup_codes;
pub mod request_email_change;
pub mod resend_verification;
pub mod revoke_api_token;
pub mod revoke_session;
pub mod revoke_trusted_device;
pub mod revoke_trusted_devices;
mod security;
mod security_page;
pub mod sign_out_everywhere;
pub mod start_totp_setup;

pub use security_page::SecurityPage;

use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;

use crate::components::errors::{ActionError, ErrorView};
use crate::components::forms::{Field, check_email};
use crate::components::layout::{AppShell, Me, PageHeader, Place, Section};
use crate::components::loaded::{loaded, resource};
use crate::components::time::{format_time, machine_time};
use list_notifications::list_notifications;
use list_sessions::list_sessions;
use mark_notifications_read::MarkNotificationsRead;
use request_email_change::RequestEmailChange;
use resend_verification::ResendVerification;
use revoke_session::RevokeSession;
use sign_out_everywhere::SignOutEverywhere;

#[component]
pub fn AccountPage() -> impl IntoView {
    let place = Place {
        persona: None,
        slug: None,
        section: Section::Account,
    };
    view! {
        <AppShell place>
            <PageHeader title="Account" subtitle="Your profile, your email address and what we told you." />
            <Profile />
            <EmailCard />
            <Notifications />
        </AppShell>
    }
}

#[component]
fn Profile() -> impl IntoView {
    let me = expect_context::<Me>();
    me.person().cloned().map(|me| {
                        view! {
                            <section class="panel" aria-labelledby="profile-title">
                                <h2 id="profile-title">"Profile"</h2>
                                <dl class="facts">
                                    <dt>"Name"</dt>
                                    <dd>{me.name.to_string()}</dd>
                                    <dt>"Email"</dt>
                                    <dd>{me.email.to_string()}</dd>
                                    <dt>"Personas"</dt>
                                    <dd>
                                        {me.personas.iter().map(|p| view! { <span class="badge">{p.label()}</span> " " }).collect_view()}
                                    </dd>
                                    <dt>"Organizations"</dt>
                                    <dd>
                                        <ul class="plain">
                                            {me
                                                .workspaces
                                                .iter()
                                                .map(|w| {
                                                    view! {
                                                        <li>
                                                            <a href=w.tenant.home_path()>{w.tenant.name.to_string()}</a>
                                                            <span class="muted">{format!(" · {} · {}", w.role.label(), w.tenant.variant.label())}</span>
                                                        </li>
                                                    }
                                                })
                                                .collect_view()}
                                        </ul>
                                    </dd>
                                </dl>
                            </section>
                        }
    })
}

/// The email address: confirmed or not (with the link sent again on request), and moving
/// the account to another address (after "confirm it's you" on the security page).
#[component]
fn EmailCard() -> impl IntoView {
    let me = expect_context::<Me>();
    let resend = ServerAction::<ResendVerification>::new();
    let change = ServerAction::<RequestEmailChange>::new();
    let resend_error = Signal::derive(move || resend.value().get().and_then(Result::err));
    let change_error = Signal::derive(move || change.value().get().and_then(Result::err));
    let verified = me.person().is_some_and(|m| m.email_verified);
    view! {
        <section class="panel" aria-labelledby="email-title" data-testid="email-card">
            <h2 id="email-title">"Email address"</h2>
            {if verified {
                view! { <p><span class="badge ok">"Confirmed"</span></p> }.into_any()
            } else {
                view! {
                    <p data-testid="email-unconfirmed">
                        <span class="badge warn">"Not confirmed yet"</span>
                        " We sent you a link when you signed up; follow it to confirm your address."
                    </p>
                    {move || matches!(resend.value().get(), Some(Ok(()))).then(|| view! {
                        <p class="notice" role="status">"A new link is on its way."</p>
                    })}
                    <ActionError error=resend_error />
                    <ActionForm action=resend>
                        <button type="submit" class="button small" disabled=move || resend.pending().get()>"Send the link again"</button>
                    </ActionForm>
                }
                    .into_any()
            }}
            <h3>"Use another address"</h3>
            {move || matches!(change.value().get(), Some(Ok(()))).then(|| view! {
                <p class="notice" role="status" data-testid="email-change-sent">
                    "We sent a link to the new address. Your account moves there once you follow it."
                </p>
            })}
            <ActionForm action=change attr:class="stack narrow-form" attr:novalidate="true">
                <Field name="email" scope="new" label="New email address" kind="email" autocomplete="email" required=true check=check_email server_error=change_error />
                <ActionError error=change_error />
                <button type="submit" class="button" disabled=move || change.pending().get()>"Send a confirmation link"</button>
            </ActionForm>
            <p class="muted">"Changing your email needs a recent “confirm it's you” under " <a href="/account/security">"Security"</a> "."</p>
        </section>
    }
}

#[component]
fn Notifications() -> impl IntoView {
    let mark = ServerAction::<MarkNotificationsRead>::new();
    let list = resource(move || mark.version().get(), |_| list_notifications());
    view! {
        <section class="panel" aria-labelledby="notifications-title" data-testid="notifications">
            <div class="panel-head">
                <h2 id="notifications-title">"Notifications"</h2>
                <ActionForm action=mark>
                    <button type="submit" class="button small">"Mark all read"</button>
                </ActionForm>
            </div>
            {loaded(list, "Loading notifications…", move |result| match result {
                Err(error) => view! { <ErrorView error /> }.into_any(),
                Ok(items) if items.is_empty() => {
                    view! { <p class="muted">"Nothing yet."</p> }.into_any()
                }
                Ok(items) => {
                    view! {
                        <ul class="notifications">
                            {items
                                .into_iter()
                                .map(|n| {
                                    view! {
                                        <li class:unread=!n.read data-testid="notification">
                                            <p>
                                                <strong>{n.title}</strong>
                                                {(!n.read).then(|| view! { " " <span class="badge">"New"</span> })}
                                            </p>
                                            <p>{n.body}</p>
                                            <p class="muted"><time datetime=machine_time(n.created_at)>{format_time(n.created_at)}</time></p>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }
            })}
        </section>
    }
}

#[component]
pub(crate) fn Sessions() -> impl IntoView {
    let revoke = ServerAction::<RevokeSession>::new();
    let sessions = resource(move || revoke.version().get(), |_| list_sessions());
    let revoke_error = Signal::derive(move || revoke.value().get().and_then(Result::err));
    view! {
        <section class="panel" aria-labelledby="sessions-title">
            <div class="panel-head">
                <h2 id="sessions-title">"Signed-in sessions"</h2>
                <form method="post" action=SignOutEverywhere::url()>
                    <button type="submit" class="button danger">"Sign out everywhere"</button>
                </form>
            </div>
            <ActionError error=revoke_error />
            {loaded(sessions, "Loading sessions…", move |result| match result {
                Err(error) => view! { <ErrorView error /> }.into_any(),
                Ok(list) => {
                    view! {
                        <div class="table-wrap">
                            <table class="cards-on-phone" data-testid="sessions">
                                <thead>
                                    <tr>
                                        <th scope="col">"Device"</th>
                                        <th scope="col">"Address"</th>
                                        <th scope="col">"Signed in"</th>
                                        <th scope="col">"Last active"</th>
                                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {list
                                        .into_iter()
                                        .map(|s| {
                                            view! {
                                                <tr>
                                                    <td class="card-title">
                                                        {s.device.clone()}
                                                        {s.current.then(|| view! { " " <span class="badge ok">"This device"</span> })}
                                                    </td>
                                                    <td data-label="Address">{s.ip.clone().unwrap_or_else(|| "unknown".into())}</td>
                                                    <td data-label="Signed in"><time datetime=machine_time(s.created_at)>{format_time(s.created_at)}</time></td>
                                                    <td data-label="Last active"><time datetime=machine_time(s.last_seen_at)>{format_time(s.last_seen_at)}</time></td>
                                                    <td class="actions">
                                                        {(!s.current).then(|| view! {
                                                            <ActionForm action=revoke>
                                                                <input type="hidden" name="id" value=s.id.to_string() />
                                                                <button type="submit" class="button small">"Sign out this session"</button>
                                                            </ActionForm>
                                                        })}
                                                    </td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }
                        .into_any()
                }
            })}
        </section>
    }
}
