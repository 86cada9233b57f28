//! The super admin's view of the platform.

use chrono::{DateTime, TimeDelta, Utc};
use shared::AppError;
use shared::billing::invoice::Period;
use shared::billing::{Metric, Money};
use shared::branding::{Branding, LOGO};
use shared::customers::{BuilderStanding, BuildersConsole};
use shared::live::Change;
use shared::members::CreatedInvitation;
use shared::permissions::{Permission, Role};
use shared::personas::Persona;
use shared::platform::{OutboxView, TenantStatus};
use shared::slug::Slug;
use shared::tenant_console::{
    self, NewTenantForm, TenantDetail, TenantEdit, TenantQuery, TenantsPage,
};
use shared::tenants::{
    ActivePeople, GROWTH_MONTHS, GrowthMonth, PlatformOverview, TOP_USAGE, TenantSummary,
};
use tracing::instrument;

use crate::audit::{self, actions};
use crate::authz::{self, Caller};
use crate::client::ClientInfo;
use crate::csv_table::CsvTable;
use crate::error::Result;
use crate::state::Services;
use crate::storage::PlatformData;
use crate::storage::customers::BuilderCounts;
use crate::storage::platform::{Created, NewLogo};

#[instrument(skip_all)]
pub async fn overview(svc: &Services, caller: &Caller) -> Result<PlatformOverview> {
    let access = authz::enter_platform(caller)?;
    authz::require(&access, Permission::PlatformView)?;
    let data = svc.store().platform(&access);
    let now = crate::time::now();
    let this_month = Period::of(now).to_string();
    // Independent reads, made side by side (the reader pool has a connection for each).
    let (tenants, counts, (day, week, month), sessions, sign_ins, growth, top_usage) = tokio::try_join!(
        data.tenant_counts(),
        data.persona_counts(),
        data.active_people(
            now - TimeDelta::days(1),
            now - TimeDelta::days(7),
            now - TimeDelta::days(30),
        ),
        svc.store()
            .count_live_sessions(now, now - svc.settings().idle_timeout()),
        data.count_audit_since(actions::SIGN_IN, now - TimeDelta::days(1)),
        growth(&data, now),
        data.top_usage(&this_month, TOP_USAGE),
    )?;
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    Ok(PlatformOverview {
        tenants,
        users_total: count(counts.total),
        users_by_persona: vec![
            (Persona::SuperAdmin, count(counts.super_admins)),
            (Persona::Builder, count(counts.builders)),
            (Persona::EndUser, count(counts.end_users)),
        ],
        active_sessions: count(sessions),
        sign_ins_last_day: count(sign_ins),
        active_people: ActivePeople {
            day: count(day),
            week: count(week),
            month: count(month),
        },
        growth,
        top_usage,
    })
}

/// The last twelve months of the platform, oldest first: sign-ups and new tenants (one
/// pass each), invoiced revenue, and API calls and tokens from the daily roll-ups.
async fn growth(data: &PlatformData<'_>, now: DateTime<Utc>) -> Result<Vec<GrowthMonth>> {
    let mut periods = vec![Period::of(now)];
    while periods.len() < GROWTH_MONTHS {
        let earlier = periods[periods.len() - 1].previous();
        periods.push(earlier);
    }
    periods.reverse();
    let first = periods[0];
    let starts: Vec<DateTime<Utc>> = periods.iter().map(|p| p.start()).collect();
    let (people, tenants, revenue, usage) = tokio::try_join!(
        data.created_per_period(Created::People, &starts),
        data.created_per_period(Created::Tenants, &starts),
        data.revenue_per_period(first),
        data.usage_per_day(first.first_day()),
    )?;
    let count = |n: Option<&i64>| n.and_then(|n| u64::try_from(*n).ok()).unwrap_or(0);
    Ok(periods
        .iter()
        .enumerate()
        .map(|(i, period)| {
            let (from, until) = (period.first_day(), period.next().first_day());
            let used = |metric: Metric| {
                usage
                    .iter()
                    .filter(|(day, m, _)| *m == metric && *day >= from && *day < until)
                    .map(|(.., n)| u64::try_from(*n).unwrap_or(0))
                    .sum()
            };
            let label = period.to_string();
            GrowthMonth {
                period: *period,
                new_people: count(people.get(i)),
                new_tenants: count(tenants.get(i)),
                revenue: revenue
                    .iter()
                    .filter(|(p, ..)| *p == label)
                    .map(|(_, currency, minor)| Money::new(*minor, *currency))
                    .collect(),
                api_calls: used(Metric::ApiCalls),
                tokens: used(Metric::Tokens),
            }
        })
        .collect())
}

