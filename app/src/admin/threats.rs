//! `/admin/security`: what sign-in activity raised for the platform's operators — alerts to
//! acknowledge and resolve, the account locks and address blocks running now (lifted by
//! hand), and a form to block an address.

use std::time::Duration;

use leptos::prelude::*;
use shared::personas::Persona;
use shared::security::SecurityAlertView;
use shared::threats::{AlertStep, BLOCK_HOURS, NOTE_MAX, SignInLock, ThreatsConsole, WINDOW_HOURS};

use super::act_on_alert::ActOnAlert;
use super::block_address::BlockAddress;
use super::get_threats::get_threats;
use super::lift_lock::LiftLock;
use crate::components::errors::{ActionError, ErrorView};
use crate::components::layout::{AppShell, PageHeader, Place, Section};
use crate::components::loaded::{loaded, resource};
use crate::components::time::{format_time, machine_time, ticker};

pub const PATH: &str = "/admin/security";
/// How often the open page reads its figures again. Sign-in failures are counted, not
/// published: an attack makes thousands a minute, and one re-read every few seconds shows
/// them all without an event per attempt (as the health page reads the server's metrics).
const REFRESH: Duration = Duration::from_secs(5);

/// The actions of the page, shared by its parts.
#[derive(Clone, Copy)]
struct Actions {
    alert: ServerAction<ActOnAlert>,
    block: ServerAction<BlockAddress>,
    lift: ServerAction<LiftLock>,
}

#[component]
pub fn ThreatsPage() -> impl IntoView {
    let actions = Actions {
        alert: ServerAction::<ActOnAlert>::new(),
        block: ServerAction::<BlockAddress>::new(),
        lift: ServerAction::<LiftLock>::new(),
    };
    let tick = ticker(REFRESH);
    let page = resource(
        move || {
            (
                tick.get(),
                actions.alert.version().get(),
                actions.block.version().get(),
                actions.lift.version().get(),
            )
        },
        |_| get_threats(),
    );
    let error = Signal::derive(move || {
        actions
            .alert
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| actions.lift.value().get().and_then(Result::err))
    });
    let place = Place {
        persona: Some(Persona::SuperAdmin),
        slug: None,
        section: Section::Threats,
    };
    view! {
        <AppShell place crumbs=vec![("Security alerts".to_owned(), None)]>
            <PageHeader title="Security alerts" subtitle="Sign-in failures, locked accounts, blocked addresses and the alerts they raised — refreshed every five seconds." />
            <ActionError error />
            {loaded(page, "Loading…", move |result| match result {
                Err(error) => view! { <ErrorView error /> }.into_any(),
                Ok(console) => view! { <Threats console actions /> }.into_any(),
            })}
            <BlockForm block=actions.block />
        </AppShell>
    }
}

#[component]
fn Threats(console: ThreatsConsole, actions: Actions) -> impl IntoView {
    let counts = console.counts;
    let open = console.open;
    let resolved = console.resolved;
    view! {
        <div class="cards" data-testid="threat-counts">
            <section class="panel card" aria-labelledby="failures-card">
                <h2 id="failures-card">"Failed sign-ins"</h2>
                <p class="figure">{counts.failed_sign_ins}</p>
                <p class="muted small">{format!("last {WINDOW_HOURS} h")}</p>
            </section>
            <section class="panel card" aria-labelledby="lockouts-card">
                <h2 id="lockouts-card">"Lockouts"</h2>
                <p class="figure">{counts.lockouts}</p>
                <p class="muted small">{format!("last {WINDOW_HOURS} h")}</p>
            </section>
            <section class="panel card" aria-labelledby="raised-card">
                <h2 id="raised-card">"Alerts raised"</h2>
                <p class="figure">{counts.alerts_raised}</p>
                <p class="muted small">{format!("last {WINDOW_HOURS} h · {} open now", open.len())}</p>
            </section>
        </div>
        <section class="panel" aria-labelledby="open-alerts">
            <div class="panel-head">
                <h2 id="open-alerts">{format!("Open alerts ({})", open.len())}</h2>
                <a class="button" href="/api/v1/platform/security/alerts.csv" download="" data-testid="alerts-csv">"Download CSV"</a>
            </div>
            {if open.is_empty() {
                view! { <p class="muted" data-testid="no-open-alerts">"No open alert."</p> }.into_any()
            } else {
                view! { <AlertTable alerts=open actions testid="open-alerts" /> }.into_any()
            }}
        </section>
        <Locks locks=console.locks lift=actions.lift />
        {(!resolved.is_empty()).then(|| view! {
            <section class="panel" aria-labelledby="resolved-alerts">
                <h2 id="resolved-alerts">"Recently resolved"</h2>
                <AlertTable alerts=resolved actions testid="resolved-alerts" />
            </section>
        })}
    }
}

