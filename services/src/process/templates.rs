//! Process templates: the built-ins every workspace has, and the workspace's own, which are
//! versioned (a running session keeps the version it started on).

use shared::AppError;
use shared::billing::Feature;
use shared::ids::TemplateId;
use shared::live::Change;
use shared::names::TemplateName;
use shared::permissions::Permission;
use shared::process::template::BUILTINS;
use shared::process::{TemplateDefinition, TemplateDetail, TemplatesPage};
use tracing::instrument;

use crate::audit::{self, actions};
use crate::authz::{self, Caller};
use crate::client::ClientInfo;
use crate::error::Result;
use crate::state::Services;
use crate::storage::process::{NewTemplate, TemplateEdit};
use crate::storage::{Store, TenantData};

/// Gives every workspace the built-in templates it lacks (at start-up and after sign-up).
pub async fn install_builtins(store: &Store) -> Result<()> {
    for builtin in BUILTINS {
        let name = TemplateName::parse(builtin.name)?;
        let definition =
            serde_json::to_string(&(builtin.definition)()).map_err(anyhow::Error::from)?;
        store
            .install_builtin_template(builtin.key, &name, builtin.description, &definition)
            .await?;
    }
    Ok(())
}

/// Gives a tenant being created the built-in templates, in its creating transaction.
pub async fn install_builtins_in(
    tx: &mut crate::storage::Tx,
    tenant: shared::ids::TenantId,
) -> Result<()> {
    let now = crate::time::now();
    for builtin in BUILTINS {
        let name = TemplateName::parse(builtin.name)?;
        let definition =
            serde_json::to_string(&(builtin.definition)()).map_err(anyhow::Error::from)?;
        tx.insert_template_for(
            tenant,
            &NewTemplate {
                id: TemplateId::from_uuid(uuid::Uuid::now_v7()),
                name: &name,
                description: builtin.description,
                builtin_key: Some(builtin.key),
                implementation: None,
                definition: &definition,
                created_by: None,
                at: now,
            },
        )
        .await?;
    }
    Ok(())
}

const MAX_DESCRIPTION: usize = 500;

fn description(text: &str) -> Result<String> {
    let text = text.trim();
    if text.chars().count() > MAX_DESCRIPTION {
        return Err(AppError::invalid(
            "description",
            format!("The description must be at most {MAX_DESCRIPTION} characters."),
        )
        .into());
    }
    Ok(text.to_owned())
}

#[instrument(skip_all, fields(slug))]
pub async fn page(svc: &Services, caller: &Caller, slug: &str) -> Result<TemplatesPage> {
    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    authz::require(&access, Permission::SessionsView)?;
    let templates = svc.store().tenant(&access).templates().await?;
    let signing_secret = if access.role().can(Permission::TemplatesManage) {
        Some(super::webhooks::signing_secret(svc, &access).await?)
    } else {
        None
    };
    Ok(TemplatesPage {
        tenant: access.tenant().clone(),
        my_role: access.role(),
        templates,
        signing_secret,
    })
}

#[instrument(skip_all, fields(slug, template = %id))]
pub async fn detail(
    svc: &Services,
    caller: &Caller,
    slug: &str,
    id: TemplateId,
) -> Result<TemplateDetail> {
    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    authz::require(&access, Permission::SessionsView)?;
    let data = svc.store().tenant(&access);
    let (template, definition) = data
        .template(id)
        .await?
        .ok_or_else(|| AppError::not_found("The template"))?;
    Ok(TemplateDetail {
        tenant: access.tenant().clone(),
        my_role: access.role(),
        template,
        definition: super::stored_definition(&definition)?,
        versions: data.template_versions(id).await?,
    })
}

/// Creates a template from the editor's fields; returns its id.
#[instrument(skip_all, fields(slug))]
pub async fn create(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    name: &str,
    description_text: &str,
    definition_text: &str,
) -> Result<TemplateId> {
    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    authz::require(&access, Permission::TemplatesManage)?;
    let name = TemplateName::parse(name)?;
    let description = description(description_text)?;
    let definition = TemplateDefinition::parse(definition_text)?;
    save_new(svc, &access, client, &name, &description, &definition).await
}

