use leptos::prelude::*;
use shared::AppError;
use shared::billing::{Currency, PlanTier};

/// A super admin edits a plan's price, limits and features, as typed into its form. The
/// limits arrive as `limits[members]`, `limits[widgets]`, `limits[monthly_tokens]` and
/// `limits[monthly_api_calls]` (empty or "unlimited" for no limit).
#[server(prefix = "/rpc", endpoint = "edit_plan")]
pub async fn edit_plan(
    tier: PlanTier,
    price: String,
    currency: Currency,
    api_requests_per_minute: String,
    #[server(default)] limits: std::collections::BTreeMap<String, String>,
    #[server(default)] features: std::collections::BTreeMap<String, String>,
) -> Result<(), AppError> {
    use crate::server;
    use shared::billing::{Feature, Limits, Money, Plan, parse_limit};

    let invalid = |e: shared::ValidationError| server::fail(e.into());
    let limit = |name: &str| {
        parse_limit(name, limits.get(name).map_or("", String::as_str)).map_err(invalid)
    };
    let rate = api_requests_per_minute
        .trim()
        .replace(',', "")
        .parse::<u32>()
        .map_err(|_| {
            server::fail(
                shared::ValidationError::new(
                    "api_requests_per_minute",
                    "Enter the API requests allowed per minute as a whole number.",
                )
                .into(),
            )
        })?;
    // Checkboxes named `features[api_access]` and so on: the ticked ones arrive.
    let features = features
        .keys()
        .map(|f| f.parse::<Feature>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(invalid)?;
    let plan = Plan {
        tier,
        price: Money::parse("price", &price, currency).map_err(invalid)?,
        limits: Limits {
            members: limit("members")?,
            widgets: limit("widgets")?,
            monthly_tokens: limit("monthly_tokens")?,
            monthly_api_calls: limit("monthly_api_calls")?,
            api_requests_per_minute: rate,
        },
        features,
    };
    let caller = server::caller()?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::billing::plans::edit_plan(&svc, &caller, &ctx.client, &plan)
        .await
        .map_err(server::fail)
}
