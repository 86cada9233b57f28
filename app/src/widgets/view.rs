//! The widget runtime: draws a widget from its configuration. The editor's preview runs this
//! very component as the builder types, and the embedded document on customers' sites runs
//! it too, so what is previewed is what gets embedded.
//!
//! The theme reaches the page as CSS custom properties (`--aw-primary`, …) set through the
//! CSSOM once the widget is in the browser: the content security policy allows no inline
//! style attributes, and `style.css` draws every `.aw-*` part from those properties (the
//! embedded document also sets them in its nonce'd stylesheet, so it is themed before any
//! WebAssembly runs).
//!
//! What a visitor enters is checked by `WidgetConfig::check_submission` as they send it — in
//! the preview too, which then says it sent nothing — and, embedded, sent to the server, which
//! runs the same check again.

use leptos::html;
use leptos::prelude::*;
use shared::AppError;
use shared::catalog::ActivationStatus;
use shared::ids::WidgetId;
use shared::validation::ValidationError;
use shared::widgets::embed::BadgeService;
use shared::widgets::submissions::{Answer, Submission};
use shared::widgets::{
    Content, Feedback, FieldKind, FormField, LeadForm, OpenOn, Position, StatusBadge, WidgetConfig,
};

use super::submit_widget::submit_widget;
use crate::components::time::format_date;

/// Where an embedded widget sends what visitors enter: the widget, the site it is shown on
/// and the visit the server signed for that page. The editor's preview has none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sending {
    pub widget: WidgetId,
    pub site: Option<String>,
    pub visit: String,
}

/// What the preview's status badge lists (a builder's workspace shows sample services; fixed
/// dates, since the browser build has no clock of its own through chrono).
fn sample_services() -> Vec<BadgeService> {
    let day = |timestamp| chrono::DateTime::from_timestamp(timestamp, 0).unwrap_or_default();
    vec![
        BadgeService {
            name: "Voice agent".into(),
            status: ActivationStatus::Active,
            since: day(1_772_409_600),
        },
        BadgeService {
            name: "Transcription".into(),
            status: ActivationStatus::Suspended,
            since: day(1_780_272_000),
        },
    ]
}

/// Draws the widget of `config`. With `sending`, it is the embedded widget and sends what
/// visitors enter; without, it is the editor's preview and sends nothing. `services` is what
/// a status badge lists (the preview shows samples).
#[component]
pub fn WidgetView(
    #[prop(into)] config: Signal<WidgetConfig>,
    #[prop(optional)] sending: Option<Sending>,
    #[prop(optional)] services: Option<Vec<BadgeService>>,
) -> impl IntoView {
    let root = NodeRef::<html::Div>::new();
    Effect::new(move || {
        let config = config.get();
        let Some(element) = root.get() else {
            return;
        };
        theme(&element, &config);
    });
    let preview = sending.is_none();
    let sending = StoredValue::new(sending);
    let services = StoredValue::new(services.unwrap_or_else(sample_services));
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
                    {move || {
                        let config = config.get();
                        let sending = sending.get_value();
                        match config.content.clone() {
                            Content::LeadForm(form) => view! { <LeadFormView config form sending /> }.into_any(),
                            Content::StatusBadge(badge) => view! { <BadgeView badge rows=services.get_value() /> }.into_any(),
                            Content::Feedback(feedback) => view! { <FeedbackView config feedback sending /> }.into_any(),
                        }
                    }}
                </div>
            </Show>
        </div>
    }
}

#[cfg(feature = "hydrate")]
fn theme(element: &web_sys::HtmlDivElement, config: &WidgetConfig) {
    crate::components::style::set_properties(element, &[], &theme_properties(config));
}

#[cfg(not(feature = "hydrate"))]
fn theme(_element: &web_sys::HtmlDivElement, _config: &WidgetConfig) {}

