//! Process templates: the built-ins and the workspace's own, with the definition editor.

pub mod create_template;
pub mod duplicate_template;
pub mod get_template;
pub mod get_templates;
pub mod update_template;

use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_navigate, use_params_map};
use shared::ids::TemplateId;
use shared::live::Topic;
use shared::permissions::Permission;
use shared::personas::Persona;
use shared::process::{TemplateDetail, TemplatesPage as Page};

use crate::components::errors::{ActionError, ErrorView};
use crate::components::layout::{AppShell, PageHeader, Place, Section};
use crate::components::loaded::{loaded, resource};
use crate::components::time::format_time;
use crate::live::watch;
use crate::workspaces::is_wrong_prefix;
use create_template::CreateTemplate;
use duplicate_template::DuplicateTemplate;
use get_template::get_template;
use get_templates::get_templates;
use update_template::UpdateTemplate;

pub fn templates_path(persona: Persona, slug: &str) -> String {
    format!("{}/{slug}/templates", persona.url_prefix())
}

fn template_path(persona: Persona, slug: &str, id: TemplateId) -> String {
    format!("{}/{id}", templates_path(persona, slug))
}

/// What the editor starts a new template from.
const STARTER: &str = r#"{
  "phases": [
    {
      "key": "P0",
      "name": "Intake",
      "schema": {
        "type": "object",
        "properties": {
          "client": { "type": "string", "title": "Client", "maxLength": 120 },
          "budget": { "type": "integer", "title": "Budget", "minimum": 0 }
        },
        "required": ["client"]
      },
      "steps": [
        { "key": "check", "name": "Intake complete", "kind": "check_data" },
        { "key": "hand-off", "name": "Send to n8n", "kind": "webhook", "url": "https://n8n.example.com/webhook/intake", "timeout_secs": 10, "max_attempts": 5 },
        { "key": "approve", "name": "Approved", "kind": "approval" }
      ]
    }
  ]
}"#;

/// The templates page, under either workspace prefix.
#[component]
pub fn TemplatesPage() -> impl IntoView {
    crate::workspaces::by_area(|persona| view! { <TemplatesFor persona /> }.into_any())
}

#[component]
fn TemplatesFor(persona: Persona) -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.read().get("slug").unwrap_or_default());
    let version = watch(slug.into(), &[Topic::Sessions]);
    let create = ServerAction::<CreateTemplate>::new();
    let duplicate = ServerAction::<DuplicateTemplate>::new();
    let page = resource(
        move || {
            (
                slug.get(),
                version.get(),
                create.version().get(),
                duplicate.version().get(),
            )
        },
        |(slug, ..)| get_templates(slug),
    );
    let navigate = use_navigate();
    Effect::new(move || {
        let made = create
            .value()
            .get()
            .and_then(Result::ok)
            .or_else(|| duplicate.value().get().and_then(Result::ok));
        if let Some(id) = made {
            navigate(
                &template_path(persona, &slug.get_untracked(), id),
                Default::default(),
            );
        }
    });
    let place = Signal::derive(move || Place {
        persona: Some(persona),
        slug: Some(slug.get()),
        section: Section::Templates,
    });
    view! {
        <AppShell place crumbs=vec![("Templates".to_owned(), None)]>
            <PageHeader title="Process templates" subtitle="The phases a session goes through, the data each collects and the steps that run." />
            {loaded(page, "Loading templates…", move |result| match result {
                Err(error) => view! { <ErrorView error /> }.into_any(),
                Ok(page) if is_wrong_prefix(&page.tenant, &slug.get(), persona) => {
                    view! { <Redirect path=templates_path(page.tenant.variant.persona(), page.tenant.slug.as_str()) /> }.into_any()
                }
                Ok(page) => view! { <TemplatesBody page persona create duplicate /> }.into_any(),
            })}
        </AppShell>
    }
}

