//! What an embedded widget reports about itself — impressions, interactions, errors and how
//! long it took to show — sent in small batches to the public events endpoint, and the
//! analytics drawn from them. [`EventBatch::parse`] is the one way in: a batch that breaks a
//! rule is refused whole, with the reason.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::validation::ValidationError;

/// Most events in one batch.
pub const BATCH_MAX: usize = 50;
/// Largest batch accepted, as JSON.
pub const BATCH_MAX_BYTES: usize = 16 * 1024;
/// Longest load time reported, in milliseconds (longer is a broken clock, not a slow page).
pub const LOAD_MS_MAX: u32 = 120_000;
/// Longest error message kept, in characters.
pub const ERROR_MAX_CHARS: usize = 300;

/// Upper bounds (milliseconds) of the load-time buckets percentiles are read from; the last
/// holds everything slower.
pub const LOAD_BUCKETS: [u32; 12] = [
    50,
    100,
    150,
    200,
    300,
    500,
    750,
    1000,
    1500,
    2000,
    5000,
    LOAD_MS_MAX,
];

/// One thing that happened to an embedded widget.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum WidgetEvent {
    /// The widget was shown on a page.
    Impression,
    /// A visitor did something with it (opened it, chose a score, started typing).
    Interaction,
    /// Something went wrong in the widget.
    Error { message: String },
    /// The widget became visible this many milliseconds after its frame started loading.
    Load { ms: u32 },
}

/// What an embedded widget sends: its events, with the site and signed visit of its page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventBatch {
    pub visit: String,
    #[serde(default)]
    pub site: Option<String>,
    pub events: Vec<WidgetEvent>,
}

/// A batch counted up, as it is stored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub impressions: u64,
    pub interactions: u64,
    pub errors: u64,
    /// The latest error's message.
    pub last_error: Option<String>,
    /// How many loads fell in each of [`LOAD_BUCKETS`].
    pub loads: [u64; LOAD_BUCKETS.len()],
}

impl Tally {
    pub fn load_count(&self) -> u64 {
        self.loads.iter().sum()
    }
}

/// The bucket of [`LOAD_BUCKETS`] a load time falls in.
pub fn bucket_of(ms: u32) -> usize {
    LOAD_BUCKETS
        .iter()
        .position(|bound| ms <= *bound)
        .unwrap_or(LOAD_BUCKETS.len() - 1)
}

/// The load time under which `share` (0–1) of the loads counted in `buckets` fell, as the
/// upper bound of its bucket; `None` with no loads.
pub fn percentile(buckets: &[u64], share: f64) -> Option<u32> {
    let total: u64 = buckets.iter().sum();
    if total == 0 {
        return None;
    }
    // The rank of the load that `share` of all loads are at or below (at least the first).
    let rank = ((total as f64) * share).ceil().max(1.0) as u64;
    let mut seen = 0;
    for (i, count) in buckets.iter().enumerate() {
        seen += count;
        if seen >= rank {
            return LOAD_BUCKETS.get(i).copied();
        }
    }
    LOAD_BUCKETS.last().copied()
}

impl EventBatch {
    /// Reads a batch as the endpoint receives it, refusing the whole batch at its first
    /// problem.
    pub fn parse(body: &[u8]) -> Result<Self, ValidationError> {
        if body.len() > BATCH_MAX_BYTES {
            return Err(ValidationError::new(
                "events",
                format!("A batch can be at most {} KB.", BATCH_MAX_BYTES / 1024),
            ));
        }
        let batch: Self = serde_json::from_slice(body)
            .map_err(|e| ValidationError::new("events", format!("The batch is not valid: {e}.")))?;
        if batch.events.is_empty() || batch.events.len() > BATCH_MAX {
            return Err(ValidationError::new(
                "events",
                format!("Send 1 to {BATCH_MAX} events at a time."),
            ));
        }
        for (i, event) in batch.events.iter().enumerate() {
            match event {
                WidgetEvent::Load { ms } if *ms > LOAD_MS_MAX => {
                    return Err(ValidationError::new(
                        format!("events.{i}.ms"),
                        format!("A load time is at most {LOAD_MS_MAX} ms."),
                    ));
                }
                WidgetEvent::Error { message }
                    if message.trim().is_empty()
                        || message.chars().count() > ERROR_MAX_CHARS
                        || message.chars().any(char::is_control) =>
                {
                    return Err(ValidationError::new(
                        format!("events.{i}.message"),
                        format!(
                            "An error message is 1 to {ERROR_MAX_CHARS} characters on one line."
                        ),
                    ));
                }
                _ => {}
            }
        }
        Ok(batch)
    }

