//! Widgets: builders make them in their own workspace for their customers' sites. A widget
//! has one draft, saved as often as the editor likes, and immutable published versions; the
//! live version is what embedded sites get. Every configuration is parsed by
//! `shared::widgets` (the editor runs the same code as the builder types), so nothing that
//! fails its rules is ever stored.

pub mod analytics;
pub mod embed;

use shared::AppError;
use shared::ids::WidgetId;
use shared::live::Change;
use shared::names::WidgetName;
use shared::permissions::Permission;
use shared::personas::Persona;
use shared::widgets::{WidgetConfig, WidgetDetail, WidgetKind, WidgetsPage, preset};
use tracing::instrument;

use crate::audit::{self, actions};
use crate::authz::{self, Caller, TenantAccess};
use crate::billing::usage::check_widgets;
use crate::client::ClientInfo;
use crate::error::Result;
use crate::state::Services;
use crate::storage::widgets::{LockedWidget, NewWidget};
use crate::storage::{TenantData, Tx};

/// Enters a builder workspace with `permission`; widgets exist nowhere else.
pub(crate) async fn enter(
    svc: &Services,
    caller: &Caller,
    slug: &str,
    permission: Permission,
) -> Result<TenantAccess> {
    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    authz::require(&access, Permission::WidgetsView)?;
    if access.tenant().variant.persona() != Persona::Builder {
        return Err(AppError::forbidden(
            "Widgets are made in builder workspaces; this organization is not one.",
        )
        .into());
    }
    authz::require(&access, permission)?;
    Ok(access)
}

#[instrument(skip_all, fields(slug))]
pub async fn page(svc: &Services, caller: &Caller, slug: &str) -> Result<WidgetsPage> {
    let access = enter(svc, caller, slug, Permission::WidgetsView).await?;
    let widgets = svc.store().tenant(&access).widgets().await?;
    Ok(WidgetsPage {
        tenant: access.tenant().clone(),
        widgets,
        can_edit: access.role().can(Permission::WidgetsEdit),
    })
}

