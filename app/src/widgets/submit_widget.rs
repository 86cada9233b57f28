use leptos::prelude::*;
use shared::AppError;
use shared::ids::WidgetId;
use shared::widgets::submissions::SubmissionReceipt;

/// What a visitor sends through an embedded widget (`submission` is a
/// `shared::widgets::submissions::Submission` as JSON), with the site and signed visit of
/// the page the server rendered for them. No session: the visit admits it.
#[server(prefix = "/rpc", endpoint = "submit_widget")]
pub async fn submit_widget(
    widget: WidgetId,
    site: Option<String>,
    visit: String,
    submission: String,
) -> Result<SubmissionReceipt, AppError> {
    use crate::server;
    use shared::widgets::submissions::Submission;

    let submission: Submission = serde_json::from_str(&submission).map_err(|e| {
        server::fail(
            AppError::invalid(
                "submission",
                format!("What was sent could not be read: {e}."),
            )
            .into(),
        )
    })?;
    let svc = server::services()?;
    let ctx = server::request_context();
    services::widgets::embed::submit(
        &svc,
        &ctx.client,
        widget,
        site.as_deref(),
        &visit,
        &submission,
    )
    .await
    .map_err(server::fail)
}