/// The `--aw-*` custom properties of a widget's theme (checked values: colors are
/// `#rrggbb`, the font a fixed stack), for the CSSOM and the embedded document's stylesheet.
pub fn theme_properties(config: &WidgetConfig) -> [(&'static str, String); 6] {
    let theme = &config.theme;
    [
        ("--aw-primary", theme.primary.to_string()),
        ("--aw-bg", theme.background.to_string()),
        ("--aw-text", theme.text.to_string()),
        ("--aw-radius", format!("{}px", theme.radius)),
        ("--aw-font", theme.font.stack().to_owned()),
        ("--aw-width", format!("{}px", config.width)),
    ]
}

/// Where a send stands: the problems found by the shared check, or the server's refusal.
#[derive(Clone, Debug, Default, PartialEq)]
struct Outcome {
    problems: Vec<ValidationError>,
    refused: Option<AppError>,
}

impl Outcome {
    fn at(&self, field: &str) -> Option<String> {
        self.problems
            .iter()
            .find(|p| p.field == field)
            .map(|p| p.reason.clone())
    }

    /// A problem that names no one field (an unknown field, the wrong kind).
    fn general(&self, fields: &[String]) -> Option<String> {
        self.refused.as_ref().map(ToString::to_string).or_else(|| {
            self.problems
                .iter()
                .find(|p| !fields.contains(&p.field))
                .map(|p| p.reason.clone())
        })
    }
}

/// Checks `submission` with the shared rules, then (embedded) sends it; `done` runs once it
/// is kept (or, in the preview, once it passes).
fn send(
    config: &WidgetConfig,
    submission: Submission,
    sending: Option<Sending>,
    set_outcome: WriteSignal<Outcome>,
    set_busy: WriteSignal<bool>,
    done: impl FnOnce() + 'static,
) {
    if let Err(problems) = config.check_submission(&submission) {
        set_outcome.set(Outcome {
            problems,
            refused: None,
        });
        return;
    }
    set_outcome.set(Outcome::default());
    let Some(sending) = sending else {
        done();
        return;
    };
    let Ok(body) = serde_json::to_string(&submission) else {
        return;
    };
    set_busy.set(true);
    leptos::task::spawn_local(async move {
        let result = submit_widget(sending.widget, sending.site, sending.visit, body).await;
        set_busy.set(false);
        match result {
            Ok(_) => done(),
            Err(error) => set_outcome.set(Outcome {
                problems: error
                    .field()
                    .map(|field| vec![ValidationError::new(field, error.to_string())])
                    .unwrap_or_default(),
                refused: error.field().is_none().then_some(error),
            }),
        }
    });
}

/// The answers typed into `form`, by field key.
#[cfg(feature = "hydrate")]
fn answers_in(form: &web_sys::HtmlFormElement, fields: &[FormField]) -> Vec<Answer> {
    let Ok(data) = web_sys::FormData::new_with_form(form) else {
        return Vec::new();
    };
    fields
        .iter()
        .map(|f| Answer {
            key: f.key.as_str().to_owned(),
            value: data.get(f.key.as_str()).as_string().unwrap_or_default(),
        })
        .collect()
}

#[cfg(not(feature = "hydrate"))]
fn answers_in(_form: &web_sys::HtmlFormElement, _fields: &[FormField]) -> Vec<Answer> {
    Vec::new()
}

#[component]
fn LeadFormView(config: WidgetConfig, form: LeadForm, sending: Option<Sending>) -> impl IntoView {
    let (sent, set_sent) = signal(false);
    let (outcome, set_outcome) = signal(Outcome::default());
    let (busy, set_busy) = signal(false);
    let preview = sending.is_none();
    let success = form.success_message.clone();
    let form_ref = NodeRef::<html::Form>::new();
    let fields = form.fields.clone();
    let paths: Vec<String> = fields
        .iter()
        .map(|f| format!("answers.{}", f.key.as_str()))
        .collect();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(element) = form_ref.get() else {
            return;
        };
        let submission = Submission::LeadForm {
            answers: answers_in(&element, &fields),
        };
        send(
            &config,
            submission,
            sending.clone(),
            set_outcome,
            set_busy,
            move || set_sent.set(true),
        );
    };
    view! {
        <h3 class="aw-title">{form.title.clone()}</h3>
        {(!form.intro.trim().is_empty()).then(|| view! { <p class="aw-text">{form.intro.clone()}</p> })}
        <Show when=move || !sent.get() fallback=move || view! {
            <p class="aw-success" role="status">{success.clone()}</p>
            {preview.then(|| view! { <p class="aw-muted">"Preview: nothing was sent."</p> })}
        }>
            <form class="aw-form" node_ref=form_ref novalidate on:submit=on_submit.clone()>
                {form.fields.iter().map(|field| field_view(field, outcome)).collect_view()}
                {
                    let paths = paths.clone();
                    move || outcome.with(|o| {
                        o.general(&paths).or_else(|| {
                            (!o.problems.is_empty()).then(|| "Check the marked fields.".to_owned())
                        })
                    }).map(|message| view! {
                        <p class="aw-error" role="alert">{message}</p>
                    })
                }
                <button type="submit" class="aw-button" disabled=move || busy.get()>{form.submit_label.clone()}</button>
            </form>
        </Show>
    }
}

