//! API keys: your own provider keys (Groq, Deepgram, Twilio, others) in this workspace,
//! checked for their provider's format, sealed at rest, shown only by their last four.

pub mod add_vault_key;
pub mod delete_vault_key;
pub mod get_vault;
pub mod rotate_vault_key;

use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_params_map;
use shared::personas::Persona;
use shared::vault::{Provider, VaultKeyView, VaultPage};

use crate::components::errors::{ActionError, ErrorView};
use crate::components::layout::{AppShell, PageHeader, Place, Section};
use crate::components::loaded::{loaded, resource};
use crate::components::time::{format_time, machine_time};
use crate::workspaces::is_wrong_prefix;
use add_vault_key::AddVaultKey;
use delete_vault_key::DeleteVaultKey;
use get_vault::get_vault;
use rotate_vault_key::RotateVaultKey;

pub fn vault_path(persona: Persona, slug: &str) -> String {
    format!("{}/{slug}/api-keys", persona.url_prefix())
}

#[component]
pub fn VaultPageView() -> impl IntoView {
    crate::workspaces::by_area(|persona| view! { <VaultFor persona /> }.into_any())
}

#[derive(Clone, Copy)]
struct Actions {
    add: ServerAction<AddVaultKey>,
    rotate: ServerAction<RotateVaultKey>,
    delete: ServerAction<DeleteVaultKey>,
}

#[component]
fn VaultFor(persona: Persona) -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.read().get("slug").unwrap_or_default());
    let actions = Actions {
        add: ServerAction::<AddVaultKey>::new(),
        rotate: ServerAction::<RotateVaultKey>::new(),
        delete: ServerAction::<DeleteVaultKey>::new(),
    };
    let page = resource(
        move || {
            (
                slug.get(),
                actions.add.version().get(),
                actions.rotate.version().get(),
                actions.delete.version().get(),
            )
        },
        |(slug, ..)| get_vault(slug),
    );
    let place = Signal::derive(move || Place {
        persona: Some(persona),
        slug: Some(slug.get()),
        section: Section::Vault,
    });
    view! {
        <AppShell place crumbs=vec![("API keys".to_owned(), None)]>
            <PageHeader title="API keys" subtitle="Your own provider keys: services you run here use them instead of the platform's." />
            {loaded(page, "Loading your keys…", move |result| match result {
                Err(error) => view! { <ErrorView error /> }.into_any(),
                Ok(page) if is_wrong_prefix(&page.tenant, &slug.get(), persona) => {
                    view! { <Redirect path=vault_path(page.tenant.variant.persona(), page.tenant.slug.as_str()) /> }.into_any()
                }
                Ok(page) => view! { <Body page actions /> }.into_any(),
            })}
        </AppShell>
    }
}

#[component]
fn Body(page: VaultPage, actions: Actions) -> impl IntoView {
    let error = Signal::derive(move || {
        actions
            .add
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| actions.rotate.value().get().and_then(Result::err))
            .or_else(|| actions.delete.value().get().and_then(Result::err))
    });
    let notice = Signal::derive(move || {
        if actions.add.value().get().is_some_and(|r| r.is_ok()) {
            Some("Key saved. Only its last four characters are shown from now on.")
        } else if actions.rotate.value().get().is_some_and(|r| r.is_ok()) {
            Some("Key rotated.")
        } else if actions.delete.value().get().is_some_and(|r| r.is_ok()) {
            Some("Key deleted.")
        } else {
            None
        }
    });
    let slug = page.tenant.slug.to_string();
    let keys = if page.keys.is_empty() {
        view! { <p class="muted">"No keys yet: services use the platform's own."</p> }.into_any()
    } else {
        let slug = slug.clone();
        view! {
            <div class="table-wrap">
                <table class="cards-on-phone" data-testid="vault-keys">
                    <thead>
                        <tr>
                            <th scope="col">"Name"</th>
                            <th scope="col">"Provider"</th>
                            <th scope="col">"Key"</th>
                            <th scope="col">"Added"</th>
                            <th scope="col">"Last used"</th>
                            <th scope="col">"Rotate or delete"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {page.keys.into_iter().map(|key| view! { <KeyRow key slug=slug.clone() actions /> }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <ActionError error />
        <Show when=move || notice.get().is_some()>
            <p class="notice ok" role="status">{move || notice.get().unwrap_or_default()}</p>
        </Show>
        <section class="panel" aria-labelledby="keys-title">
            <h2 id="keys-title">"Your keys"</h2>
            {keys}
        </section>
        <section class="panel" aria-labelledby="add-key-title">
            <h2 id="add-key-title">"Add a key"</h2>
            <ActionForm action=actions.add attr:class="stack" attr:data-testid="add-key">
                <input type="hidden" name="slug" value=slug />
                <label for="key-provider">"Provider"</label>
                <select id="key-provider" name="provider">
                    {Provider::ALL.iter().map(|p| view! { <option value=p.as_str()>{p.label()}</option> }).collect_view()}
                </select>
                <label for="key-label">"Name"</label>
                <input id="key-label" name="label" required maxlength="80" placeholder="Production" />
                <label for="key-secret">"Key"</label>
                <input id="key-secret" name="secret" type="password" required autocomplete="off" spellcheck="false" aria-describedby="key-hint" />
                <p class="muted small" id="key-hint">
                    {Provider::ALL.iter().map(|p| format!("{}: {}.", p.label(), p.format_hint())).collect::<Vec<_>>().join(" ")}
                </p>
                <button type="submit" class="button primary">"Save key"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn KeyRow(key: VaultKeyView, slug: String, actions: Actions) -> impl IntoView {
    let id = key.id.to_string();
    let (rotate_slug, rotate_id) = (slug.clone(), id.clone());
    let field = format!("rotate-{id}");
    let field_label = field.clone();
    let rotate_label = format!("New key for {}", key.label);
    let delete_label = format!("Delete {}", key.label);
    let used = key.last_used_at.map_or_else(
        || view! { <span class="muted">"never"</span> }.into_any(),
        |at| view! { <time datetime=machine_time(at)>{format_time(at)}</time> }.into_any(),
    );
    let rotated = key
        .rotated_at
        .map(|at| format!(" · rotated {}", format_time(at)));
    view! {
        <tr data-key=key.label.to_string()>
            <td class="card-title">{key.label.to_string()}</td>
            <td data-label="Provider">{key.provider.label()}</td>
            <td data-label="Key"><code data-testid="masked-key">{key.masked()}</code></td>
            <td data-label="Added"><time datetime=machine_time(key.created_at)>{format_time(key.created_at)}</time>{rotated}</td>
            <td data-label="Last used">{used}</td>
            <td>
                <div class="quick-actions">
                    <ActionForm action=actions.rotate attr:class="inline-form">
                        <input type="hidden" name="slug" value=rotate_slug />
                        <input type="hidden" name="id" value=rotate_id />
                        <label class="visually-hidden" for=field_label>{rotate_label}</label>
                        <input id=field name="secret" type="password" required autocomplete="off" spellcheck="false" placeholder="New key" />
                        <button type="submit" class="button small">"Rotate"</button>
                    </ActionForm>
                    <ActionForm action=actions.delete attr:class="inline-form">
                        <input type="hidden" name="slug" value=slug />
                        <input type="hidden" name="id" value=id />
                        <button type="submit" class="button small danger" aria-label=delete_label>"Delete"</button>
                    </ActionForm>
                </div>
            </td>
        </tr>
    }
}
