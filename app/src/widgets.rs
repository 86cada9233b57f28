//! Widgets in a builder workspace: the list with a new-widget form, and the editor — the
//! form on the left, the widget drawn by the runtime on the right, updating as the builder
//! types. Each change is checked by `shared::widgets` in the browser, field by field, and
//! again by the server on save.

pub mod analytics;
pub mod contacts;
pub mod create_widget;
pub mod embed;
pub mod get_contacts;
pub mod get_widget;
pub mod get_widget_analytics;
pub mod get_widgets;
pub mod preview;
pub mod publish_widget;
pub mod roll_back_widget;
pub mod save_widget;
pub mod submit_widget;
pub mod view;

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use shared::AppError;
use shared::branding::Branding;
use shared::ids::WidgetId;
use shared::live::Topic;
use shared::personas::Persona;
use shared::widgets::{
    AllowedOrigin, Color, Content, FieldKey, FieldKind, Font, FormField, OpenOn, Position, Scale,
    WidgetConfig, WidgetDetail, WidgetKind, WidgetsPage, presets,
};

use crate::components::errors::{ActionError, ErrorView};
use crate::components::layout::{AppShell, PageHeader, Place, Section};
use crate::components::loaded::{loaded, resource};
use crate::components::time::format_time;
use crate::live::watch;
use create_widget::CreateWidget;
use get_widget::get_widget;
use get_widgets::get_widgets;
use preview::PreviewFrame;
use publish_widget::PublishWidget;
use roll_back_widget::RollBackWidget;
use save_widget::SaveWidget;

pub fn widgets_path(slug: &str) -> String {
    format!("{}/{slug}/widgets", Persona::Builder.url_prefix())
}

fn widget_path(slug: &str, id: WidgetId) -> String {
    format!("{}/{id}", widgets_path(slug))
}

pub(crate) fn slug_param() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("slug").unwrap_or_default())
}

fn place(slug: Memo<String>) -> Signal<Place> {
    Signal::derive(move || Place {
        persona: Some(Persona::Builder),
        slug: Some(slug.get()),
        section: Section::Widgets,
    })
}

/// The widgets of a builder workspace.
#[component]
pub fn WidgetsPageView() -> impl IntoView {
    let slug = slug_param();
    let version = watch(slug.into(), &[Topic::Widgets]);
    let create = ServerAction::<CreateWidget>::new();
    let page = resource(
        move || (slug.get(), version.get()),
        |(slug, _)| get_widgets(slug),
    );
    let navigate = use_navigate();
    Effect::new(move || {
        if let Some(Ok(id)) = create.value().get() {
            navigate(&widget_path(&slug.get_untracked(), id), Default::default());
        }
    });
    view! {
        <AppShell place=place(slug) crumbs=vec![("Widgets".to_owned(), None)]>
            <PageHeader title="Widgets" subtitle="Lead forms, status badges and feedback prompts for your customers' sites." />
            {loaded(page, "Loading the widgets…", move |result| match result {
                Err(error) => view! { <ErrorView error /> }.into_any(),
                Ok(page) => view! { <WidgetsBody page create /> }.into_any(),
            })}
        </AppShell>
    }
}

