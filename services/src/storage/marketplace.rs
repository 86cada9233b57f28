//! The widget marketplace as stored. Listings, ratings and installs are each their own
//! workspace's rows (`tenant_id`: the publisher, the rater, the installer), written through
//! that workspace's [`TenantData`]. The catalog itself is platform-wide: [`Store`] reads the
//! listed ones (and a listing's reviews) for any builder workspace that passed its permission
//! check, and recounts a listing's ratings and installs inside the transaction that changed
//! them, after locking the listing so that concurrent raters or installers count in turn.
//! A listing's screenshots are its publisher's rows too, read with the catalog.

use chrono::{DateTime, Utc};
use shared::ids::{ImplementationId, ListingId, ScreenshotId, TenantId, UserId, WidgetId};
use shared::marketplace::{
    ListingDraft, OwnListing, RatingDraft, RatingSummary, Review, Screenshot, Stars,
};
use shared::names::{ListingTitle, TenantName};
use shared::support::files::{FileKind, FileName};
use shared::widgets::WidgetKind;
use tracing::instrument;

use super::support::StoredFile;
use super::{Dialect, Store, TenantData, Tx, on_tenant_tx, on_tx, with_reader, with_tenant_reader};
use crate::error::Result;

/// A listing as stored, with its publisher's name.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ListingRow {
    pub id: ListingId,
    pub tenant_id: TenantId,
    pub publisher: TenantName,
    pub widget_id: WidgetId,
    pub version: i32,
    pub kind: WidgetKind,
    pub title: ListingTitle,
    pub summary: String,
    pub description: String,
    pub template: String,
    pub listed: bool,
    pub installs: i64,
    pub rating_count: i64,
    pub rating_stars: i64,
    pub updated_at: DateTime<Utc>,
    /// Its first screenshot.
    pub cover: Option<ScreenshotId>,
}

impl ListingRow {
    pub fn rating(&self) -> RatingSummary {
        RatingSummary {
            count: u32::try_from(self.rating_count).unwrap_or(0),
            stars: u32::try_from(self.rating_stars).unwrap_or(0),
        }
    }
}

const LISTING: &str =
    "SELECT l.id, l.tenant_id, t.name AS publisher, l.widget_id, l.version, l.kind,
        l.title, l.summary, l.description, l.template, l.status = 'listed' AS listed, l.installs,
        l.rating_count, l.rating_stars, l.updated_at,
        (SELECT s.id FROM marketplace_screenshots s WHERE s.listing_id = l.id
         ORDER BY s.created_at, s.id LIMIT 1) AS cover
     FROM marketplace_listings l JOIN tenants t ON t.id = l.tenant_id";

/// One listing of a widget for [`TenantData::list_widget`].
pub struct NewListing<'a> {
    pub id: ListingId,
    pub widget: WidgetId,
    pub version: i32,
    pub kind: WidgetKind,
    pub draft: &'a ListingDraft,
    pub template: &'a str,
    pub by: UserId,
    pub at: DateTime<Utc>,
}

/// One screenshot for [`TenantData::add_screenshot`].
pub struct NewScreenshot<'a> {
    pub id: ScreenshotId,
    pub listing: ListingId,
    pub name: &'a FileName,
    pub kind: FileKind,
    pub content: &'a [u8],
    pub by: UserId,
    pub at: DateTime<Utc>,
}

/// One install for [`TenantData::record_install`].
pub struct NewInstall {
    pub listing: ListingId,
    pub widget: WidgetId,
    pub implementation: Option<ImplementationId>,
    pub by: UserId,
    pub at: DateTime<Utc>,
}

impl Store {
    /// Listed listings of `kind` (any kind with `None`), newest first, at most `limit` (the
    /// service filters the text and orders them).
    #[instrument(skip_all, fields(?kind))]
    pub async fn marketplace_listings(
        &self,
        kind: Option<WidgetKind>,
        limit: i64,
    ) -> Result<Vec<ListingRow>> {
        Ok(with_reader!(self, pool => sqlx::query_as(
            sqlx::AssertSqlSafe(format!(
                "{LISTING} WHERE l.status = 'listed' AND ($1 IS NULL OR l.kind = $1)
                   AND t.status = 'active'
                 ORDER BY l.updated_at DESC, l.id LIMIT $2"
            )),
        )
        .bind(kind)
        .bind(limit)
        .fetch_all(pool)
        .await)?)
    }