async fn save_new(
    svc: &Services,
    access: &authz::TenantAccess,
    client: &ClientInfo,
    name: &TemplateName,
    description: &str,
    definition: &TemplateDefinition,
) -> Result<TemplateId> {
    let data = svc.store().tenant(access);
    may_use(&data, definition).await?;
    let id = TemplateId::from_uuid(uuid::Uuid::now_v7());
    let text = serde_json::to_string(definition).map_err(anyhow::Error::from)?;
    let mut tx = svc.store().begin().await?;
    data.insert_template(
        &mut tx,
        &NewTemplate {
            id,
            name,
            description,
            builtin_key: None,
            implementation: None,
            definition: &text,
            created_by: Some(access.caller().user_id),
            at: crate::time::now(),
        },
    )
    .await?;
    tx.audit(&audit::entry(
        actions::TEMPLATE_CREATED,
        Some(access.caller().user_id),
        Some(access.tenant_id()),
        Some(id.to_string()),
        client,
        serde_json::json!({ "name": name.as_str() }),
    ))
    .await?;
    tx.publish(access.tenant_id(), Change::Template { template: id })
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// Refuses a template the workspace's plan does not cover: its own templates need custom
/// templates, and webhook steps need outbound webhooks.
async fn may_use(data: &TenantData<'_>, definition: &TemplateDefinition) -> Result<()> {
    let entitlement = crate::billing::entitlement(data).await?;
    entitlement.require(Feature::CustomTemplates)?;
    if definition.has_webhooks() {
        entitlement.require(Feature::Webhooks)?;
    }
    Ok(())
}

/// Saves an edit as a new version; returns the version number.
#[allow(clippy::too_many_arguments)]
#[instrument(skip_all, fields(slug, template = %id))]
pub async fn update(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    id: TemplateId,
    name: &str,
    description_text: &str,
    definition_text: &str,
) -> Result<i32> {
    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    authz::require(&access, Permission::TemplatesManage)?;
    let name = TemplateName::parse(name)?;
    let description = description(description_text)?;
    let definition = TemplateDefinition::parse(definition_text)?;
    let data = svc.store().tenant(&access);
    let (current, _) = data
        .template(id)
        .await?
        .ok_or_else(|| AppError::not_found("The template"))?;
    if let Some(builder) = &current.provided_by {
        return Err(AppError::forbidden(format!(
            "This template is {builder}'s, deployed for this workspace: they change it."
        ))
        .into());
    }
    if current.read_only() {
        return Err(AppError::forbidden(
            "Built-in templates are read-only: duplicate it, then change the copy.",
        )
        .into());
    }
    may_use(&data, &definition).await?;
    let text = serde_json::to_string(&definition).map_err(anyhow::Error::from)?;
    let mut tx = svc.store().begin().await?;
    let version = data
        .add_template_version(
            &mut tx,
            id,
            &TemplateEdit {
                name: &name,
                description: &description,
                definition: &text,
                by: caller.user_id,
                at: crate::time::now(),
            },
        )
        .await?
        .ok_or_else(|| AppError::not_found("The template"))?;
    tx.audit(&audit::entry(
        actions::TEMPLATE_UPDATED,
        Some(caller.user_id),
        Some(access.tenant_id()),
        Some(id.to_string()),
        client,
        serde_json::json!({ "name": name.as_str(), "version": version }),
    ))
    .await?;
    tx.publish(access.tenant_id(), Change::Template { template: id })
        .await?;
    tx.commit().await?;
    Ok(version)
}

/// Copies a template (built-in or not) into a new, editable one.
#[instrument(skip_all, fields(slug, template = %id))]
pub async fn duplicate(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    id: TemplateId,
) -> Result<TemplateId> {
    let access = authz::enter_tenant(svc.store(), caller, slug).await?;
    authz::require(&access, Permission::TemplatesManage)?;
    let (source, definition) = svc
        .store()
        .tenant(&access)
        .template(id)
        .await?
        .ok_or_else(|| AppError::not_found("The template"))?;
    if source.deployment.is_some() {
        return Err(AppError::forbidden(format!(
            "This template is {}'s, deployed for this workspace: it cannot be copied.",
            source
                .provided_by
                .as_ref()
                .map_or_else(|| "a builder".to_owned(), ToString::to_string)
        ))
        .into());
    }
    let copy: String = format!("Copy of {}", source.name)
        .chars()
        .take(80)
        .collect();
    let name = TemplateName::parse(&copy)?;
    let definition = super::stored_definition(&definition)?;
    save_new(
        svc,
        &access,
        client,
        &name,
        &source.description,
        &definition,
    )
    .await
}
