//! How a page's data travels from the server's render to the browser's hydration.
//!
//! Leptos writes each resource's (and each `SharedValue`'s) encoded value into the page as a
//! JavaScript string literal, made with Rust's `Debug` for `str`: every `"` becomes `\"`, and
//! each escape is a separate write into the page. JSON text is mostly quotes, so on the
//! command center page that escaping was about 9 % of the server's instructions (callgrind).
//! [`PageJson`] is JSON with its two quote characters exchanged, `"` for `'` and `'` for `"`:
//! JSON syntax has no `'`, so the literal needs an escape only where the data itself holds a
//! `'`, and the browser exchanges them back before parsing. Both are ASCII, so exchanging
//! bytes keeps UTF-8 text valid.

use leptos::server::SharedValue;
use leptos::server::codee::{Decoder, Encoder};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// JSON with `"` and `'` exchanged: the encoding of a page's data (see the module's notes).
pub struct PageJson;

/// A value the server computes once while rendering and the browser reads back from the page
/// when it hydrates (Leptos's `SharedValue`), in the same encoding as the pages' resources.
pub fn shared_value<T: Serialize + DeserializeOwned>(initial: impl FnOnce() -> T) -> T {
    SharedValue::<T, PageJson>::new_with_encoding(initial).into_inner()
}

/// Exchanges `"` and `'`; applied twice, it gives back what it was given.
fn exchange_quotes(bytes: &mut [u8]) {
    for byte in bytes {
        *byte = match *byte {
            b'"' => b'\'',
            b'\'' => b'"',
            other => other,
        };
    }
}

impl<T: Serialize> Encoder<T> for PageJson {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(value: &T) -> Result<String, serde_json::Error> {
        let mut bytes = serde_json::to_vec(value)?;
        exchange_quotes(&mut bytes);
        String::from_utf8(bytes).map_err(<serde_json::Error as serde::ser::Error>::custom)
    }
}

impl<T: DeserializeOwned> Decoder<T> for PageJson {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(text: &str) -> Result<T, serde_json::Error> {
        let mut bytes = text.as_bytes().to_vec();
        exchange_quotes(&mut bytes);
        serde_json::from_slice(&bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Row {
        title: String,
        count: i64,
        tags: Vec<String>,
        note: Option<String>,
    }

    fn round_trip(row: &Row) -> Row {
        let encoded = <PageJson as Encoder<Row>>::encode(row).unwrap();
        <PageJson as Decoder<Row>>::decode(&encoded).unwrap()
    }

    #[test]
    fn json_syntax_needs_no_escape_in_a_string_literal() {
        let row = Row {
            title: "Globex onboarding – phase 2".to_owned(),
            count: 3,
            tags: vec!["a".to_owned(), "b".to_owned()],
            note: None,
        };
        let encoded = <PageJson as Encoder<Row>>::encode(&row).unwrap();
        assert_eq!(
            encoded,
            "{'title':'Globex onboarding – phase 2','count':3,'tags':['a','b'],'note':null}"
        );
        // Written into the page as a string literal, it needs no escape at all.
        assert_eq!(format!("{encoded:?}").matches('\\').count(), 0);
        assert_eq!(round_trip(&row), row);
    }

    #[test]
    fn quotes_backslashes_and_markup_in_the_data_come_back_unchanged() {
        let row = Row {
            title: r#"O'Brien said "hi" \ </script> 'twice'"#.to_owned(),
            count: -1,
            tags: vec!["\"".to_owned(), "'".to_owned(), "\\'".to_owned()],
            note: Some("line\nbreak\ttab".to_owned()),
        };
        assert_eq!(round_trip(&row), row);
    }

    proptest! {
        #[test]
        fn every_value_round_trips(
            title in any::<String>(),
            count in any::<i64>(),
            tags in proptest::collection::vec(any::<String>(), 0..4),
            note in proptest::option::of(any::<String>()),
        ) {
            let row = Row { title, count, tags, note };
            prop_assert_eq!(round_trip(&row), row);
        }
    }
}
