//! `/admin/tenants`: every tenant on the platform for its super admins — searched and
//! filtered by a plain GET form (each search has an address and reads without JavaScript),
//! paged after the last tenant shown; created with an owner invited by email; suspended,
//! reactivated and given a commission rate from the list; renamed and given another variant
//! on its own page, `/admin/tenants/:slug`.

use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};
use shared::AppError;
use shared::billing::{Feature, FeatureState, FeatureSwitch, PlanTier};
use shared::branding::{Branding, LOGO, LOGO_MAX_BYTES, console_logo_path, logo_upload_path};
use shared::personas::Persona;
use shared::platform::{PlatformVariant, TenantStatus};
use shared::support::files::size_text;
use shared::tenant_console::{self, SEARCH_MAX, TenantDetail, TenantForm, TenantSort, TenantsPage};
use shared::tenants::TenantRow;
use shared::validation::search_link;
use shared::widgets::Font;

use super::create_tenant::CreateTenant;
use super::delete_tenant::DeleteTenant;
use super::edit_tenant::EditTenant;
use super::get_tenant_detail::get_tenant_detail;
use super::get_tenants::get_tenants;
use super::remove_tenant_logo::RemoveTenantLogo;
use super::set_commission_rate::SetCommissionRate;
use super::set_tenant_branding::SetTenantBranding;
use super::set_tenant_features::SetTenantFeatures;
use super::set_tenant_plan::SetTenantPlan;
use super::set_tenant_status::SetTenantStatus;
use crate::components::errors::{ActionError, ErrorView};
use crate::components::forms::{
    Choice, Field, check_email, check_optional_slug, check_tenant_name,
};
use crate::components::layout::{AppShell, PageHeader, Place, Section};
use crate::components::loaded::{loaded, resource};
use crate::components::time::{format_date, format_time, machine_time};
use crate::components::upload::Upload;

pub const PATH: &str = "/admin/tenants";
/// Where a search's CSV downloads from (the same query string).
const CSV_PATH: &str = "/api/v1/platform/tenants.csv";

fn place() -> Place {
    Place {
        persona: Some(Persona::SuperAdmin),
        slug: None,
        section: Section::Tenants,
    }
}

/// The search form as the address gives it.
fn form_from_address() -> Memo<TenantForm> {
    let query = use_query_map();
    Memo::new(move |_| {
        let query = query.read();
        let field = |name: &str| query.get(name).unwrap_or_default();
        TenantForm {
            q: field("q"),
            status: field("status"),
            variant: field("variant"),
            plan: field("plan"),
            sort: field("sort"),
            after: field("after"),
        }
    })
}

/// The actions the list's rows take, shared by every row.
#[derive(Clone, Copy)]
struct RowActions {
    status: ServerAction<SetTenantStatus>,
    rate: ServerAction<SetCommissionRate>,
}

#[component]
pub fn TenantsPage() -> impl IntoView {
    let form = form_from_address();
    let create = ServerAction::<CreateTenant>::new();
    let actions = RowActions {
        status: ServerAction::new(),
        rate: ServerAction::new(),
    };
    let page = resource(
        move || {
            (
                form.get(),
                create.version().get(),
                actions.status.version().get(),
                actions.rate.version().get(),
            )
        },
        |(form, ..)| get_tenants(form),
    );
    let status_error = Signal::derive(move || actions.status.value().get().and_then(Result::err));
    let rate_error = Signal::derive(move || actions.rate.value().get().and_then(Result::err));
    let query = use_query_map();
    let deleted = move || query.read().get("deleted").filter(|slug| !slug.is_empty());
    view! {
        <AppShell place=place() crumbs=vec![("Tenants".to_owned(), None)]>
            <PageHeader title="Tenants" subtitle="Every organization and builder workspace on the platform: find them, create them, suspend or reactivate them." />
            {move || deleted().map(|slug| view! {
                <p class="notice ok" role="status" data-testid="tenant-deleted">
                    {format!("Deleted “{slug}” and everything it held. Its audit entries stay in the log; its members keep their accounts.")}
                </p>
            })}
            <Filters form />
            <NewTenant create />
            <ActionError error=status_error />
            <ActionError error=rate_error />
            {loaded(page, "Searching…", move |result| match result {
                Err(error) => view! { <ErrorView error /> }.into_any(),
                Ok(page) => view! { <Tenants page actions /> }.into_any(),
            })}
        </AppShell>
    }
}

