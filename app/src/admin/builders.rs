//! `/admin/builders`: every builder workspace for the platform's super admins — its
//! customers and deployments, its commission rate (editable in place), and what its
//! customers' invoices brought it month by month over the last twelve.

use leptos::prelude::*;
use shared::customers::{BuilderStanding, BuildersConsole, month_totals};
use shared::personas::Persona;

use super::get_builders_console::get_builders_console;
use super::set_commission_rate::SetCommissionRate;
use super::tenants::RateForm;
use crate::components::errors::{ActionError, ErrorView};
use crate::components::layout::{AppShell, PageHeader, Place, Section};
use crate::components::loaded::{loaded, resource};
use crate::customers::RevenueBars;

pub const PATH: &str = "/admin/builders";

#[component]
pub fn BuildersConsolePage() -> impl IntoView {
    let rate = ServerAction::<SetCommissionRate>::new();
    let page = resource(move || rate.version().get(), |_| get_builders_console());
    let error = Signal::derive(move || rate.value().get().and_then(Result::err));
    let place = Place {
        persona: Some(Persona::SuperAdmin),
        slug: None,
        section: Section::AdminBuilders,
    };
    view! {
        <AppShell place crumbs=vec![("Builders".to_owned(), None)]>
            <PageHeader title="Builders" subtitle="Every partner and agency: their customers, deployments, commission rate and what their customers’ invoices brought them." />
            <ActionError error />
            {loaded(page, "Loading…", move |result| match result {
                Err(error) => view! { <ErrorView error /> }.into_any(),
                Ok(page) => view! { <Builders page rate /> }.into_any(),
            })}
        </AppShell>
    }
}

#[component]
fn Builders(page: BuildersConsole, rate: ServerAction<SetCommissionRate>) -> impl IntoView {
    let since = page.since.label();
    if page.builders.is_empty() {
        return view! { <p class="panel muted" data-testid="no-builders">"No builder workspace yet."</p> }
            .into_any();
    }
    view! {
        <section class="panel" aria-labelledby="builders-table">
            <div class="panel-head">
                <h2 id="builders-table">{format!("{} builder workspaces", page.builders.len())}</h2>
                <a class="button" href="/api/v1/platform/builders.csv" download="" data-testid="builders-csv">"Download CSV"</a>
            </div>
            <p class="muted small">{format!("Revenue is the customers’ invoices (before tax) since {since}; commission is what the builder earned of them.")}</p>
            <div class="table-wrap">
                <table data-testid="builders">
                    <thead>
                        <tr>
                            <th scope="col">"Builder"</th>
                            <th scope="col">"Customers"</th>
                            <th scope="col">"Deployments"</th>
                            <th scope="col">"Commission rate"</th>
                            <th scope="col">"Revenue"</th>
                            <th scope="col">"Earned"</th>
                            <th scope="col">"By month"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {page.builders.into_iter().map(|builder| view! { <Row builder rate /> }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
    .into_any()
}

#[component]
fn Row(builder: BuilderStanding, rate: ServerAction<SetCommissionRate>) -> impl IntoView {
    let slug = builder.row.tenant.slug.to_string();
    let name = builder.row.tenant.name.to_string();
    let totals = month_totals(&builder.months);
    let money = |pick: fn(&(shared::billing::Money, shared::billing::Money)) -> String| {
        if totals.is_empty() {
            "—".to_owned()
        } else {
            totals.iter().map(pick).collect::<Vec<_>>().join(" · ")
        }
    };
    let (revenue, earned) = (money(|t| t.0.format()), money(|t| t.1.format()));
    let commission = builder.row.commission.map(|current| {
        view! { <RateForm action=rate slug=slug.clone() name=name.clone() rate=current /> }
    });
    let months = if builder.months.is_empty() {
        view! { <span class="muted">"No invoice yet"</span> }.into_any()
    } else {
        view! {
            <details class="builder-trend">
                <summary>{match builder.months.len() { 1 => "1 month".to_owned(), n => format!("{n} months") }}</summary>
                <RevenueBars months=builder.months label=format!("{name}: revenue by month") testid="builder-months" />
            </details>
        }
        .into_any()
    };
    view! {
        <tr data-slug=slug.clone()>
            <td>
                <a href=format!("{}/{slug}", super::tenants::PATH)><strong>{name.clone()}</strong></a>
                <br />
                <span class="muted small">{builder.row.tenant.variant.label()}</span>
            </td>
            <td>{format!("{} active · {} waiting", builder.active_customers, builder.waiting_customers)}</td>
            <td>{format!("{} live · {} open", builder.live_deployments, builder.open_deployments)}</td>
            <td>{commission}</td>
            <td data-testid="builder-revenue">{revenue}</td>
            <td data-testid="builder-earned">{earned}</td>
            <td>{months}</td>
        </tr>
    }
}