/// Makes a widget of `kind` from one of its presets; its draft is the preset's configuration.
#[instrument(skip_all, fields(slug, %kind, preset = preset_key))]
pub async fn create(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    name: &WidgetName,
    kind: WidgetKind,
    preset_key: &str,
) -> Result<WidgetId> {
    let access = enter(svc, caller, slug, Permission::WidgetsEdit).await?;
    let Some(preset) = preset(kind, preset_key) else {
        return Err(AppError::invalid("preset", "Choose one of the presets for this kind.").into());
    };
    let data = svc.store().tenant(&access);
    let id = WidgetId::from_uuid(uuid::Uuid::now_v7());
    let mut tx = svc.store().begin().await?;
    check_widgets(&data, &mut tx).await?;
    data.insert_widget(
        &mut tx,
        &NewWidget {
            id,
            name,
            kind,
            draft: &preset.config.to_json(),
            by: caller.user_id,
            at: crate::time::now(),
        },
    )
    .await?;
    let details = serde_json::json!({ "name": name.as_str(), "kind": kind, "preset": preset.key });
    finish(
        &mut tx,
        &access,
        client,
        actions::WIDGET_CREATED,
        id,
        None,
        details,
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

#[instrument(skip_all, fields(slug, %id))]
pub async fn detail(
    svc: &Services,
    caller: &Caller,
    slug: &str,
    id: WidgetId,
) -> Result<WidgetDetail> {
    let access = enter(svc, caller, slug, Permission::WidgetsView).await?;
    let data = svc.store().tenant(&access);
    let (found, versions, listing, branding) = tokio::try_join!(
        data.widget(id),
        data.widget_versions(id),
        data.listing_of(id),
        data.branding()
    )?;
    let Some((summary, draft)) = found else {
        return Err(AppError::not_found("The widget").into());
    };
    let draft = WidgetConfig::parse(&draft)
        .map_err(|e| anyhow::anyhow!("stored widget draft {id}: {e:?}"))?;
    Ok(WidgetDetail {
        tenant: access.tenant().clone(),
        summary,
        draft,
        versions,
        can_edit: access.role().can(Permission::WidgetsEdit),
        can_publish: access.role().can(Permission::WidgetsPublish),
        public_url: svc.settings().public_url(),
        listing,
        branding,
    })
}

/// Saves the editor's draft; a widget keeps its kind (a new kind is a new widget).
#[instrument(skip_all, fields(slug, %id))]
pub async fn save_draft(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    id: WidgetId,
    name: &WidgetName,
    config: &WidgetConfig,
) -> Result<()> {
    let access = enter(svc, caller, slug, Permission::WidgetsEdit).await?;
    let data = svc.store().tenant(&access);
    let mut tx = svc.store().begin().await?;
    let widget = locked(&data, &mut tx, id).await?;
    if config.kind() != widget.kind {
        return Err(AppError::invalid(
            "content.kind",
            format!(
                "This widget is a {}; make a new widget for a {}.",
                widget.kind.label().to_lowercase(),
                config.kind().label().to_lowercase()
            ),
        )
        .into());
    }
    let draft = config.to_json();
    let unpublished = match widget.live_version {
        Some(live) => {
            data.widget_version_config(&mut tx, id, live)
                .await?
                .as_deref()
                != Some(draft.as_str())
        }
        None => true,
    };
    data.save_widget_draft(&mut tx, id, name, &draft, unpublished, crate::time::now())
        .await?;
    let details = serde_json::json!({ "name": name.as_str() });
    finish(
        &mut tx,
        &access,
        client,
        actions::WIDGET_DRAFT_SAVED,
        id,
        widget.live_version,
        details,
    )
    .await?;
    tx.commit().await
}

/// Publishes the saved draft as the next version, which becomes the live one; returns its
/// number. A draft equal to the live version is not published again.
#[instrument(skip_all, fields(slug, %id))]
pub async fn publish(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    id: WidgetId,
) -> Result<i32> {
    let access = enter(svc, caller, slug, Permission::WidgetsPublish).await?;
    let data = svc.store().tenant(&access);
    let mut tx = svc.store().begin().await?;
    let widget = locked(&data, &mut tx, id).await?;
    let config = WidgetConfig::parse(&widget.draft)
        .map_err(|e| anyhow::anyhow!("stored widget draft {id}: {e:?}"))?;
    config.check_publishable()?;
    if let Some(live) = widget.live_version
        && data
            .widget_version_config(&mut tx, id, live)
            .await?
            .as_deref()
            == Some(widget.draft.as_str())
    {
        return Err(AppError::conflict(format!(
            "Version {live} is live and the draft has no changes since; edit and save the draft first."
        ))
        .into());
    }
    let version = data.latest_widget_version(&mut tx, id).await? + 1;
    data.publish_widget_version(
        &mut tx,
        id,
        version,
        &widget.draft,
        caller.user_id,
        crate::time::now(),
    )
    .await?;
    let details = serde_json::json!({ "version": version });
    finish(
        &mut tx,
        &access,
        client,
        actions::WIDGET_PUBLISHED,
        id,
        Some(version),
        details,
    )
    .await?;
    tx.commit().await?;
    Ok(version)
}

/// Makes published version `version` the live one again; the draft becomes that version
/// (what the draft held and was not published is replaced, as the editor warns).
#[instrument(skip_all, fields(slug, %id, version))]
pub async fn roll_back(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    id: WidgetId,
    version: i32,
) -> Result<()> {
    let access = enter(svc, caller, slug, Permission::WidgetsPublish).await?;
    let data = svc.store().tenant(&access);
    let mut tx = svc.store().begin().await?;
    let widget = locked(&data, &mut tx, id).await?;
    if widget.live_version == Some(version) {
        return Err(AppError::conflict(format!("Version {version} is already live.")).into());
    }
    let Some(config) = data.widget_version_config(&mut tx, id, version).await? else {
        return Err(AppError::not_found(format!("Version {version} of this widget")).into());
    };
    data.set_live_widget_version(&mut tx, id, version, Some(&config), crate::time::now())
        .await?;
    let details = serde_json::json!({ "from": widget.live_version, "to": version });
    finish(
        &mut tx,
        &access,
        client,
        actions::WIDGET_ROLLED_BACK,
        id,
        Some(version),
        details,
    )
    .await?;
    tx.commit().await
}

async fn locked(data: &TenantData<'_>, tx: &mut Tx, id: WidgetId) -> Result<LockedWidget> {
    data.lock_widget(tx, id)
        .await?
        .ok_or_else(|| AppError::not_found("The widget").into())
}

/// The audit entry and the live event every change of a widget ends with.
async fn finish(
    tx: &mut Tx,
    access: &TenantAccess,
    client: &ClientInfo,
    action: &'static str,
    widget: WidgetId,
    live_version: Option<i32>,
    details: serde_json::Value,
) -> Result<()> {
    tx.audit(&audit::entry(
        action,
        Some(access.caller().user_id),
        Some(access.tenant_id()),
        Some(widget.to_string()),
        client,
        details,
    ))
    .await?;
    tx.publish(
        access.tenant_id(),
        Change::Widget {
            widget,
            live_version,
        },
    )
    .await
}
