//! The widget marketplace: builders list their published widgets as templates, and every
//! builder workspace searches, rates and installs them. The rules (what a listing, a rating,
//! a search and an install may be) are `shared::marketplace`'s; here each action enters the
//! caller's own builder workspace through the one permission check, writes that workspace's
//! rows, and reads the catalog platform-wide (listed listings of active workspaces only).

use std::cmp::Reverse;

use shared::AppError;
use shared::customers::{ImplementationStatus, LinkStatus, Side};
use shared::ids::{ImplementationId, ListingId, ScreenshotId, WidgetId};
use shared::live::Change;
use shared::marketplace::{
    InstallRequest, Installed, ListingDraft, ListingPage, ListingSort, ListingSummary,
    MarketplacePage, MarketplaceQuery, PAGE_SIZE, RatingDraft, SCREENSHOT, SCREENSHOTS_PER_LISTING,
    Screenshot, template_of,
};
use shared::permissions::Permission;
use shared::widgets::WidgetConfig;
use tracing::instrument;

use crate::audit::{self, actions};
use crate::authz::Caller;
use crate::billing::usage::check_widgets;
use crate::client::ClientInfo;
use crate::error::Result;
use crate::state::Services;
use crate::storage::customers::NewImplementation;
use crate::storage::marketplace::{ListingRow, NewInstall, NewListing, NewScreenshot};
use crate::storage::support::StoredFile;
use crate::storage::widgets::NewWidget;
use crate::widgets::enter;

/// How many listed listings a search looks through (newest first) before filtering words.
const SEARCHED: i64 = 2_000;

fn summary(row: &ListingRow, viewer: shared::ids::TenantId) -> ListingSummary {
    ListingSummary {
        id: row.id,
        title: row.title.clone(),
        summary: row.summary.clone(),
        kind: row.kind,
        publisher: row.publisher.clone(),
        rating: row.rating(),
        installs: u32::try_from(row.installs).unwrap_or(0),
        version: row.version,
        updated_at: row.updated_at,
        own: row.tenant_id == viewer,
        cover: row.cover,
    }
}

fn stored_template(row_template: &str, listing: ListingId) -> Result<WidgetConfig> {
    Ok(WidgetConfig::parse(row_template)
        .map_err(|e| anyhow::anyhow!("stored template of listing {listing}: {e:?}"))?)
}

/// The marketplace as the builder workspace `slug` searches it.
#[instrument(skip_all, fields(slug))]
pub async fn browse(
    svc: &Services,
    caller: &Caller,
    slug: &str,
    text: &str,
    kind: &str,
    sort: &str,
) -> Result<MarketplacePage> {
    let access = enter(svc, caller, slug, Permission::WidgetsView).await?;
    let query = MarketplaceQuery::parse(text, kind, sort)?;
    let rows = svc
        .store()
        .marketplace_listings(query.kind, SEARCHED)
        .await?;
    let mut found: Vec<ListingSummary> = rows
        .iter()
        .filter(|r| query.matches(&[r.title.as_str(), &r.summary, &r.description]))
        .map(|r| summary(r, access.tenant_id()))
        .collect();
    // Rows come newest first; the sort is stable, so ties stay newest first.
    match query.sort {
        ListingSort::Newest => {}
        ListingSort::Installs => found.sort_by_key(|l| Reverse(l.installs)),
        ListingSort::Rating => {
            found.sort_by_key(|l| Reverse((l.rating.average_tenths(), l.rating.count)));
        }
    }
    let page = usize::try_from(PAGE_SIZE).unwrap_or(50);
    let more = found.len() > page;
    found.truncate(page);
    Ok(MarketplacePage {
        tenant: access.tenant().clone(),
        query,
        listings: found,
        more,
    })
}

