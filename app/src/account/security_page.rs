//! Account → Security: "confirm it's you", the password, two-factor sign-in, trusted
//! devices, signed-in sessions and the sign-in history.

use leptos::prelude::*;
use shared::AppError;
use shared::security::StepUpStatus;

use super::change_password::ChangePassword;
use super::confirm_identity::ConfirmIdentity;
use super::get_step_up::get_step_up;
use super::list_sign_ins::list_sign_ins;
use super::list_support_access::list_support_access;
use super::list_trusted_devices::list_trusted_devices;
use super::revoke_trusted_device::RevokeTrustedDevice;
use super::revoke_trusted_devices::RevokeTrustedDevices;
use crate::components::errors::{ActionError, ErrorView};
use crate::components::forms::{Field, check_password, check_second_factor};
use crate::components::layout::{AppShell, PageHeader, Place, Section};
use crate::components::loaded::{PageResource, loaded, resource};
use crate::components::time::{format_time, machine_time};

/// Shared by the security page's sections: whether sensitive changes are open now, and the
/// action that opens them.
#[derive(Clone, Copy)]
pub struct StepUp {
    pub status: PageResource<Result<StepUpStatus, AppError>>,
    pub confirm: ServerAction<ConfirmIdentity>,
}

impl StepUp {
    /// Asks again whether changes are open when an action was refused for want of a recent
    /// confirmation (the window closed while the page was open), so the form comes back.
    pub fn watch<T: 'static>(self, value: impl Get<Value = Option<Result<T, AppError>>> + 'static) {
        Effect::new(move |_| {
            if matches!(value.get(), Some(Err(AppError::StepUpRequired))) {
                self.status.refetch();
            }
        });
    }

    /// Whether sensitive changes are open, by a loaded status (a view shown through
    /// `loaded((…, step_up.status), …)` is handed it).
    pub fn opens(status: &Result<StepUpStatus, AppError>) -> bool {
        status.as_ref().is_ok_and(StepUpStatus::is_open)
    }
}

#[component]
pub fn SecurityPage() -> impl IntoView {
    let place = Place {
        persona: None,
        slug: None,
        section: Section::Security,
    };
    let confirm = ServerAction::<ConfirmIdentity>::new();
    let change_password = ServerAction::<ChangePassword>::new();
    let status = resource(move || confirm.version().get(), |_| get_step_up());
    let step_up = StepUp { status, confirm };
    step_up.watch(change_password.value());
    provide_context(step_up);
    view! {
        <AppShell place crumbs=vec![("Security".to_owned(), None)]>
            <PageHeader title="Security" subtitle="How you sign in, and where you are signed in." />
            {loaded(status, "Loading…", move |result| match result {
                Err(error) => view! { <ErrorView error /> }.into_any(),
                Ok(status) => {
                    let open = status.is_open();
                    view! {
                        <StepUpCard status />
                        <PasswordCard change_password open />
                    }
                        .into_any()
                }
            })}
            <super::security::TwoFactorSection />
            <TrustedDevices />
            <super::Sessions />
            <super::api_tokens::ApiTokensSection />
            <SignInHistory />
            <SupportAccessHistory />
        </AppShell>
    }
}

