//! Sending a file from a page: checked in the browser first by the same rules as the server
//! (`check`, on its name and size), then posted as multipart to its route, with the answer
//! read as JSON. Without JavaScript the form posts itself and the server redirects back.

#[cfg(feature = "hydrate")]
use shared::AppError;

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
