//! The widget runtime: draws a widget from its configuration. The editor's preview runs this
//! very component as the builder types; the embedded widget will run it too, so what is
//! previewed is what gets embedded.
//!
//! The theme reaches the page as CSS custom properties (`--aw-primary`, …) set through the
//! CSSOM once the widget is in the browser: the content security policy allows no inline
//! style attributes, and `style.css` draws every `.aw-*` part from those properties (with
//! the Clean preset's values as fallbacks, for a page rendered without JavaScript).

use leptos::html;
use leptos::prelude::*;
use shared::widgets::{
    Content, Feedback, FieldKind, FormField, LeadForm, OpenOn, Position, StatusBadge, WidgetConfig,
};

/// A service as a status badge shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BadgeRow {
    pub name: String,
    pub status: String,
    pub since: String,
}

/// What the preview's status badge lists (a builder's workspace has no customer services).
fn sample_services() -> Vec<BadgeRow> {
    vec![
        BadgeRow {
            name: "Voice agent".into(),
            status: "Active".into(),
            since: "since 2 March".into(),
        },
        BadgeRow {
            name: "Transcription".into(),
            status: "Suspended".into(),
            since: "since yesterday".into(),
        },
    ]
}

/// Draws the widget of `config`; `preview` marks it as the editor's (nothing is sent).
#[component]
pub fn WidgetView(#[prop(into)] config: Signal<WidgetConfig>, preview: bool) -> impl IntoView {
    let root = NodeRef::<html::Div>::new();
    Effect::new(move || {
        let config = config.get();
        let Some(element) = root.get() else {
            return;
        };
        theme(&element, &config);
    });
    let corner = move || config.with(|c| c.position != Position::Inline);
    let behind_launcher = move || {
        config.with(|c| c.position != Position::Inline && c.behaviour.open_on == OpenOn::Click)
    };
    let (open, set_open) = signal(false);
    let shown = move || !behind_launcher() || open.get();
    view! {
        <div class="aw-widget" node_ref=root
            data-position=move || config.with(|c| c.position.as_str())
            data-testid="widget-view" data-preview=preview.then_some("true")>
            <Show when=behind_launcher>
                <button type="button" class="aw-launcher" aria-expanded=move || open.get().to_string()
                    on:click=move |_| set_open.update(|o| *o = !*o)>
                    {move || config.with(|c| c.behaviour.launcher_label.clone())}
                </button>
            </Show>
            <Show when=shown>
                <div class="aw-card" class:aw-floating=corner role="region"
                    aria-label=move || config.with(|c| c.kind().label())>
                    {move || match config.get().content {
                        Content::LeadForm(form) => view! { <LeadFormView form /> }.into_any(),
                        Content::StatusBadge(badge) => view! { <BadgeView badge rows=sample_services() /> }.into_any(),
                        Content::Feedback(feedback) => view! { <FeedbackView feedback /> }.into_any(),
                    }}
                </div>
            </Show>
        </div>
    }
}

#[cfg(feature = "hydrate")]
fn theme(element: &web_sys::HtmlDivElement, config: &WidgetConfig) {
    let style = web_sys::HtmlElement::style(element);
    let theme = &config.theme;
    for (name, value) in [
        ("--aw-primary", theme.primary.to_string()),
        ("--aw-bg", theme.background.to_string()),
        ("--aw-text", theme.text.to_string()),
        ("--aw-radius", format!("{}px", theme.radius)),
        ("--aw-font", theme.font.stack().to_owned()),
        ("--aw-width", format!("{}px", config.width)),
    ] {
        let _ = style.set_property(name, &value);
    }
}

#[cfg(not(feature = "hydrate"))]
fn theme(_element: &web_sys::HtmlDivElement, _config: &WidgetConfig) {}

#[component]
fn LeadFormView(form: LeadForm) -> impl IntoView {
    let (sent, set_sent) = signal(false);
    let success = form.success_message.clone();
    view! {
        <h3 class="aw-title">{form.title.clone()}</h3>
        {(!form.intro.trim().is_empty()).then(|| view! { <p class="aw-text">{form.intro.clone()}</p> })}
        <Show when=move || !sent.get() fallback=move || view! { <p class="aw-success" role="status">{success.clone()}</p> }>
            <form class="aw-form" on:submit=move |ev| { ev.prevent_default(); set_sent.set(true); }>
                {form.fields.iter().map(field_view).collect_view()}
                <button type="submit" class="aw-button">{form.submit_label.clone()}</button>
            </form>
        </Show>
    }
}

fn field_view(field: &FormField) -> impl IntoView + use<> {
    let id = format!("aw-field-{}", field.key.as_str());
    let name = field.key.as_str().to_owned();
    let label = if field.required {
        format!("{} *", field.label)
    } else {
        field.label.clone()
    };
    let input = match field.kind {
        FieldKind::LongText => {
            view! { <textarea id=id.clone() name=name rows="3" required=field.required></textarea> }
                .into_any()
        }
        kind => {
            let kind = match kind {
                FieldKind::Email => "email",
                FieldKind::Phone => "tel",
                _ => "text",
            };
            view! { <input id=id.clone() name=name type=kind required=field.required /> }.into_any()
        }
    };
    view! {
        <div class="aw-field">
            <label for=id>{label}</label>
            {input}
        </div>
    }
}

#[component]
fn BadgeView(badge: StatusBadge, rows: Vec<BadgeRow>) -> impl IntoView {
    view! {
        <h3 class="aw-title">{badge.title.clone()}</h3>
        <ul class="aw-status">
            {rows.into_iter().map(|row| {
                let status_key = row.status.to_lowercase();
                view! {
                <li data-status=status_key>
                    <span class="aw-dot" aria-hidden="true"></span>
                    <span>{row.name}</span>
                    <span class="aw-muted">{row.status}{badge.show_since.then(|| format!(" · {}", row.since))}</span>
                </li>
                }
            }).collect_view()}
        </ul>
    }
}

#[component]
fn FeedbackView(feedback: Feedback) -> impl IntoView {
    let (score, set_score) = signal(None::<u8>);
    let (sent, set_sent) = signal(false);
    let follow_up = feedback.follow_up.clone();
    let thanks = feedback.thanks.clone();
    view! {
        <h3 class="aw-title">{feedback.question.clone()}</h3>
        <Show when=move || !sent.get() fallback=move || view! { <p class="aw-success" role="status">{thanks.clone()}</p> }>
            <div class="aw-scale" role="group" aria-label="Your score">
                {feedback.scale.range().map(|n| view! {
                    <button type="button" class="aw-score" aria-pressed=move || (score.get() == Some(n)).to_string()
                        on:click=move |_| set_score.set(Some(n))>{n}</button>
                }).collect_view()}
            </div>
            {
                let follow_up = follow_up.clone();
                move || score.get().map(|_| {
                    let follow_up = follow_up.clone();
                    view! {
                        {(!follow_up.trim().is_empty()).then(|| view! {
                            <div class="aw-field">
                                <label for="aw-follow-up">{follow_up.clone()}</label>
                                <textarea id="aw-follow-up" rows="2"></textarea>
                            </div>
                        })}
                        <button type="button" class="aw-button" on:click=move |_| set_sent.set(true)>"Send"</button>
                    }
                })
            }
        </Show>
    }
}
