//! Styles set from code: the content security policy allows no inline style attributes, so
//! live previews set CSS custom properties through the CSSOM once in the browser.

/// Sets `properties` on `element`, and removes those of `names` it does not set (so a part
/// cleared in a form falls back to the page's own value).
#[cfg(feature = "hydrate")]
pub fn set_properties(
    element: &web_sys::HtmlElement,
    names: &[&str],
    properties: &[(&'static str, String)],
) {
    let style = element.style();
    for name in names {
        if !properties.iter().any(|(set, _)| set == name) {
            let _ = style.remove_property(name);
        }
    }
    for (name, value) in properties {
        let _ = style.set_property(name, value);
    }
}