/// A page of the tenants the search matches, with how many it matches in all.
#[instrument(skip_all)]
pub async fn tenants(svc: &Services, caller: &Caller, query: TenantQuery) -> Result<TenantsPage> {
    let access = authz::enter_platform(caller)?;
    authz::require(&access, Permission::PlatformView)?;
    let data = svc.store().platform(&access);
    let (mut rows, total) = tokio::try_join!(
        data.tenant_page(&query, tenant_console::PAGE_SIZE + 1),
        data.count_tenants(&query)
    )?;
    let next = if rows.len() > tenant_console::PAGE_SIZE as usize {
        rows.truncate(tenant_console::PAGE_SIZE as usize);
        rows.last().map(|row| row.tenant.id)
    } else {
        None
    };
    Ok(TenantsPage {
        query,
        total: u64::try_from(total).unwrap_or(0),
        tenants: rows,
        next,
    })
}

/// Every tenant the search matches (up to [`tenant_console::CSV_MAX_ROWS`]), in its order,
/// as CSV.
#[instrument(skip_all)]
pub async fn tenants_csv(
    svc: &Services,
    caller: &Caller,
    mut query: TenantQuery,
) -> Result<String> {
    let access = authz::enter_platform(caller)?;
    authz::require(&access, Permission::PlatformView)?;
    query.after = None;
    let rows = svc
        .store()
        .platform(&access)
        .tenant_page(&query, tenant_console::CSV_MAX_ROWS)
        .await?;
    let mut out = CsvTable::new(&[
        "name",
        "address",
        "variant",
        "plan",
        "status",
        "members",
        "commission",
        "created",
        "id",
    ])?;
    for row in rows {
        out.row([
            row.tenant.name.as_str(),
            row.tenant.slug.as_str(),
            row.tenant.variant.as_str(),
            row.plan.as_str(),
            row.tenant.status.as_str(),
            &row.member_count.to_string(),
            &row.commission.map(|rate| rate.text()).unwrap_or_default(),
            &crate::csv_table::time(row.created_at),
            &row.tenant.id.to_string(),
        ])?;
    }
    out.finish()
}

/// Every builder workspace with its customers, deployments, commission rate and what its
/// customers' invoices brought it over the last twelve months.
#[instrument(skip_all)]
pub async fn builders(svc: &Services, caller: &Caller) -> Result<BuildersConsole> {
    let access = authz::enter_platform(caller)?;
    authz::require(&access, Permission::PlatformView)?;
    let data = svc.store().platform(&access);
    let since = crate::customers::revenue_window_start();
    let (rows, counts, months) = tokio::try_join!(
        data.builder_rows(),
        data.builder_counts(),
        data.builder_months(since)
    )?;
    let count = |n: i64| u32::try_from(n).unwrap_or(0);
    let builders = rows
        .into_iter()
        .map(|row| {
            let id = row.tenant.id;
            let found = counts.iter().find(|c| c.builder == id);
            let n = |pick: fn(&BuilderCounts) -> i64| found.map_or(0, |c| count(pick(c)));
            BuilderStanding {
                row,
                active_customers: n(|c| c.active_customers),
                waiting_customers: n(|c| c.waiting_customers),
                live_deployments: n(|c| c.live_deployments),
                open_deployments: n(|c| c.open_deployments),
                months: months
                    .iter()
                    .filter(|(builder, _)| *builder == id)
                    .map(|(_, month)| month.clone())
                    .collect(),
            }
        })
        .collect();
    Ok(BuildersConsole { since, builders })
}

