//! Light, dark or the system's choice, remembered in a cookie so the server renders the
//! right colors on the first paint.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub const COOKIE: &str = "atrium_theme";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Theme {
    System,
    Light,
    Dark,
}

impl Theme {
    pub fn from_cookie(value: Option<&str>) -> Self {
        match value {
            Some("light") => Self::Light,
            Some("dark") => Self::Dark,
            _ => Self::System,
        }
    }

    /// The `data-theme` attribute; none means "follow the system".
    pub fn attribute(self) -> Option<&'static str> {
        match self {
            Self::System => None,
            Self::Light => Some("light"),
            Self::Dark => Some("dark"),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::System => "System",
            Self::Light => "Light",
            Self::Dark => "Dark",
        }
    }
}

#[server(prefix = "/rpc", endpoint = "set_theme")]
pub async fn set_theme(theme: Theme) -> Result<(), shared::AppError> {
    use crate::server;
    let value = match theme.attribute() {
        Some(name) => format!("{COOKIE}={name}; Path=/; SameSite=Lax; Max-Age=31536000"),
        None => format!("{COOKIE}=; Path=/; SameSite=Lax; Max-Age=0"),
    };
    server::set_cookie(&value);
    Ok(())
}

/// Three buttons in one form: they post without JavaScript and switch instantly with it.
#[component]
pub fn ThemePicker() -> impl IntoView {
    let action = ServerAction::<SetTheme>::new();
    let apply = move |theme: Theme| {
        if let Some(root) = document().document_element() {
            match theme.attribute() {
                Some(name) => {
                    let _ = root.set_attribute("data-theme", name);
                }
                None => {
                    let _ = root.remove_attribute("data-theme");
                }
            }
        }
    };
    view! {
        <ActionForm action=action attr:class="theme-picker" attr:aria-label="Color theme">
            {[Theme::Light, Theme::Dark, Theme::System]
                .into_iter()
                .map(|theme| {
                    view! {
                        <button
                            type="submit"
                            name="theme"
                            value=theme.label().to_lowercase()
                            class="chip"
                            on:click=move |_| apply(theme)
                        >
                            {theme.label()}
                        </button>
                    }
                })
                .collect_view()}
        </ActionForm>
    }
}
