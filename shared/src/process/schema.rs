//! The data a phase collects, described by a JSON Schema and parsed once into typed fields.
//!
//! Templates store each phase's schema as JSON Schema (so n8n workflows and other tools read
//! it as they are), but only the part of it a form can show is accepted: an object whose
//! properties are strings (optionally email, URL or long text), integers, numbers, booleans
//! or a choice among strings, with `required`, lengths and bounds. Anything else is refused
//! when the template is saved, with the keyword named — never silently ignored. The browser
//! builds the form and checks input with this type; the server checks it again with the
//! same code.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use crate::validation::ValidationError;

/// Most fields a phase may have, and the longest text a field takes.
pub const MAX_FIELDS: usize = 40;
pub const MAX_TEXT: u32 = 20_000;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "Value", into = "Value")]
pub struct PhaseSchema {
    fields: Vec<FieldSpec>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FieldSpec {
    /// The property name: what the data and the webhook payload carry.
    pub name: String,
    /// What the form shows (`title`, or the name).
    pub title: String,
    pub description: Option<String>,
    pub required: bool,
    pub kind: FieldKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum FieldKind {
    Text {
        format: TextFormat,
        min_length: Option<u32>,
        max_length: Option<u32>,
    },
    Integer {
        minimum: Option<i64>,
        maximum: Option<i64>,
    },
    Number {
        minimum: Option<f64>,
        maximum: Option<f64>,
    },
    Boolean,
    Choice {
        options: Vec<String>,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextFormat {
    Line,
    /// `"format": "textarea"`, an extension form builders use for long text.
    Long,
    Email,
    Uri,
}

/// How strictly phase data is checked: while a person is filling it in, present values must
/// be right; when the phase completes, required values must be there too.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Completeness {
    Partial,
    Complete,
}

impl PhaseSchema {
    /// An empty schema: the phase collects nothing.
    pub fn empty() -> Self {
        Self { fields: Vec::new() }
    }

    pub fn fields(&self) -> &[FieldSpec] {
        &self.fields
    }

    /// Parses a JSON Schema, refusing what a form could not honour.
    pub fn parse(schema: &Value) -> Result<Self, ValidationError> {
        let err = |reason: String| ValidationError::new("schema", reason);
        let object = schema
            .as_object()
            .ok_or_else(|| err("The schema must be a JSON object.".into()))?;
        for key in object.keys() {
            if !matches!(
                key.as_str(),
                "type"
                    | "properties"
                    | "required"
                    | "$schema"
                    | "title"
                    | "description"
                    | "additionalProperties"
            ) {
                return Err(err(format!(
                    "The schema keyword “{key}” is not supported here."
                )));
            }
        }
        if object.get("type").and_then(Value::as_str) != Some("object") {
            return Err(err("The schema's \"type\" must be \"object\".".into()));
        }
        let required: Vec<&str> = match object.get("required") {
            None => Vec::new(),
            Some(Value::Array(names)) => names
                .iter()
                .map(|n| {
                    n.as_str()
                        .ok_or_else(|| err("\"required\" must list property names.".into()))
                })
                .collect::<Result<_, _>>()?,
            Some(_) => return Err(err("\"required\" must be a list of property names.".into())),
        };
        let properties = match object.get("properties") {
            None => Map::new(),
            Some(Value::Object(p)) => p.clone(),
            Some(_) => return Err(err("\"properties\" must be an object.".into())),
        };
        if properties.len() > MAX_FIELDS {
            return Err(err(format!(
                "A phase may have at most {MAX_FIELDS} fields."
            )));
        }
        for name in &required {
            if !properties.contains_key(*name) {
                return Err(err(format!(
                    "“{name}” is required but is not among the properties."
                )));
            }
        }
        let fields = properties
            .iter()
            .map(|(name, spec)| FieldSpec::parse(name, spec, required.contains(&name.as_str())))
            .collect::<Result<_, _>>()?;
        Ok(Self { fields })
    }

    /// The schema as JSON Schema (what templates store and webhooks receive).
    pub fn to_json_schema(&self) -> Value {
        let properties: Map<String, Value> = self
            .fields
            .iter()
            .map(|f| (f.name.clone(), f.to_json_schema()))
            .collect();
        let required: Vec<&str> = self
            .fields
            .iter()
            .filter(|f| f.required)
            .map(|f| f.name.as_str())
            .collect();
        json!({ "type": "object", "properties": properties, "required": required, "additionalProperties": false })
    }

    /// Checks data against the schema; every problem is reported, each against its field.
    pub fn validate(
        &self,
        data: &Map<String, Value>,
        completeness: Completeness,
    ) -> Result<(), Vec<ValidationError>> {
        let mut errors = Vec::new();
        for key in data.keys() {
            if !self.fields.iter().any(|f| &f.name == key) {
                errors.push(ValidationError::new(
                    key.clone(),
                    format!("“{key}” is not a field of this phase."),
                ));
            }
        }
        for field in &self.fields {
            match data.get(&field.name) {
                None | Some(Value::Null) => {
                    if field.required && completeness == Completeness::Complete {
                        errors.push(ValidationError::new(
                            field.name.clone(),
                            format!("{} is required.", field.title),
                        ));
                    }
                }
                Some(value) => {
                    if let Err(reason) = field.check(value) {
                        errors.push(ValidationError::new(field.name.clone(), reason));
                    }
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// Turns a form's text inputs into typed data (an empty input is no value), checking
    /// each. Checkboxes send a value only when ticked.
    pub fn read_form(
        &self,
        inputs: &[(String, String)],
        completeness: Completeness,
    ) -> Result<Map<String, Value>, Vec<ValidationError>> {
        let mut data = Map::new();
        let mut errors = Vec::new();
        for (name, text) in inputs {
            let Some(field) = self.fields.iter().find(|f| &f.name == name) else {
                errors.push(ValidationError::new(
                    name.clone(),
                    format!("“{name}” is not a field of this phase."),
                ));
                continue;
            };
            match field.read_input(text) {
                Ok(Some(value)) => {
                    data.insert(name.clone(), value);
                }
                Ok(None) => {}
                Err(reason) => errors.push(ValidationError::new(name.clone(), reason)),
            }
        }
        for field in &self.fields {
            if field.kind == FieldKind::Boolean && !data.contains_key(&field.name) {
                data.insert(field.name.clone(), Value::Bool(false));
            }
        }
        if let Err(more) = self.validate(&data, completeness) {
            for e in more {
                if !errors.iter().any(|seen| seen.field == e.field) {
                    errors.push(e);
                }
            }
        }
        if errors.is_empty() {
            Ok(data)
        } else {
            Err(errors)
        }
    }
}

impl TryFrom<Value> for PhaseSchema {
    type Error = ValidationError;

    fn try_from(value: Value) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<PhaseSchema> for Value {
    fn from(schema: PhaseSchema) -> Self {
        schema.to_json_schema()
    }
}

fn valid_name(name: &str) -> bool {
    (1..=40).contains(&name.len())
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

impl FieldSpec {
    fn parse(name: &str, spec: &Value, required: bool) -> Result<Self, ValidationError> {
        let err = |reason: String| ValidationError::new("schema", reason);
        if !valid_name(name) {
            return Err(err(format!(
                "The property name “{name}” must start with a lowercase letter and use only lowercase letters, digits and _ (at most 40)."
            )));
        }
        let spec = spec
            .as_object()
            .ok_or_else(|| err(format!("The property “{name}” must be an object.")))?;
        for key in spec.keys() {
            if !matches!(
                key.as_str(),
                "type"
                    | "title"
                    | "description"
                    | "enum"
                    | "format"
                    | "minLength"
                    | "maxLength"
                    | "minimum"
                    | "maximum"
                    | "default"
            ) {
                return Err(err(format!(
                    "The keyword “{key}” (in “{name}”) is not supported here."
                )));
            }
        }
        let text = |key: &str| spec.get(key).and_then(Value::as_str).map(str::to_owned);
        let uint = |key: &str| -> Result<Option<u32>, ValidationError> {
            spec.get(key)
                .map(|v| {
                    v.as_u64()
                        .and_then(|n| u32::try_from(n).ok())
                        .filter(|n| *n <= MAX_TEXT)
                        .ok_or_else(|| {
                            err(format!(
                                "“{key}” of “{name}” must be a whole number up to {MAX_TEXT}."
                            ))
                        })
                })
                .transpose()
        };
        let kind = match (spec.get("type").and_then(Value::as_str), spec.get("enum")) {
            (Some("string"), Some(Value::Array(options))) => {
                let options: Vec<String> = options
                    .iter()
                    .map(|o| o.as_str().map(str::to_owned))
                    .collect::<Option<_>>()
                    .filter(|o: &Vec<String>| !o.is_empty() && o.len() <= 50)
                    .ok_or_else(|| {
                        err(format!("The choices of “{name}” must be 1 to 50 strings."))
                    })?;
                FieldKind::Choice { options }
            }
            (Some("string"), None) => {
                let format = match spec.get("format").and_then(Value::as_str) {
                    None => TextFormat::Line,
                    Some("textarea") => TextFormat::Long,
                    Some("email") => TextFormat::Email,
                    Some("uri") => TextFormat::Uri,
                    Some(other) => {
                        return Err(err(format!(
                            "The format “{other}” (in “{name}”) is not supported: use email, uri or textarea."
                        )));
                    }
                };
                let (min_length, max_length) = (uint("minLength")?, uint("maxLength")?);
                if let (Some(min), Some(max)) = (min_length, max_length)
                    && min > max
                {
                    return Err(err(format!("“{name}” has minLength above maxLength.")));
                }
                FieldKind::Text {
                    format,
                    min_length,
                    max_length,
                }
            }
            (Some("integer"), None) => {
                let bound = |key: &str| -> Result<Option<i64>, ValidationError> {
                    spec.get(key)
                        .map(|v| {
                            v.as_i64().ok_or_else(|| {
                                err(format!("“{key}” of “{name}” must be a whole number."))
                            })
                        })
                        .transpose()
                };
                FieldKind::Integer {
                    minimum: bound("minimum")?,
                    maximum: bound("maximum")?,
                }
            }
            (Some("number"), None) => {
                let bound = |key: &str| -> Result<Option<f64>, ValidationError> {
                    spec.get(key)
                        .map(|v| {
                            v.as_f64().ok_or_else(|| {
                                err(format!("“{key}” of “{name}” must be a number."))
                            })
                        })
                        .transpose()
                };
                FieldKind::Number {
                    minimum: bound("minimum")?,
                    maximum: bound("maximum")?,
                }
            }
            (Some("boolean"), None) => FieldKind::Boolean,
            (Some(other), None) => {
                return Err(err(format!(
                    "The type “{other}” (in “{name}”) is not supported: use string, integer, number or boolean."
                )));
            }
            (_, Some(_)) => {
                return Err(err(format!("Choices (enum) in “{name}” must be strings.")));
            }
            (None, None) => return Err(err(format!("The property “{name}” needs a \"type\"."))),
        };
        Ok(Self {
            name: name.to_owned(),
            title: text("title")
                .filter(|t| !t.trim().is_empty())
                .unwrap_or_else(|| name.replace('_', " ")),
            description: text("description").filter(|t| !t.trim().is_empty()),
            required,
            kind,
        })
    }

    fn to_json_schema(&self) -> Value {
        let mut spec = Map::new();
        spec.insert("title".into(), Value::String(self.title.clone()));
        if let Some(d) = &self.description {
            spec.insert("description".into(), Value::String(d.clone()));
        }
        match &self.kind {
            FieldKind::Text {
                format,
                min_length,
                max_length,
            } => {
                spec.insert("type".into(), "string".into());
                match format {
                    TextFormat::Line => {}
                    TextFormat::Long => {
                        spec.insert("format".into(), "textarea".into());
                    }
                    TextFormat::Email => {
                        spec.insert("format".into(), "email".into());
                    }
                    TextFormat::Uri => {
                        spec.insert("format".into(), "uri".into());
                    }
                }
                if let Some(n) = min_length {
                    spec.insert("minLength".into(), (*n).into());
                }
                if let Some(n) = max_length {
                    spec.insert("maxLength".into(), (*n).into());
                }
            }
            FieldKind::Integer { minimum, maximum } => {
                spec.insert("type".into(), "integer".into());
                if let Some(n) = minimum {
                    spec.insert("minimum".into(), (*n).into());
                }
                if let Some(n) = maximum {
                    spec.insert("maximum".into(), (*n).into());
                }
            }
            FieldKind::Number { minimum, maximum } => {
                spec.insert("type".into(), "number".into());
                if let Some(n) = minimum {
                    spec.insert("minimum".into(), json!(n));
                }
                if let Some(n) = maximum {
                    spec.insert("maximum".into(), json!(n));
                }
            }
            FieldKind::Boolean => {
                spec.insert("type".into(), "boolean".into());
            }
            FieldKind::Choice { options } => {
                spec.insert("type".into(), "string".into());
                spec.insert("enum".into(), json!(options));
            }
        }
        Value::Object(spec)
    }

    /// Checks one present value.
    fn check(&self, value: &Value) -> Result<(), String> {
        let title = &self.title;
        match &self.kind {
            FieldKind::Text {
                format,
                min_length,
                max_length,
            } => {
                let text = value
                    .as_str()
                    .ok_or_else(|| format!("{title} must be text."))?;
                let len = text.chars().count() as u32;
                let max = max_length.unwrap_or(MAX_TEXT);
                if len > max {
                    return Err(format!(
                        "{title} must be at most {max} characters (it has {len})."
                    ));
                }
                if let Some(min) = min_length
                    && len < *min
                {
                    return Err(format!("{title} must be at least {min} characters."));
                }
                match format {
                    TextFormat::Email if crate::email::Email::parse(text).is_err() => Err(format!(
                        "{title} must be an email address such as name@example.com."
                    )),
                    TextFormat::Uri if !looks_like_url(text) => Err(format!(
                        "{title} must be a web address starting with https:// or http://."
                    )),
                    _ => Ok(()),
                }
            }
            FieldKind::Integer { minimum, maximum } => {
                let n = value
                    .as_i64()
                    .ok_or_else(|| format!("{title} must be a whole number."))?;
                within(
                    title,
                    n as f64,
                    minimum.map(|m| m as f64),
                    maximum.map(|m| m as f64),
                )
            }
            FieldKind::Number { minimum, maximum } => {
                let n = value
                    .as_f64()
                    .ok_or_else(|| format!("{title} must be a number."))?;
                within(title, n, *minimum, *maximum)
            }
            FieldKind::Boolean => value
                .as_bool()
                .map(|_| ())
                .ok_or_else(|| format!("{title} must be yes or no.")),
            FieldKind::Choice { options } => match value.as_str() {
                Some(choice) if options.iter().any(|o| o == choice) => Ok(()),
                _ => Err(format!("{title} must be one of: {}.", options.join(", "))),
            },
        }
    }

    /// Reads a form input; `Ok(None)` for an empty one.
    fn read_input(&self, text: &str) -> Result<Option<Value>, String> {
        let trimmed = text.trim();
        if trimmed.is_empty() && self.kind != FieldKind::Boolean {
            return Ok(None);
        }
        let title = &self.title;
        Ok(Some(match &self.kind {
            FieldKind::Text {
                format: TextFormat::Long,
                ..
            } => Value::String(text.to_owned()),
            FieldKind::Text { .. } | FieldKind::Choice { .. } => Value::String(trimmed.to_owned()),
            FieldKind::Integer { .. } => trimmed
                .parse::<i64>()
                .map(Value::from)
                .map_err(|_| format!("{title} must be a whole number."))?,
            FieldKind::Number { .. } => trimmed
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .map(|n| json!(n))
                .ok_or_else(|| format!("{title} must be a number."))?,
            FieldKind::Boolean => Value::Bool(matches!(trimmed, "on" | "true" | "yes" | "1")),
        }))
    }

    /// Checks what a person typed into this field, as the server will (an empty input is
    /// fine here: required values are checked when the phase completes).
    pub fn check_text(&self, text: &str) -> Result<(), String> {
        match self.read_input(text)? {
            Some(value) => self.check(&value),
            None => Ok(()),
        }
    }

    /// The value as a form input shows it.
    pub fn display(&self, value: Option<&Value>) -> String {
        match value {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        }
    }
}

fn within(title: &str, n: f64, minimum: Option<f64>, maximum: Option<f64>) -> Result<(), String> {
    if let Some(min) = minimum
        && n < min
    {
        return Err(format!("{title} must be at least {min}."));
    }
    if let Some(max) = maximum
        && n > max
    {
        return Err(format!("{title} must be at most {max}."));
    }
    Ok(())
}

/// An http(s) address with a host: enough to tell a typo from a URL.
pub fn looks_like_url(text: &str) -> bool {
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"));
    rest.is_some_and(|r| {
        let host = r.split(['/', '?', '#']).next().unwrap_or_default();
        !host.is_empty() && !text.chars().any(char::is_whitespace)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn schema() -> PhaseSchema {
        PhaseSchema::parse(&json!({
            "type": "object",
            "properties": {
                "company": { "type": "string", "title": "Company", "minLength": 2, "maxLength": 80 },
                "contact": { "type": "string", "format": "email", "title": "Contact email" },
                "budget": { "type": "integer", "minimum": 0, "maximum": 1000000, "title": "Budget" },
                "urgent": { "type": "boolean", "title": "Urgent" },
                "channel": { "type": "string", "enum": ["email", "phone"], "title": "Channel" }
            },
            "required": ["company", "budget"]
        }))
        .unwrap()
    }

    #[test]
    fn parses_and_keeps_property_order() {
        let names: Vec<_> = schema().fields().iter().map(|f| f.name.clone()).collect();
        assert_eq!(names, ["company", "contact", "budget", "urgent", "channel"]);
    }

    #[test]
    fn refuses_what_a_form_cannot_honour() {
        let cases = [
            (json!([]), "must be a JSON object"),
            (json!({"type": "array"}), "must be \"object\""),
            (
                json!({"type": "object", "oneOf": []}),
                "“oneOf” is not supported",
            ),
            (
                json!({"type": "object", "properties": {"a": {"type": "array"}}}),
                "type “array”",
            ),
            (
                json!({"type": "object", "properties": {"a": {"type": "string", "pattern": "x"}}}),
                "“pattern”",
            ),
            (
                json!({"type": "object", "properties": {"Bad": {"type": "string"}}}),
                "property name “Bad”",
            ),
            (
                json!({"type": "object", "required": ["x"], "properties": {}}),
                "“x” is required but",
            ),
            (
                json!({"type": "object", "properties": {"a": {"type": "string", "minLength": 5, "maxLength": 2}}}),
                "minLength above",
            ),
            (
                json!({"type": "object", "properties": {"a": {"type": "string", "format": "date"}}}),
                "format “date”",
            ),
        ];
        for (value, expected) in cases {
            let err = PhaseSchema::parse(&value).unwrap_err();
            assert!(err.reason.contains(expected), "{value}: {}", err.reason);
        }
    }

    #[test]
    fn survives_a_round_trip_through_json_schema() {
        let s = schema();
        assert_eq!(PhaseSchema::parse(&s.to_json_schema()).unwrap(), s);
        let text = serde_json::to_string(&s).unwrap();
        assert_eq!(serde_json::from_str::<PhaseSchema>(&text).unwrap(), s);
    }

    #[test]
    fn partial_data_may_lack_required_values_but_complete_data_may_not() {
        let s = schema();
        let data = json!({"company": "Acme"}).as_object().unwrap().clone();
        assert!(s.validate(&data, Completeness::Partial).is_ok());
        let errors = s.validate(&data, Completeness::Complete).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "budget");
        assert_eq!(errors[0].reason, "Budget is required.");
    }

    #[test]
    fn each_wrong_value_is_named() {
        let s = schema();
        let data = json!({"company": "A", "contact": "nope", "budget": -1, "urgent": "yes", "channel": "fax", "extra": 1});
        let errors = s
            .validate(data.as_object().unwrap(), Completeness::Partial)
            .unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["extra", "company", "contact", "budget", "urgent", "channel"]
        );
        assert!(errors[3].reason.contains("at least 0"));
    }

    #[test]
    fn a_single_input_is_checked_like_the_form() {
        let s = schema();
        let budget = &s.fields()[2];
        assert_eq!(
            budget.check_text("12k"),
            Err("Budget must be a whole number.".into())
        );
        assert_eq!(
            budget.check_text("-5"),
            Err("Budget must be at least 0.".into())
        );
        assert_eq!(budget.check_text(""), Ok(()));
        assert_eq!(
            s.fields()[1].check_text("x@"),
            Err("Contact email must be an email address such as name@example.com.".into())
        );
    }

    #[test]
    fn form_inputs_become_typed_data() {
        let s = schema();
        let inputs = vec![
            ("company".to_owned(), " Acme ".to_owned()),
            ("budget".to_owned(), "1200".to_owned()),
            ("contact".to_owned(), "".to_owned()),
            ("channel".to_owned(), "phone".to_owned()),
        ];
        let data = s.read_form(&inputs, Completeness::Complete).unwrap();
        assert_eq!(
            Value::Object(data),
            json!({"company": "Acme", "budget": 1200, "channel": "phone", "urgent": false})
        );
        let bad = vec![("budget".to_owned(), "12k".to_owned())];
        let errors = s.read_form(&bad, Completeness::Complete).unwrap_err();
        assert_eq!(errors[0].reason, "Budget must be a whole number.");
        assert!(errors.iter().any(|e| e.field == "company"));
    }

    proptest! {
        #[test]
        fn no_form_input_panics_and_accepted_input_validates(company in ".{0,100}", budget in ".{0,12}", channel in "[a-z]{0,6}") {
            let s = schema();
            let inputs = vec![("company".to_owned(), company), ("budget".to_owned(), budget), ("channel".to_owned(), channel)];
            if let Ok(data) = s.read_form(&inputs, Completeness::Partial) {
                prop_assert!(s.validate(&data, Completeness::Partial).is_ok());
            }
        }
    }
}
