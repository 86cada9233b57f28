//! The super admin's plans: edit each tier's price, limits and features; put a tenant on
//! another plan; override one of a tenant's limits.

use leptos::prelude::*;
use shared::billing::{Currency, Feature, Metric, Plan, PlanTier, PlansAdminPage, TenantPlanRow};
use shared::personas::Persona;

use super::adjust_credits::AdjustCredits;
use super::edit_plan::EditPlan;
use super::get_plans_admin::get_plans_admin;
use super::set_limit_override::SetLimitOverride;
use super::set_tenant_plan::SetTenantPlan;
use crate::components::errors::{ActionError, ErrorView};
use crate::components::layout::{AppShell, PageHeader, Place, Section};
use crate::components::loaded::{loaded, resource};

#[component]
pub fn PlansPage() -> impl IntoView {
    let edit = ServerAction::<EditPlan>::new();
    let set_plan = ServerAction::<SetTenantPlan>::new();
    let set_override = ServerAction::<SetLimitOverride>::new();
    let credits = ServerAction::<AdjustCredits>::new();
    let page = resource(
        move || {
            (
                edit.version().get(),
                set_plan.version().get(),
                set_override.version().get(),
                credits.version().get(),
            )
        },
        |_| get_plans_admin(),
    );
    let place = Place {
        persona: Some(Persona::SuperAdmin),
        slug: None,
        section: Section::Plans,
    };
    view! {
        <AppShell place crumbs=vec![("Plans".to_owned(), None)]>
            <PageHeader title="Plans" subtitle="What each tier costs and allows, and each tenant's plan and exceptions." />
            {loaded(page, "Loading plans…", move |result| match result {
                Err(error) => view! { <ErrorView error /> }.into_any(),
                Ok(page) => view! { <Body page edit set_plan set_override credits /> }.into_any(),
            })}
        </AppShell>
    }
}

