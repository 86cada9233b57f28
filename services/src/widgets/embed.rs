//! Widgets on customers' sites. A visitor comes with nothing but the widget's id and the
//! page it is on: `authz::enter_embed` admits them to the live version when the workspace is
//! running and the site is allowed. The embedded document carries a signed visit (the widget,
//! the site, an expiry) that its submissions must send back, so a form is only accepted from
//! a page the server rendered for an allowed site; every submission is checked again by the
//! shared rules against the live version, rate-limited per address, and kept in the widget's
//! workspace.

use shared::AppError;
use shared::ids::{ImplementationId, SubmissionId, WidgetId};
use shared::live::Change;
use shared::permissions::Permission;
use shared::widgets::Content;
use shared::widgets::embed::{BadgeService, EmbeddedWidget};
use shared::widgets::events::Tally;
use shared::widgets::submissions::{Checked, ContactsPage, Submission, SubmissionReceipt};
use tracing::instrument;

use crate::authz::{self, Caller, EmbedAccess};
use crate::client::ClientInfo;
use crate::error::Result;
use crate::process::webhooks::{sign_with, verify};
use crate::state::Services;
use crate::storage::submissions::NewSubmission;

/// How long an embedded document's visit stays good for sending (a tab left open all day).
const VISIT_HOURS: i64 = 24;
/// The most contacts and feedback answers the contacts page lists.
const PAGE_ROWS: u32 = 200;

fn visit_key(svc: &Services) -> String {
    svc.secrets().derived_key("widget-visits")
}

fn visit_message(
    widget: WidgetId,
    implementation: &str,
    site: Option<&str>,
    expires: i64,
) -> String {
    format!(
        "visit:{widget}:{implementation}:{}:{expires}",
        site.unwrap_or("")
    )
}

/// `expires.implementation.signature` (the implementation `-` when the visitor came to the
/// builder's own embed code), for a document shown on `site`.
fn sign_visit(
    svc: &Services,
    widget: WidgetId,
    implementation: Option<ImplementationId>,
    site: Option<&str>,
) -> String {
    let expires = (crate::time::now() + chrono::Duration::hours(VISIT_HOURS)).timestamp();
    let implementation = implementation.map_or_else(|| "-".to_owned(), |i| i.to_string());
    let signature = sign_with(
        visit_key(svc).as_bytes(),
        visit_message(widget, &implementation, site, expires).as_bytes(),
    );
    format!("{expires}.{implementation}.{signature}")
}

/// Checks a visit the server signed for `widget` on `site`; returns the customer deployment
/// it was signed for, if any.
pub(super) fn check_visit(
    svc: &Services,
    widget: WidgetId,
    site: Option<&str>,
    visit: &str,
) -> Result<Option<ImplementationId>> {
    let refused = || {
        AppError::forbidden(
            "This form was not sent from the widget's own page; reload the page and try again.",
        )
    };
    let mut parts = visit.splitn(3, '.');
    let (Some(expires), Some(implementation), Some(signature)) =
        (parts.next(), parts.next(), parts.next())
    else {
        return Err(refused().into());
    };
    let expires: i64 = expires.parse().map_err(|_| refused())?;
    if !verify(
        visit_key(svc).as_bytes(),
        visit_message(widget, implementation, site, expires).as_bytes(),
        signature,
    ) {
        return Err(refused().into());
    }
    let implementation = match implementation {
        "-" => None,
        id => Some(id.parse::<ImplementationId>().map_err(|_| refused())?),
    };
    if expires < crate::time::now().timestamp() {
        return Err(AppError::forbidden(
            "This page has been open too long to send from; reload it and try again.",
        )
        .into());
    }
    Ok(implementation)
}

/// The live version of `widget` for a page on `site`, ready to draw; `implementation` is the
/// customer deployment the embed code names, if any.
#[instrument(skip_all, fields(%widget))]
pub async fn visit(
    svc: &Services,
    widget: WidgetId,
    implementation: Option<ImplementationId>,
    site: Option<&str>,
) -> Result<EmbeddedWidget> {
    let access = authz::enter_embed(svc.store(), widget, implementation, site).await?;
    let site = access.site().map(|s| s.as_str().to_owned());
    let services = badge_services(svc, &access).await?;
    Ok(EmbeddedWidget {
        id: widget,
        version: access.version(),
        config: access.config().clone(),
        visit: sign_visit(svc, widget, implementation, site.as_deref()),
        site,
        services,
    })
}

