//! `/admin/users`: every account on the platform for its super admins — searched and
//! filtered by a plain GET form (each search has an address and works without JavaScript),
//! paged after the last person shown, and acted on in bulk: the ticked people, or everyone
//! the search matches, after a confirmation that states the count.

pub mod bulk_people;
pub mod end_impersonation;
pub mod get_people;
pub mod get_person;
pub mod start_impersonation;

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use shared::people::{
    BULK_PERSONAS, BulkAction, BulkChange, BulkOutcome, BulkResult, PersonDetail, SEARCH_MAX,
    SignInFilter, USAGE_DAYS, UserForm, UserListing, UserSort, UsersPage,
};
use shared::permissions::Role;
use shared::personas::Persona;
use shared::platform::UserStatus;
use shared::validation::search_link;

use crate::components::errors::{ActionError, ErrorView};
use crate::components::forms::Choice;
use crate::components::layout::{AppShell, PageHeader, Place, Section};
use crate::components::loaded::{loaded, resource};
use crate::components::time::{format_date, format_time, machine_time};
use bulk_people::BulkPeople;
use get_people::get_people;
use get_person::get_person;
use shared::impersonation::{DURATIONS, REASON_MAX, REASON_MIN};
use start_impersonation::StartImpersonation;

pub const PATH: &str = "/admin/users";
/// Where a search's CSV downloads from (the same query string).
const CSV_PATH: &str = "/api/v1/platform/users.csv";

/// The search form as the address gives it.
fn form_from_address() -> Memo<UserForm> {
    let query = use_query_map();
    Memo::new(move |_| {
        let query = query.read();
        let field = |name: &str| query.get(name).unwrap_or_default();
        UserForm {
            q: field("q"),
            persona: field("persona"),
            status: field("status"),
            tenant: field("tenant"),
            role: field("role"),
            signed_in: field("signed_in"),
            two_factor: field("two_factor"),
            sort: field("sort"),
            after: field("after"),
        }
    })
}

/// A bulk action waiting for its confirmation.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Pending {
    change: BulkChange,
    /// The ticked people, or none for everyone the search matches.
    ids: Vec<String>,
    count: u64,
}

#[component]
pub fn PeoplePage() -> impl IntoView {
    let form = form_from_address();
    let bulk = ServerAction::<BulkPeople>::new();
    let page = resource(
        move || (form.get(), bulk.version().get()),
        |(form, _)| get_people(form),
    );
    let place = Place {
        persona: Some(Persona::SuperAdmin),
        slug: None,
        section: Section::People,
    };
    view! {
        <AppShell place crumbs=vec![("Users".to_owned(), None)]>
            <PageHeader title="Users" subtitle="Every account on the platform: find people, then activate, deactivate, sign out, give a persona or change a role, one by one or in bulk." />
            <Filters form />
            <BulkOutcomeView bulk />
            {loaded(page, "Searching…", move |result| match result {
                Err(error) => view! { <ErrorView error /> }.into_any(),
                Ok(page) => view! { <People page form=form.get_untracked() bulk /> }.into_any(),
            })}
        </AppShell>
    }
}

