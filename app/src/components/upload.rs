//! Sending a file from a page: checked in the browser first by the same rules as the server
//! (`check`, on its name and size), then posted as multipart to its route, with the answer
//! read as JSON. Without JavaScript the form posts itself and the server redirects back.

use leptos::prelude::*;
use shared::AppError;

/// An upload form's state: whether a file is on its way, and why the last one was refused.
#[derive(Clone, Copy)]
pub struct Upload {
    pub pending: RwSignal<bool>,
    pub error: RwSignal<Option<AppError>>,
}

impl Upload {
    pub fn new() -> Self {
        Self {
            pending: RwSignal::new(false),
            error: RwSignal::new(None),
        }
    }

    /// The form's submit handler: sends its chosen `file` to `url` with [`send`] (after
    /// `check`), answered as a `T`; on success it resets the form and counts one more in
    /// `sent`. Without JavaScript the form posts itself.
    pub fn on_submit<T: serde::de::DeserializeOwned + 'static>(
        self,
        url: String,
        check: fn(&str, u64) -> Result<(), AppError>,
        sent: RwSignal<u64>,
    ) -> impl Fn(leptos::ev::SubmitEvent) + 'static {
        move |ev| {
            #[cfg(feature = "hydrate")]
            {
                use wasm_bindgen::JsCast;
                ev.prevent_default();
                let Some(form) = ev
                    .target()
                    .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
                else {
                    return;
                };
                let url = url.clone();
                self.pending.set(true);
                self.error.set(None);
                leptos::task::spawn_local(async move {
                    match send::<T>(&form, &url, check).await {
                        Ok(_) => {
                            form.reset();
                            sent.update(|n| *n += 1);
                        }
                        Err(e) => self.error.set(Some(e)),
                    }
                    self.pending.set(false);
                });
            }
            #[cfg(not(feature = "hydrate"))]
            let _ = (ev, &url, check, sent, self);
        }
    }
}

impl Default for Upload {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(feature = "hydrate")]
fn network(err: wasm_bindgen::JsValue) -> AppError {
    AppError::Network {
        message: err.as_string().unwrap_or_else(|| format!("{err:?}")),
    }
}

/// Checks the form's chosen `file` with `check` and sends the form to `url`; what the server
/// stored, or why not.
#[cfg(feature = "hydrate")]
pub async fn send<T: serde::de::DeserializeOwned>(
    form: &web_sys::HtmlFormElement,
    url: &str,
    check: impl Fn(&str, u64) -> Result<(), AppError>,
) -> Result<T, AppError> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;

    let body = web_sys::FormData::new_with_form(form).map_err(network)?;
    let file = body
        .get("file")
        .dyn_into::<web_sys::File>()
        .ok()
        .filter(|file| !file.name().is_empty())
        .ok_or_else(|| AppError::invalid("file", "Choose a file to send."))?;
    // Sizes of files a browser can pick are whole bytes well inside f64's exact range.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let size = file.size() as u64;
    check(&file.name(), size)?;

    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&body);
    let request = web_sys::Request::new_with_str_and_init(url, &init).map_err(network)?;
    request
        .headers()
        .set("Accept", "application/json")
        .map_err(network)?;
    let window = web_sys::window().ok_or_else(|| network("no window".into()))?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_request(&request))
        .await
        .map_err(network)?
        .dyn_into()
        .map_err(network)?;
    let text = JsFuture::from(response.text().map_err(network)?)
        .await
        .map_err(network)?
        .as_string()
        .unwrap_or_default();
    if response.ok() {
        serde_json::from_str(&text).map_err(|err| AppError::Internal {
            reference: format!("upload answer: {err}"),
        })
    } else {
        Err(
            serde_json::from_str(&text).unwrap_or_else(|_| AppError::Internal {
                reference: format!("upload answered {}", response.status()),
            }),
        )
    }
}