/// The console's page about one tenant: its row, members and open invitations.
#[instrument(skip_all, fields(slug))]
pub async fn tenant(svc: &Services, caller: &Caller, slug: &str) -> Result<TenantDetail> {
    let access = authz::enter_platform(caller)?;
    authz::require(&access, Permission::PlatformView)?;
    let missing = || AppError::not_found(format!("The tenant “{slug}”"));
    let parsed = Slug::parse(slug).map_err(|_| missing())?;
    let row = svc
        .store()
        .platform(&access)
        .tenant_row(&parsed)
        .await?
        .ok_or_else(missing)?;
    let data = svc.store().tenant_from_platform(&access, row.tenant.id);
    let platform = svc.store().platform(&access);
    let (mut members, open_invitations, branding, logo, last_export, overrides, plan) = tokio::try_join!(
        data.members(),
        data.open_invitations(crate::time::now()),
        platform.branding(row.tenant.id),
        platform.logo_version(row.tenant.id),
        platform.last_export(row.tenant.id),
        data.feature_overrides(),
        crate::billing::plan_of(svc.store(), row.plan)
    )?;
    let features = shared::billing::FeatureState::all(&plan, &overrides);
    members.truncate(tenant_console::MEMBERS_SHOWN as usize);
    let deletion_blocker =
        tenant_console::deletion_blocker(row.tenant.status, last_export, crate::time::now())
            .map(str::to_owned);
    Ok(TenantDetail {
        row,
        members,
        open_invitations,
        branding,
        logo,
        deletion_blocker,
        last_export,
        features,
    })
}

/// A super admin creates a tenant and invites its owner by email: the tenant exists at
/// once (with the built-in templates), and whoever accepts the link owns it.
#[instrument(skip_all)]
pub async fn create_tenant(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    form: NewTenantForm,
) -> Result<(TenantSummary, CreatedInvitation)> {
    let access = authz::enter_platform(caller)?;
    authz::require(&access, Permission::TenantsManage)?;
    let mut tx = svc.store().begin().await?;
    let created = crate::tenants::create(
        &mut tx,
        &form.name,
        form.slug,
        form.variant,
        (caller.user_id, None),
        client,
    )
    .await?;
    let data = svc.store().tenant_from_platform(&access, created.id);
    let (new, token) =
        crate::tenants::invitations::prepare(svc, form.owner, Role::Owner, caller.user_id);
    let invitation = crate::tenants::invitations::store(&data, &mut tx, &new, client).await?;
    tx.commit().await?;
    let (link, emailed) =
        crate::tenants::invitations::deliver(svc, &token, &new, &caller.name, &created.name).await;
    let tenant = TenantSummary {
        id: created.id,
        slug: created.slug,
        name: created.name,
        variant: created.variant,
        status: TenantStatus::Active,
    };
    Ok((
        tenant,
        CreatedInvitation {
            invitation,
            link,
            emailed,
        },
    ))
}

/// Renames a tenant and sets its variant (within its kind: an organization stays one).
#[instrument(skip_all, fields(slug))]
pub async fn edit_tenant(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    edit: TenantEdit,
) -> Result<()> {
    let access = authz::enter_platform(caller)?;
    authz::require(&access, Permission::TenantsManage)?;
    let data = svc.store().platform(&access);
    let tenant = data.tenant_named(slug).await?;
    edit.check_variant(tenant.variant)?;
    if tenant.name == edit.name && tenant.variant == edit.variant {
        return Ok(());
    }
    let mut tx = svc.store().begin().await?;
    data.update_tenant(
        &mut tx,
        tenant.id,
        &edit.name,
        edit.variant,
        crate::time::now(),
    )
    .await?;
    tx.audit(&audit::entry(
        actions::TENANT_EDITED,
        Some(caller.user_id),
        Some(tenant.id),
        Some(tenant.slug.to_string()),
        client,
        serde_json::json!({
            "before": { "name": tenant.name, "variant": tenant.variant },
            "after": { "name": edit.name, "variant": edit.variant },
        }),
    ))
    .await?;
    let status = tenant.status;
    tx.publish(tenant.id, Change::Tenant { status }).await?;
    tx.commit().await
}