    /// The listing `listing` if it is listed (by an active workspace) or `viewer`'s own.
    #[instrument(skip_all, fields(%listing))]
    pub async fn marketplace_listing(
        &self,
        listing: ListingId,
        viewer: TenantId,
    ) -> Result<Option<ListingRow>> {
        Ok(with_reader!(self, pool => sqlx::query_as(
            sqlx::AssertSqlSafe(format!(
                "{LISTING} WHERE l.id = $1
                   AND ((l.status = 'listed' AND t.status = 'active') OR l.tenant_id = $2)"
            )),
        )
        .bind(listing)
        .bind(viewer)
        .fetch_optional(pool)
        .await)?)
    }

    /// A listing's reviews, newest first, with the rating workspaces' names.
    #[instrument(skip_all, fields(%listing))]
    pub async fn marketplace_reviews(&self, listing: ListingId) -> Result<Vec<Review>> {
        let rows: Vec<(i32, String, TenantName, DateTime<Utc>)> = with_reader!(self, pool => sqlx::query_as(
            "SELECT r.stars, r.review, t.name, r.rated_at
             FROM marketplace_ratings r JOIN tenants t ON t.id = r.tenant_id
             WHERE r.listing_id = $1 ORDER BY r.rated_at DESC, r.tenant_id LIMIT 100",
        )
        .bind(listing)
        .fetch_all(pool)
        .await)?;
        Ok(rows
            .into_iter()
            .filter_map(|(stars, review, by, at)| {
                Some(Review {
                    stars: Stars::try_from(u8::try_from(stars).ok()?).ok()?,
                    review,
                    by,
                    at,
                })
            })
            .collect())
    }

    /// A listing's screenshots, oldest first, without their bytes (the caller has seen the
    /// listing through [`Self::marketplace_listing`]).
    #[instrument(skip_all, fields(%listing))]
    pub async fn marketplace_screenshots(&self, listing: ListingId) -> Result<Vec<Screenshot>> {
        let rows: Vec<(ScreenshotId, FileName, FileKind, i64)> = with_reader!(self, pool => sqlx::query_as(
            "SELECT id, name, kind, size FROM marketplace_screenshots
             WHERE listing_id = $1 ORDER BY created_at, id",
        )
        .bind(listing)
        .fetch_all(pool)
        .await)?;
        Ok(rows
            .into_iter()
            .map(|(id, name, kind, size)| Screenshot {
                id,
                name,
                kind,
                size,
            })
            .collect())
    }

    /// One of a listing's screenshots with its bytes (the caller has seen the listing).
    #[instrument(skip_all, fields(%listing, %screenshot))]
    pub async fn marketplace_screenshot(
        &self,
        listing: ListingId,
        screenshot: ScreenshotId,
    ) -> Result<Option<StoredFile>> {
        Ok(with_reader!(self, pool => sqlx::query_as(
            "SELECT name, kind, content FROM marketplace_screenshots WHERE listing_id = $1 AND id = $2",
        )
        .bind(listing)
        .bind(screenshot)
        .fetch_optional(pool)
        .await)?)
    }

    /// Locks a listed listing for a rating or an install; its publisher and template, or
    /// `None` when it is not listed.
    #[instrument(skip_all, fields(%listing))]
    pub async fn lock_listed(
        &self,
        tx: &mut Tx,
        listing: ListingId,
    ) -> Result<Option<(TenantId, WidgetKind, String)>> {
        let lock = match tx.dialect() {
            Dialect::Postgres => " FOR UPDATE OF l",
            Dialect::Sqlite => "",
        };
        Ok(on_tx!(tx, conn => sqlx::query_as(
            sqlx::AssertSqlSafe(format!(
                "SELECT l.tenant_id, l.kind, l.template
                 FROM marketplace_listings l JOIN tenants t ON t.id = l.tenant_id
                 WHERE l.id = $1 AND l.status = 'listed' AND t.status = 'active'{lock}"
            )),
        )
        .bind(listing)
        .fetch_optional(&mut **conn)
        .await)?)
    }