#[component]
fn AlertTable(
    alerts: Vec<SecurityAlertView>,
    actions: Actions,
    testid: &'static str,
) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table data-testid=testid>
                <thead>
                    <tr>
                        <th scope="col">"Alert"</th>
                        <th scope="col">"About"</th>
                        <th scope="col">"Seen"</th>
                        <th scope="col">"Last"</th>
                        <th scope="col">"State"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {alerts.into_iter().map(|alert| view! { <AlertRow alert actions /> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn AlertRow(alert: SecurityAlertView, actions: Actions) -> impl IntoView {
    let state = if alert.resolved_at.is_some() {
        "Resolved"
    } else if alert.acknowledged_at.is_some() {
        "Acknowledged"
    } else {
        "New"
    };
    let steps: Vec<(AlertStep, &'static str)> = match (alert.acknowledged_at, alert.resolved_at) {
        (_, Some(_)) => Vec::new(),
        (Some(_), None) => vec![(AlertStep::Resolve, "Resolve")],
        (None, None) => vec![
            (AlertStep::Acknowledge, "Acknowledge"),
            (AlertStep::Resolve, "Resolve"),
        ],
    };
    let id = alert.id.to_string();
    let subject = alert.subject.clone();
    view! {
        <tr data-subject=subject data-kind=alert.kind.as_str()>
            <td>
                <strong>{alert.kind.label()}</strong>
                <br />
                <span class="muted small">{alert.reason}</span>
            </td>
            <td class="break"><code>{alert.subject}</code></td>
            <td>{format!("{}×", alert.occurrences)}</td>
            <td class="nowrap"><time datetime=machine_time(alert.last_seen_at)>{format_time(alert.last_seen_at)}</time></td>
            <td><span class="badge" class:warn=state == "New" class:ok=state == "Resolved">{state}</span></td>
            <td class="row-actions">
                {steps.into_iter().map(|(step, label)| {
                    let id = id.clone();
                    view! {
                        <ActionForm action=actions.alert attr:class="inline-form">
                            <input type="hidden" name="id" value=id />
                            <input type="hidden" name="step" value=step.as_str() />
                            <button type="submit" class="button small" disabled=move || actions.alert.pending().get()>{label}</button>
                        </ActionForm>
                    }
                }).collect_view()}
            </td>
        </tr>
    }
}

#[component]
fn Locks(locks: Vec<SignInLock>, lift: ServerAction<LiftLock>) -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="locks-title">
            <h2 id="locks-title">"Locked accounts and blocked addresses"</h2>
            <p class="muted small">"A locked account cannot sign in until its lock ends; a blocked address cannot sign in to any account."</p>
            {if locks.is_empty() {
                view! { <p class="muted" data-testid="no-locks">"Nothing is locked or blocked."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table data-testid="locks">
                            <thead>
                                <tr>
                                    <th scope="col">"Locked"</th>
                                    <th scope="col">"Failures"</th>
                                    <th scope="col">"Until"</th>
                                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                </tr>
                            </thead>
                            <tbody>
                                {locks.into_iter().map(|lock| {
                                    let what = match lock.kind {
                                        shared::threats::LockKind::Account => "Account",
                                        shared::threats::LockKind::Address => "Address",
                                    };
                                    let subject = lock.subject.clone();
                                    view! {
                                        <tr data-subject=subject>
                                            <td>{what}" "<code class="break">{lock.subject.clone()}</code></td>
                                            <td>{if lock.failures == 0 { "blocked by an operator".to_owned() } else { lock.failures.to_string() }}</td>
                                            <td class="nowrap"><time datetime=machine_time(lock.until)>{format_time(lock.until)}</time></td>
                                            <td>
                                                <ActionForm action=lift attr:class="inline-form">
                                                    <input type="hidden" name="kind" value=lock.kind.as_str() />
                                                    <input type="hidden" name="subject" value=lock.subject />
                                                    <button type="submit" class="button small" disabled=move || lift.pending().get()>"Lift"</button>
                                                </ActionForm>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}

/// Blocks sign-ins from one address for a chosen time, with a note for the audit log.
#[component]
fn BlockForm(block: ServerAction<BlockAddress>) -> impl IntoView {
    let error = Signal::derive(move || block.value().get().and_then(Result::err));
    let invalid = move |field: &'static str| {
        move || {
            error
                .get()
                .is_some_and(|e| e.field() == Some(field))
                .to_string()
        }
    };
    view! {
        <section class="panel" aria-labelledby="block-title" data-testid="block-address">
            <h2 id="block-title">"Block an address"</h2>
            <ActionForm action=block attr:class="stack narrow-form" attr:novalidate="true">
                <div class="field">
                    <label for="block-address">"IP address"</label>
                    <input id="block-address" name="address" required autocomplete="off" placeholder="203.0.113.7" aria-invalid=invalid("address") />
                </div>
                <div class="field">
                    <label for="block-hours">"For"</label>
                    <select id="block-hours" name="hours">
                        {BLOCK_HOURS.iter().map(|h| {
                            let label = match h {
                                1 => "An hour".to_owned(),
                                24 => "A day".to_owned(),
                                168 => "A week".to_owned(),
                                h => format!("{} days", h / 24),
                            };
                            view! { <option value=h.to_string() selected=*h == 24>{label}</option> }
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="block-note">"Note (optional)"</label>
                    <input id="block-note" name="note" maxlength=NOTE_MAX aria-invalid=invalid("note") />
                </div>
                <ActionError error />
                <button type="submit" class="button primary" disabled=move || block.pending().get()>"Block sign-ins from it"</button>
            </ActionForm>
        </section>
    }
}