fn field_view(field: &FormField, outcome: ReadSignal<Outcome>) -> impl IntoView + use<> {
    let id = format!("aw-field-{}", field.key.as_str());
    let message_id = format!("{id}-message");
    let path = format!("answers.{}", field.key.as_str());
    let name = field.key.as_str().to_owned();
    let label = if field.required {
        format!("{} *", field.label)
    } else {
        field.label.clone()
    };
    let problem = {
        let path = path.clone();
        Memo::new(move |_| outcome.with(|o| o.at(&path)))
    };
    let invalid = move || problem.get().is_some().then_some("true");
    let input = match field.kind {
        FieldKind::LongText => view! {
            <textarea id=id.clone() name=name rows="3" required=field.required
                aria-invalid=invalid aria-describedby=message_id.clone()></textarea>
        }
        .into_any(),
        kind => {
            let kind = match kind {
                FieldKind::Email => "email",
                FieldKind::Phone => "tel",
                _ => "text",
            };
            view! {
                <input id=id.clone() name=name type=kind required=field.required
                    aria-invalid=invalid aria-describedby=message_id.clone() />
            }
            .into_any()
        }
    };
    view! {
        <div class="aw-field">
            <label for=id>{label}</label>
            {input}
            <p class="aw-field-message" id=message_id>{move || problem.get()}</p>
        </div>
    }
}

#[component]
fn BadgeView(badge: StatusBadge, rows: Vec<BadgeService>) -> impl IntoView {
    view! {
        <h3 class="aw-title">{badge.title.clone()}</h3>
        {rows.is_empty().then(|| view! { <p class="aw-text">"No services to show yet."</p> })}
        <ul class="aw-status">
            {rows.into_iter().map(|row| {
                view! {
                <li data-status=row.status.as_str()>
                    <span class="aw-dot" aria-hidden="true"></span>
                    <span>{row.name}</span>
                    <span class="aw-muted">{row.status.label()}{badge.show_since.then(|| format!(" · since {}", format_date(row.since)))}</span>
                </li>
                }
            }).collect_view()}
        </ul>
    }
}

#[component]
fn FeedbackView(
    config: WidgetConfig,
    feedback: Feedback,
    sending: Option<Sending>,
) -> impl IntoView {
    let (score, set_score) = signal(None::<u8>);
    let (comment, set_comment) = signal(String::new());
    let (sent, set_sent) = signal(false);
    let (outcome, set_outcome) = signal(Outcome::default());
    let (busy, set_busy) = signal(false);
    let preview = sending.is_none();
    let follow_up = feedback.follow_up.clone();
    let thanks = feedback.thanks.clone();
    let config = StoredValue::new(config);
    let sending = StoredValue::new(sending);
    let on_send = move |_| {
        let Some(score) = score.get_untracked() else {
            return;
        };
        let submission = Submission::Feedback {
            score,
            comment: comment.get_untracked(),
        };
        send(
            &config.get_value(),
            submission,
            sending.get_value(),
            set_outcome,
            set_busy,
            move || set_sent.set(true),
        );
    };
    let paths = vec!["score".to_owned(), "comment".to_owned()];
    view! {
        <h3 class="aw-title">{feedback.question.clone()}</h3>
        <Show when=move || !sent.get() fallback=move || view! {
            <p class="aw-success" role="status">{thanks.clone()}</p>
            {preview.then(|| view! { <p class="aw-muted">"Preview: nothing was sent."</p> })}
        }>
            <div class="aw-scale" role="group" aria-label="Your score">
                {feedback.scale.range().map(|n| view! {
                    <button type="button" class="aw-score" aria-pressed=move || (score.get() == Some(n)).to_string()
                        on:click=move |_| set_score.set(Some(n))>{n}</button>
                }).collect_view()}
            </div>
            {
                let follow_up = follow_up.clone();
                let paths = paths.clone();
                move || score.get().map(|_| {
                    let follow_up = follow_up.clone();
                    let paths = paths.clone();
                    view! {
                        {(!follow_up.trim().is_empty()).then(|| view! {
                            <div class="aw-field">
                                <label for="aw-follow-up">{follow_up.clone()}</label>
                                <textarea id="aw-follow-up" rows="2" aria-describedby="aw-follow-up-message"
                                    aria-invalid=move || outcome.with(|o| o.at("comment").is_some()).then_some("true")
                                    on:input=move |ev| set_comment.set(event_target_value(&ev))></textarea>
                                <p class="aw-field-message" id="aw-follow-up-message">{move || outcome.with(|o| o.at("comment"))}</p>
                            </div>
                        })}
                        {move || outcome.with(|o| o.general(&paths).or_else(|| o.at("score"))).map(|message| view! {
                            <p class="aw-error" role="alert">{message}</p>
                        })}
                        <button type="button" class="aw-button" disabled=move || busy.get() on:click=on_send>"Send"</button>
                    }
                })
            }
        </Show>
    }
}
