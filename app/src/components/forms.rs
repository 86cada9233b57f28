//! Form fields that check themselves with the same parsers the server runs.

use leptos::prelude::*;
use shared::AppError;

/// A validator from `shared`: `Ok` or the reason to show.
pub type Check = fn(&str) -> Result<(), String>;

/// A labelled input. `check` runs as the person types (after they first leave the field);
/// `server_error` shows the server's verdict for this field name.
#[component]
pub fn Field(
    #[prop(into)] name: String,
    #[prop(into)] label: String,
    #[prop(into, default = "text".into())] kind: String,
    #[prop(into, optional)] value: String,
    #[prop(into, optional)] autocomplete: String,
    /// The on-screen keyboard to offer (`numeric` for codes).
    #[prop(into, optional)]
    inputmode: String,
    #[prop(into, optional)] hint: String,
    #[prop(optional)] required: bool,
    #[prop(optional)] check: Option<Check>,
    #[prop(into, optional)] server_error: Signal<Option<AppError>>,
    /// Tells apart fields of the same name in two forms on one page (their ids must differ).
    #[prop(into, optional)]
    scope: String,
) -> impl IntoView {
    let id = if scope.is_empty() {
        format!("field-{name}")
    } else {
        format!("field-{scope}-{name}")
    };
    let message_id = format!("{id}-message");
    let (local, set_local) = signal(None::<String>);
    let (touched, set_touched) = signal(false);
    let field_name = name.clone();
    let server_message = move || {
        server_error.get().and_then(|err| match &err {
            AppError::Invalid { field, reason } if *field == field_name => Some(reason.clone()),
            _ => None,
        })
    };
    let run_check = move |text: String| {
        if let Some(check) = check {
            set_local.set(check(&text).err());
        }
    };
    let message = move || {
        local
            .get()
            .filter(|_| touched.get())
            .or_else(server_message.clone())
    };
    let invalid = Signal::derive({
        let message = message.clone();
        move || message().is_some()
    });
    let has_hint = !hint.is_empty();
    view! {
        <div class="field" class:invalid=invalid>
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                type=kind
                value=value
                autocomplete=if autocomplete.is_empty() { None } else { Some(autocomplete) }
                inputmode=if inputmode.is_empty() { None } else { Some(inputmode) }
                required=required
                aria-invalid=move || if invalid.get() { "true" } else { "false" }
                aria-describedby=message_id.clone()
                on:blur=move |ev| {
                    set_touched.set(true);
                    run_check(event_target_value(&ev));
                }
                on:input=move |ev| {
                    if touched.get_untracked() {
                        run_check(event_target_value(&ev));
                    }
                }
            />
            <p id=message_id class="field-message" aria-live="polite">
                {move || message().or_else(|| has_hint.then(|| hint.clone()))}
            </p>
        </div>
    }
}

/// An authenticator code or a backup code.
/// A search form's drop-down: `any` (value "") first when given, then `options` as (value,
/// label), with the option the address holds selected.
#[component]
pub fn Choice(
    id: &'static str,
    label: &'static str,
    name: &'static str,
    #[prop(optional)] any: Option<&'static str>,
    options: Vec<(&'static str, &'static str)>,
    #[prop(into)] current: Signal<String>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select id=id name=name>
                {any.map(|text| view! { <option value="">{text}</option> })}
                {options.into_iter().map(|(value, text)| view! {
                    <option value=value selected=move || current.read().as_str() == value>{text}</option>
                }).collect_view()}
            </select>
        </div>
    }
}

pub fn check_second_factor(input: &str) -> Result<(), String> {
    shared::two_factor::SecondFactorCode::parse(input)
        .map(|_| ())
        .map_err(|e| e.reason)
}

/// An authenticator code only.
pub fn check_totp(input: &str) -> Result<(), String> {
    shared::two_factor::SecondFactorCode::parse_totp(input)
        .map(|_| ())
        .map_err(|e| e.reason)
}

pub fn check_email(input: &str) -> Result<(), String> {
    shared::email::Email::parse(input)
        .map(|_| ())
        .map_err(|e| e.reason)
}

pub fn check_password(input: &str) -> Result<(), String> {
    shared::password::Password::parse(input, None)
        .map(|_| ())
        .map_err(|e| e.reason)
}

pub fn check_person_name(input: &str) -> Result<(), String> {
    shared::names::PersonName::parse(input)
        .map(|_| ())
        .map_err(|e| e.reason)
}

pub fn check_tenant_name(input: &str) -> Result<(), String> {
    shared::names::TenantName::parse(input)
        .map(|_| ())
        .map_err(|e| e.reason)
}

pub fn check_optional_slug(input: &str) -> Result<(), String> {
    if input.trim().is_empty() {
        return Ok(());
    }
    shared::slug::Slug::parse(input)
        .map(|_| ())
        .map_err(|e| e.reason)
}
