//! Plan & usage: the workspace's plan, this month's use against each limit (live), the
//! history and what providers cost, and the plans side by side with a way to switch.

pub mod buy_credits;
pub mod change_plan;
pub mod get_billing;
pub mod get_invoice;
pub mod invoice_page;
pub mod pay_invoice;

use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_params_map;
use shared::billing::{
    BillingPage, DailyUsage, Feature, Metric, Plan, PlanTier, UsageLevel, UsageMeter,
    change_statement, group_digits, limit_text,
};
use shared::live::Topic;
use shared::personas::Persona;

use crate::components::errors::{ActionError, ErrorView};
use crate::components::layout::{AppShell, PageHeader, Place, Section};
use crate::components::loaded::{loaded, resource};
use crate::live::{LiveIndicator, watch};
use crate::workspaces::is_wrong_prefix;
use buy_credits::BuyCredits;
use change_plan::ChangePlan;
use get_billing::get_billing;

pub fn billing_path(persona: Persona, slug: &str) -> String {
    format!("{}/{slug}/billing", persona.url_prefix())
}

/// The page under either workspace prefix.
#[component]
pub fn BillingPage() -> impl IntoView {
    crate::workspaces::by_area(|persona| view! { <BillingFor persona /> }.into_any())
}

#[component]
fn BillingFor(persona: Persona) -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.read().get("slug").unwrap_or_default());
    let version = watch(slug.into(), &[Topic::Usage]);
    let change = ServerAction::<ChangePlan>::new();
    let buy = ServerAction::<BuyCredits>::new();
    let page = resource(
        move || {
            (
                slug.get(),
                version.get(),
                change.version().get(),
                buy.version().get(),
            )
        },
        |(slug, ..)| get_billing(slug),
    );
    let place = Signal::derive(move || Place {
        persona: Some(persona),
        slug: Some(slug.get()),
        section: Section::Billing,
    });
    view! {
        <AppShell place crumbs=vec![("Plan & usage".to_owned(), None)]>
            <PageHeader title="Plan & usage" subtitle="What your plan allows, what you used this month, and what it cost.">
                <LiveIndicator />
            </PageHeader>
            {loaded(page, "Loading your plan…", move |result| match result {
                Err(error) => view! { <ErrorView error /> }.into_any(),
                Ok(page) if is_wrong_prefix(&page.tenant, &slug.get(), persona) => {
                    view! { <Redirect path=billing_path(page.tenant.variant.persona(), page.tenant.slug.as_str()) /> }.into_any()
                }
                Ok(page) => view! { <Body page change buy /> }.into_any(),
            })}
        </AppShell>
    }
}