/// Sets a tenant's white-label branding (accent color and typeface), applied to its
/// members' pages from their next request.
#[instrument(skip_all, fields(slug))]
pub async fn set_branding(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    branding: Branding,
) -> Result<()> {
    let access = authz::enter_platform(caller)?;
    authz::require(&access, Permission::TenantsManage)?;
    let data = svc.store().platform(&access);
    let tenant = data.tenant_named(slug).await?;
    let before = data.branding(tenant.id).await?;
    if before == branding {
        return Ok(());
    }
    let mut tx = svc.store().begin().await?;
    data.set_branding(&mut tx, tenant.id, &branding, crate::time::now())
        .await?;
    tx.audit(&audit::entry(
        actions::TENANT_BRANDING_CHANGED,
        Some(caller.user_id),
        Some(tenant.id),
        Some(tenant.slug.to_string()),
        client,
        serde_json::json!({ "before": before, "after": branding }),
    ))
    .await?;
    tx.commit().await
}

/// Sets a tenant's logo (checked by [`LOGO`]: an image a browser shows, small, whose bytes
/// are what its name says) and answers its version; its members' top bar shows it from
/// their next page.
#[instrument(skip_all, fields(slug))]
pub async fn set_logo(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    (name, content): (&str, &[u8]),
) -> Result<String> {
    let access = authz::enter_platform(caller)?;
    authz::require(&access, Permission::TenantsManage)?;
    let data = svc.store().platform(&access);
    let tenant = data.tenant_named(slug).await?;
    let (name, kind) = LOGO.check(name, content).map_err(AppError::from)?;
    let version = shared::branding::fingerprint(content);
    let logo = NewLogo {
        name: &name,
        kind,
        content,
        version: &version,
    };
    let mut tx = svc.store().begin().await?;
    data.set_logo(&mut tx, tenant.id, Some(&logo), crate::time::now())
        .await?;
    tx.audit(&audit::entry(
        actions::TENANT_LOGO_CHANGED,
        Some(caller.user_id),
        Some(tenant.id),
        Some(tenant.slug.to_string()),
        client,
        serde_json::json!({ "name": name, "kind": kind, "size": content.len(), "version": version }),
    ))
    .await?;
    tx.commit().await?;
    Ok(version)
}

/// A tenant's logo as the console shows it, or 404 when it has none.
#[instrument(skip_all, fields(slug))]
pub async fn logo(
    svc: &Services,
    caller: &Caller,
    slug: &str,
) -> Result<crate::storage::support::StoredFile> {
    let access = authz::enter_platform(caller)?;
    authz::require(&access, Permission::PlatformView)?;
    let tenant = svc.store().platform(&access).tenant_named(slug).await?;
    Ok(svc
        .store()
        .tenant_from_platform(&access, tenant.id)
        .logo()
        .await?
        .ok_or_else(|| AppError::not_found(format!("The logo of “{slug}”")))?)
}

/// Removes a tenant's logo (its members' top bar shows the platform's again).
#[instrument(skip_all, fields(slug))]
pub async fn remove_logo(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
) -> Result<()> {
    let access = authz::enter_platform(caller)?;
    authz::require(&access, Permission::TenantsManage)?;
    let data = svc.store().platform(&access);
    let tenant = data.tenant_named(slug).await?;
    if data.logo_version(tenant.id).await?.is_none() {
        return Ok(());
    }
    let mut tx = svc.store().begin().await?;
    data.set_logo(&mut tx, tenant.id, None, crate::time::now())
        .await?;
    tx.audit(&audit::entry(
        actions::TENANT_LOGO_REMOVED,
        Some(caller.user_id),
        Some(tenant.id),
        Some(tenant.slug.to_string()),
        client,
        serde_json::json!({}),
    ))
    .await?;
    tx.commit().await
}