#[component]
fn Filters(form: Memo<UserForm>) -> impl IntoView {
    let field = move |pick: fn(&UserForm) -> &String| {
        Signal::derive(move || form.with(|f| pick(f).clone()))
    };
    let all = |values: &[(&'static str, &'static str)]| values.to_vec();
    view! {
        <form class="panel search-form people-search" method="get" action=PATH role="search">
            <div class="field">
                <label for="people-q">"Email or name"</label>
                <input id="people-q" type="search" name="q" maxlength=SEARCH_MAX.to_string() value=field(|f| &f.q) placeholder="ann@, Smith…" />
            </div>
            <Choice id="people-persona" label="Persona" name="persona" any="Any"
                options=Persona::ALL.iter().map(|p| (p.as_str(), p.label())).collect() current=field(|f| &f.persona) />
            <Choice id="people-status" label="Status" name="status" any="Any"
                options=all(&[("active", "Active"), ("disabled", "Deactivated")]) current=field(|f| &f.status) />
            <div class="field">
                <label for="people-tenant">"Workspace address"</label>
                <input id="people-tenant" type="text" name="tenant" value=field(|f| &f.tenant) placeholder="any" autocomplete="off" />
            </div>
            <Choice id="people-role" label="Role" name="role" any="Any"
                options=Role::ALL.iter().map(|r| (r.as_str(), r.label())).collect() current=field(|f| &f.role) />
            <Choice id="people-signed-in" label="Last sign-in" name="signed_in" any="Any time"
                options=SignInFilter::ALL.iter().map(|s| (s.as_str(), s.label())).collect() current=field(|f| &f.signed_in) />
            <Choice id="people-2fa" label="Two-step sign-in" name="two_factor" any="Either"
                options=all(&[("on", "On"), ("off", "Off")]) current=field(|f| &f.two_factor) />
            <Choice id="people-sort" label="Order" name="sort"
                options=UserSort::ALL.iter().map(|s| (s.as_str(), s.label())).collect() current=field(|f| &f.sort) />
            <button type="submit" class="button primary">"Search"</button>
            <a class="button" href=PATH>"Clear"</a>
        </form>
    }
}