    /// The batch counted up.
    pub fn tally(&self) -> Tally {
        let mut tally = Tally::default();
        for event in &self.events {
            match event {
                WidgetEvent::Impression => tally.impressions += 1,
                WidgetEvent::Interaction => tally.interactions += 1,
                WidgetEvent::Error { message } => {
                    tally.errors += 1;
                    tally.last_error = Some(message.trim().to_owned());
                }
                WidgetEvent::Load { ms } => tally.loads[bucket_of(*ms)] += 1,
            }
        }
        tally
    }
}

/// One day of one widget.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetDay {
    pub day: NaiveDate,
    pub impressions: u64,
    pub interactions: u64,
    pub submissions: u64,
    pub errors: u64,
}

/// One site's share of a widget's last 30 days.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteTotals {
    /// Empty when the browser did not say which site.
    pub site: String,
    pub impressions: u64,
    pub interactions: u64,
    pub errors: u64,
}

/// What a widget's visitors did on one customer's sites (a deployment for that customer), or
/// through the builder's own embed code (`customer` is `None`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerTotals {
    /// The customer organization (`None`: the builder's own code).
    pub customer_id: Option<crate::ids::TenantId>,
    /// Its name, when the builder may still see it (while the link is active).
    pub customer: Option<String>,
    pub impressions: u64,
    pub interactions: u64,
    pub submissions: u64,
    pub errors: u64,
}

/// A widget's analytics over the last 30 days.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WidgetAnalytics {
    /// The last day covered (today, on the server).
    pub today: NaiveDate,
    /// Only days with something counted, oldest first.
    pub days: Vec<WidgetDay>,
    pub by_site: Vec<SiteTotals>,
    /// Per customer it is deployed for (and the builder's own code), most impressions first.
    pub by_customer: Vec<CustomerTotals>,
    /// Load-time counts per bucket of [`LOAD_BUCKETS`].
    pub load_buckets: Vec<u64>,
    pub last_error: Option<String>,
}

impl WidgetAnalytics {
    fn sum(&self, of: impl Fn(&WidgetDay) -> u64) -> u64 {
        self.days.iter().map(of).sum()
    }

    pub fn impressions(&self) -> u64 {
        self.sum(|d| d.impressions)
    }

    pub fn interactions(&self) -> u64 {
        self.sum(|d| d.interactions)
    }

    pub fn submissions(&self) -> u64 {
        self.sum(|d| d.submissions)
    }

    pub fn errors(&self) -> u64 {
        self.sum(|d| d.errors)
    }

    /// Submissions per impression, in percent with one decimal ("4.2 %"); `None` before any
    /// impression.
    pub fn conversion(&self) -> Option<String> {
        let shown = self.impressions();
        (shown > 0).then(|| {
            let tenths = self.submissions() * 1000 / shown;
            format!("{}.{} %", tenths / 10, tenths % 10)
        })
    }

