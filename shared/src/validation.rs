//! The error a parser returns: which field, and why, in words a person can act on.

use serde::{Deserialize, Serialize};

/// A value was refused by a domain parser.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct ValidationError {
    /// The form field (or domain value) that was refused, e.g. `email`.
    pub field: String,
    /// A sentence a person can act on, e.g. "must contain an @".
    pub reason: String,
}

impl ValidationError {
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// The same reason reported against another field name (a parser names its own
    /// value; a form may call it something else).
    pub fn for_field(mut self, field: impl Into<String>) -> Self {
        self.field = field.into();
        self
    }
}

/// The words a search form's `q` field holds, spaces collapsed, at most `max` characters.
pub fn search_text(input: &str, max: usize) -> Result<String, ValidationError> {
    let text = input.split_whitespace().collect::<Vec<_>>().join(" ");
    let chars = text.chars().count();
    if chars > max {
        return Err(ValidationError::new(
            "q",
            format!("Search for at most {max} characters (this is {chars})."),
        ));
    }
    Ok(text)
}

/// Name–value pairs as a URL's query string (values percent-encoded but for unreserved
/// characters), for links that carry a search: the next page, a CSV download.
/// A drop-down's value: empty means "any"; anything the list does not offer is refused,
/// naming `what` was to be chosen.
pub fn choice<T: std::str::FromStr>(
    field: &str,
    value: &str,
    what: &str,
) -> Result<Option<T>, ValidationError> {
    match value.trim() {
        "" => Ok(None),
        other => other
            .parse()
            .map(Some)
            .map_err(|_| ValidationError::new(field, format!("Choose {what} from the list."))),
    }
}

pub fn query_string(pairs: Vec<(&str, String)>) -> String {
    pairs
        .into_iter()
        .map(|(name, value)| format!("{name}={}", encode(&value)))
        .collect::<Vec<_>>()
        .join("&")
}

/// `path` with a search's query string and, for a later page, one more `name=value` pair
/// (`after=…`), without a dangling `?` or `&`.
pub fn search_link(path: &str, query: &str, page: Option<(&str, String)>) -> String {
    let pairs: Vec<String> = [
        Some(query.to_owned()),
        page.map(|(name, value)| format!("{name}={}", encode(&value))),
    ]
    .into_iter()
    .flatten()
    .filter(|part| !part.is_empty())
    .collect();
    if pairs.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", pairs.join("&"))
    }
}

fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(char::from(byte));
            }
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_links_carry_the_search_and_the_page() {
        assert_eq!(search_link("/x", "", None), "/x");
        assert_eq!(search_link("/x", "q=a", None), "/x?q=a");
        assert_eq!(
            search_link("/x", "", Some(("after", "7".into()))),
            "/x?after=7"
        );
        assert_eq!(
            search_link("/x", "q=a", Some(("after", "7".into()))),
            "/x?q=a&after=7"
        );
    }

    #[test]
    fn search_text_collapses_spaces_and_counts_characters() {
        assert_eq!(
            search_text("  lead \n form ", 9),
            Ok("lead form".to_owned())
        );
        assert_eq!(search_text("ééé", 3), Ok("ééé".to_owned()));
        let refused = search_text("éééé", 3).unwrap_err();
        assert_eq!(refused.field, "q");
        assert_eq!(
            refused.reason,
            "Search for at most 3 characters (this is 4)."
        );
    }

    #[test]
    fn query_strings_encode_what_a_url_cannot_hold() {
        assert_eq!(
            query_string(vec![
                ("q", "a&b c/é".to_owned()),
                ("sort", "email".to_owned())
            ]),
            "q=a%26b%20c%2F%C3%A9&sort=email"
        );
    }
}