#[component]
fn Body(
    page: BillingPage,
    change: ServerAction<ChangePlan>,
    buy: ServerAction<BuyCredits>,
) -> impl IntoView {
    let warning = UsageMeter::most_pressing(&page.meters).cloned();
    let next = Plan::upgrade_from(&page.plans, page.plan.tier).cloned();
    view! {
        {warning.map(|meter| view! { <UpgradePrompt meter next=next.clone() /> })}
        <div class="cards">
            <CurrentPlan page=page.clone() />
            <section class="panel card wide" aria-labelledby="meters-title">
                <h2 id="meters-title">"This month"</h2>
                <ul class="meters" data-testid="meters">
                    {page.meters.iter().cloned().map(|meter| view! { <Meter meter /> }).collect_view()}
                </ul>
                <p class="muted small">{format!("Monthly quotas start again on {}.", page.resets_on.format("%-d %B %Y"))}</p>
            </section>
        </div>
        <div class="cards">
            <Credits page=page.clone() buy />
            <section class="panel card wide" aria-labelledby="history-title">
                <h2 id="history-title">"The last 30 days"</h2>
                <UsageChart history=page.history.clone() />
            </section>
            <section class="panel card" aria-labelledby="costs-title">
                <h2 id="costs-title">"Cost by provider"</h2>
                {if page.costs.is_empty() {
                    view! { <p class="muted">"No provider costs this month."</p> }.into_any()
                } else {
                    view! {
                        <table data-testid="costs">
                            <thead><tr><th scope="col">"Provider"</th><th scope="col">"Units"</th><th scope="col">"Cost"</th></tr></thead>
                            <tbody>
                                {page.costs.iter().map(|c| view! {
                                    <tr><td>{c.provider.clone()}</td><td>{group_digits(c.quantity)}</td><td>{c.cost.format()}</td></tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }}
            </section>
        </div>
        <Invoices page=page.clone() />
        <Comparison page change />
    }
}

/// Billing history: every issued invoice, with its status and downloads.
#[component]
fn Invoices(page: BillingPage) -> impl IntoView {
    let slug = page.tenant.slug.to_string();
    let persona = page.tenant.variant.persona();
    let body = if page.invoices.is_empty() {
        view! { <p class="muted">"No invoices yet: the first is issued when this month closes."</p> }.into_any()
    } else {
        view! {
            <div class="table-wrap">
                <table class="cards-on-phone" data-testid="invoices">
                    <thead>
                        <tr>
                            <th scope="col">"Invoice"</th>
                            <th scope="col">"Period"</th>
                            <th scope="col">"Status"</th>
                            <th scope="col" class="number">"Total"</th>
                            <th scope="col">"Download"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {page.invoices.iter().map(|i| {
                            let href = invoice_page::invoice_path(persona, &slug, &i.number);
                            let csv = invoice_page::invoice_csv_path(&slug, &i.number);
                            view! {
                                <tr data-number=i.number.clone()>
                                    <td class="card-title"><a href=href>{i.number.clone()}</a></td>
                                    <td data-label="Period">{i.period.label()}</td>
                                    <td data-label="Status">{invoice_page::status_badge(i.status)}</td>
                                    <td class="number" data-label="Total">{i.total.format()}</td>
                                    <td data-label="Download"><a href=csv download=format!("{}.csv", i.number)>"CSV"</a></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        }
        .into_any()
    };
    view! {
        <section class="panel" aria-labelledby="invoices-title">
            <h2 id="invoices-title">"Invoices"</h2>
            {body}
        </section>
    }
}

/// Near or at a limit: what was reached and what the next plan up allows.
#[component]
pub fn UpgradePrompt(
    meter: UsageMeter,
    next: Option<Plan>,
    /// Where "Compare plans" leads: the comparison on this page unless said.
    #[prop(optional, into)]
    compare: Option<String>,
) -> impl IntoView {
    let compare = compare.unwrap_or_else(|| "#plans".to_owned());
    let reached = meter.level() == UsageLevel::Reached;
    let what = format!(
        "{} of {} {}",
        group_digits(meter.used),
        limit_text(meter.limit),
        meter.metric.label()
    );
    let headline = if reached {
        format!("You have reached your limit: {what}.")
    } else {
        format!("You are close to your limit: {what}.")
    };
    let offer = next.map(|plan| {
        format!(
            "{} allows {} {} for {} a month.",
            plan.tier.label(),
            limit_text(plan.limits.of(meter.metric)),
            meter.metric.label(),
            plan.price.format()
        )
    });
    view! {
        <div class="notice" class:danger=reached class:warn=!reached role="status" data-testid="upgrade-prompt">
            <p><strong>{headline}</strong>" "{offer}</p>
            <a class="button small primary" href=compare>"Compare plans"</a>
        </div>
    }
}

#[component]
fn CurrentPlan(page: BillingPage) -> impl IntoView {
    let overridden = !page.overrides.is_empty();
    view! {
        <section class="panel card" aria-labelledby="plan-title" data-testid="current-plan" data-tier=page.plan.tier.as_str()>
            <h2 id="plan-title">"Your plan"</h2>
            <p class="figure">{page.plan.tier.label()}</p>
            <p class="muted">{format!("{} a month", page.plan.price.format())}</p>
            <ul class="features">
                {page.plan.features.iter().map(|f| view! { <li>{f.label()}</li> }).collect_view()}
            </ul>
            {overridden.then(|| view! {
                <p class="muted small">"The platform team set limits of your own: "
                    {page.overrides.iter().map(|o| format!("{} {}", limit_text(o.limit), o.metric.label())).collect::<Vec<_>>().join(", ")}
                    "."
                </p>
            })}
        </section>
    }
}

/// The credit balance (provider costs are taken from it first), the latest entries, and
/// for owners a form to buy a pack.
#[component]
fn Credits(page: BillingPage, buy: ServerAction<BuyCredits>) -> impl IntoView {
    let credits = page.credits.clone();
    let error = Signal::derive(move || buy.value().get().and_then(Result::err));
    let form = page.can_pay.then(|| {
        let slug = page.tenant.slug.to_string();
        view! {
            <ActionError error />
            <ActionForm action=buy attr:class="stack" attr:data-testid="buy-credits">
                <input type="hidden" name="slug" value=slug />
                <label for="credit-pack">"Pack"</label>
                <select id="credit-pack" name="amount">
                    {shared::credits::PACKS_MINOR.iter().map(|minor| view! {
                        <option value=(minor / 100).to_string()>{shared::billing::Money::new(*minor, shared::billing::Currency::Usd).format()}</option>
                    }).collect_view()}
                </select>
                <label for="credit-method">"Payment method"</label>
                <select id="credit-method" name="method">
                    {page.payment_methods.iter().map(|(value, label)| view! { <option value=value.clone()>{label.clone()}</option> }).collect_view()}
                </select>
                <p class="muted small">{format!("Charged through {}.", page.payment_provider)}</p>
                <button type="submit" class="button small" disabled=move || buy.pending().get()>"Buy credits"</button>
            </ActionForm>
        }
    });
    let entries = if credits.entries.is_empty() {
        view! { <p class="muted">"No credits yet."</p> }.into_any()
    } else {
        view! {
            <table data-testid="credit-entries">
                <thead><tr><th scope="col">"When"</th><th scope="col">"What"</th><th scope="col">"Amount"</th></tr></thead>
                <tbody>
                    {credits.entries.iter().map(|e| {
                        let sign = if e.amount.minor > 0 { "+" } else { "−" };
                        let amount = format!("{sign}{}", shared::billing::Money::new(e.amount.minor.abs(), e.amount.currency).format());
                        view! {
                            <tr data-kind=e.kind.as_str()>
                                <td>{crate::components::time::format_date(e.created_at)}</td>
                                <td>{format!("{}: {}", e.kind.label(), e.note)}</td>
                                <td>{amount}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        }
        .into_any()
    };
    view! {
        <section class="panel card" aria-labelledby="credits-title" data-testid="credits">
            <h2 id="credits-title">"Credits"</h2>
            <p class="figure" data-testid="credit-balance">{credits.balance.format()}</p>
            {credits.low.then(|| view! { <p class="muted small">"Provider costs beyond your credits are billed."</p> })}
            {entries}
            {form}
        </section>
    }
}

/// One limit's meter: used of allowed, as a progress bar coloured by level.
#[component]
pub fn Meter(meter: UsageMeter) -> impl IntoView {
    let level = meter.level();
    let label = meter.metric.meter_label();
    let figures = format!(
        "{} of {}",
        group_digits(meter.used),
        limit_text(meter.limit)
    );
    let id = format!("meter-{}", meter.metric.as_str());
    view! {
        <li data-testid=id.clone() data-level=level.as_str() data-used=meter.used.to_string()>
            <div class="meter-head">
                <span id=id.clone()>{label}</span>
                <span class="meter-figures">{figures}</span>
            </div>
            {meter.percent().map(|percent| view! {
                <progress class=format!("meter level-{}", level.as_str()) max="100" value=percent.to_string() aria-labelledby=id.clone()>{format!("{percent} %")}</progress>
            })}
        </li>
    }
}

/// API calls and tokens per day as bars (each on its own scale), with a text equivalent.
#[component]
fn UsageChart(history: Vec<DailyUsage>) -> impl IntoView {
    const W: i64 = 300;
    const H: i64 = 80;
    if history.is_empty() {
        return view! { <p class="muted">"Nothing used in the last 30 days."</p> }.into_any();
    }
    let first = history.iter().map(|d| d.day).min().unwrap_or_default();
    let series = [Metric::ApiCalls, Metric::Tokens].map(|metric| {
        let days: Vec<&DailyUsage> = history.iter().filter(|d| d.metric == metric).collect();
        let total: u64 = days.iter().map(|d| d.quantity).sum();
        let max = days.iter().map(|d| d.quantity).max().unwrap_or(0).max(1);
        let slot = W / 30;
        let bars = days
            .iter()
            .map(|d| {
                let index = (d.day - first).num_days().clamp(0, 29);
                let height = (d.quantity.saturating_mul((H - 4) as u64) / max) as i64;
                let title = format!("{}: {} {}", d.day, group_digits(d.quantity), metric.label());
                view! {
                    <rect class=format!("usage-{}", metric.as_str()) x=index * slot y=H - height width=slot - 2 height=height>
                        <title>{title}</title>
                    </rect>
                }
            })
            .collect_view();
        let summary = format!("{} {} in the last 30 days.", group_digits(total), metric.label());
        view! {
            <figure class="chart">
                <svg viewBox=format!("0 0 {W} {H}") role="img" aria-label=summary.clone() preserveAspectRatio="none">{bars}</svg>
                <figcaption>{summary}</figcaption>
            </figure>
        }
    });
    view! { <div class="usage-charts" data-testid="usage-history">{series.into_iter().collect_view()}</div> }.into_any()
}

#[component]
fn Comparison(page: BillingPage, change: ServerAction<ChangePlan>) -> impl IntoView {
    let error = Signal::derive(move || change.value().get().and_then(Result::err));
    let current = page.plan.clone();
    let slug = page.tenant.slug.to_string();
    let rows: Vec<(String, Vec<String>)> = {
        let mut rows = vec![(
            "Price".to_owned(),
            page.plans
                .iter()
                .map(|p| format!("{} a month", p.price.format()))
                .collect(),
        )];
        for metric in [
            Metric::ApiCalls,
            Metric::Tokens,
            Metric::Members,
            Metric::Widgets,
        ] {
            rows.push((
                metric.meter_label().replace(" this month", " a month"),
                page.plans
                    .iter()
                    .map(|p| limit_text(p.limits.of(metric)))
                    .collect(),
            ));
        }
        rows.push((
            "API requests a minute".to_owned(),
            page.plans
                .iter()
                .map(|p| group_digits(u64::from(p.limits.api_requests_per_minute)))
                .collect(),
        ));
        for feature in Feature::ALL {
            rows.push((
                feature.label().to_owned(),
                page.plans
                    .iter()
                    .map(|p| {
                        if p.has(*feature) {
                            "✓".to_owned()
                        } else {
                            "—".to_owned()
                        }
                    })
                    .collect(),
            ));
        }
        rows
    };
    view! {
        <section class="panel" id="plans" aria-labelledby="plans-title">
            <h2 id="plans-title">"Plans"</h2>
            <ActionError error />
            <div class="table-wrap">
                <table data-testid="plan-comparison" class="comparison">
                    <thead>
                        <tr>
                            <th scope="col"><span class="visually-hidden">"What"</span></th>
                            {page.plans.iter().map(|p| {
                                let mine = p.tier == current.tier;
                                view! { <th scope="col" class:current=mine>{p.tier.label()}{mine.then(|| view! { <span class="badge ok">"Your plan"</span> })}</th> }
                            }).collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        {rows.into_iter().map(|(label, cells)| view! {
                            <tr><th scope="row">{label}</th>{cells.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}</tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {page.can_change_plan.then(|| view! {
                <div class="plan-switches">
                    {page.plans.iter().filter(|p| p.tier != current.tier).cloned().map(|plan| {
                        view! { <PlanSwitch current=current.clone() plan slug=slug.clone() change /> }
                    }).collect_view()}
                </div>
            })}
        </section>
    }
}

/// "Switch to Pro": opens what changes, then confirms (works without JavaScript too).
#[component]
fn PlanSwitch(
    current: Plan,
    plan: Plan,
    slug: String,
    change: ServerAction<ChangePlan>,
) -> impl IntoView {
    let up = plan.tier > current.tier;
    let verb = if up { "Upgrade" } else { "Downgrade" };
    let tier: PlanTier = plan.tier;
    let lines = change_statement(&current, &plan);
    view! {
        <details class="plan-switch" data-testid=format!("switch-{}", tier.as_str())>
            <summary class="button small" class:primary=up>{format!("{verb} to {}", tier.label())}</summary>
            <div class="statement">
                <p>{format!("Moving from {} to {}:", current.tier.label(), tier.label())}</p>
                <ul>{lines.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
                <ActionForm action=change>
                    <input type="hidden" name="slug" value=slug />
                    <input type="hidden" name="tier" value=tier.as_str() />
                    <button type="submit" class="button small" class:primary=up>{format!("Confirm: {} to {}", verb.to_lowercase(), tier.label())}</button>
                </ActionForm>
            </div>
        </details>
    }
}