/// "Confirm it's you", or how long sensitive changes stay open.
#[component]
fn StepUpCard(status: StepUpStatus) -> impl IntoView {
    let StepUp { confirm, .. } = expect_context::<StepUp>();
    let error = Signal::derive(move || confirm.value().get().and_then(Result::err));
    match status.fresh_until {
        Some(until) => view! {
            <p class="notice" role="status" data-testid="step-up-open">
                "Identity confirmed: you can change your password, email and two-factor settings until "
                <time datetime=machine_time(until)>{format_time(until)}</time>
                "."
            </p>
        }
        .into_any(),
        None => view! {
            <section class="panel" aria-labelledby="step-up-title" data-testid="step-up">
                <h2 id="step-up-title">"Confirm it's you"</h2>
                <p class="muted">
                    "To change your password, email or two-factor settings, enter your password again"
                    {status.needs_code.then_some(" and a code from your authenticator app")}
                    ". Changes stay open for a few minutes."
                </p>
                <ActionForm action=confirm attr:class="stack narrow-form" attr:novalidate="true">
                    <Field name="password" scope="step-up" label="Your password" kind="password" autocomplete="current-password" required=true server_error=error />
                    {status.needs_code.then(|| view! {
                        <Field name="code" scope="step-up" label="Authenticator or backup code" autocomplete="one-time-code" required=true check=check_second_factor server_error=error />
                    })}
                    <ActionError error />
                    <button type="submit" class="button primary" disabled=move || confirm.pending().get()>"Confirm"</button>
                </ActionForm>
            </section>
        }
        .into_any(),
    }
}

#[component]
fn PasswordCard(change_password: ServerAction<ChangePassword>, open: bool) -> impl IntoView {
    let error = Signal::derive(move || change_password.value().get().and_then(Result::err));
    let done = move || matches!(change_password.value().get(), Some(Ok(())));
    view! {
        <section class="panel" aria-labelledby="password-title">
            <h2 id="password-title">"Password"</h2>
            {move || done().then(|| view! {
                <p class="notice" role="status" data-testid="password-changed">
                    "Password changed. Your other sessions were signed out."
                </p>
            })}
            {if open {
                view! {
                    <ActionForm action=change_password attr:class="stack narrow-form" attr:novalidate="true">
                        <Field name="new_password" label="New password" kind="password" autocomplete="new-password" required=true check=check_password server_error=error hint="At least 10 characters. Other sessions are signed out." />
                        <ActionError error />
                        <button type="submit" class="button" disabled=move || change_password.pending().get()>"Change password"</button>
                    </ActionForm>
                }
                    .into_any()
            } else {
                view! { <p class="muted">"Confirm it's you (above) to change your password."</p> }.into_any()
            }}
        </section>
    }
}