    /// Recounts a listing's ratings and installs (locked by [`Self::lock_listed`]).
    #[instrument(skip_all, fields(%listing))]
    pub async fn recount_listing(&self, tx: &mut Tx, listing: ListingId) -> Result<()> {
        on_tx!(tx, conn => sqlx::query(
            "UPDATE marketplace_listings SET
                 rating_count = (SELECT COUNT(*) FROM marketplace_ratings WHERE listing_id = $1),
                 rating_stars = (SELECT COALESCE(SUM(stars), 0) FROM marketplace_ratings WHERE listing_id = $1),
                 installs = (SELECT COUNT(*) FROM marketplace_installs WHERE listing_id = $1)
             WHERE id = $1",
        )
        .bind(listing)
        .execute(&mut **conn)
        .await
        .map(|_| ()))?;
        Ok(())
    }
}

impl TenantData<'_> {
    /// This workspace's listing of `widget`, if it listed it.
    #[instrument(skip_all, fields(tenant = %self.tenant, %widget))]
    pub async fn listing_of(&self, widget: WidgetId) -> Result<Option<OwnListing>> {
        Ok(with_tenant_reader!(self, pool => sqlx::query_as(
            "SELECT id, status = 'listed' AS listed, version, title, summary, description
             FROM marketplace_listings WHERE tenant_id = $1 AND widget_id = $2",
        )
        .bind(self.tenant)
        .bind(widget)
        .fetch_optional(pool)
        .await)?)
    }

    /// Lists `widget` (or lists it again, with new texts and version); the listing's id.
    #[instrument(skip_all, fields(tenant = %self.tenant, widget = %new.widget))]
    pub async fn list_widget(&self, tx: &mut Tx, new: &NewListing<'_>) -> Result<ListingId> {
        Ok(on_tenant_tx!(self, tx, conn => sqlx::query_scalar(
            "INSERT INTO marketplace_listings (id, tenant_id, widget_id, version, kind, title, summary,
                                               description, template, status, listed_by, created_at,
                                               updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'listed', $10, $11, $11)
             ON CONFLICT (widget_id) DO UPDATE SET
                 version = excluded.version, title = excluded.title, summary = excluded.summary,
                 description = excluded.description, template = excluded.template,
                 status = 'listed', listed_by = excluded.listed_by, updated_at = excluded.updated_at
             RETURNING id",
        )
        .bind(new.id)
        .bind(self.tenant)
        .bind(new.widget)
        .bind(new.version)
        .bind(new.kind)
        .bind(&new.draft.title)
        .bind(&new.draft.summary)
        .bind(&new.draft.description)
        .bind(new.template)
        .bind(new.by)
        .bind(new.at)
        .fetch_one(&mut **conn)
        .await)?)
    }

    /// Takes this workspace's listing `listing` off the marketplace; `false` when it has no
    /// such listing.
    #[instrument(skip_all, fields(tenant = %self.tenant, %listing))]
    pub async fn withdraw_listing(
        &self,
        tx: &mut Tx,
        listing: ListingId,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        Ok(on_tenant_tx!(self, tx, conn => sqlx::query(
            "UPDATE marketplace_listings SET status = 'withdrawn', updated_at = $1
             WHERE id = $2 AND tenant_id = $3",
        )
        .bind(at)
        .bind(listing)
        .bind(self.tenant)
        .execute(&mut **conn)
        .await
        .map(|done| done.rows_affected() == 1))?)
    }

    /// This workspace's rating of `listing`, if it rated it.
    #[instrument(skip_all, fields(tenant = %self.tenant, %listing))]
    pub async fn my_rating(&self, listing: ListingId) -> Result<Option<RatingDraft>> {
        let row: Option<(i32, String)> = with_tenant_reader!(self, pool => sqlx::query_as(
            "SELECT stars, review FROM marketplace_ratings WHERE listing_id = $1 AND tenant_id = $2",
        )
        .bind(listing)
        .bind(self.tenant)
        .fetch_optional(pool)
        .await)?;
        Ok(row.and_then(|(stars, review)| {
            Some(RatingDraft {
                stars: Stars::try_from(u8::try_from(stars).ok()?).ok()?,
                review,
            })
        }))
    }

    /// Rates `listing` (or changes this workspace's rating of it).
    #[instrument(skip_all, fields(tenant = %self.tenant, %listing))]
    pub async fn rate_listing(
        &self,
        tx: &mut Tx,
        listing: ListingId,
        rating: &RatingDraft,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<()> {
        on_tenant_tx!(self, tx, conn => sqlx::query(
            "INSERT INTO marketplace_ratings (listing_id, tenant_id, stars, review, rated_by, rated_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (listing_id, tenant_id) DO UPDATE SET
                 stars = excluded.stars, review = excluded.review, rated_by = excluded.rated_by,
                 rated_at = excluded.rated_at",
        )
        .bind(listing)
        .bind(self.tenant)
        .bind(i32::from(rating.stars.get()))
        .bind(&rating.review)
        .bind(by)
        .bind(at)
        .execute(&mut **conn)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// Records that this workspace installed a listing.
    #[instrument(skip_all, fields(tenant = %self.tenant, listing = %new.listing))]
    pub async fn record_install(&self, tx: &mut Tx, new: &NewInstall) -> Result<()> {
        on_tenant_tx!(self, tx, conn => sqlx::query(
            "INSERT INTO marketplace_installs (id, listing_id, tenant_id, widget_id, implementation_id,
                                               installed_by, installed_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(uuid::Uuid::now_v7())
        .bind(new.listing)
        .bind(self.tenant)
        .bind(new.widget)
        .bind(new.implementation)
        .bind(new.by)
        .bind(new.at)
        .execute(&mut **conn)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// Locks this workspace's listing `listing` for a change to its screenshots; whether it
    /// exists.
    #[instrument(skip_all, fields(tenant = %self.tenant, %listing))]
    pub async fn lock_own_listing(&self, tx: &mut Tx, listing: ListingId) -> Result<bool> {
        let lock = match tx.dialect() {
            Dialect::Postgres => " FOR UPDATE",
            Dialect::Sqlite => "",
        };
        let found: Option<i64> = on_tenant_tx!(self, tx, conn => sqlx::query_scalar(
            sqlx::AssertSqlSafe(format!(
                "SELECT CAST(1 AS BIGINT) FROM marketplace_listings WHERE id = $1 AND tenant_id = $2{lock}"
            )),
        )
        .bind(listing)
        .bind(self.tenant)
        .fetch_optional(&mut **conn)
        .await)?;
        Ok(found.is_some())
    }

    /// How many screenshots this workspace's listing shows (inside the locking transaction).
    #[instrument(skip_all, fields(tenant = %self.tenant, %listing))]
    pub async fn count_screenshots(&self, tx: &mut Tx, listing: ListingId) -> Result<i64> {
        Ok(on_tenant_tx!(self, tx, conn => sqlx::query_scalar(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM marketplace_screenshots
             WHERE listing_id = $1 AND tenant_id = $2",
        )
        .bind(listing)
        .bind(self.tenant)
        .fetch_one(&mut **conn)
        .await)?)
    }

    #[instrument(skip_all, fields(tenant = %self.tenant, listing = %new.listing))]
    pub async fn add_screenshot(&self, tx: &mut Tx, new: &NewScreenshot<'_>) -> Result<()> {
        on_tenant_tx!(self, tx, conn => sqlx::query(
            "INSERT INTO marketplace_screenshots (id, listing_id, tenant_id, name, kind, size, content,
                                                  uploaded_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(new.id)
        .bind(new.listing)
        .bind(self.tenant)
        .bind(new.name)
        .bind(new.kind)
        .bind(i64::try_from(new.content.len()).unwrap_or(i64::MAX))
        .bind(new.content)
        .bind(new.by)
        .bind(new.at)
        .execute(&mut **conn)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// Removes one of this workspace's listing's screenshots; `false` when there is no such
    /// screenshot.
    #[instrument(skip_all, fields(tenant = %self.tenant, %listing, %screenshot))]
    pub async fn remove_screenshot(
        &self,
        tx: &mut Tx,
        listing: ListingId,
        screenshot: ScreenshotId,
    ) -> Result<bool> {
        Ok(on_tenant_tx!(self, tx, conn => sqlx::query(
            "DELETE FROM marketplace_screenshots WHERE id = $1 AND listing_id = $2 AND tenant_id = $3",
        )
        .bind(screenshot)
        .bind(listing)
        .bind(self.tenant)
        .execute(&mut **conn)
        .await
        .map(|done| done.rows_affected() == 1))?)
    }
}