#[component]
fn People(page: UsersPage, form: UserForm, bulk: ServerAction<BulkPeople>) -> impl IntoView {
    let selected = RwSignal::new(Vec::<String>::new());
    let action = RwSignal::new(BulkAction::Deactivate.as_str().to_owned());
    let persona = RwSignal::new(BULK_PERSONAS[0].as_str().to_owned());
    let role = RwSignal::new(Role::Viewer.as_str().to_owned());
    let pending = RwSignal::new(None::<Pending>);
    let total = page.total;
    let on_page: Vec<String> = page.people.iter().map(|p| p.id.to_string()).collect();
    let query = page.query.to_query_string();
    let next = page
        .next
        .map(|after| search_link(PATH, &query, Some(("after", after.to_string()))));
    let shown = page.people.len();
    let csv = search_link(CSV_PATH, &query, None);
    // The same parse the server makes: the buttons wait until the choice is complete.
    let search = page.query.clone();
    let chosen = Memo::new(move |_| {
        BulkChange::parse(&action.read(), &persona.read(), &role.read(), &search)
    });
    let incomplete = move || chosen.with(Result::is_err);
    let kind = move || action.get().parse::<BulkAction>().ok();
    let ask = move |ids: Vec<String>, count: u64| {
        if let Ok(change) = chosen.get() {
            pending.set(Some(Pending { change, ids, count }));
        }
    };
    let all_ticked = {
        let on_page = on_page.clone();
        move || !on_page.is_empty() && on_page.iter().all(|id| selected.read().contains(id))
    };
    let toggle_all = {
        let on_page = on_page.clone();
        move |_| {
            if selected.read().len() == on_page.len() {
                selected.set(Vec::new());
            } else {
                selected.set(on_page.clone());
            }
        }
    };
    let table = if page.people.is_empty() {
        view! { <p class="muted" data-testid="no-people">"Nobody matches this search."</p> }
            .into_any()
    } else {
        view! {
            <div class="table-wrap">
                <table class="compact people-table" data-testid="people">
                    <thead>
                        <tr>
                            <th scope="col">
                                <input type="checkbox" aria-label="Select everyone on this page" prop:checked=all_ticked on:change=toggle_all />
                            </th>
                            <th scope="col">"Person"</th>
                            <th scope="col">"Personas"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col">"Workspaces"</th>
                            <th scope="col">"Two-step"</th>
                            <th scope="col">"Last sign-in"</th>
                            <th scope="col">"Joined"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {page.people.into_iter().map(|person| view! { <Row person selected /> }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
        .into_any()
    };
    let form_for_confirm = form.clone();
    view! {
        <section class="panel" aria-labelledby="people-results">
            <div class="panel-head">
                <h2 id="people-results" data-testid="people-total">
                    {format!("{total} {} match", if total == 1 { "person" } else { "people" })}
                    {page.query.after.map(|_| format!(" (showing {shown} after the first page)"))}
                </h2>
                <a class="button" href=csv download="" data-testid="people-csv">"Download CSV"</a>
            </div>
            <div class="bulk-bar" role="group" aria-label="Bulk actions">
                <label for="bulk-action">"With the people chosen:"</label>
                <select id="bulk-action" prop:value=move || action.get() on:change=move |ev| action.set(event_target_value(&ev))>
                    {BulkAction::ALL.iter().map(|a| view! { <option value=a.as_str()>{a.label()}</option> }).collect_view()}
                </select>
                <span hidden=move || !matches!(kind(), Some(BulkAction::GrantPersona | BulkAction::RemovePersona))>
                    <label for="bulk-persona" class="visually-hidden">"Which persona"</label>
                    <select id="bulk-persona" prop:value=move || persona.get() on:change=move |ev| persona.set(event_target_value(&ev))>
                        {BULK_PERSONAS.iter().map(|p| view! { <option value=p.as_str()>{p.label()}</option> }).collect_view()}
                    </select>
                </span>
                <span hidden=move || kind() != Some(BulkAction::ChangeRole)>
                    <label for="bulk-role">"New role"</label>
                    <select id="bulk-role" prop:value=move || role.get() on:change=move |ev| role.set(event_target_value(&ev))>
                        {Role::ALL.iter().map(|r| view! { <option value=r.as_str()>{r.label()}</option> }).collect_view()}
                    </select>
                </span>
                <button type="button" class="button" disabled=move || selected.read().is_empty() || incomplete()
                    on:click=move |_| { let ids = selected.get(); let n = ids.len() as u64; ask(ids, n); }>
                    {move || format!("Apply to {} selected", selected.read().len())}
                </button>
                <button type="button" class="button" disabled=move || total == 0 || incomplete() on:click=move |_| ask(Vec::new(), total)>
                    {format!("Apply to all {total} matching")}
                </button>
            </div>
            {move || chosen.get().err().map(|err| view! { <p class="muted small" role="status" data-testid="bulk-hint">{err.reason}</p> })}
            {move || pending.get().map(|p| view! { <Confirm pending=p form=form_for_confirm.clone() bulk on_done=move || { pending.set(None); selected.set(Vec::new()); } /> })}
            {table}
            {next.map(|href| view! { <p><a href=href rel="next" data-testid="people-next">"Next page →"</a></p> })}
        </section>
    }
}

#[component]
fn Row(person: UserListing, selected: RwSignal<Vec<String>>) -> impl IntoView {
    let id = person.id.to_string();
    let check_id = id.clone();
    let personas = person
        .personas
        .iter()
        .map(Persona::label)
        .collect::<Vec<_>>()
        .join(", ");
    let active = person.status == UserStatus::Active;
    let label = format!("Select {}", person.email);
    view! {
        <tr data-email=person.email.clone()>
            <td>
                <input type="checkbox" aria-label=label
                    prop:checked=move || selected.read().contains(&check_id)
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        selected.update(|ids| {
                            ids.retain(|x| *x != id);
                            if on { ids.push(id.clone()); }
                        });
                    } />
            </td>
            <td>
                <a href=format!("{PATH}/{}", person.id)><strong>{person.name.clone()}</strong></a>
                <br />
                <span class="muted small">{person.email.clone()}</span>
            </td>
            <td>{if personas.is_empty() { "—".to_owned() } else { personas }}</td>
            <td>
                <span class="badge" class:ok=active class:warn=!active>{if active { "active" } else { "deactivated" }}</span>
            </td>
            <td>{person.workspaces}</td>
            <td>{if person.two_factor { "On" } else { "Off" }}</td>
            <td>
                {match person.last_sign_in_at {
                    Some(at) => view! { <time datetime=machine_time(at)>{format_time(at)}</time> }.into_any(),
                    None => view! { <span class="muted">"Never"</span> }.into_any(),
                }}
            </td>
            <td>{format_date(person.created_at)}</td>
        </tr>
    }
}

/// States what is about to happen, and to how many people, before anything does.
#[component]
fn Confirm(
    pending: Pending,
    form: UserForm,
    bulk: ServerAction<BulkPeople>,
    on_done: impl Fn() + Clone + Send + Sync + 'static,
) -> impl IntoView {
    let Pending { change, ids, count } = pending;
    let whom = if ids.is_empty() {
        format!(
            "all {count} {} this search matches",
            if count == 1 { "person" } else { "people" }
        )
    } else {
        format!(
            "the {count} {} you selected",
            if count == 1 { "person" } else { "people" }
        )
    };
    let question = change.question(&whom);
    let harsh = change.harsh();
    let consequence = change.consequence();
    let button = format!("{} {count}", change.verb());
    let (bulk_persona, bulk_role) = match &change {
        BulkChange::GrantPersona(p) | BulkChange::RemovePersona(p) => (p.as_str(), ""),
        BulkChange::ChangeRole { role, .. } => ("", role.as_str()),
        _ => ("", ""),
    };
    let action = change.action();
    let cancel = on_done.clone();
    let confirm = move |_| {
        bulk.dispatch(BulkPeople {
            form: UserForm {
                after: String::new(),
                ..form.clone()
            },
            ids: ids.join(","),
            expected: count.to_string(),
            action: action.as_str().to_owned(),
            bulk_persona: bulk_persona.to_owned(),
            bulk_role: bulk_role.to_owned(),
        });
        on_done();
    };
    view! {
        <div class="confirm panel" role="alertdialog" aria-labelledby="bulk-question" aria-describedby="bulk-consequence" data-testid="bulk-confirm">
            <h3 id="bulk-question">{question}</h3>
            <p id="bulk-consequence">{consequence}</p>
            <div class="actions">
                <button type="button" class="button" class:primary=!harsh class:danger=harsh on:click=confirm>
                    {button}
                </button>
                <button type="button" class="button" on:click=move |_| cancel()>"Cancel"</button>
            </div>
        </div>
    }
}

/// The last bulk action's outcome: its counts, and a line per person.
#[component]
fn BulkOutcomeView(bulk: ServerAction<BulkPeople>) -> impl IntoView {
    let error = Signal::derive(move || bulk.value().get().and_then(Result::err));
    let result = move || bulk.value().get().and_then(Result::ok);
    view! {
        <ActionError error />
        <p class="muted" aria-live="polite" hidden=move || !bulk.pending().get()>"Working…"</p>
        {move || result().map(|result| view! { <BulkSummary result /> })}
    }
}

#[component]
fn BulkSummary(result: BulkResult) -> impl IntoView {
    let listed = result.lines.len() as u64;
    let more = result.total().saturating_sub(listed);
    view! {
        <section class="panel" aria-labelledby="bulk-result" data-testid="bulk-result">
            <h2 id="bulk-result">{format!("{}: done", result.change.title())}</h2>
            <p role="status">
                {format!(
                    "{} changed · {} unchanged · {} skipped",
                    result.changed, result.unchanged, result.skipped
                )}
            </p>
            <div class="table-wrap">
                <table class="compact">
                    <thead>
                        <tr>
                            <th scope="col">"Person"</th>
                            <th scope="col">"Result"</th>
                            <th scope="col">"Note"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {result.lines.into_iter().map(|line| {
                            let (label, ok) = match line.outcome {
                                BulkOutcome::Changed => ("changed", true),
                                BulkOutcome::Unchanged => ("unchanged", true),
                                BulkOutcome::Skipped => ("skipped", false),
                            };
                            let email = line.email.clone();
                            view! {
                                <tr data-email=email>
                                    <td>{line.email}</td>
                                    <td><span class="badge" class:ok=ok class:warn=!ok>{label}</span></td>
                                    <td>{line.note}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {(more > 0).then(|| view! { <p class="muted small">{format!("…and {more} more, each in the audit log.")}</p> })}
        </section>
    }
}

/// `/admin/users/:id`: one person — where they belong, where they are signed in, and the
/// newest audit entries naming them.
#[component]
pub fn PersonPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let detail = resource(move || id.get(), get_person);
    let place = Place {
        persona: Some(Persona::SuperAdmin),
        slug: None,
        section: Section::People,
    };
    view! {
        <AppShell place crumbs=vec![("Users".to_owned(), Some(PATH.to_owned())), ("Person".to_owned(), None)]>
            {loaded(detail, "Loading…", move |result| match result {
                Err(error) => view! { <PageHeader title="Person" /> <ErrorView error /> }.into_any(),
                Ok(detail) => view! {
                    <PageHeader title=detail.person.name.clone() subtitle="Their workspaces, sessions and recent activity." />
                    <Person detail />
                }.into_any(),
            })}
        </AppShell>
    }
}

#[component]
fn Person(detail: PersonDetail) -> impl IntoView {
    let person = detail.person;
    let active = person.status == UserStatus::Active;
    let personas = person
        .personas
        .iter()
        .map(Persona::label)
        .collect::<Vec<_>>()
        .join(", ");
    let audit_link = format!(
        "{}?{}",
        crate::audit::PLATFORM_PATH,
        shared::validation::query_string(vec![("q", person.email.clone())])
    );
    view! {
        <div class="cards">
            <section class="panel card" aria-labelledby="person-facts">
                <h2 id="person-facts">"Account"</h2>
                <dl class="facts" data-testid="person-facts">
                    <dt>"Email"</dt>
                    <dd>{person.email.clone()}</dd>
                    <dt>"Status"</dt>
                    <dd><span class="badge" class:ok=active class:warn=!active>{if active { "active" } else { "deactivated" }}</span></dd>
                    <dt>"Personas"</dt>
                    <dd>{if personas.is_empty() { "—".to_owned() } else { personas }}</dd>
                    <dt>"Two-step sign-in"</dt>
                    <dd>{if person.two_factor { "On" } else { "Off" }}</dd>
                    <dt>"Last sign-in"</dt>
                    <dd>{person.last_sign_in_at.map_or_else(|| "Never".to_owned(), format_time)}</dd>
                    <dt>"Joined"</dt>
                    <dd>{format_date(person.created_at)}</dd>
                </dl>
            </section>
            <section class="panel card" aria-labelledby="person-workspaces">
                <h2 id="person-workspaces">"Workspaces"</h2>
                {if detail.workspaces.is_empty() {
                    view! { <p class="muted">"None."</p> }.into_any()
                } else {
                    view! {
                        <ul class="plain" data-testid="person-workspaces">
                            {detail.workspaces.into_iter().map(|w| view! {
                                <li>{format!("{} ({}) — {}", w.tenant.name, w.tenant.slug, w.role.label())}</li>
                            }).collect_view()}
                        </ul>
                    }.into_any()
                }}
            </section>
        </div>
        {(active && !person.personas.contains(Persona::SuperAdmin))
            .then(|| view! { <Impersonate id=person.id.to_string() name=person.name.clone() /> })}
        <section class="panel" aria-labelledby="person-sessions">
            <h2 id="person-sessions">"Signed in now"</h2>
            {if detail.sessions.is_empty() {
                view! { <p class="muted" data-testid="person-no-sessions">"No open session."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="compact" data-testid="person-sessions">
                            <thead>
                                <tr>
                                    <th scope="col">"Device"</th>
                                    <th scope="col">"Address"</th>
                                    <th scope="col">"Signed in"</th>
                                    <th scope="col">"Last seen"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {detail.sessions.into_iter().map(|s| view! {
                                    <tr>
                                        <td>{s.device}</td>
                                        <td>{s.ip.unwrap_or_else(|| "—".to_owned())}</td>
                                        <td><time datetime=machine_time(s.created_at)>{format_time(s.created_at)}</time></td>
                                        <td><time datetime=machine_time(s.last_seen_at)>{format_time(s.last_seen_at)}</time></td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
        <section class="panel" aria-labelledby="person-usage">
            <h2 id="person-usage">{format!("Usage, last {USAGE_DAYS} days")}</h2>
            {if detail.usage.is_empty() {
                view! { <p class="muted" data-testid="person-no-usage">"Nothing used in any workspace."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="compact" data-testid="person-usage">
                            <thead>
                                <tr>
                                    <th scope="col">"Workspace"</th>
                                    <th scope="col">"What"</th>
                                    <th scope="col" class="number">"Used"</th>
                                    <th scope="col" class="number">"Provider cost"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {detail.usage.into_iter().map(|u| {
                                    let key = format!("{}:{}", u.slug, u.metric);
                                    view! {
                                        <tr data-usage=key>
                                            <td>{format!("{} ({})", u.workspace, u.slug)}</td>
                                            <td>{u.metric.label()}</td>
                                            <td class="number">{u.quantity.to_string()}</td>
                                            <td class="number">{u.cost.format()}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
        <section class="panel" aria-labelledby="person-activity">
            <div class="panel-head">
                <h2 id="person-activity">"Recent activity"</h2>
                <a class="button" href=audit_link>"All in the audit log"</a>
            </div>
            {if detail.activity.is_empty() {
                view! { <p class="muted">"Nothing recorded yet."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="compact audit-table" data-testid="person-activity">
                            <thead>
                                <tr>
                                    <th scope="col">"When"</th>
                                    <th scope="col">"Who"</th>
                                    <th scope="col">"Action"</th>
                                    <th scope="col">"Workspace"</th>
                                    <th scope="col">"From"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {detail.activity.into_iter().map(|entry| {
                                    let action = entry.action.clone();
                                    view! {
                                    <tr data-action=action>
                                        <td class="nowrap"><time datetime=machine_time(entry.at)>{format_time(entry.at)}</time></td>
                                        <td class="break">
                                            {entry.actor.unwrap_or_else(|| "—".to_owned())}
                                            {entry.on_behalf_of.map(|person| view! {
                                                <br /><span class="muted small">{format!("on behalf of {person}")}</span>
                                            })}
                                        </td>
                                        <td><code>{entry.action}</code></td>
                                        <td>{entry.tenant.map_or_else(|| "—".to_owned(), |t| t.name.to_string())}</td>
                                        <td>{entry.ip.unwrap_or_else(|| "—".to_owned())}</td>
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

/// See the platform as this person sees it, to help them: with a reason they will read, for a
/// chosen time, read-only unless unticked. The page then reloads as them, under a banner.
#[component]
fn Impersonate(id: String, name: String) -> impl IntoView {
    let start = ServerAction::<StartImpersonation>::new();
    let error = Signal::derive(move || start.value().get().and_then(Result::err));
    Effect::new(move |_| {
        if let Some(Ok(path)) = start.value().get() {
            crate::auth::navigate_hard(&path);
        }
    });
    view! {
        <details class="panel" data-testid="impersonate">
            <summary>{format!("Impersonate {name}")}</summary>
            <p class="muted">
                "See Atrium exactly as they do, to help them. They are told, and every action is recorded in both your names. It needs a recent confirmation of who you are (signing in counts)."
            </p>
            <ActionForm action=start attr:class="stack narrow-form" attr:novalidate="true">
                <input type="hidden" name="id" value=id />
                <div class="field">
                    <label for="impersonate-reason">"Reason (they will read it)"</label>
                    <textarea id="impersonate-reason" name="reason" rows="3" required
                        minlength=REASON_MIN maxlength=REASON_MAX
                        aria-invalid=move || error.get().is_some_and(|e| e.field() == Some("reason")).to_string()></textarea>
                </div>
                <div class="field">
                    <label for="impersonate-minutes">"For"</label>
                    <select id="impersonate-minutes" name="minutes">
                        {DURATIONS.iter().map(|m| view! {
                            <option value=m.to_string() selected=*m == 30>{format!("{m} minutes")}</option>
                        }).collect_view()}
                    </select>
                </div>
                <label class="check">
                    <input type="checkbox" name="read_only" value="on" checked />
                    " Read-only: look, change nothing"
                </label>
                <ActionError error />
                <button type="submit" class="button primary" disabled=move || start.pending().get()>"Start impersonating"</button>
            </ActionForm>
        </details>
    }
}