#[component]
fn TrustedDevices() -> impl IntoView {
    let revoke = ServerAction::<RevokeTrustedDevice>::new();
    let revoke_all = ServerAction::<RevokeTrustedDevices>::new();
    let devices = resource(
        move || (revoke.version().get(), revoke_all.version().get()),
        |_| list_trusted_devices(),
    );
    let revoke_error = Signal::derive(move || revoke.value().get().and_then(Result::err));
    view! {
        <section class="panel" aria-labelledby="devices-title" data-testid="trusted-devices">
            <h2 id="devices-title">"Trusted devices"</h2>
            <p class="muted">
                "Browsers where you chose “trust this device” at the second step: they ask for your password only, for 30 days. A new password ends their trust."
            </p>
            <ActionError error=revoke_error />
            {loaded(devices, "Loading devices…", move |result| match result {
                Err(error) => view! { <ErrorView error /> }.into_any(),
                Ok(list) if list.is_empty() => {
                    view! { <p data-testid="no-trusted-devices">"No trusted devices."</p> }.into_any()
                }
                Ok(list) => {
                    view! {
                        <div class="table-wrap">
                            <table>
                                <thead>
                                    <tr>
                                        <th scope="col">"Device"</th>
                                        <th scope="col">"Address"</th>
                                        <th scope="col">"Trusted since"</th>
                                        <th scope="col">"Last used"</th>
                                        <th scope="col">"Until"</th>
                                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {list
                                        .into_iter()
                                        .map(|d| {
                                            let id = d.id.to_string();
                                            view! {
                                                <tr data-testid="trusted-device">
                                                    <td>
                                                        {d.device.clone()}
                                                        {d.current.then(|| view! { " " <span class="badge ok">"This browser"</span> })}
                                                    </td>
                                                    <td>{d.ip.unwrap_or_else(|| "—".into())}</td>
                                                    <td><time datetime=machine_time(d.created_at)>{format_time(d.created_at)}</time></td>
                                                    <td><time datetime=machine_time(d.last_used_at)>{format_time(d.last_used_at)}</time></td>
                                                    <td><time datetime=machine_time(d.expires_at)>{format_time(d.expires_at)}</time></td>
                                                    <td>
                                                        <ActionForm action=revoke>
                                                            <input type="hidden" name="id" value=id />
                                                            <button type="submit" class="button small" aria-label=format!("Stop trusting {}", d.device)>
                                                                "Stop trusting"
                                                            </button>
                                                        </ActionForm>
                                                    </td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <ActionForm action=revoke_all>
                            <button type="submit" class="button danger">"Stop trusting all devices"</button>
                        </ActionForm>
                    }
                        .into_any()
                }
            })}
        </section>
    }
}

#[component]
fn SignInHistory() -> impl IntoView {
    let history = resource(|| (), |_| list_sign_ins());
    view! {
        <section class="panel" aria-labelledby="history-title" data-testid="sign-in-history">
            <h2 id="history-title">"Recent sign-ins"</h2>
            {loaded(history, "Loading history…", move |result| match result {
                Err(error) => view! { <ErrorView error /> }.into_any(),
                Ok(list) => {
                    view! {
                        <div class="table-wrap">
                            <table>
                                <thead>
                                    <tr>
                                        <th scope="col">"When"</th>
                                        <th scope="col">"Device"</th>
                                        <th scope="col">"Address"</th>
                                        <th scope="col">"Outcome"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {list
                                        .into_iter()
                                        .map(|e| {
                                            let failed = e.outcome.is_failure();
                                            view! {
                                                <tr data-testid="sign-in-event">
                                                    <td><time datetime=machine_time(e.at)>{format_time(e.at)}</time></td>
                                                    <td>
                                                        {e.device}
                                                        {e.new_device.then(|| view! { " " <span class="badge warn">"New device"</span> })}
                                                    </td>
                                                    <td>
                                                        {e.ip.unwrap_or_else(|| "—".into())}
                                                        {e.new_network.then(|| view! { " " <span class="badge warn">"New network"</span> })}
                                                    </td>
                                                    <td>
                                                        <span class="badge" class:danger=failed class:ok=!failed>
                                                            {e.outcome.label()}
                                                        </span>
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

/// Every time platform support opened the person's account: who, why, how and how long.
#[component]
fn SupportAccessHistory() -> impl IntoView {
    let history = resource(|| (), |_| list_support_access());
    view! {
        <section class="panel" aria-labelledby="support-access-title" data-testid="support-access">
            <h2 id="support-access-title">"Support access"</h2>
            <p class="muted">"When someone from platform support opened your account to help you, it is listed here with their reason."</p>
            {loaded(history, "Loading…", move |result| match result {
                Err(error) => view! { <ErrorView error /> }.into_any(),
                Ok(list) if list.is_empty() => view! { <p class="muted">"Nobody has."</p> }.into_any(),
                Ok(list) => {
                    view! {
                        <div class="table-wrap">
                            <table>
                                <thead>
                                    <tr>
                                        <th scope="col">"When"</th>
                                        <th scope="col">"Who"</th>
                                        <th scope="col">"Reason"</th>
                                        <th scope="col">"Access"</th>
                                        <th scope="col">"Until"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {list.into_iter().map(|a| {
                                        let until = match a.stopped_at {
                                            Some(at) => view! { <time datetime=machine_time(at)>{format_time(at)}</time> }.into_any(),
                                            None => view! { <span class="badge warn">"Now"</span> }.into_any(),
                                        };
                                        view! {
                                            <tr data-testid="support-access-entry">
                                                <td><time datetime=machine_time(a.started_at)>{format_time(a.started_at)}</time></td>
                                                <td>{a.by_name}</td>
                                                <td class="break">{a.reason}</td>
                                                <td>{if a.read_only { "Looked only" } else { "Could act for you" }}</td>
                                                <td>{until}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }.into_any()
                }
            })}
        </section>
    }
}
