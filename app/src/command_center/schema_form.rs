//! A phase's form, drawn from its schema: each input is named `fields[<property>]` (so a
//! plain form post carries it too) and checked as the person types by the same code the
//! server runs (`FieldSpec::check_text`).

use leptos::prelude::*;
use serde_json::{Map, Value};
use shared::AppError;
use shared::process::schema::{FieldKind, FieldSpec, PhaseSchema, TextFormat};

#[component]
pub fn SchemaFields(
    schema: PhaseSchema,
    /// Values to start from (a phase's saved data).
    #[prop(optional)]
    values: Map<String, Value>,
    /// Keeps ids apart when two forms are on one page.
    #[prop(into)]
    scope: String,
    #[prop(optional)] disabled: bool,
    #[prop(into, optional)] server_error: Signal<Option<AppError>>,
) -> impl IntoView {
    schema
        .fields()
        .iter()
        .cloned()
        .map(|field| {
            let value = field.display(values.get(&field.name));
            view! { <SchemaField field value scope=scope.clone() disabled server_error /> }
        })
        .collect_view()
}

#[component]
fn SchemaField(
    field: FieldSpec,
    value: String,
    scope: String,
    disabled: bool,
    server_error: Signal<Option<AppError>>,
) -> impl IntoView {
    let id = format!("{scope}-{}", field.name);
    let message_id = format!("{id}-message");
    let name = format!("fields[{}]", field.name);
    let (local, set_local) = signal(None::<String>);
    let spec = StoredValue::new(field.clone());
    let field_name = field.name.clone();
    let message = move || {
        local.get().or_else(|| {
            server_error.get().and_then(|err| match err {
                AppError::Invalid { field, reason } if field == field_name => Some(reason),
                _ => None,
            })
        })
    };
    let invalid = Signal::derive({
        let message = message.clone();
        move || message().is_some()
    });
    let check = move |text: String| set_local.set(spec.with_value(|f| f.check_text(&text).err()));
    let label = if field.required {
        format!("{} (required to finish the phase)", field.title)
    } else {
        field.title.clone()
    };
    let description = field.description.clone();
    let input = match &field.kind {
        FieldKind::Boolean => view! {
            <input id=id.clone() name=name type="checkbox" checked=value == "true" disabled=disabled aria-describedby=message_id.clone() />
        }
        .into_any(),
        FieldKind::Choice { options } => {
            let options = options.clone();
            view! {
                <select id=id.clone() name=name disabled=disabled aria-describedby=message_id.clone() on:change=move |ev| check(event_target_value(&ev))>
                    <option value="" selected=value.is_empty()>"— choose —"</option>
                    {options.into_iter().map(|o| {
                        let selected = o == value;
                        view! { <option value=o.clone() selected=selected>{o.replace('_', " ")}</option> }
                    }).collect_view()}
                </select>
            }
            .into_any()
        }
        FieldKind::Text { format: TextFormat::Long, max_length, .. } => view! {
            <textarea id=id.clone() name=name rows="3" maxlength=max_length.map(|n| n.to_string()) disabled=disabled
                aria-invalid=move || if invalid.get() { "true" } else { "false" } aria-describedby=message_id.clone()
                on:input=move |ev| check(event_target_value(&ev))>{value}</textarea>
        }
        .into_any(),
        kind => {
            let (kind_attr, mode) = match kind {
                FieldKind::Text { format: TextFormat::Email, .. } => ("email", None),
                FieldKind::Text { format: TextFormat::Uri, .. } => ("url", None),
                FieldKind::Integer { .. } => ("text", Some("numeric")),
                FieldKind::Number { .. } => ("text", Some("decimal")),
                _ => ("text", None),
            };
            view! {
                <input id=id.clone() name=name type=kind_attr inputmode=mode value=value disabled=disabled
                    aria-invalid=move || if invalid.get() { "true" } else { "false" } aria-describedby=message_id.clone()
                    on:input=move |ev| check(event_target_value(&ev)) />
            }
            .into_any()
        }
    };
    view! {
        <div class="field" class:invalid=invalid class:checkbox=field.kind == FieldKind::Boolean>
            <label for=id.clone()>{label}</label>
            {input}
            {description.map(|d| view! { <p class="hint">{d}</p> })}
            <p class="field-message" id=message_id aria-live="polite">{message}</p>
        </div>
    }
}