#[component]
fn WidgetsBody(page: WidgetsPage, create: ServerAction<CreateWidget>) -> impl IntoView {
    let slug = page.tenant.slug.to_string();
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    let (kind, set_kind) = signal(WidgetKind::LeadForm);
    let count = page.widgets.len();
    view! {
        <section class="panel" aria-labelledby="widgets-title">
            <h2 id="widgets-title">{match count { 0 => "No widgets yet".to_owned(), 1 => "1 widget".to_owned(), n => format!("{n} widgets") }}</h2>
            {(count == 0).then(|| view! { <p class="muted">"Make one below: it starts from a preset you can change in the editor."</p> })}
            {(count > 0).then(|| view! {
                <div class="table-wrap">
                    <table data-testid="widgets">
                        <thead><tr><th scope="col">"Name"</th><th scope="col">"Kind"</th><th scope="col">"Status"</th><th scope="col">"Updated"</th></tr></thead>
                        <tbody>
                            {page.widgets.iter().map(|w| view! {
                                <tr data-widget=w.name.to_string()>
                                    <td><a href=widget_path(&slug, w.id)>{w.name.to_string()}</a></td>
                                    <td>{w.kind.label()}</td>
                                    <td><span class="badge" class:ok=w.live_version.is_some()>{w.status_label()}</span></td>
                                    <td>{format_time(w.updated_at)}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })}
        </section>
        {page.can_edit.then(|| view! {
            <section class="panel" aria-labelledby="new-widget-title">
                <h2 id="new-widget-title">"New widget"</h2>
                <ActionForm action=create attr:class="stack" attr:novalidate="true">
                    <input type="hidden" name="slug" value=page.tenant.slug.to_string() />
                    <div class="field">
                        <label for="widget-name">"Name"</label>
                        <input id="widget-name" name="name" required=true maxlength="80" placeholder="Acme contact form" />
                    </div>
                    <fieldset class="choice">
                        <legend>"Kind"</legend>
                        {WidgetKind::ALL.iter().map(|k| {
                            let k = *k;
                            view! {
                                <label class="option">
                                    <input type="radio" name="kind" value=k.as_str() checked=k == WidgetKind::LeadForm
                                        on:change=move |_| set_kind.set(k) />
                                    <span><strong>{k.label()}</strong><br /><span class="muted small">{k.description()}</span></span>
                                </label>
                            }
                        }).collect_view()}
                    </fieldset>
                    <div class="field">
                        <label for="widget-preset">"Preset"</label>
                        <select id="widget-preset" name="preset">
                            {move || presets(kind.get()).into_iter().map(|p| view! { <option value=p.key>{p.name}</option> }).collect_view()}
                        </select>
                    </div>
                    <ActionError error />
                    <button type="submit" class="button primary" disabled=move || create.pending().get()>"Create and open the editor"</button>
                </ActionForm>
            </section>
        })}
    }
}

/// One widget's editor.
#[component]
pub fn WidgetPageView() -> impl IntoView {
    let slug = slug_param();
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("widget")
            .and_then(|s| s.parse::<WidgetId>().ok())
    });
    let actions = EditorActions {
        save: ServerAction::<SaveWidget>::new(),
        publish: ServerAction::<PublishWidget>::new(),
        roll_back: ServerAction::<RollBackWidget>::new(),
    };
    // Reloaded after this editor's own changes only: a live reload would replace what is
    // being typed.
    let detail = resource(
        move || {
            (
                slug.get(),
                id.get(),
                actions.save.version().get(),
                actions.publish.version().get(),
                actions.roll_back.version().get(),
            )
        },
        |(slug, id, ..)| async move {
            match id {
                Some(id) => get_widget(slug, id).await,
                None => Err(AppError::not_found("The widget")),
            }
        },
    );
    let crumbs = vec![
        (
            "Widgets".to_owned(),
            Some(widgets_path(&slug.get_untracked())),
        ),
        ("Editor".to_owned(), None),
    ];
    view! {
        <AppShell place=place(slug) crumbs>
            {loaded(detail, "Loading the widget…", move |result| match result {
                Err(error) => view! { <ErrorView error /> }.into_any(),
                Ok(d) => view! { <Editor d actions /> }.into_any(),
            })}
        </AppShell>
    }
}

#[derive(Clone, Copy)]
struct EditorActions {
    save: ServerAction<SaveWidget>,
    publish: ServerAction<PublishWidget>,
    roll_back: ServerAction<RollBackWidget>,
}

/// What the editor holds while the builder types: the typed draft, plus the fields whose text
/// does not parse yet (their problem is shown; the draft keeps the last value that did).
#[derive(Clone, Copy)]
struct Draft {
    config: RwSignal<WidgetConfig>,
    name: RwSignal<String>,
    unparsed: RwSignal<Vec<(String, String)>>,
    /// The rules' verdict on the draft, computed once per change for every field to read.
    problems: Memo<Vec<shared::ValidationError>>,
    server_error: Signal<Option<AppError>>,
}

impl Draft {
    fn edit(&self, change: impl FnOnce(&mut WidgetConfig)) {
        self.config.update(change);
    }

    fn parsed(&self, path: &str, result: Result<(), String>) {
        self.unparsed.update(|u| {
            u.retain(|(p, _)| p != path);
            if let Err(message) = result {
                u.push((path.to_owned(), message));
            }
        });
    }

    /// The problem to show at `path`: what did not parse, else what the rules say, else what
    /// the server answered for it.
    fn message(&self, path: impl Into<String>) -> Signal<Option<String>> {
        let draft = *self;
        let path: String = path.into();
        Signal::derive(move || {
            if let Some((_, m)) = draft.unparsed.read().iter().find(|(p, _)| *p == path) {
                return Some(m.clone());
            }
            if let Some(problem) = draft.problems.read().iter().find(|p| p.field == path) {
                return Some(problem.reason.clone());
            }
            draft.server_error.get().and_then(|e| match e {
                AppError::Invalid { field, reason } if field == path => Some(reason),
                _ => None,
            })
        })
    }

    fn problem_count(&self) -> usize {
        self.unparsed.read().len() + self.problems.read().len()
    }
}

#[component]
fn Editor(d: WidgetDetail, actions: EditorActions) -> impl IntoView {
    let slug = d.tenant.slug.to_string();
    let slug_signal = Signal::stored(slug.clone());
    let id = d.summary.id;
    let saved = RwSignal::new((d.summary.name.to_string(), d.draft.clone()));
    let config = RwSignal::new(d.draft.clone());
    let draft = Draft {
        config,
        name: RwSignal::new(d.summary.name.to_string()),
        unparsed: RwSignal::new(Vec::new()),
        problems: Memo::new(move |_| config.read().problems()),
        server_error: Signal::derive(move || actions.save.value().get().and_then(Result::err)),
    };
    let dirty = Memo::new(move |_| {
        saved.with(|(name, config)| *name != draft.name.get() || *config != draft.config.get())
    });
    let problems = Memo::new(move |_| draft.problem_count());
    // The preview draws what gets embedded: the draft with the workspace's branding applied.
    let branding = d.branding.clone();
    let drawn = Memo::new(move |_| draft.config.read().branded(&branding));
    let publish_error = Signal::derive(move || actions.publish.value().get().and_then(Result::err));
    let roll_back_error =
        Signal::derive(move || actions.roll_back.value().get().and_then(Result::err));
    let save_slug = slug.clone();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        actions.save.dispatch(SaveWidget {
            slug: save_slug.clone(),
            id,
            name: draft.name.get_untracked(),
            config: draft.config.get_untracked().to_json(),
        });
    };
    let status = d.summary.status_label();
    let live = d.summary.live_version;
    let (device, set_device) = signal("desktop");
    let can_edit = d.can_edit;
    let origins = d
        .draft
        .allowed_origins
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    view! {
        <PageHeader title=d.summary.name.to_string() subtitle=format!("{} · {status}", d.summary.kind.label()) />
        <div class="widget-editor">
            <form class="panel stack widget-form" on:submit=save novalidate=true aria-labelledby="editor-title">
                <h2 id="editor-title">"Draft"</h2>
                <fieldset class="stack" disabled=!can_edit>
                    <TextField label="Name" path="name" value=draft.name max=80
                        message=Signal::derive(move || draft.server_error.get().and_then(|e| match e {
                            AppError::Invalid { field, reason } if field == "name" => Some(reason),
                            _ => None,
                        })) />
                    <ContentFields draft />
                    <ThemeFields draft branding=d.branding.clone() />
                    <LayoutFields draft />
                    <OriginsField draft initial=origins />
                </fieldset>
                <ActionError error=draft.server_error />
                <p class="notice ok" role="status" hidden=move || actions.save.value().get().is_none_or(|r| r.is_err()) || dirty.get()>"Draft saved."</p>
                {can_edit.then(|| view! {
                    <div class="actions">
                        <button type="submit" class="button primary" disabled=move || actions.save.pending().get() || !dirty.get() || (problems.get() != 0)>"Save the draft"</button>
                        <span class="muted small" aria-live="polite">{move || match (problems.get(), dirty.get()) {
                            (0, true) => "Unsaved changes.".to_owned(),
                            (0, false) => "Everything is saved.".to_owned(),
                            (1, _) => "1 problem to fix before saving.".to_owned(),
                            (n, _) => format!("{n} problems to fix before saving."),
                        }}</span>
                    </div>
                })}
            </form>
            <section class="panel widget-preview" aria-labelledby="preview-title">
                <div class="preview-head">
                    <h2 id="preview-title">"Preview"</h2>
                    <div class="segmented" role="group" aria-label="Device width">
                        {[("phone", "Phone"), ("tablet", "Tablet"), ("desktop", "Desktop")].into_iter().map(|(key, label)| view! {
                            <button type="button" class="button small" aria-pressed=move || (device.get() == key).to_string()
                                on:click=move |_| set_device.set(key)>{label}</button>
                        }).collect_view()}
                    </div>
                </div>
                <p class="muted small">"Drawn by the same code that embeds it, in a sandboxed frame like a customer's site, from the draft as you type (nothing is sent from the preview)."</p>
                <div class="widget-stage" data-device=device data-testid="widget-stage">
                    <PreviewFrame config=drawn title=format!("Preview of {}", d.summary.name) />
                </div>
            </section>
        </div>
        <section class="panel" aria-labelledby="publish-title">
            <h2 id="publish-title">"Publishing"</h2>
            <p class="muted">{match live {
                Some(v) => format!("Version {v} is live on your customers' sites."),
                None => "Nothing is live yet: publish the saved draft to make version 1.".to_owned(),
            }}</p>
            {d.can_publish.then(|| {
                let slug = slug.clone();
                view! {
                    <ActionForm action=actions.publish attr:class="inline-form">
                        <input type="hidden" name="slug" value=slug />
                        <input type="hidden" name="id" value=id.to_string() />
                        <button type="submit" class="button primary" disabled=move || dirty.get() || actions.publish.pending().get()>"Publish the saved draft"</button>
                        <span class="muted small" hidden=move || !dirty.get()>"Save the draft first."</span>
                    </ActionForm>
                }
            })}
            <ActionError error=publish_error />
            <p class="notice ok" role="status" hidden=move || actions.publish.value().get().and_then(Result::ok).is_none()>
                {move || actions.publish.value().get().and_then(Result::ok).map(|v| format!("Published version {v}."))}
            </p>
            <h3>"Versions"</h3>
            {d.versions.is_empty().then(|| view! { <p class="muted">"No published versions yet."</p> })}
            <ul class="versions" data-testid="versions">
                {d.versions.iter().map(|v| {
                    let version = v.version;
                    let slug = slug.clone();
                    view! {
                        <li data-version=version>
                            <span>{format!("Version {version} · {} · {}", format_time(v.published_at), v.published_by.as_ref().map_or_else(|| "a former member".to_owned(), ToString::to_string))}</span>
                            {if live == Some(version) {
                                view! { " " <span class="badge ok">"Live"</span> }.into_any()
                            } else if d.can_publish {
                                view! {
                                    <ActionForm action=actions.roll_back attr:class="inline-form">
                                        <input type="hidden" name="slug" value=slug />
                                        <input type="hidden" name="id" value=id.to_string() />
                                        <input type="hidden" name="version" value=version />
                                        <button type="submit" class="button small">{format!("Roll back to version {version}")}</button>
                                    </ActionForm>
                                }.into_any()
                            } else {
                                ().into_any()
                            }}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <ActionError error=roll_back_error />
            {d.can_publish.then(|| view! { <p class="hint">"Rolling back makes that version live again and replaces the draft with it."</p> })}
        </section>
        {live.map(|_| view! {
            <section class="panel stack" aria-labelledby="embed-title" data-testid="embed-codes">
                <h2 id="embed-title">"Embed on a site"</h2>
                <p class="muted">"The live version shows only on the sites it allows; publishing a new version changes it everywhere at once. To keep a customer's contacts in their own workspace, deploy it for them under Customers and use that embed code."</p>
                <EmbedCodes base=d.public_url.clone() id implementation=None height=d.draft.frame_height_hint() name=d.summary.name.to_string() />
            </section>
        })}
        {live.map(|_| view! { <analytics::WidgetAnalyticsPanel slug=slug_signal id /> })}
        {live.map(|_| view! { <crate::marketplace::ListOnMarketplace d=d.clone() /> })}
    }
}

/// The two ways to put the live version on a site (as deployed for a customer, with
/// `implementation`), each with a copy button.
#[component]
pub(crate) fn EmbedCodes(
    base: String,
    id: WidgetId,
    implementation: Option<shared::ids::ImplementationId>,
    height: u32,
    name: String,
) -> impl IntoView {
    use shared::widgets::embed::{iframe_snippet, script_snippet};
    let script = script_snippet(&base, id, implementation, &name);
    let frame = iframe_snippet(&base, id, implementation, &name, height);
    let suffix = implementation.map_or_else(String::new, |i| format!("-{i}"));
    view! {
        <CodeToCopy id=format!("embed-script{suffix}") label="Script tag (sizes and places itself; corner widgets float)" code=script />
        <CodeToCopy id=format!("embed-iframe{suffix}") label="Iframe (for sites that take no scripts; adjust its height to fit)" code=frame />
    }
}

#[component]
fn CodeToCopy(id: String, label: &'static str, code: String) -> impl IntoView {
    let (copied, set_copied) = signal(false);
    let text = code.clone();
    let copy = move |_| {
        let _ = window().navigator().clipboard().write_text(&text);
        set_copied.set(true);
    };
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <textarea id=id class="code" rows="2" readonly>{code}</textarea>
            <div class="actions">
                <button type="button" class="button small" on:click=copy>"Copy"</button>
                <span class="muted small" role="status">{move || copied.get().then_some("Copied.")}</span>
            </div>
        </div>
    }
}

/// A field's problem line, announced to screen readers.
#[component]
fn Message(id: String, message: Signal<Option<String>>) -> impl IntoView {
    view! { <p class="field-message" id=id aria-live="polite">{move || message.get()}</p> }
}

fn field_id(path: &str) -> String {
    format!("w-{}", path.replace('.', "-"))
}

/// A text (or long text) bound to a string of the draft.
#[component]
fn TextField(
    label: &'static str,
    #[prop(into)] path: String,
    value: RwSignal<String>,
    max: usize,
    message: Signal<Option<String>>,
    #[prop(optional)] long: bool,
) -> impl IntoView {
    let id = field_id(&path);
    let message_id = format!("{id}-message");
    let input = move |ev| value.set(event_target_value(&ev));
    view! {
        <div class="field" class:invalid=move || message.get().is_some()>
            <label for=id.clone()>{label}</label>
            {if long {
                view! { <textarea id=id.clone() rows="3" maxlength=max * 2 aria-describedby=message_id.clone() prop:value=move || value.get() on:input=input></textarea> }.into_any()
            } else {
                view! { <input id=id.clone() maxlength=max * 2 aria-describedby=message_id.clone() prop:value=move || value.get() on:input=input /> }.into_any()
            }}
            <Message id=message_id message />
        </div>
    }
}

/// A text field of the draft's configuration at `path`, read by `get` and written by `set`.
fn text_field(
    draft: Draft,
    label: &'static str,
    path: &'static str,
    long: bool,
    get: impl Fn(&WidgetConfig) -> String + 'static,
    set: impl Fn(&mut WidgetConfig, String) + Copy + 'static,
) -> impl IntoView {
    let value = RwSignal::new(draft.config.with_untracked(&get));
    Effect::new(move || {
        let text = value.get();
        draft.edit(|c| set(c, text));
    });
    view! { <TextField label path value max=280 message=draft.message(path) long /> }
}

#[component]
fn ContentFields(draft: Draft) -> impl IntoView {
    let kind = draft.config.with_untracked(WidgetConfig::kind);
    match kind {
        WidgetKind::LeadForm => view! {
            <fieldset class="stack">
                <legend>"Form"</legend>
                {text_field(draft, "Title", "content.title", false,
                    |c| lead(c).map(|f| f.title.clone()).unwrap_or_default(),
                    |c, v| if let Content::LeadForm(f) = &mut c.content { f.title = v })}
                {text_field(draft, "Introduction", "content.intro", true,
                    |c| lead(c).map(|f| f.intro.clone()).unwrap_or_default(),
                    |c, v| if let Content::LeadForm(f) = &mut c.content { f.intro = v })}
                <FormFields draft />
                {text_field(draft, "Button label", "content.submit_label", false,
                    |c| lead(c).map(|f| f.submit_label.clone()).unwrap_or_default(),
                    |c, v| if let Content::LeadForm(f) = &mut c.content { f.submit_label = v })}
                {text_field(draft, "Message after sending", "content.success_message", false,
                    |c| lead(c).map(|f| f.success_message.clone()).unwrap_or_default(),
                    |c, v| if let Content::LeadForm(f) = &mut c.content { f.success_message = v })}
            </fieldset>
        }
        .into_any(),
        WidgetKind::StatusBadge => {
            let show_since = draft
                .config
                .with_untracked(|c| matches!(&c.content, Content::StatusBadge(b) if b.show_since));
            view! {
                <fieldset class="stack">
                    <legend>"Badge"</legend>
                    {text_field(draft, "Title", "content.title", false,
                        |c| match &c.content { Content::StatusBadge(b) => b.title.clone(), _ => String::new() },
                        |c, v| if let Content::StatusBadge(b) = &mut c.content { b.title = v })}
                    <label class="option">
                        <input type="checkbox" checked=show_since
                            on:change=move |ev| { let on = event_target_checked(&ev); draft.edit(|c| if let Content::StatusBadge(b) = &mut c.content { b.show_since = on }); } />
                        <span>"Show since when each service has its status"</span>
                    </label>
                    <p class="hint">"The badge lists every service the customer has in the catalog."</p>
                </fieldset>
            }.into_any()
        }
        WidgetKind::Feedback => {
            let scale = draft.config.with_untracked(|c| match &c.content {
                Content::Feedback(f) => f.scale,
                _ => Scale::Nps,
            });
            view! {
                <fieldset class="stack">
                    <legend>"Prompt"</legend>
                    {text_field(draft, "Question", "content.question", false,
                        |c| match &c.content { Content::Feedback(f) => f.question.clone(), _ => String::new() },
                        |c, v| if let Content::Feedback(f) = &mut c.content { f.question = v })}
                    <div class="field">
                        <label for="w-content-scale">"Scale"</label>
                        <select id="w-content-scale" on:change=move |ev| {
                            if let Ok(scale) = event_target_value(&ev).parse::<Scale>() {
                                draft.edit(|c| if let Content::Feedback(f) = &mut c.content { f.scale = scale });
                            }
                        }>
                            <option value="nps" selected=scale == Scale::Nps>"0 to 10 (NPS)"</option>
                            <option value="stars" selected=scale == Scale::Stars>"1 to 5 stars"</option>
                        </select>
                    </div>
                    {text_field(draft, "Follow-up question (optional)", "content.follow_up", false,
                        |c| match &c.content { Content::Feedback(f) => f.follow_up.clone(), _ => String::new() },
                        |c, v| if let Content::Feedback(f) = &mut c.content { f.follow_up = v })}
                    {text_field(draft, "Thank-you message", "content.thanks", false,
                        |c| match &c.content { Content::Feedback(f) => f.thanks.clone(), _ => String::new() },
                        |c, v| if let Content::Feedback(f) = &mut c.content { f.thanks = v })}
                </fieldset>
            }.into_any()
        }
    }
}

fn lead(config: &WidgetConfig) -> Option<&shared::widgets::LeadForm> {
    match &config.content {
        Content::LeadForm(form) => Some(form),
        _ => None,
    }
}

fn with_fields(draft: Draft, change: impl FnOnce(&mut Vec<FormField>)) {
    draft.edit(|c| {
        if let Content::LeadForm(form) = &mut c.content {
            change(&mut form.fields);
        }
    });
}

/// The lead form's fields: each a row (label, key, kind, required), added and removed here.
#[component]
fn FormFields(draft: Draft) -> impl IntoView {
    let count = Memo::new(move |_| draft.config.with(|c| lead(c).map_or(0, |f| f.fields.len())));
    let message = draft.message("content.fields");
    let full = Memo::new(move |_| count.get() >= shared::widgets::FORM_FIELDS_MAX);
    view! {
        <fieldset class="stack form-fields" class:invalid=move || message.get().is_some()>
            <legend>"Fields"</legend>
            <For each=move || 0..count.get() key=move |i| (*i, count.get()) let:i>
                <FieldRow draft i />
            </For>
            <p class="field-message" aria-live="polite">{move || message.get()}</p>
            <button type="button" class="button small" disabled=full
                on:click=move |_| with_fields(draft, |fields| {
                    let n = fields.len() + 1;
                    if let Ok(key) = FieldKey::parse(&format!("field_{n}")) {
                        fields.push(FormField { key, label: format!("Field {n}"), kind: FieldKind::Text, required: false });
                    }
                })>"Add a field"</button>
        </fieldset>
    }
}

#[component]
fn FieldRow(draft: Draft, i: usize) -> impl IntoView {
    let Some(field) = draft
        .config
        .with_untracked(|c| lead(c).and_then(|f| f.fields.get(i).cloned()))
    else {
        return ().into_any();
    };
    let label_path = format!("content.fields.{i}.label");
    let key_path = format!("content.fields.{i}.key");
    let label = RwSignal::new(field.label.clone());
    Effect::new(move || {
        let text = label.get();
        with_fields(draft, |fields| {
            if let Some(f) = fields.get_mut(i) {
                f.label = text
            }
        });
    });
    let key_id = field_id(&key_path);
    let key_message = draft.message(key_path.clone());
    let removed_key = key_path.clone();
    view! {
        <div class="field-row" data-field=i>
            <TextField label="Label" path=label_path.clone() value=label max=60 message=draft.message(label_path) />
            <div class="field" class:invalid=move || key_message.get().is_some()>
                <label for=key_id.clone()>"Key"</label>
                <input id=key_id.clone() value=field.key.as_str().to_owned() class="code" spellcheck="false"
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        let parsed = FieldKey::parse(&text).map_err(|e| e.reason);
                        draft.parsed(&key_path, parsed.as_ref().map(|_| ()).map_err(Clone::clone));
                        if let Ok(key) = parsed {
                            with_fields(draft, |fields| if let Some(f) = fields.get_mut(i) { f.key = key });
                        }
                    } />
                <Message id=format!("{key_id}-message") message=key_message />
            </div>
            <div class="field">
                <label for=format!("w-field-{i}-kind")>"Kind"</label>
                <select id=format!("w-field-{i}-kind") on:change=move |ev| {
                    if let Ok(kind) = event_target_value(&ev).parse::<FieldKind>() {
                        with_fields(draft, |fields| if let Some(f) = fields.get_mut(i) { f.kind = kind });
                    }
                }>
                    {FieldKind::ALL.iter().map(|k| view! { <option value=k.as_str() selected=*k == field.kind>{k.label()}</option> }).collect_view()}
                </select>
            </div>
            <label class="option">
                <input type="checkbox" checked=field.required
                    on:change=move |ev| { let on = event_target_checked(&ev); with_fields(draft, |fields| if let Some(f) = fields.get_mut(i) { f.required = on }); } />
                <span>"Required"</span>
            </label>
            <button type="button" class="button small danger" aria-label=format!("Remove field {}", i + 1)
                on:click=move |_| {
                    draft.parsed(&removed_key, Ok(()));
                    with_fields(draft, |fields| if i < fields.len() { fields.remove(i); });
                }>"Remove"</button>
        </div>
    }
    .into_any()
}

/// A color as text with a picker beside it; both write the draft when the text parses.
fn color_field(
    draft: Draft,
    label: &'static str,
    path: &'static str,
    get: fn(&WidgetConfig) -> &Color,
    set: fn(&mut WidgetConfig, Color),
) -> impl IntoView {
    let text = RwSignal::new(draft.config.with_untracked(|c| get(c).to_string()));
    let id = field_id(path);
    let message = draft.message(path);
    let apply = move |value: String| {
        text.set(value.clone());
        let parsed = Color::parse(&value).map_err(|e| e.reason);
        draft.parsed(path, parsed.as_ref().map(|_| ()).map_err(Clone::clone));
        if let Ok(color) = parsed {
            draft.edit(|c| set(c, color));
        }
    };
    view! {
        <div class="field color-field" class:invalid=move || message.get().is_some()>
            <label for=id.clone()>{label}</label>
            <div class="color-row">
                <input type="color" aria-label=format!("{label} picker") prop:value=move || draft.config.with(|c| get(c).to_string())
                    on:input=move |ev| apply(event_target_value(&ev)) />
                <input id=id.clone() class="code" spellcheck="false" maxlength="9" prop:value=move || text.get()
                    on:input=move |ev| apply(event_target_value(&ev)) />
            </div>
            <Message id=format!("{id}-message") message />
        </div>
    }
}

#[component]
fn ThemeFields(draft: Draft, branding: Branding) -> impl IntoView {
    let font = draft.config.with_untracked(|c| c.theme.font);
    let radius_message = draft.message("theme.radius");
    let follows = draft.config.with_untracked(|c| c.theme.brand);
    let hint = if branding.is_default() {
        "This workspace has no branding yet (a super admin sets it); until it does, the widget keeps its own."
    } else {
        "The workspace’s accent color and typeface stand for the primary color and font below, here and wherever it is embedded."
    };
    view! {
        <fieldset class="stack">
            <legend>"Theme"</legend>
            <label class="option">
                <input type="checkbox" checked=follows aria-describedby="w-theme-brand-hint"
                    on:change=move |ev| { let on = event_target_checked(&ev); draft.edit(|c| c.theme.brand = on); } />
                <span>"Follow the workspace’s branding"</span>
            </label>
            <p class="hint" id="w-theme-brand-hint">{hint}</p>
            <div class="field-grid">
                {color_field(draft, "Primary color", "theme.primary", |c| &c.theme.primary, |c, v| c.theme.primary = v)}
                {color_field(draft, "Background", "theme.background", |c| &c.theme.background, |c, v| c.theme.background = v)}
                {color_field(draft, "Text color", "theme.text", |c| &c.theme.text, |c, v| c.theme.text = v)}
            </div>
            <div class="field-grid">
                <div class="field">
                    <label for="w-theme-font">"Font"</label>
                    <select id="w-theme-font" on:change=move |ev| {
                        if let Ok(font) = event_target_value(&ev).parse::<Font>() { draft.edit(|c| c.theme.font = font); }
                    }>
                        {Font::ALL.iter().map(|f| view! { <option value=f.as_str() selected=*f == font>{f.label()}</option> }).collect_view()}
                    </select>
                </div>
                {number_field(draft, "Corner radius (px)", "theme.radius", 0, 24, radius_message,
                    |c| u32::from(c.theme.radius), |c, v| c.theme.radius = u8::try_from(v).unwrap_or(u8::MAX))}
            </div>
        </fieldset>
    }
}

/// A whole number of the draft; text that is not one is shown as a problem.
#[allow(clippy::too_many_arguments)]
fn number_field(
    draft: Draft,
    label: &'static str,
    path: &'static str,
    min: u32,
    max: u32,
    message: Signal<Option<String>>,
    get: fn(&WidgetConfig) -> u32,
    set: fn(&mut WidgetConfig, u32),
) -> impl IntoView {
    let id = field_id(path);
    let initial = draft.config.with_untracked(get).to_string();
    view! {
        <div class="field" class:invalid=move || message.get().is_some()>
            <label for=id.clone()>{label}</label>
            <input id=id.clone() type="number" inputmode="numeric" min=min max=max value=initial
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    match text.trim().parse::<u32>() {
                        Ok(n) => {
                            draft.parsed(path, Ok(()));
                            draft.edit(|c| set(c, n));
                        }
                        Err(_) => draft.parsed(path, Err(format!("{label} is a whole number from {min} to {max}."))),
                    }
                } />
            <Message id=format!("{id}-message") message />
        </div>
    }
}

#[component]
fn LayoutFields(draft: Draft) -> impl IntoView {
    let position = draft.config.with_untracked(|c| c.position);
    let open_on = draft.config.with_untracked(|c| c.behaviour.open_on);
    let corner = Memo::new(move |_| draft.config.with(|c| c.position != Position::Inline));
    let current_open_on = Memo::new(move |_| draft.config.with(|c| c.behaviour.open_on));
    let launcher = RwSignal::new(
        draft
            .config
            .with_untracked(|c| c.behaviour.launcher_label.clone()),
    );
    Effect::new(move || {
        let text = launcher.get();
        draft.edit(|c| c.behaviour.launcher_label = text);
    });
    view! {
        <fieldset class="stack">
            <legend>"Placement and behaviour"</legend>
            <div class="field-grid">
                <div class="field">
                    <label for="w-position">"Position"</label>
                    <select id="w-position" on:change=move |ev| {
                        if let Ok(p) = event_target_value(&ev).parse::<Position>() { draft.edit(|c| c.position = p); }
                    }>
                        {Position::ALL.iter().map(|p| view! { <option value=p.as_str() selected=*p == position>{p.label()}</option> }).collect_view()}
                    </select>
                </div>
                {number_field(draft, "Width (px)", "width", u32::from(*shared::widgets::WIDTH_RANGE.start()), u32::from(*shared::widgets::WIDTH_RANGE.end()),
                    draft.message("width"), |c| u32::from(c.width), |c, v| c.width = u16::try_from(v).unwrap_or(u16::MAX))}
            </div>
            <div class="field-grid">
                <div class="field">
                    <label for="w-open-on">"Opens"</label>
                    <select id="w-open-on" on:change=move |ev| {
                        if let Ok(o) = event_target_value(&ev).parse::<OpenOn>() {
                            draft.edit(|c| {
                                c.behaviour.open_on = o;
                                if o == OpenOn::Delay && c.behaviour.delay_secs == 0 { c.behaviour.delay_secs = 5; }
                            });
                        }
                    }>
                        <option value="click" selected=open_on == OpenOn::Click>"When the visitor clicks the launcher"</option>
                        <option value="load" selected=open_on == OpenOn::Load>"As the page loads"</option>
                        <option value="delay" selected=open_on == OpenOn::Delay>"A few seconds after the page loads"</option>
                    </select>
                </div>
                <Show when=move || current_open_on.get() == OpenOn::Delay>
                    {number_field(draft, "Delay (seconds)", "behaviour.delay_secs", 1, u32::from(shared::widgets::DELAY_MAX_SECS),
                        draft.message("behaviour.delay_secs"), |c| u32::from(c.behaviour.delay_secs), |c, v| c.behaviour.delay_secs = u16::try_from(v).unwrap_or(u16::MAX))}
                </Show>
            </div>
            <Show when=move || corner.get() && current_open_on.get() == OpenOn::Click>
                <TextField label="Launcher label" path="behaviour.launcher_label" value=launcher max=30 message=draft.message("behaviour.launcher_label") />
            </Show>
        </fieldset>
    }
}

/// The sites allowed to embed the widget, one per line, each parsed as the builder types.
#[component]
fn OriginsField(draft: Draft, initial: String) -> impl IntoView {
    let message = draft.message("allowed_origins");
    view! {
        <div class="field" class:invalid=move || message.get().is_some()>
            <label for="w-allowed_origins">"Sites allowed to embed it (one per line)"</label>
            <textarea id="w-allowed_origins" rows="3" class="code" spellcheck="false" placeholder="https://shop.example.com"
                aria-describedby="w-allowed_origins-message"
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    let mut origins = Vec::new();
                    let mut problem = None;
                    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
                        match AllowedOrigin::parse(line) {
                            Ok(origin) => origins.push(origin),
                            Err(e) if problem.is_none() => problem = Some(format!("Line {}: {}", n + 1, e.reason)),
                            Err(_) => {}
                        }
                    }
                    draft.parsed("allowed_origins", problem.map_or(Ok(()), Err));
                    draft.edit(|c| c.allowed_origins = origins);
                }>{initial}</textarea>
            <p class="hint">"Scheme, host and port, such as https://shop.example.com or http://localhost:8080. Publishing needs at least one."</p>
            <Message id="w-allowed_origins-message".to_owned() message />
        </div>
    }
}
