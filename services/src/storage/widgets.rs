//! Widgets as stored: one row per widget holding its draft (configuration JSON, checked by
//! `shared::widgets` before it is written), and its published versions, which never change.

use chrono::{DateTime, Utc};
use shared::ids::{TenantId, UserId, WidgetId};
use shared::names::WidgetName;
use shared::platform::TenantStatus;
use shared::widgets::{WidgetKind, WidgetSummary, WidgetVersion};
use tracing::instrument;

use super::{Dialect, Store, TenantData, Tx, on_tenant_tx, with_reader, with_tenant_reader};
use crate::error::Result;

const SUMMARY: &str =
    "SELECT id, name, kind, live_version, unpublished_changes, updated_at FROM widgets";

/// A new widget for [`TenantData::insert_widget`].
pub struct NewWidget<'a> {
    pub id: WidgetId,
    pub name: &'a WidgetName,
    pub kind: WidgetKind,
    pub draft: &'a str,
    pub by: UserId,
    pub at: DateTime<Utc>,
}

/// What a change to a widget reads first, under its lock.
pub struct LockedWidget {
    pub kind: WidgetKind,
    pub live_version: Option<i32>,
    pub draft: String,
}

/// A widget's live version as visitors get it, with its workspace's standing.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct LiveWidget {
    pub tenant_id: TenantId,
    pub tenant_status: TenantStatus,
    pub version: i32,
    pub config: String,
    pub brand_accent: Option<String>,
    pub brand_font: Option<String>,
    /// Whether the workspace's branding is shown (the white-label feature).
    pub white_label: bool,
}

impl LiveWidget {
    /// The branding of the widget's workspace, which its theme may follow (the platform's
    /// while the workspace has no white-label feature).
    pub fn branding(&self) -> shared::branding::Branding {
        if !self.white_label {
            return shared::branding::Branding::default();
        }
        super::tenants::stored_branding(self.brand_accent.as_deref(), self.brand_font.as_deref())
    }
}

impl Store {
    /// The live version of `widget`, in whichever workspace it is: the first step of
    /// admitting a visitor (`authz::enter_embed`), who comes with nothing but the widget's id.
    /// `None` when there is no such widget or it was never published.
    #[instrument(skip_all, fields(%widget))]
    pub async fn live_widget(&self, widget: WidgetId) -> Result<Option<LiveWidget>> {
        Ok(with_reader!(self, pool => sqlx::query_as(concat!(
            "SELECT w.tenant_id, t.status AS tenant_status, v.version, v.config, t.brand_accent,
                    t.brand_font, ",
            super::tenants::feature_column!("white_label"),
            " FROM widgets w
             JOIN tenants t ON t.id = w.tenant_id
             JOIN widget_versions v ON v.widget_id = w.id AND v.version = w.live_version
             WHERE w.id = $1",
        ))
        .bind(widget)
        .fetch_optional(pool)
        .await)?)
    }
}