    /// The load time under which `share` of loads fell (see [`percentile`]).
    pub fn load_percentile(&self, share: f64) -> Option<u32> {
        percentile(&self.load_buckets, share)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_batch_is_counted_up() {
        let batch = EventBatch::parse(
            br#"{"visit": "1.ab", "site": "https://shop.example.com", "events": [
                {"kind": "impression"}, {"kind": "load", "ms": 120}, {"kind": "interaction"},
                {"kind": "interaction"}, {"kind": "error", "message": " boom "}, {"kind": "load", "ms": 9000}
            ]}"#,
        )
        .unwrap();
        let tally = batch.tally();
        assert_eq!(
            (tally.impressions, tally.interactions, tally.errors),
            (1, 2, 1)
        );
        assert_eq!(tally.last_error.as_deref(), Some("boom"));
        assert_eq!(tally.load_count(), 2);
        assert_eq!(tally.loads[bucket_of(120)], 1);
        assert_eq!(tally.loads[LOAD_BUCKETS.len() - 1], 1);
    }

    #[test]
    fn bad_batches_are_refused_with_the_reason() {
        let field = |body: &[u8]| EventBatch::parse(body).unwrap_err().field;
        assert_eq!(field(br#"{"visit": "x", "events": []}"#), "events");
        assert_eq!(
            field(br#"{"visit": "x", "events": [{"kind": "click"}]}"#),
            "events"
        );
        assert_eq!(
            field(br#"{"visit": "x", "events": [{"kind": "load", "ms": 120001}]}"#),
            "events.0.ms"
        );
        assert_eq!(
            field(br#"{"visit": "x", "events": [{"kind": "impression"}, {"kind": "error", "message": ""}]}"#),
            "events.1.message"
        );
        let many = format!(
            r#"{{"visit": "x", "events": [{}]}}"#,
            vec![r#"{"kind": "impression"}"#; BATCH_MAX + 1].join(",")
        );
        assert_eq!(field(many.as_bytes()), "events");
        assert_eq!(field(&vec![b' '; BATCH_MAX_BYTES + 1]), "events");
        assert_eq!(
            field(br#"{"visit": "x", "events": [], "extra": 1}"#),
            "events"
        );
    }

    #[test]
    fn percentiles_come_from_the_buckets() {
        let mut buckets = vec![0; LOAD_BUCKETS.len()];
        assert_eq!(percentile(&buckets, 0.5), None);
        buckets[bucket_of(40)] = 90;
        buckets[bucket_of(1200)] = 10;
        assert_eq!(percentile(&buckets, 0.5), Some(50));
        assert_eq!(percentile(&buckets, 0.9), Some(50));
        assert_eq!(percentile(&buckets, 0.95), Some(1500));
        assert_eq!(bucket_of(0), 0);
        assert_eq!(bucket_of(u32::MAX), LOAD_BUCKETS.len() - 1);
    }

    #[test]
    fn conversion_is_submissions_per_impression() {
        let analytics = WidgetAnalytics {
            days: vec![WidgetDay {
                impressions: 240,
                submissions: 10,
                ..WidgetDay::default()
            }],
            ..WidgetAnalytics::default()
        };
        assert_eq!(analytics.conversion().as_deref(), Some("4.1 %"));
        assert_eq!(WidgetAnalytics::default().conversion(), None);
    }

    proptest! {
        #[test]
        fn no_body_panics_and_accepted_batches_are_within_limits(body in proptest::collection::vec(any::<u8>(), 0..600), json in ".{0,300}") {
            for input in [body.as_slice(), json.as_bytes()] {
                if let Ok(batch) = EventBatch::parse(input) {
                    prop_assert!(!batch.events.is_empty() && batch.events.len() <= BATCH_MAX);
                    let tally = batch.tally();
                    prop_assert_eq!(
                        tally.impressions + tally.interactions + tally.errors + tally.load_count(),
                        batch.events.len() as u64
                    );
                }
            }
        }

        #[test]
        fn batches_of_any_values_parse_or_are_refused_never_panic(
            kinds in proptest::collection::vec(0u8..4, 0..60),
            ms in any::<u32>(),
            message in "\\PC{0,320}",
        ) {
            let events: Vec<serde_json::Value> = kinds.iter().map(|k| match k {
                0 => serde_json::json!({"kind": "impression"}),
                1 => serde_json::json!({"kind": "interaction"}),
                2 => serde_json::json!({"kind": "error", "message": message}),
                _ => serde_json::json!({"kind": "load", "ms": ms}),
            }).collect();
            let body = serde_json::json!({"visit": "1.ab", "events": events}).to_string();
            match EventBatch::parse(body.as_bytes()) {
                Ok(batch) => prop_assert_eq!(batch.tally().load_count() as usize, kinds.iter().filter(|k| **k == 3).count()),
                Err(e) => prop_assert!(e.field.starts_with("events"), "{}", e.field),
            }
        }

        #[test]
        fn every_load_time_has_a_bucket(ms in any::<u32>()) {
            prop_assert!(bucket_of(ms) < LOAD_BUCKETS.len());
        }
    }
}
