//! The signed-in person's own page: profile, two-factor sign-in, sessions, signing out
//! everywhere.

pub mod confirm_totp_setup;
pub mod disable_two_factor;
pub mod get_me;
pub mod get_two_factor;
pub mod list_sessions;
pub mod regenerate_backup_codes;
pub mod revoke_session;
mod security;
pub mod sign_out_everywhere;
pub mod start_totp_setup;

use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;

use crate::components::errors::{ActionError, ErrorView};
use crate::components::layout::{AppShell, Me, PageHeader, Place, Section};
use crate::components::time::{format_time, machine_time};
use list_sessions::list_sessions;
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
            <PageHeader title="Account" subtitle="Your profile and the devices signed in to it." />
            <Profile />
            <security::TwoFactorSection />
            <Sessions />
        </AppShell>
    }
}

#[component]
fn Profile() -> impl IntoView {
    let Me(me) = expect_context::<Me>();
    view! {
        <Suspense>
            {move || {
                me.get()
                    .and_then(|r| r.ok().flatten())
                    .map(|me| {
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
            }}
        </Suspense>
    }
}

#[component]
fn Sessions() -> impl IntoView {
    let revoke = ServerAction::<RevokeSession>::new();
    let sessions = Resource::new(move || revoke.version().get(), |_| list_sessions());
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
            <Suspense fallback=|| view! { <p class="loading">"Loading sessions…"</p> }>
                {move || {
                    sessions
                        .get()
                        .map(|result| match result {
                            Err(error) => view! { <ErrorView error /> }.into_any(),
                            Ok(list) => {
                                view! {
                                    <div class="table-wrap">
                                        <table data-testid="sessions">
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
                                                                <td>
                                                                    {s.device.clone()}
                                                                    {s.current.then(|| view! { " " <span class="badge ok">"This device"</span> })}
                                                                </td>
                                                                <td>{s.ip.clone().unwrap_or_else(|| "unknown".into())}</td>
                                                                <td><time datetime=machine_time(s.created_at)>{format_time(s.created_at)}</time></td>
                                                                <td><time datetime=machine_time(s.last_seen_at)>{format_time(s.last_seen_at)}</time></td>
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
                        })
                }}
            </Suspense>
        </section>
    }
}