/// What a status badge lists: the services (those the badge names, or all) of the workspace
/// it reports on — the customer's, for a deployment for one — with their status now.
async fn badge_services(svc: &Services, access: &EmbedAccess) -> Result<Vec<BadgeService>> {
    let Content::StatusBadge(badge) = &access.config().content else {
        return Ok(Vec::new());
    };
    let data = svc.store().records_for_visitor(access);
    let (activations, catalog) = tokio::try_join!(data.activations(), svc.store().catalog())?;
    Ok(activations
        .into_iter()
        .filter(|a| badge.services.is_empty() || badge.services.contains(&a.service))
        .filter_map(|a| {
            let service = catalog.iter().find(|s| s.id == a.service)?;
            Some(BadgeService {
                name: service.name.to_string(),
                status: a.status,
                since: a.updated_at,
            })
        })
        .collect())
}

/// Keeps what a visitor sent through `widget` on `site`: a lead form becomes (or updates)
/// the contact with its email; feedback is kept as it came.
#[instrument(skip_all, fields(%widget))]
pub async fn submit(
    svc: &Services,
    client: &ClientInfo,
    widget: WidgetId,
    site: Option<&str>,
    visit: &str,
    submission: &Submission,
) -> Result<SubmissionReceipt> {
    svc.submission_limiter().check(client.ip)?;
    let implementation = check_visit(svc, widget, site, visit)?;
    let access = authz::enter_embed(svc.store(), widget, implementation, site).await?;
    authz::require(&access, Permission::WidgetSubmit)?;
    let checked = access
        .config()
        .check_submission(submission)
        .map_err(|problems| {
            problems.into_iter().next().map_or_else(
                || AppError::invalid("answers", "Nothing was sent."),
                AppError::from,
            )
        })?;
    // Contacts and answers go to the workspace that keeps them (the customer's, for a
    // deployment for one); the usage counters stay with the widget's own.
    let records = svc.store().records_for_visitor(&access);
    let data = svc.store().tenant_for_visitor(&access);
    let site = access.site().map(|s| s.as_str());
    let now = crate::time::now();
    let id = SubmissionId::from_uuid(uuid::Uuid::now_v7());
    let mut tx = svc.store().begin().await?;
    let (contact, score, answers) = match &checked {
        Checked::Lead(lead) => {
            let answers = serde_json::to_string(&lead.answers).map_err(anyhow::Error::from)?;
            let contact = records
                .upsert_contact(
                    &mut tx,
                    &lead.email,
                    lead.name.as_deref(),
                    &answers,
                    widget,
                    access.implementation(),
                    site,
                    now,
                )
                .await?;
            (Some(contact), None, answers)
        }
        Checked::Feedback { score, comment } => {
            let comment = serde_json::to_string(comment).map_err(anyhow::Error::from)?;
            (None, Some(*score), comment)
        }
    };
    records
        .insert_submission(
            &mut tx,
            &NewSubmission {
                id,
                widget,
                implementation: access.implementation(),
                version: access.version(),
                kind: access.config().kind(),
                contact,
                score,
                answers: &answers,
                origin: site,
                at: now,
            },
        )
        .await?;
    data.add_widget_stats(
        &mut tx,
        widget,
        access.implementation(),
        now.date_naive(),
        site.unwrap_or(""),
        &Tally::default(),
        1,
    )
    .await?;
    tx.publish(
        access.records_tenant(),
        Change::Submission { widget, contact },
    )
    .await?;
    // Through a deployment, the contact is the customer's; the builder's counters moved.
    if access.records_tenant() != access.tenant_id() {
        tx.publish(access.tenant_id(), Change::WidgetStats { widget })
            .await?;
    }
    tx.commit().await?;
    metrics::counter!("atrium_widget_submissions_total", "kind" => access.config().kind().as_str())
        .increment(1);
    Ok(SubmissionReceipt { id })
}

/// The contacts and feedback of the workspace `slug`.
#[instrument(skip_all, fields(slug))]
pub async fn contacts_page(svc: &Services, caller: &Caller, slug: &str) -> Result<ContactsPage> {
    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    authz::require(&access, Permission::SubmissionsView)?;
    let data = svc.store().tenant(&access);
    let (contacts, feedback) =
        tokio::try_join!(data.contacts(PAGE_ROWS), data.feedback_responses(PAGE_ROWS))?;
    Ok(ContactsPage {
        tenant: access.tenant().clone(),
        contacts,
        feedback,
    })
}