#[component]
fn TemplatesBody(
    page: Page,
    persona: Persona,
    create: ServerAction<CreateTemplate>,
    duplicate: ServerAction<DuplicateTemplate>,
) -> impl IntoView {
    let slug = page.tenant.slug.to_string();
    let can_manage = page.my_role.can(Permission::TemplatesManage);
    let create_error = Signal::derive(move || create.value().get().and_then(Result::err));
    let duplicate_error = Signal::derive(move || duplicate.value().get().and_then(Result::err));
    view! {
        <section class="panel" aria-labelledby="templates-title">
            <h2 id="templates-title">{format!("{} templates", page.templates.len())}</h2>
            <ActionError error=duplicate_error />
            <div class="table-wrap">
                <table data-testid="templates">
                    <thead><tr><th scope="col">"Name"</th><th scope="col">"Version"</th><th scope="col">"Updated"</th>{can_manage.then(|| view! { <th scope="col"><span class="visually-hidden">"Actions"</span></th> })}</tr></thead>
                    <tbody>
                        {page.templates.clone().into_iter().map(|t| {
                            let slug = slug.clone();
                            view! {
                                <tr data-template=t.name.to_string()>
                                    <td>
                                        <a href=template_path(persona, &slug, t.id)>{t.name.to_string()}</a>
                                        {t.builtin_key.is_some().then(|| view! { " " <span class="badge">"Built-in"</span> })}
                                        {t.deployment.map(|status| view! { " " <span class="badge" class:ok=t.startable()>{format!("From {} · {}", t.provided_by.as_ref().map_or_else(|| "a builder".to_owned(), ToString::to_string), status.label())}</span> })}
                                        <p class="muted small">{t.description.clone()}</p>
                                    </td>
                                    <td>{t.version}</td>
                                    <td>{format_time(t.updated_at)}</td>
                                    {can_manage.then(|| view! {
                                        <td class="actions">
                                            <ActionForm action=duplicate attr:hidden=t.deployment.is_some()>
                                                <input type="hidden" name="slug" value=slug.clone() />
                                                <input type="hidden" name="id" value=t.id.to_string() />
                                                <button type="submit" class="button small">"Duplicate"</button>
                                            </ActionForm>
                                        </td>
                                    })}
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
        {page.signing_secret.map(|secret| view! {
            <section class="panel" aria-labelledby="secret-title">
                <h2 id="secret-title">"Webhook signing secret"</h2>
                <p class="muted">"Webhook steps sign each delivery: X-Atrium-Signature is t=<unix time>,v1=<HMAC-SHA256 of \"<t>.<body>\" with this secret, in hex>. Verify it in your n8n workflow before acting."</p>
                <div class="copy-row">
                    <label class="visually-hidden" for="signing-secret">"Signing secret"</label>
                    <input id="signing-secret" readonly=true value=secret data-testid="signing-secret" />
                </div>
            </section>
        })}
        {can_manage.then(|| view! {
            <section class="panel" aria-labelledby="new-template-title">
                <h2 id="new-template-title">"New template"</h2>
                <ActionForm action=create attr:class="stack" attr:novalidate="true">
                    <input type="hidden" name="slug" value=slug.clone() />
                    <div class="field">
                        <label for="template-name">"Name"</label>
                        <input id="template-name" name="name" required=true maxlength="80" />
                    </div>
                    <div class="field">
                        <label for="template-description">"Description"</label>
                        <input id="template-description" name="description" maxlength="500" />
                    </div>
                    <DefinitionField value=STARTER.to_owned() error=create_error />
                    <ActionError error=create_error />
                    <button type="submit" class="button primary" disabled=move || create.pending().get()>"Create the template"</button>
                </ActionForm>
            </section>
        })}
    }
}

/// The definition as JSON, checked as the person types by the same parser the server runs.
#[component]
fn DefinitionField(
    value: String,
    #[prop(into)] error: Signal<Option<shared::AppError>>,
    #[prop(optional)] disabled: bool,
) -> impl IntoView {
    let (local, set_local) = signal(None::<String>);
    let message = move || {
        local.get().or_else(|| {
            error.get().and_then(|e| match e {
                shared::AppError::Invalid { field, reason } if field == "definition" => {
                    Some(reason)
                }
                _ => None,
            })
        })
    };
    view! {
        <div class="field" class:invalid=move || message().is_some()>
            <label for="template-definition">"Definition (JSON: phases, each with a key, a name, a JSON Schema for its data and its steps)"</label>
            <textarea id="template-definition" name="definition" rows="18" class="code" spellcheck="false" disabled=disabled
                aria-describedby="template-definition-message"
                on:input=move |ev| set_local.set(shared::process::TemplateDefinition::parse(&event_target_value(&ev)).err().map(|e| e.reason))>
                {value}
            </textarea>
            <p class="hint">"Step kinds: check_data (the phase's required data is there), notify (tells the owner), approval (waits for a member), webhook (url, timeout_secs, max_attempts)."</p>
            <p class="field-message" id="template-definition-message" aria-live="polite">{message}</p>
        </div>
    }
}

/// One template, under either workspace prefix.
#[component]
pub fn TemplatePage() -> impl IntoView {
    crate::workspaces::by_area(|persona| view! { <TemplateFor persona /> }.into_any())
}

#[component]
fn TemplateFor(persona: Persona) -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.read().get("slug").unwrap_or_default());
    let id = Memo::new(move |_| {
        params
            .read()
            .get("template")
            .and_then(|s| s.parse::<TemplateId>().ok())
    });
    let version = watch(slug.into(), &[Topic::Sessions]);
    let update = ServerAction::<UpdateTemplate>::new();
    let duplicate = ServerAction::<DuplicateTemplate>::new();
    let detail = resource(
        move || (slug.get(), id.get(), version.get(), update.version().get()),
        |(slug, id, ..)| async move {
            match id {
                Some(id) => get_template(slug, id).await,
                None => Err(shared::AppError::not_found("The template")),
            }
        },
    );
    let navigate = use_navigate();
    Effect::new(move || {
        if let Some(Ok(id)) = duplicate.value().get() {
            navigate(
                &template_path(persona, &slug.get_untracked(), id),
                Default::default(),
            );
        }
    });
    let place = Signal::derive(move || Place {
        persona: Some(persona),
        slug: Some(slug.get()),
        section: Section::Templates,
    });
    let crumbs = vec![
        (
            "Templates".to_owned(),
            Some(templates_path(persona, &slug.get_untracked())),
        ),
        ("Template".to_owned(), None),
    ];
    view! {
        <AppShell place crumbs>
            {loaded(detail, "Loading the template…", move |result| match result {
                Err(error) => view! { <ErrorView error /> }.into_any(),
                Ok(d) if is_wrong_prefix(&d.tenant, &slug.get(), persona) => {
                    let path = template_path(d.tenant.variant.persona(), d.tenant.slug.as_str(), d.template.id);
                    view! { <Redirect path /> }.into_any()
                }
                Ok(d) => view! { <TemplateBody d update duplicate /> }.into_any(),
            })}
        </AppShell>
    }
}

#[component]
fn TemplateBody(
    d: TemplateDetail,
    update: ServerAction<UpdateTemplate>,
    duplicate: ServerAction<DuplicateTemplate>,
) -> impl IntoView {
    let slug = d.tenant.slug.to_string();
    let builtin = d.template.builtin_key.is_some();
    let deployed_by = d.template.deployment.map(|status| {
        let builder = d
            .template
            .provided_by
            .as_ref()
            .map_or_else(|| "A builder".to_owned(), ToString::to_string);
        match status {
            shared::customers::ImplementationStatus::Live => format!(
                "{builder} deployed this template for this workspace: it is read-only here, and they bring new versions."
            ),
            _ => format!(
                "{builder} deployed this template for this workspace and has {} it: sessions already started go on, new ones cannot start from it.",
                status.label().to_lowercase()
            ),
        }
    });
    let can_edit = d.my_role.can(Permission::TemplatesManage) && !d.template.read_only();
    let can_duplicate = d.my_role.can(Permission::TemplatesManage) && deployed_by.is_none();
    let error = Signal::derive(move || update.value().get().and_then(Result::err));
    let saved = move || {
        update.value().get().and_then(Result::ok).map(|v| {
            format!("Saved as version {v}. Running sessions keep the version they started on.")
        })
    };
    let subtitle = format!(
        "Version {} · {} phases",
        d.template.version,
        d.definition.phases.len()
    );
    let duplicate_slug = slug.clone();
    view! {
        <PageHeader title=d.template.name.to_string() subtitle />
        {builtin.then(|| view! { <p class="notice">"A built-in template: read-only. Duplicate it to make your own version."</p> })}
        {deployed_by.map(|text| view! { <p class="notice" data-testid="deployed-template">{text}</p> })}
        {can_duplicate.then(|| view! {
            <ActionForm action=duplicate attr:class="inline-form">
                <input type="hidden" name="slug" value=duplicate_slug.clone() />
                <input type="hidden" name="id" value=d.template.id.to_string() />
                <button type="submit" class="button">"Duplicate"</button>
            </ActionForm>
        })}
        <section class="panel" aria-labelledby="phases-title">
            <h2 id="phases-title">"Phases"</h2>
            <ol class="phases">
                {d.definition.phases.iter().map(|p| view! {
                    <li class="phase">
                        <h3>{format!("{} · {}", p.key, p.name)}</h3>
                        <p class="muted small">
                            {format!("Collects: {}", if p.schema.fields().is_empty() { "nothing".to_owned() } else { p.schema.fields().iter().map(|f| f.title.clone()).collect::<Vec<_>>().join(", ") })}
                        </p>
                        <ul>{p.steps.iter().map(|s| view! { <li>{format!("{} ({})", s.name, s.kind.label())}</li> }).collect_view()}</ul>
                    </li>
                }).collect_view()}
            </ol>
        </section>
        <section class="panel" aria-labelledby="edit-title">
            <h2 id="edit-title">{if can_edit { "Edit" } else { "Definition" }}</h2>
            <ActionForm action=update attr:class="stack" attr:novalidate="true">
                <input type="hidden" name="slug" value=slug />
                <input type="hidden" name="id" value=d.template.id.to_string() />
                <div class="field">
                    <label for="template-name">"Name"</label>
                    <input id="template-name" name="name" value=d.template.name.to_string() disabled=!can_edit maxlength="80" />
                </div>
                <div class="field">
                    <label for="template-description">"Description"</label>
                    <input id="template-description" name="description" value=d.template.description.clone() disabled=!can_edit maxlength="500" />
                </div>
                <DefinitionField value=d.definition.to_pretty_json() error disabled=!can_edit />
                <ActionError error />
                <p class="notice ok" role="status" hidden=move || saved().is_none()>{saved}</p>
                {can_edit.then(|| view! { <button type="submit" class="button primary" disabled=move || update.pending().get()>"Save as a new version"</button> })}
            </ActionForm>
        </section>
        <section class="panel" aria-labelledby="versions-title">
            <h2 id="versions-title">"Versions"</h2>
            <ul data-testid="versions">
                {d.versions.into_iter().map(|v| view! {
                    <li>{format!("Version {} · {} · {}", v.version, format_time(v.created_at), v.author.map_or_else(|| "Atrium".to_owned(), |a| a.to_string()))}</li>
                }).collect_view()}
            </ul>
        </section>
    }
}