/// Suspends or reactivates a tenant. Nothing is deleted: members see a clear page until it
/// is reactivated.
#[instrument(skip_all, fields(slug, ?status))]
pub async fn set_tenant_status(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    status: TenantStatus,
) -> Result<()> {
    let access = authz::enter_platform(caller)?;
    authz::require(&access, Permission::TenantsManage)?;
    let data = svc.store().platform(&access);
    let tenant = data.tenant_named(slug).await?;
    if tenant.status == status {
        return Ok(());
    }
    let action = match status {
        TenantStatus::Suspended => actions::TENANT_SUSPENDED,
        TenantStatus::Active => actions::TENANT_REACTIVATED,
    };
    let mut tx = svc.store().begin().await?;
    data.set_tenant_status(&mut tx, tenant.id, status, crate::time::now())
        .await?;
    tx.audit(&audit::entry(
        action,
        Some(caller.user_id),
        Some(tenant.id),
        Some(tenant.slug.to_string()),
        client,
        serde_json::json!({ "name": tenant.name }),
    ))
    .await?;
    tx.publish(tenant.id, Change::Tenant { status }).await?;
    tx.commit().await
}

/// Sets what the builder workspace `slug` earns of its customers' invoices from now on
/// (commissions already attributed keep the rate of their day).
#[instrument(skip_all, fields(slug))]
pub async fn set_commission_rate(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    slug: &str,
    rate: shared::customers::CommissionRate,
) -> Result<()> {
    let access = authz::enter_platform(caller)?;
    authz::require(&access, Permission::PlansManage)?;
    let data = svc.store().platform(&access);
    let tenant = data.tenant_named(slug).await?;
    if tenant.variant.persona() != Persona::Builder {
        return Err(AppError::invalid(
            "rate",
            format!(
                "{} is not a builder workspace: only builders earn commissions.",
                tenant.name
            ),
        )
        .into());
    }
    let mut tx = svc.store().begin().await?;
    data.set_commission_rate(&mut tx, tenant.id, rate).await?;
    tx.audit(&audit::entry(
        actions::COMMISSION_RATE_CHANGED,
        Some(caller.user_id),
        Some(tenant.id),
        Some(tenant.slug.to_string()),
        client,
        serde_json::json!({ "rate_bp": rate.basis_points() }),
    ))
    .await?;
    tx.commit().await
}

/// The emails kept while no SMTP server is configured, newest first.
#[instrument(skip_all)]
pub async fn outbox(svc: &Services, caller: &Caller) -> Result<Vec<OutboxView>> {
    let access = authz::enter_platform(caller)?;
    authz::require(&access, Permission::OutboxRead)?;
    let rows = svc.store().platform(&access).outbox(100).await?;
    Ok(rows
        .into_iter()
        .map(|row| OutboxView {
            id: row.id,
            created_at: row.created_at,
            recipient: row.recipient,
            subject: row.subject,
            body: row.body,
        })
        .collect())
}

/// The builders page as CSV: a line per builder and month with invoices (over the page's
/// twelve months, per currency), or one line without a month for a builder with none.
#[instrument(skip_all)]
pub async fn builders_csv(svc: &Services, caller: &Caller) -> Result<String> {
    let console = builders(svc, caller).await?;
    let mut out = CsvTable::new(&[
        "builder",
        "address",
        "variant",
        "active customers",
        "waiting customers",
        "live deployments",
        "open deployments",
        "commission rate",
        "month",
        "currency",
        "revenue",
        "commission",
        "invoices",
    ])?;
    for builder in &console.builders {
        let row = &builder.row;
        let standing = [
            row.tenant.name.to_string(),
            row.tenant.slug.to_string(),
            row.tenant.variant.as_str().to_owned(),
            builder.active_customers.to_string(),
            builder.waiting_customers.to_string(),
            builder.live_deployments.to_string(),
            builder.open_deployments.to_string(),
            row.commission.map(|rate| rate.text()).unwrap_or_default(),
        ];
        if builder.months.is_empty() {
            out.row(
                standing
                    .iter()
                    .cloned()
                    .chain(std::iter::repeat_n(String::new(), 5)),
            )?;
        }
        for month in &builder.months {
            out.row(standing.iter().cloned().chain([
                month.period.to_string(),
                month.revenue.currency.as_str().to_owned(),
                month.revenue.input_value(),
                month.commission.input_value(),
                month.invoices.to_string(),
            ]))?;
        }
    }
    out.finish()
}