impl TenantData<'_> {
    /// The workspace's widgets, the latest change first.
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn widgets(&self) -> Result<Vec<WidgetSummary>> {
        Ok(with_tenant_reader!(self, pool => sqlx::query_as(
            sqlx::AssertSqlSafe(format!("{SUMMARY} WHERE tenant_id = $1 ORDER BY updated_at DESC, id")),
        )
        .bind(self.tenant)
        .fetch_all(pool)
        .await)?)
    }

    /// One widget's summary and its draft as stored.
    #[instrument(skip_all, fields(tenant = %self.tenant, %widget))]
    pub async fn widget(&self, widget: WidgetId) -> Result<Option<(WidgetSummary, String)>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            summary: WidgetSummary,
            draft: String,
        }
        let row: Option<Row> = with_tenant_reader!(self, pool => sqlx::query_as(
            "SELECT id, name, kind, live_version, unpublished_changes, updated_at, draft
             FROM widgets WHERE tenant_id = $1 AND id = $2",
        )
        .bind(self.tenant)
        .bind(widget)
        .fetch_optional(pool)
        .await)?;
        Ok(row.map(|r| (r.summary, r.draft)))
    }

    /// The published versions of a widget, newest first, with who published each.
    #[instrument(skip_all, fields(tenant = %self.tenant, %widget))]
    pub async fn widget_versions(&self, widget: WidgetId) -> Result<Vec<WidgetVersion>> {
        Ok(with_tenant_reader!(self, pool => sqlx::query_as(
            "SELECT v.version, v.published_at, u.name AS published_by
             FROM widget_versions v LEFT JOIN users u ON u.id = v.published_by
             WHERE v.tenant_id = $1 AND v.widget_id = $2 ORDER BY v.version DESC",
        )
        .bind(self.tenant)
        .bind(widget)
        .fetch_all(pool)
        .await)?)
    }

    /// How many widgets the workspace has (the plan's widgets limit), read inside `tx`.
    #[instrument(skip_all, fields(tenant = %self.tenant))]
    pub async fn count_widgets(&self, tx: &mut Tx) -> Result<u64> {
        let n: i64 = on_tenant_tx!(self, tx, conn => sqlx::query_scalar(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM widgets WHERE tenant_id = $1",
        )
        .bind(self.tenant)
        .fetch_one(&mut **conn)
        .await)?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    #[instrument(skip_all, fields(tenant = %self.tenant, widget = %widget.id))]
    pub async fn insert_widget(&self, tx: &mut Tx, widget: &NewWidget<'_>) -> Result<()> {
        on_tenant_tx!(self, tx, conn => sqlx::query(
            "INSERT INTO widgets (id, tenant_id, name, kind, draft, live_version, unpublished_changes,
                                  created_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, NULL, TRUE, $6, $7, $7)",
        )
        .bind(widget.id)
        .bind(self.tenant)
        .bind(widget.name)
        .bind(widget.kind)
        .bind(widget.draft)
        .bind(widget.by)
        .bind(widget.at)
        .execute(&mut **conn)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// The widget's kind, live version and draft, locked for a change (on SQLite the one
    /// writer is the lock); `None` when the workspace has no such widget.
    #[instrument(skip_all, fields(tenant = %self.tenant, %widget))]
    pub async fn lock_widget(&self, tx: &mut Tx, widget: WidgetId) -> Result<Option<LockedWidget>> {
        let lock = match tx.dialect() {
            Dialect::Postgres => " FOR NO KEY UPDATE",
            Dialect::Sqlite => "",
        };
        let row: Option<(WidgetKind, Option<i32>, String)> = on_tenant_tx!(self, tx, conn => sqlx::query_as(
            sqlx::AssertSqlSafe(format!(
                "SELECT kind, live_version, draft FROM widgets WHERE tenant_id = $1 AND id = $2{lock}"
            )),
        )
        .bind(self.tenant)
        .bind(widget)
        .fetch_optional(&mut **conn)
        .await)?;
        Ok(row.map(|(kind, live_version, draft)| LockedWidget {
            kind,
            live_version,
            draft,
        }))
    }

    /// Writes the draft (and its name); `unpublished_changes` says whether it differs from
    /// the live version.
    #[allow(clippy::too_many_arguments)]
    #[instrument(skip_all, fields(tenant = %self.tenant, %widget))]
    pub async fn save_widget_draft(
        &self,
        tx: &mut Tx,
        widget: WidgetId,
        name: &WidgetName,
        draft: &str,
        unpublished_changes: bool,
        at: DateTime<Utc>,
    ) -> Result<()> {
        on_tenant_tx!(self, tx, conn => sqlx::query(
            "UPDATE widgets SET name = $3, draft = $4, unpublished_changes = $5, updated_at = $6
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(self.tenant)
        .bind(widget)
        .bind(name)
        .bind(draft)
        .bind(unpublished_changes)
        .bind(at)
        .execute(&mut **conn)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// The newest published version number (0: none yet), read inside `tx`.
    #[instrument(skip_all, fields(tenant = %self.tenant, %widget))]
    pub async fn latest_widget_version(&self, tx: &mut Tx, widget: WidgetId) -> Result<i32> {
        let n: Option<i32> = on_tenant_tx!(self, tx, conn => sqlx::query_scalar(
            "SELECT MAX(version) FROM widget_versions WHERE tenant_id = $1 AND widget_id = $2",
        )
        .bind(self.tenant)
        .bind(widget)
        .fetch_one(&mut **conn)
        .await)?;
        Ok(n.unwrap_or(0))
    }

    /// Stores `config` as published version `version` and makes it the live one.
    #[instrument(skip_all, fields(tenant = %self.tenant, %widget, version))]
    pub async fn publish_widget_version(
        &self,
        tx: &mut Tx,
        widget: WidgetId,
        version: i32,
        config: &str,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<()> {
        on_tenant_tx!(self, tx, conn => sqlx::query(
            "INSERT INTO widget_versions (widget_id, tenant_id, version, config, published_by, published_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(widget)
        .bind(self.tenant)
        .bind(version)
        .bind(config)
        .bind(by)
        .bind(at)
        .execute(&mut **conn)
        .await
        .map(|_| ()))?;
        self.set_live_widget_version(tx, widget, version, None, at)
            .await
    }

    /// The configuration of published version `version`, read inside `tx`.
    #[instrument(skip_all, fields(tenant = %self.tenant, %widget, version))]
    pub async fn widget_version_config(
        &self,
        tx: &mut Tx,
        widget: WidgetId,
        version: i32,
    ) -> Result<Option<String>> {
        Ok(on_tenant_tx!(self, tx, conn => sqlx::query_scalar(
            "SELECT config FROM widget_versions WHERE tenant_id = $1 AND widget_id = $2 AND version = $3",
        )
        .bind(self.tenant)
        .bind(widget)
        .bind(version)
        .fetch_optional(&mut **conn)
        .await)?)
    }

    /// Points the widget at published version `version`; with `draft`, the draft becomes
    /// that version's configuration too (a rollback). Either way nothing is unpublished.
    #[instrument(skip_all, fields(tenant = %self.tenant, %widget, version))]
    pub async fn set_live_widget_version(
        &self,
        tx: &mut Tx,
        widget: WidgetId,
        version: i32,
        draft: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<()> {
        on_tenant_tx!(self, tx, conn => sqlx::query(
            "UPDATE widgets SET live_version = $3, draft = COALESCE($4, draft), unpublished_changes = FALSE,
                                updated_at = $5
             WHERE tenant_id = $1 AND id = $2",
        )
        .bind(self.tenant)
        .bind(widget)
        .bind(version)
        .bind(draft)
        .bind(at)
        .execute(&mut **conn)
        .await
        .map(|_| ()))?;
        Ok(())
    }
}