/// One listing, as the builder workspace `slug` sees it: listed, or its own.
#[instrument(skip_all, fields(slug, %listing))]
pub async fn listing(
    svc: &Services,
    caller: &Caller,
    slug: &str,
    listing: ListingId,
) -> Result<ListingPage> {
    let access = enter(svc, caller, slug, Permission::WidgetsView).await?;
    let data = svc.store().tenant(&access);
    let (row, reviews, mine, links, screenshots) = tokio::try_join!(
        svc.store().marketplace_listing(listing, access.tenant_id()),
        svc.store().marketplace_reviews(listing),
        data.my_rating(listing),
        data.links(Side::Builder),
        svc.store().marketplace_screenshots(listing),
    )?;
    let row = row.ok_or_else(|| AppError::not_found("This listing"))?;
    let own = row.tenant_id == access.tenant_id();
    let role = access.role();
    let deploys = role.can(Permission::CustomersManage);
    Ok(ListingPage {
        tenant: access.tenant().clone(),
        listing: summary(&row, access.tenant_id()),
        description: row.description.clone(),
        template: stored_template(&row.template, listing)?,
        reviews,
        mine,
        can_rate: !own && row.listed && role.can(Permission::WidgetsEdit),
        can_install: row.listed && role.can(Permission::WidgetsPublish),
        can_withdraw: own && row.listed && role.can(Permission::WidgetsPublish),
        screenshots,
        can_edit_screenshots: own && role.can(Permission::WidgetsPublish),
        customers: if deploys {
            links
                .into_iter()
                .filter(|l| l.status == LinkStatus::Active)
                .collect()
        } else {
            Vec::new()
        },
    })
}