#[component]
fn Filters(form: Memo<TenantForm>) -> impl IntoView {
    let field = move |pick: fn(&TenantForm) -> &String| {
        Signal::derive(move || form.with(|f| pick(f).clone()))
    };
    view! {
        <form class="panel search-form tenant-search" method="get" action=PATH role="search">
            <div class="field">
                <label for="tenants-q">"Name or address"</label>
                <input id="tenants-q" type="search" name="q" maxlength=SEARCH_MAX.to_string() value=field(|f| &f.q) placeholder="acme…" />
            </div>
            <Choice id="tenants-status" label="Status" name="status" any="Any"
                options=TenantStatus::ALL.iter().map(|s| (s.as_str(), s.label())).collect() current=field(|f| &f.status) />
            <Choice id="tenants-variant" label="Variant" name="variant" any="Any"
                options=PlatformVariant::ALL.iter().map(|v| (v.as_str(), v.label())).collect() current=field(|f| &f.variant) />
            <Choice id="tenants-plan" label="Plan" name="plan" any="Any"
                options=PlanTier::ALL.iter().map(|p| (p.as_str(), p.label())).collect() current=field(|f| &f.plan) />
            <Choice id="tenants-sort" label="Order" name="sort"
                options=TenantSort::ALL.iter().map(|s| (s.as_str(), s.label())).collect() current=field(|f| &f.sort) />
            <button type="submit" class="button primary">"Search"</button>
            <a class="button" href=PATH>"Clear"</a>
        </form>
    }
}

/// The form that creates a tenant and invites its owner; after it, the invitation's link
/// (also mailed, or kept in the outbox without SMTP).
#[component]
fn NewTenant(create: ServerAction<CreateTenant>) -> impl IntoView {
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    let created = move || create.value().get().and_then(Result::ok);
    view! {
        <details class="panel new-tenant" data-testid="new-tenant">
            <summary>"New tenant"</summary>
            <ActionForm action=create attr:class="stack narrow-form" attr:novalidate="true">
                <Field name="name" label="Name" scope="new-tenant" required=true check=check_tenant_name server_error=error />
                <Field name="slug" label="Address (optional)" scope="new-tenant" check=check_optional_slug server_error=error hint="Lower-case letters, digits and dashes; made from the name when left empty." />
                <div class="field">
                    <label for="new-tenant-variant">"Variant"</label>
                    <select id="new-tenant-variant" name="variant">
                        {PlatformVariant::ALL.iter().map(|v| view! {
                            <option value=v.as_str()>{format!("{} ({})", v.label(), v.persona().label())}</option>
                        }).collect_view()}
                    </select>
                </div>
                <Field name="owner" label="Owner’s email" kind="email" scope="new-tenant" required=true check=check_email server_error=error hint="They are invited as the owner; the tenant is theirs once they accept." />
                <ActionError error />
                <button type="submit" class="button primary" disabled=move || create.pending().get()>"Create and invite the owner"</button>
            </ActionForm>
            {move || created().map(|(tenant, invitation)| {
                let href = format!("{PATH}/{}", tenant.slug);
                view! {
                    <div class="notice ok" role="status" data-testid="tenant-created">
                        <p>
                            <a href=href>{tenant.name.to_string()}</a>
                            {format!(" is created. {} is invited as its owner{}:", invitation.invitation.email, if invitation.emailed { " by email" } else { "" })}
                        </p>
                        <p><code class="break" data-testid="owner-invitation-link">{invitation.link}</code></p>
                    </div>
                }
            })}
        </details>
    }
}