#[component]
fn Body(
    page: PlansAdminPage,
    edit: ServerAction<EditPlan>,
    set_plan: ServerAction<SetTenantPlan>,
    set_override: ServerAction<SetLimitOverride>,
    credits: ServerAction<AdjustCredits>,
) -> impl IntoView {
    let edit_error = Signal::derive(move || edit.value().get().and_then(Result::err));
    let tenant_error = Signal::derive(move || {
        set_plan
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| set_override.value().get().and_then(Result::err))
            .or_else(|| credits.value().get().and_then(Result::err))
    });
    let saved = Signal::derive(move || edit.value().get().is_some_and(|r| r.is_ok()));
    view! {
        <section class="panel" aria-labelledby="tiers-title">
            <h2 id="tiers-title">"Tiers"</h2>
            <ActionError error=edit_error />
            <Show when=move || saved.get()>
                <p class="notice ok" role="status">"Plan saved: every workspace on it has the new limits now."</p>
            </Show>
            <div class="plan-editors">
                {page.plans.iter().cloned().map(|plan| view! { <PlanEditor plan edit /> }).collect_view()}
            </div>
        </section>
        <section class="panel" aria-labelledby="tenant-plans-title">
            <h2 id="tenant-plans-title">"Tenants"</h2>
            <ActionError error=tenant_error />
            <div class="table-wrap">
                <table data-testid="tenant-plans">
                    <thead>
                        <tr>
                            <th scope="col">"Tenant"</th>
                            <th scope="col">"Plan"</th>
                            <th scope="col">"Own limits"</th>
                            <th scope="col">"Override a limit"</th>
                            <th scope="col">"Credits"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {page.tenants.into_iter().map(|row| view! { <TenantRow row set_plan set_override credits /> }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

fn limit_value(limit: Option<u64>) -> String {
    limit.map_or_else(|| "unlimited".to_owned(), |n| n.to_string())
}

#[component]
fn PlanEditor(plan: Plan, edit: ServerAction<EditPlan>) -> impl IntoView {
    let tier = plan.tier.as_str();
    let id = move |field: &str| format!("plan-{tier}-{field}");
    let title = plan.tier.label();
    let aria = format!("{title} plan");
    let testid = format!("edit-{tier}");
    let price = plan.price.input_value();
    let currency = plan.price.currency;
    let rate = plan.limits.api_requests_per_minute.to_string();
    let features: Vec<(Feature, bool)> = Feature::ALL.iter().map(|f| (*f, plan.has(*f))).collect();
    let limits = [
        ("members", "Members", plan.limits.members),
        ("widgets", "Widgets", plan.limits.widgets),
        (
            "monthly_tokens",
            "Tokens a month",
            plan.limits.monthly_tokens,
        ),
        (
            "monthly_api_calls",
            "API calls a month",
            plan.limits.monthly_api_calls,
        ),
    ];
    view! {
        <ActionForm action=edit attr:class="panel plan-editor" attr:data-testid=testid attr:aria-label=aria>
            <h3>{title}</h3>
            <input type="hidden" name="tier" value=tier />
            <label for=id("price")>"Price a month"</label>
            <div class="inline">
                <input id=id("price") name="price" inputmode="decimal" required value=price />
                <label class="visually-hidden" for=id("currency")>"Currency"</label>
                <select id=id("currency") name="currency">
                    {Currency::ALL.iter().map(|c| view! { <option value=c.as_str() selected=*c == currency>{c.as_str().to_uppercase()}</option> }).collect_view()}
                </select>
            </div>
            {limits.into_iter().map(|(name, label, value)| view! {
                <label for=id(name)>{label}</label>
                <input id=id(name) name=format!("limits[{name}]") value=limit_value(value) aria-describedby=format!("plan-{tier}-hint") />
            }).collect_view()}
            <label for=id("rate")>"API requests a minute, per token"</label>
            <input id=id("rate") name="api_requests_per_minute" inputmode="numeric" required value=rate />
            <fieldset>
                <legend>"Features"</legend>
                {features.into_iter().map(|(f, on)| {
                    let field = format!("plan-{tier}-feature-{}", f.as_str());
                    let label_for = field.clone();
                    view! {
                        <label class="check" for=label_for>
                            <input type="checkbox" id=field name=format!("features[{}]", f.as_str()) value="on" checked=on />
                            {f.label()}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <p class="muted small" id=format!("plan-{tier}-hint")>"A whole number, or “unlimited”."</p>
            <button type="submit" class="button primary small">{format!("Save {}", plan.tier.label())}</button>
        </ActionForm>
    }
}

#[component]
fn TenantRow(
    row: TenantPlanRow,
    set_plan: ServerAction<SetTenantPlan>,
    set_override: ServerAction<SetLimitOverride>,
    credits: ServerAction<AdjustCredits>,
) -> impl IntoView {
    let slug = row.tenant.slug.to_string();
    let credit_slug = slug.clone();
    let kind_id = format!("tenant-credit-kind-{slug}");
    let amount_id = format!("tenant-credit-amount-{slug}");
    let note_id = format!("tenant-credit-note-{slug}");
    let balance = row.credits.format();
    let own = if row.overrides.is_empty() {
        "—".to_owned()
    } else {
        row.overrides
            .iter()
            .map(|o| format!("{}: {}", o.metric.label(), limit_value(o.limit)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let plan_id = format!("tenant-plan-{slug}");
    let metric_id = format!("tenant-metric-{slug}");
    let limit_id = format!("tenant-limit-{slug}");
    let row_slug = slug.clone();
    let plan_slug = slug.clone();
    view! {
        <tr data-slug=row_slug>
            <td>{row.tenant.name.to_string()}</td>
            <td>
                <ActionForm action=set_plan attr:class="inline-form">
                    <input type="hidden" name="slug" value=plan_slug />
                    <label class="visually-hidden" for=plan_id.clone()>{format!("Plan of {}", row.tenant.name)}</label>
                    <select id=plan_id name="tier">
                        {PlanTier::ALL.iter().map(|t| view! { <option value=t.as_str() selected=*t == row.tier>{t.label()}</option> }).collect_view()}
                    </select>
                    <button type="submit" class="button small">"Set plan"</button>
                </ActionForm>
            </td>
            <td>{own}</td>
            <td>
                <ActionForm action=set_override attr:class="inline-form">
                    <input type="hidden" name="slug" value=slug />
                    <label class="visually-hidden" for=metric_id.clone()>"Limit"</label>
                    <select id=metric_id name="metric">
                        {Metric::ALL.iter().map(|m| view! { <option value=m.as_str()>{m.label()}</option> }).collect_view()}
                    </select>
                    <label class="visually-hidden" for=limit_id.clone()>"New limit (empty: follow the plan)"</label>
                    <input id=limit_id name="limit" placeholder="plan's own" size="10" />
                    <button type="submit" class="button small">"Override"</button>
                </ActionForm>
            </td>
            <td>
                <p class="small" data-testid="tenant-credits">{balance}</p>
                <ActionForm action=credits attr:class="inline-form">
                    <input type="hidden" name="slug" value=credit_slug />
                    <label class="visually-hidden" for=kind_id.clone()>"Entry"</label>
                    <select id=kind_id name="kind">
                        {shared::credits::CreditKind::ALL.iter().filter(|k| k.by_hand()).map(|k| view! { <option value=k.as_str()>{k.label()}</option> }).collect_view()}
                    </select>
                    <label class="visually-hidden" for=amount_id.clone()>"Amount (USD)"</label>
                    <input id=amount_id name="amount" inputmode="decimal" placeholder="20.00" size="7" />
                    <label class="visually-hidden" for=note_id.clone()>"Note"</label>
                    <input id=note_id name="note" placeholder="why" size="10" />
                    <button type="submit" class="button small">"Apply"</button>
                </ActionForm>
            </td>
        </tr>
    }
}