/// Lists the published widget `widget` of the workspace `slug` on the marketplace (or lists
/// it again, with new texts and its live version).
#[instrument(skip_all, fields(slug, %widget))]
pub async fn list_widget(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    widget: WidgetId,
    draft: &ListingDraft,
) -> Result<ListingId> {
    let access = enter(svc, caller, slug, Permission::WidgetsPublish).await?;
    let data = svc.store().tenant(&access);
    let mut tx = svc.store().begin().await?;
    let locked = data
        .lock_widget(&mut tx, widget)
        .await?
        .ok_or_else(|| AppError::not_found("The widget"))?;
    let Some(version) = locked.live_version else {
        return Err(AppError::conflict(
            "Publish the widget first: the marketplace lists its published version.",
        )
        .into());
    };
    let config = data
        .widget_version_config(&mut tx, widget, version)
        .await?
        .ok_or_else(|| anyhow::anyhow!("widget {widget} has no version {version}"))?;
    let template = template_of(
        &WidgetConfig::parse(&config)
            .map_err(|e| anyhow::anyhow!("stored version {version} of widget {widget}: {e:?}"))?,
    );
    let id = data
        .list_widget(
            &mut tx,
            &NewListing {
                id: ListingId::from_uuid(uuid::Uuid::now_v7()),
                widget,
                version,
                kind: locked.kind,
                draft,
                template: &template.to_json(),
                by: caller.user_id,
                at: crate::time::now(),
            },
        )
        .await?;
    tx.audit(&audit::entry(
        actions::MARKETPLACE_LISTED,
        Some(caller.user_id),
        Some(access.tenant_id()),
        Some(id.to_string()),
        client,
        serde_json::json!({ "widget": widget, "version": version, "title": draft.title }),
    ))
    .await?;
    tx.publish(
        access.tenant_id(),
        Change::Widget {
            widget,
            live_version: Some(version),
        },
    )
    .await?;
    tx.publish(access.tenant_id(), Change::Listing { listing: id })
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// Takes the workspace's own listing `listing` off the marketplace (installed copies stay).
#[instrument(skip_all, fields(slug, %listing))]
pub async fn withdraw(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    listing: ListingId,
) -> Result<()> {
    let access = enter(svc, caller, slug, Permission::WidgetsPublish).await?;
    let data = svc.store().tenant(&access);
    let mut tx = svc.store().begin().await?;
    if !data
        .withdraw_listing(&mut tx, listing, crate::time::now())
        .await?
    {
        return Err(AppError::not_found("This listing").into());
    }
    tx.audit(&audit::entry(
        actions::MARKETPLACE_WITHDRAWN,
        Some(caller.user_id),
        Some(access.tenant_id()),
        Some(listing.to_string()),
        client,
        serde_json::json!({}),
    ))
    .await?;
    tx.publish(access.tenant_id(), Change::Listing { listing })
        .await?;
    tx.commit().await
}

/// Adds a screenshot to the workspace's own listing `listing`: a PNG, JPEG, GIF or WebP
/// image whose bytes agree with its name, up to [`SCREENSHOTS_PER_LISTING`] of them.
#[instrument(skip_all, fields(slug, %listing))]
pub async fn add_screenshot(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    listing: ListingId,
    (name, content): (&str, &[u8]),
) -> Result<Screenshot> {
    let access = enter(svc, caller, slug, Permission::WidgetsPublish).await?;
    let data = svc.store().tenant(&access);
    let (name, kind) = SCREENSHOT.check(name, content).map_err(AppError::from)?;
    let mut tx = svc.store().begin().await?;
    if !data.lock_own_listing(&mut tx, listing).await? {
        return Err(AppError::not_found("This listing").into());
    }
    let held = data.count_screenshots(&mut tx, listing).await?;
    if usize::try_from(held).unwrap_or(usize::MAX) >= SCREENSHOTS_PER_LISTING {
        return Err(AppError::conflict(format!(
            "This listing already shows {SCREENSHOTS_PER_LISTING} screenshots, the most it takes: remove one first."
        ))
        .into());
    }
    let id = ScreenshotId::from_uuid(uuid::Uuid::now_v7());
    data.add_screenshot(
        &mut tx,
        &NewScreenshot {
            id,
            listing,
            name: &name,
            kind,
            content,
            by: caller.user_id,
            at: crate::time::now(),
        },
    )
    .await?;
    tx.audit(&audit::entry(
        actions::MARKETPLACE_SCREENSHOT_ADDED,
        Some(caller.user_id),
        Some(access.tenant_id()),
        Some(listing.to_string()),
        client,
        serde_json::json!({ "screenshot": id, "name": name, "kind": kind, "size": content.len() }),
    ))
    .await?;
    tx.publish(access.tenant_id(), Change::Listing { listing })
        .await?;
    tx.commit().await?;
    Ok(Screenshot {
        id,
        name,
        kind,
        size: i64::try_from(content.len()).unwrap_or(i64::MAX),
    })
}

/// Removes a screenshot from the workspace's own listing `listing`.
#[instrument(skip_all, fields(slug, %listing, %screenshot))]
pub async fn remove_screenshot(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    listing: ListingId,
    screenshot: ScreenshotId,
) -> Result<()> {
    let access = enter(svc, caller, slug, Permission::WidgetsPublish).await?;
    let data = svc.store().tenant(&access);
    let mut tx = svc.store().begin().await?;
    if !data.lock_own_listing(&mut tx, listing).await?
        || !data.remove_screenshot(&mut tx, listing, screenshot).await?
    {
        return Err(AppError::not_found("This screenshot").into());
    }
    tx.audit(&audit::entry(
        actions::MARKETPLACE_SCREENSHOT_REMOVED,
        Some(caller.user_id),
        Some(access.tenant_id()),
        Some(listing.to_string()),
        client,
        serde_json::json!({ "screenshot": screenshot }),
    ))
    .await?;
    tx.publish(access.tenant_id(), Change::Listing { listing })
        .await?;
    tx.commit().await
}

/// One of a listing's screenshots, for a builder workspace that may see the listing (listed,
/// or its own).
#[instrument(skip_all, fields(slug, %listing, %screenshot))]
pub async fn screenshot(
    svc: &Services,
    caller: &Caller,
    slug: &str,
    listing: ListingId,
    screenshot: ScreenshotId,
) -> Result<StoredFile> {
    let access = enter(svc, caller, slug, Permission::WidgetsView).await?;
    let not_found = || AppError::not_found("This screenshot");
    svc.store()
        .marketplace_listing(listing, access.tenant_id())
        .await?
        .ok_or_else(not_found)?;
    Ok(svc
        .store()
        .marketplace_screenshot(listing, screenshot)
        .await?
        .ok_or_else(not_found)?)
}

/// Rates another builder's listing (or changes the workspace's rating of it).
#[instrument(skip_all, fields(slug, %listing))]
pub async fn rate(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    listing: ListingId,
    stars: &str,
    review: &str,
) -> Result<()> {
    let access = enter(svc, caller, slug, Permission::WidgetsEdit).await?;
    let rating = RatingDraft::parse(stars, review)?;
    let data = svc.store().tenant(&access);
    let mut tx = svc.store().begin().await?;
    let (publisher, ..) = svc
        .store()
        .lock_listed(&mut tx, listing)
        .await?
        .ok_or_else(|| AppError::not_found("This listing"))?;
    if publisher == access.tenant_id() {
        return Err(AppError::forbidden(
            "Listings are rated by other builders: this one is your own.",
        )
        .into());
    }
    data.rate_listing(
        &mut tx,
        listing,
        &rating,
        caller.user_id,
        crate::time::now(),
    )
    .await?;
    svc.store().recount_listing(&mut tx, listing).await?;
    tx.audit(&audit::entry(
        actions::MARKETPLACE_RATED,
        Some(caller.user_id),
        Some(access.tenant_id()),
        Some(listing.to_string()),
        client,
        serde_json::json!({ "stars": rating.stars }),
    ))
    .await?;
    // Under the publisher's workspace: every builder hears of it, and none learns who rated.
    tx.publish(publisher, Change::Listing { listing }).await?;
    tx.commit().await
}

/// Installs a listing in the workspace `slug`: a new widget, published at once for the site
/// named, and for a customer a draft deployment on that customer's site — all or nothing.
#[allow(clippy::too_many_arguments)]
#[instrument(skip_all, fields(slug, %listing))]
pub async fn install(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    listing: ListingId,
    name: &str,
    site: &str,
    customer: &str,
) -> Result<Installed> {
    let access = enter(svc, caller, slug, Permission::WidgetsPublish).await?;
    let request = InstallRequest::parse(name, site, customer)?;
    if request.customer.is_some() {
        crate::authz::require(&access, Permission::CustomersManage)?;
    }
    let data = svc.store().tenant(&access);
    let now = crate::time::now();
    let mut tx = svc.store().begin().await?;
    check_widgets(&data, &mut tx).await?;
    let (publisher, kind, template) = svc
        .store()
        .lock_listed(&mut tx, listing)
        .await?
        .ok_or_else(|| AppError::not_found("This listing"))?;
    let mut config = stored_template(&template, listing)?;
    config.allowed_origins = vec![request.site.clone()];
    config.check_publishable()?;
    let config = config.to_json();
    let widget = WidgetId::from_uuid(uuid::Uuid::now_v7());
    data.insert_widget(
        &mut tx,
        &NewWidget {
            id: widget,
            name: &request.name,
            kind,
            draft: &config,
            by: caller.user_id,
            at: now,
        },
    )
    .await?;
    data.publish_widget_version(&mut tx, widget, 1, &config, caller.user_id, now)
        .await?;
    let implementation = match request.customer {
        None => None,
        Some(link) => {
            let locked = data
                .lock_link(&mut tx, link, Side::Builder)
                .await?
                .ok_or_else(|| AppError::not_found("This customer"))?;
            if locked.status != LinkStatus::Active {
                return Err(AppError::conflict(format!(
                    "This customer's link is {}: widgets are deployed for active customers only.",
                    locked.status.as_str()
                ))
                .into());
            }
            let id = ImplementationId::from_uuid(uuid::Uuid::now_v7());
            data.insert_implementation(
                &mut tx,
                &NewImplementation {
                    id,
                    link,
                    customer: locked.customer,
                    deployed: crate::storage::customers::Deployed::Widget(widget),
                    name: request.name.as_str(),
                    by: caller.user_id,
                    at: now,
                },
            )
            .await?;
            crate::customers::finish_implementation(
                &mut tx,
                &access,
                client,
                actions::IMPLEMENTATION_CREATED,
                id,
                locked.customer,
                ImplementationStatus::Draft,
                serde_json::json!({ "widget": widget, "customer": locked.customer, "link": link, "listing": listing }),
            )
            .await?;
            Some(id)
        }
    };
    data.record_install(
        &mut tx,
        &NewInstall {
            listing,
            widget,
            implementation,
            by: caller.user_id,
            at: now,
        },
    )
    .await?;
    svc.store().recount_listing(&mut tx, listing).await?;
    tx.audit(&audit::entry(
        actions::MARKETPLACE_INSTALLED,
        Some(caller.user_id),
        Some(access.tenant_id()),
        Some(widget.to_string()),
        client,
        serde_json::json!({ "listing": listing, "site": request.site, "implementation": implementation }),
    ))
    .await?;
    tx.publish(
        access.tenant_id(),
        Change::Widget {
            widget,
            live_version: Some(1),
        },
    )
    .await?;
    // Under the publisher's workspace: every builder hears of it, and none learns who installed.
    tx.publish(publisher, Change::Listing { listing }).await?;
    tx.commit().await?;
    Ok(Installed {
        widget,
        implementation,
    })
}