#[component]
fn Tenants(page: TenantsPage, actions: RowActions) -> impl IntoView {
    let total = page.total;
    let shown = page.tenants.len();
    let query = page.query.to_query_string();
    let next = page
        .next
        .map(|after| search_link(PATH, &query, Some(("after", after.to_string()))));
    let csv = search_link(CSV_PATH, &query, None);
    let table = if page.tenants.is_empty() {
        view! { <p class="muted" data-testid="no-tenants">"No tenant matches this search."</p> }
            .into_any()
    } else {
        view! {
            <div class="table-wrap">
                <table data-testid="tenants">
                    <thead>
                        <tr>
                            <th scope="col">"Name"</th>
                            <th scope="col">"Address"</th>
                            <th scope="col">"Variant"</th>
                            <th scope="col">"Plan"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col">"Members"</th>
                            <th scope="col">"Commission"</th>
                            <th scope="col">"Created"</th>
                            <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                        </tr>
                    </thead>
                    <tbody>
                        {page.tenants.into_iter().map(|row| view! { <Row row actions /> }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <section class="panel" aria-labelledby="tenant-results">
            <div class="panel-head">
                <h2 id="tenant-results" data-testid="tenants-total">
                    {format!("{total} {} match", if total == 1 { "tenant" } else { "tenants" })}
                    {page.query.after.map(|_| format!(" (showing {shown} after the first page)"))}
                </h2>
                <a class="button" href=csv download="" data-testid="tenants-csv">"Download CSV"</a>
            </div>
            {table}
            {next.map(|href| view! { <p><a href=href rel="next" data-testid="tenants-next">"Next page →"</a></p> })}
        </section>
    }
}

#[component]
fn Row(row: TenantRow, actions: RowActions) -> impl IntoView {
    let slug = row.tenant.slug.to_string();
    let name = row.tenant.name.to_string();
    let commission = row.commission.map(|rate| {
        view! { <RateForm action=actions.rate slug=slug.clone() name=name.clone() rate /> }
    });
    view! {
        <tr data-slug=slug.clone()>
            <td><a href=format!("{PATH}/{slug}")>{name.clone()}</a></td>
            <td><code>{slug.clone()}</code></td>
            <td>{row.tenant.variant.label()}</td>
            <td>{row.plan.label()}</td>
            <td><StatusBadge status=row.tenant.status /></td>
            <td>{row.member_count}</td>
            <td>{commission}</td>
            <td>{format_date(row.created_at)}</td>
            <td class="actions"><StatusButton action=actions.status slug=slug.clone() status=row.tenant.status /></td>
        </tr>
    }
}

/// A builder workspace's commission rate, editable in place.
#[component]
pub(super) fn RateForm(
    action: ServerAction<SetCommissionRate>,
    slug: String,
    name: String,
    rate: shared::customers::CommissionRate,
) -> impl IntoView {
    let value = rate.text().trim_end_matches(" %").to_owned();
    let id = format!("rate-{slug}");
    view! {
        <ActionForm action attr:class="inline-form rate-form">
            <input type="hidden" name="slug" value=slug />
            <label class="visually-hidden" for=id.clone()>{format!("Commission of {name} (%)")}</label>
            <input id=id name="rate" inputmode="decimal" size="5" value=value />
            <span aria-hidden="true">"%"</span>
            <button type="submit" class="button small" aria-label=format!("Save the commission of {name}")>"Save"</button>
        </ActionForm>
    }
}

#[component]
fn StatusBadge(status: TenantStatus) -> impl IntoView {
    let suspended = status == TenantStatus::Suspended;
    view! { <span class="badge" class:ok=!suspended class:warn=suspended>{status.as_str()}</span> }
}

/// Suspends an active tenant, or reactivates a suspended one.
#[component]
fn StatusButton(
    action: ServerAction<SetTenantStatus>,
    slug: String,
    status: TenantStatus,
) -> impl IntoView {
    let suspended = status == TenantStatus::Suspended;
    let (next, label) = if suspended {
        (TenantStatus::Active, "Reactivate")
    } else {
        (TenantStatus::Suspended, "Suspend")
    };
    view! {
        <ActionForm action>
            <input type="hidden" name="slug" value=slug />
            <input type="hidden" name="status" value=next.as_str() />
            <button type="submit" class="button small" class:danger=!suspended>{label}</button>
        </ActionForm>
    }
}

/// The tenant's features: what its plan includes, and the console's switch for each, which
/// applies from its next request.
#[component]
fn FeaturesForm(
    slug: String,
    tier: PlanTier,
    features: Vec<FeatureState>,
    action: ServerAction<SetTenantFeatures>,
) -> impl IntoView {
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let saved = move || matches!(action.value().get(), Some(Ok(())));
    view! {
        <section class="panel" aria-labelledby="tenant-features">
            <h2 id="tenant-features">"Features"</h2>
            <p class="muted">{format!("What the {} plan includes, and this tenant's exceptions. A change applies from its next request.", tier.label())}</p>
            <ActionForm action attr:class="stack">
                <input type="hidden" name="slug" value=slug />
                <div class="table-wrap">
                    <table class="compact" data-testid="tenant-features">
                        <thead>
                            <tr>
                                <th scope="col">"Feature"</th>
                                <th scope="col">{format!("{} plan", tier.label())}</th>
                                <th scope="col">"This tenant"</th>
                                <th scope="col">"Now"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {features.into_iter().map(|state| {
                                let id = format!("feature-{}", state.feature.as_str());
                                let on = state.on();
                                view! {
                                    <tr data-feature=state.feature.as_str()>
                                        <th scope="row"><label for=id.clone()>{state.feature.label()}</label></th>
                                        <td>{if state.in_plan { "Included" } else { "Not included" }}</td>
                                        <td>
                                            <select id=id name=format!("features[{}]", state.feature.as_str())>
                                                {FeatureSwitch::ALL.iter().map(|s| view! { <option value=s.as_str() selected=*s == state.switch>{s.label()}</option> }).collect_view()}
                                            </select>
                                        </td>
                                        <td><span class="badge" class:ok=on class:warn=!on>{if on { "on" } else { "off" }}</span></td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <ActionError error />
                <button type="submit" class="button primary" disabled=move || action.pending().get()>"Save features"</button>
                <p class="muted" role="status" hidden=move || !saved()>"Saved."</p>
            </ActionForm>
        </section>
    }
}

/// `/admin/tenants/:slug`: one tenant — its facts, name and variant, members and open
/// invitations, with links to its people, audit log and plan.
#[component]
pub fn TenantPage() -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.read().get("slug").unwrap_or_default());
    let edit = ServerAction::<EditTenant>::new();
    let status = ServerAction::<SetTenantStatus>::new();
    let brand = ServerAction::<SetTenantBranding>::new();
    let plan = ServerAction::<SetTenantPlan>::new();
    let features = ServerAction::<SetTenantFeatures>::new();
    let logo = LogoActions {
        uploads: RwSignal::new(0),
        remove: ServerAction::new(),
    };
    let detail = resource(
        move || {
            (
                slug.get(),
                edit.version().get(),
                status.version().get(),
                brand.version().get(),
                plan.version().get(),
                features.version().get(),
                logo.uploads.get(),
                logo.remove.version().get(),
            )
        },
        |(slug, ..)| get_tenant_detail(slug),
    );
    view! {
        <AppShell place=place() crumbs=vec![("Tenants".to_owned(), Some(PATH.to_owned())), ("Tenant".to_owned(), None)]>
            {loaded(detail, "Loading…", move |result| match result {
                Err(error) => view! { <PageHeader title="Tenant" /> <ErrorView error /> }.into_any(),
                Ok(detail) => view! {
                    <PageHeader title=detail.row.tenant.name.to_string() subtitle="Its settings, members and open invitations." />
                    <Tenant detail edit status brand plan features logo />
                }.into_any(),
            })}
        </AppShell>
    }
}

#[component]
fn Tenant(
    detail: TenantDetail,
    edit: ServerAction<EditTenant>,
    status: ServerAction<SetTenantStatus>,
    brand: ServerAction<SetTenantBranding>,
    plan: ServerAction<SetTenantPlan>,
    features: ServerAction<SetTenantFeatures>,
    logo: LogoActions,
) -> impl IntoView {
    let row = detail.row;
    let plan_error = Signal::derive(move || plan.value().get().and_then(Result::err));
    let tier = row.plan;
    let slug = row.tenant.slug.to_string();
    let edit_error = Signal::derive(move || edit.value().get().and_then(Result::err));
    let status_error = Signal::derive(move || status.value().get().and_then(Result::err));
    let saved = move || matches!(edit.value().get(), Some(Ok(())));
    let link = |path: &str, key: &str| {
        format!(
            "{path}?{}",
            shared::validation::query_string(vec![(key, slug.clone())])
        )
    };
    let people = link(crate::people::PATH, "tenant");
    let audit = link(crate::audit::PLATFORM_PATH, "tenant");
    let kin: Vec<PlatformVariant> = PlatformVariant::ALL
        .iter()
        .copied()
        .filter(|v| v.persona() == row.tenant.variant.persona())
        .collect();
    let current = row.tenant.variant;
    let (brand_slug, brand_name) = (slug.clone(), row.tenant.name.to_string());
    let plan_slug = slug.clone();
    let white_label = detail
        .features
        .iter()
        .any(|f| f.feature == Feature::WhiteLabel && f.on());
    view! {
        <div class="cards">
            <section class="panel card" aria-labelledby="tenant-facts">
                <h2 id="tenant-facts">"Facts"</h2>
                <dl class="facts" data-testid="tenant-facts">
                    <dt>"Address"</dt>
                    <dd><a href=row.tenant.home_path()><code>{slug.clone()}</code></a></dd>
                    <dt>"Kind"</dt>
                    <dd>{format!("{} workspace", row.tenant.variant.persona().label())}</dd>
                    <dt>"Variant"</dt>
                    <dd>{row.tenant.variant.label()}</dd>
                    <dt><label for="tenant-plan">"Plan"</label></dt>
                    <dd>
                        <ActionForm action=plan attr:class="inline-form">
                            <input type="hidden" name="slug" value=plan_slug />
                            <select id="tenant-plan" name="tier">
                                {PlanTier::ALL.iter().map(|t| view! { <option value=t.as_str() selected=*t == tier>{t.label()}</option> }).collect_view()}
                            </select>
                            <button type="submit" class="button small">"Set plan"</button>
                        </ActionForm>
                        <a class="small" href="/admin/plans">"Limits and credits"</a>
                    </dd>
                    <dt>"Status"</dt>
                    <dd><StatusBadge status=row.tenant.status /></dd>
                    <dt>"Members"</dt>
                    <dd>{row.member_count}</dd>
                    {row.commission.map(|rate| view! { <dt>"Commission"</dt><dd>{rate.text()}</dd> })}
                    <dt>"Created"</dt>
                    <dd>{format_date(row.created_at)}</dd>
                </dl>
                <div class="actions">
                    <StatusButton action=status slug=slug.clone() status=row.tenant.status />
                    <a class="button small" href=people>"Its people"</a>
                    <a class="button small" href=audit>"Its audit log"</a>
                </div>
                <ActionError error=status_error />
                <ActionError error=plan_error />
            </section>
            <section class="panel card" aria-labelledby="tenant-edit">
                <h2 id="tenant-edit">"Name and variant"</h2>
                <ActionForm action=edit attr:class="stack" attr:novalidate="true">
                    <input type="hidden" name="slug" value=slug.clone() />
                    <Field name="name" label="Name" scope="edit-tenant" value=row.tenant.name.to_string() required=true check=check_tenant_name server_error=edit_error />
                    <div class="field">
                        <label for="edit-tenant-variant">"Variant"</label>
                        <select id="edit-tenant-variant" name="variant" aria-describedby="edit-tenant-variant-hint">
                            {kin.into_iter().map(|v| view! { <option value=v.as_str() selected=v == current>{v.label()}</option> }).collect_view()}
                        </select>
                        <p class="field-message" id="edit-tenant-variant-hint">"Standard and Enterprise are organizations; Partner and Agency are builder workspaces. A tenant keeps its kind."</p>
                    </div>
                    <ActionError error=edit_error />
                    <button type="submit" class="button primary" disabled=move || edit.pending().get()>"Save"</button>
                    <p class="muted" role="status" hidden=move || !saved()>"Saved."</p>
                </ActionForm>
            </section>
        </div>
        // Type-erased: the page's whole view as one type is too deep for a debug build's stack.
        {view! { <BrandingForm slug=brand_slug name=brand_name current=detail.branding action=brand logo=detail.logo logo_actions=logo white_label /> }.into_any()}
        {view! { <FeaturesForm slug=row.tenant.slug.to_string() tier features=detail.features action=features /> }.into_any()}
        {view! { <DeleteTenantForm slug=row.tenant.slug.clone() status=row.tenant.status last_export=detail.last_export blocker=detail.deletion_blocker /> }.into_any()}
        <section class="panel" aria-labelledby="tenant-members">
            <h2 id="tenant-members">{format!("Members ({})", row.member_count)}</h2>
            {if detail.members.is_empty() {
                view! { <p class="muted" data-testid="tenant-no-members">"No member yet."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="compact" data-testid="tenant-members">
                            <thead>
                                <tr>
                                    <th scope="col">"Person"</th>
                                    <th scope="col">"Role"</th>
                                    <th scope="col">"Joined"</th>
                                    <th scope="col">"Last sign-in"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {detail.members.into_iter().map(|m| view! {
                                    <tr data-email=m.email.to_string()>
                                        <td>
                                            <a href=format!("{}/{}", crate::people::PATH, m.user_id)><strong>{m.name.to_string()}</strong></a>
                                            <br />
                                            <span class="muted small">{m.email.to_string()}</span>
                                        </td>
                                        <td><span class="badge role">{m.role.label()}</span></td>
                                        <td>{format_date(m.joined_at)}</td>
                                        <td>{m.last_sign_in_at.map_or_else(|| "Never".to_owned(), format_time)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
        <section class="panel" aria-labelledby="tenant-invitations">
            <h2 id="tenant-invitations">"Open invitations"</h2>
            {if detail.open_invitations.is_empty() {
                view! { <p class="muted">"None."</p> }.into_any()
            } else {
                view! {
                    <ul class="plain" data-testid="tenant-invitations">
                        {detail.open_invitations.into_iter().map(|i| view! {
                            <li>
                                {format!("{} as {}, by {}, until ", i.email, i.role.label(), i.invited_by)}
                                <time datetime=machine_time(i.expires_at)>{format_time(i.expires_at)}</time>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

/// Deleting the tenant, in the order it must go: suspended, exported, its address typed
/// again. The steps left say why the button waits; the server checks them all again.
#[component]
fn DeleteTenantForm(
    slug: shared::slug::Slug,
    status: TenantStatus,
    last_export: Option<chrono::DateTime<chrono::Utc>>,
    blocker: Option<String>,
) -> impl IntoView {
    let action = ServerAction::<DeleteTenant>::new();
    let typed = RwSignal::new(String::new());
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let navigate = leptos_router::hooks::use_navigate();
    Effect::new(move || {
        if let Some(Ok(path)) = action.value().get() {
            navigate(&path, Default::default());
        }
    });
    let export = tenant_console::export_path(&slug);
    let name = slug.to_string();
    let matches = {
        let name = name.clone();
        move || typed.get().trim() == name
    };
    let suspended = status == TenantStatus::Suspended;
    view! {
        <section class="panel danger-zone" aria-labelledby="tenant-delete">
            <h2 id="tenant-delete">"Delete this tenant"</h2>
            <p>"Deleting removes its members' access and everything it holds — sessions, templates, widgets, usage, invoices, tickets — for good. Its audit entries stay in the platform's log, and its members keep their accounts."</p>
            <ol class="steps" data-testid="delete-steps">
                <li class:done=suspended>{if suspended { "Suspended." } else { "Suspend it (above), so its members are signed out of it." }}</li>
                <li class:done=blocker.is_none()>
                    <a class="button small" href=export download="" data-testid="tenant-export">"Export its data"</a>
                    " "
                    {match last_export {
                        Some(at) => view! { <span class="muted small">"Last exported " <time datetime=machine_time(at)>{format_time(at)}</time> "."</span> }.into_any(),
                        None => view! { <span class="muted small">"Not exported yet."</span> }.into_any(),
                    }}
                    <span class="muted small">" One line of JSON per row; reload this page once it has downloaded."</span>
                </li>
                <li>"Type its address to confirm."</li>
            </ol>
            {blocker.map(|reason| view! { <p class="notice warn" data-testid="delete-blocker">{reason}</p> })}
            <ActionForm action attr:class="inline-form" attr:novalidate="true">
                <input type="hidden" name="slug" value=name.clone() />
                <div class="field">
                    <label for="delete-confirm">{format!("Type “{name}” to confirm")}</label>
                    <input id="delete-confirm" name="confirm" autocomplete="off" spellcheck="false"
                        prop:value=move || typed.get() on:input=move |ev| typed.set(event_target_value(&ev)) />
                </div>
                <button type="submit" class="button danger" data-testid="delete-tenant"
                    disabled=move || action.pending().get() || !matches()>"Delete tenant"</button>
            </ActionForm>
            <ActionError error />
        </section>
    }
}

/// The tenant's white-label branding: an accent color and a typeface, previewed live (the
/// same properties its pages get) before saving.
#[component]
fn BrandingForm(
    slug: String,
    name: String,
    current: Branding,
    action: ServerAction<SetTenantBranding>,
    logo: Option<String>,
    logo_actions: LogoActions,
    /// Whether its members see it (the white-label feature).
    white_label: bool,
) -> impl IntoView {
    // The logo the preview shows: the file just chosen (before it is sent), else the saved one.
    let chosen = RwSignal::new(None::<String>);
    let saved_logo = logo
        .as_deref()
        .map(|version| console_logo_path(&slug, version));
    let shown_logo = move || chosen.get().or_else(|| saved_logo.clone());
    let logo_slug = slug.clone();
    let accent = RwSignal::new(
        current
            .accent
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
    );
    let font = RwSignal::new(
        current
            .font
            .map(|f| f.as_str().to_owned())
            .unwrap_or_default(),
    );
    let draft = Memo::new(move |_| Branding::parse(&accent.get(), &font.get()));
    let preview = NodeRef::<leptos::html::Div>::new();
    Effect::new(move || {
        let branding = draft.get().unwrap_or_default();
        let Some(element) = preview.get() else {
            return;
        };
        show(&element, &branding);
    });
    let server_error = Signal::derive(move || action.value().get().and_then(Result::err));
    let local_error = move || draft.get().err().map(|e| e.reason);
    let saved = move || matches!(action.value().get(), Some(Ok(())));
    let picker = move || {
        draft
            .get()
            .ok()
            .and_then(|b| b.accent)
            .map_or_else(|| "#2952cc".to_owned(), |c| c.to_string())
    };
    view! {
        <section class="panel" aria-labelledby="tenant-branding">
            <h2 id="tenant-branding">"Branding"</h2>
            {(!white_label).then(|| view! {
                <p class="notice warn" data-testid="branding-hidden">"Its members see the platform’s look: White-label branding is off for this tenant. Switch it on under Features (or move it to a plan that includes it) to show what you set here."</p>
            })}
            <div class="branding">
                <div class="stack">
                <ActionForm action attr:class="stack" attr:novalidate="true">
                    <input type="hidden" name="slug" value=slug />
                    <div class="field" class:invalid=move || local_error().is_some()>
                        <label for="brand-accent">"Accent color"</label>
                        <div class="color-pair">
                            <input type="color" aria-label="Pick the accent color" prop:value=picker
                                on:input=move |ev| accent.set(event_target_value(&ev)) />
                            <input id="brand-accent" name="accent" placeholder="#2952cc" size="9" autocomplete="off"
                                aria-describedby="brand-accent-message"
                                prop:value=move || accent.get() on:input=move |ev| accent.set(event_target_value(&ev)) />
                        </div>
                        <p id="brand-accent-message" class="field-message" aria-live="polite">
                            {move || local_error().unwrap_or_else(|| "#rrggbb; empty keeps the platform’s.".to_owned())}
                        </p>
                    </div>
                    <div class="field">
                        <label for="brand-font">"Typeface"</label>
                        <select id="brand-font" name="font" prop:value=move || font.get() on:change=move |ev| font.set(event_target_value(&ev))>
                            <option value="">"The platform’s"</option>
                            {Font::ALL.iter().map(|f| view! { <option value=f.as_str()>{f.label()}</option> }).collect_view()}
                        </select>
                    </div>
                    <ActionError error=server_error />
                    <button type="submit" class="button primary" disabled=move || action.pending().get() || local_error().is_some()>"Save branding"</button>
                    <p class="muted" role="status" hidden=move || !saved()>
                        {if white_label { "Saved: its members see it on their next page." } else { "Saved: its members see it once White-label branding is on." }}
                    </p>
                </ActionForm>
                <LogoForm slug=logo_slug has_logo=logo.is_some() actions=logo_actions chosen />
                </div>
                <div class="brand-preview" node_ref=preview data-testid="brand-preview" aria-label="Preview of the branding" role="group">
                    <p class="muted small">"Preview"</p>
                    {move || shown_logo().map(|src| view! { <img class="brand-logo" src=src alt="The logo" data-testid="brand-preview-logo" /> })}
                    <h3>{name}</h3>
                    <p>"Text as members read it, with " <a href="#tenant-branding">"a link"</a> "."</p>
                    <p>
                        <button type="button" class="button primary">"Primary action"</button>
                        " "
                        <span class="badge role">"Owner"</span>
                    </p>
                </div>
            </div>
        </section>
    }
}

/// What the logo's forms do, for the page to reload the tenant after them.
#[derive(Clone, Copy)]
struct LogoActions {
    /// Logos sent (the upload goes to its API route, not through a server action).
    uploads: RwSignal<u64>,
    remove: ServerAction<RemoveTenantLogo>,
}

/// Sends a logo, checked in the browser by the server's rules as it is chosen (and shown in
/// the preview then); without JavaScript the form posts itself and the server redirects
/// back here.
#[component]
fn LogoForm(
    slug: String,
    has_logo: bool,
    actions: LogoActions,
    chosen: RwSignal<Option<String>>,
) -> impl IntoView {
    let url = logo_upload_path(&slug);
    let upload = Upload::new();
    let Upload { pending, error } = upload;
    let check = |name: &str, size: u64| {
        LOGO.check_before_upload(name, size)
            .map(|_| ())
            .map_err(AppError::from)
    };
    let on_submit = upload.on_submit::<String>(url.clone(), check, actions.uploads);
    let on_change = move |ev: leptos::ev::Event| match chosen_file(&ev) {
        Some((name, size, preview)) => match check(&name, size) {
            Ok(()) => {
                error.set(None);
                chosen.set(Some(preview));
            }
            Err(refusal) => {
                error.set(Some(refusal));
                chosen.set(None);
            }
        },
        None => chosen.set(None),
    };
    let remove_error = Signal::derive(move || actions.remove.value().get().and_then(Result::err));
    view! {
        <form method="post" enctype="multipart/form-data" action=url class="stack" data-testid="logo-form" on:submit=on_submit>
            <label for="logo-file">"Logo"</label>
            <input type="file" id="logo-file" name="file" required accept=LOGO.accept() aria-describedby="logo-file-help" on:change=on_change />
            <p id="logo-file-help" class="muted small">
                {format!(
                    "PNG, JPEG, GIF or WebP, up to {}; shown 32 pixels high in its members' top bar. The preview shows it before you upload it.",
                    size_text(LOGO_MAX_BYTES as u64)
                )}
            </p>
            <p class="form-error" role="alert" aria-live="assertive" data-testid="logo-error" hidden=move || error.read().is_none()>
                {move || error.get().map(|e| format!("Error {} · {e}", e.status()))}
            </p>
            <button type="submit" class="button" disabled=move || pending.get()>
                {move || if pending.get() { "Uploading…" } else { "Upload the logo" }}
            </button>
        </form>
        {has_logo.then(|| view! {
            <ActionForm action=actions.remove attr:class="inline-form">
                <input type="hidden" name="slug" value=slug.clone() />
                <button type="submit" class="button small">"Remove the logo"</button>
            </ActionForm>
        })}
        <ActionError error=remove_error />
    }
}

/// The file just chosen: its name, its size and an address that shows it (in the browser).
#[cfg(feature = "hydrate")]
fn chosen_file(ev: &leptos::ev::Event) -> Option<(String, u64, String)> {
    use wasm_bindgen::JsCast;
    let input = ev.target()?.dyn_into::<web_sys::HtmlInputElement>().ok()?;
    let file = input.files()?.get(0)?;
    let preview = web_sys::Url::create_object_url_with_blob(&file).ok()?;
    // Sizes are whole bytes; a file past u64 is refused as too large anyway.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let size = file.size() as u64;
    Some((file.name(), size, preview))
}

#[cfg(not(feature = "hydrate"))]
fn chosen_file(_ev: &leptos::ev::Event) -> Option<(String, u64, String)> {
    None
}

/// Applies the draft branding to the preview (in the browser; the server renders the
/// platform's look, which the first change replaces).
#[cfg(feature = "hydrate")]
fn show(element: &web_sys::HtmlDivElement, branding: &Branding) {
    crate::components::style::set_properties(
        element,
        &["--accent", "--accent-text", "--accent-soft", "--font"],
        &branding.properties(),
    );
}

#[cfg(not(feature = "hydrate"))]
fn show(_element: &web_sys::HtmlDivElement, _branding: &Branding) {}
