//! One invoice as a printable page (the browser's "Save as PDF" makes the PDF), with its
//! CSV download and, while it is unpaid, the owner's payment form.

use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_params_map;
use shared::billing::invoice::{Invoice, InvoiceStatus};
use shared::personas::Persona;

use super::billing_path;
use super::get_invoice::get_invoice;
use super::pay_invoice::PayInvoice;
use crate::components::errors::{ActionError, ErrorView};
use crate::components::layout::{AppShell, PageHeader, Place, Section};
use crate::components::loaded::{loaded, resource};
use crate::components::time::{format_date, format_time, machine_time};
use crate::workspaces::is_wrong_prefix;

pub fn invoice_path(persona: Persona, slug: &str, number: &str) -> String {
    format!("{}/{slug}/billing/invoices/{number}", persona.url_prefix())
}

/// Where the CSV of an invoice downloads from.
pub fn invoice_csv_path(slug: &str, number: &str) -> String {
    format!("/api/v1/tenants/{slug}/invoices/{number}/csv")
}

#[component]
pub fn InvoicePage() -> impl IntoView {
    crate::workspaces::by_area(|persona| view! { <InvoiceFor persona /> }.into_any())
}

#[component]
fn InvoiceFor(persona: Persona) -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.read().get("slug").unwrap_or_default());
    let number = Memo::new(move |_| params.read().get("number").unwrap_or_default());
    let pay = ServerAction::<PayInvoice>::new();
    let invoice = resource(
        move || (slug.get(), number.get(), pay.version().get()),
        |(slug, number, _)| get_invoice(slug, number),
    );
    let place = Signal::derive(move || Place {
        persona: Some(persona),
        slug: Some(slug.get()),
        section: Section::Billing,
    });
    let crumbs = vec![
        (
            "Plan & usage".to_owned(),
            Some(billing_path(persona, &slug.get_untracked())),
        ),
        (number.get_untracked(), None),
    ];
    view! {
        <AppShell place crumbs>
            {loaded(invoice, "Loading the invoice…", move |result| match result {
                Err(error) => view! { <ErrorView error /> }.into_any(),
                Ok(i) if is_wrong_prefix(&i.tenant, &slug.get(), persona) => {
                    let path = invoice_path(i.tenant.variant.persona(), i.tenant.slug.as_str(), &i.summary.number);
                    view! { <Redirect path /> }.into_any()
                }
                Ok(invoice) => view! { <Body invoice pay /> }.into_any(),
            })}
        </AppShell>
    }
}

pub fn status_badge(status: InvoiceStatus) -> impl IntoView {
    let tone = match status {
        InvoiceStatus::Paid => "ok",
        InvoiceStatus::Open => "warn",
        InvoiceStatus::Failed => "danger",
    };
    view! { <span class=format!("badge {tone}") data-testid="invoice-status" data-status=status.as_str()>{status.label()}</span> }
}

#[component]
fn Body(invoice: Invoice, pay: ServerAction<PayInvoice>) -> impl IntoView {
    let error = Signal::derive(move || pay.value().get().and_then(Result::err));
    let paid_now = Signal::derive(move || pay.value().get().is_some_and(|r| r.is_ok()));
    let head = invoice.summary.clone();
    let draft = invoice.draft.clone();
    let slug = invoice.tenant.slug.to_string();
    let title = format!("Invoice {}", head.number);
    let subtitle = format!("{}, {}", invoice.tenant.name, head.period.label());
    let csv = invoice_csv_path(&slug, &head.number);
    let file_name = format!("{}.csv", head.number);
    view! {
        <PageHeader title subtitle>
            <a class="button small" href=csv download=file_name data-testid="invoice-csv">"Download CSV"</a>
            <button type="button" class="button small no-print" on:click=move |_| print()>"Print or save as PDF"</button>
        </PageHeader>
        <Show when=move || paid_now.get()>
            <p class="notice ok" role="status">"Payment received. Thank you."</p>
        </Show>
        <ActionError error />
        <article class="panel invoice" data-testid="invoice" aria-labelledby="invoice-title">
            <header class="invoice-head">
                <h2 id="invoice-title">{head.number.clone()}</h2>
                {status_badge(head.status)}
                <dl class="facts">
                    <dt>"Billed to"</dt><dd>{invoice.tenant.name.to_string()}</dd>
                    <dt>"Period"</dt><dd>{head.period.label()}</dd>
                    <dt>"Issued"</dt><dd><time datetime=machine_time(head.issued_at)>{format_date(head.issued_at)}</time></dd>
                </dl>
            </header>
            <div class="table-wrap">
                <table data-testid="invoice-lines">
                    <thead>
                        <tr>
                            <th scope="col">"Description"</th>
                            <th scope="col" class="number">"Quantity"</th>
                            <th scope="col" class="number">"Amount"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {draft.lines.iter().map(|line| view! {
                            <tr data-kind=line.kind.as_str()>
                                <td>{line.description.clone()}</td>
                                <td class="number">{shared::billing::group_digits(line.quantity)}</td>
                                <td class="number">{line.amount.format()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                    <tfoot>
                        <tr><th scope="row" colspan="2">"Subtotal"</th><td class="number" data-testid="invoice-subtotal">{draft.subtotal.format()}</td></tr>
                        <tr><th scope="row" colspan="2">{format!("Tax ({})", draft.tax_rate.text())}</th><td class="number" data-testid="invoice-tax">{draft.tax.format()}</td></tr>
                        <tr class="total"><th scope="row" colspan="2">"Total"</th><td class="number" data-testid="invoice-total">{draft.total.format()}</td></tr>
                    </tfoot>
                </table>
            </div>
        </article>
        <Payments invoice=invoice.clone() pay />
    }
}

#[component]
fn Payments(invoice: Invoice, pay: ServerAction<PayInvoice>) -> impl IntoView {
    let attempts = if invoice.payments.is_empty() {
        view! { <p class="muted">"No payment attempts yet."</p> }.into_any()
    } else {
        view! {
            <ul class="timeline" data-testid="invoice-payments">
                {invoice.payments.iter().map(|p| view! {
                    <li data-succeeded=p.succeeded.to_string()>
                        <time datetime=machine_time(p.at)>{format_time(p.at)}</time>
                        " "<strong>{if p.succeeded { "Paid" } else { "Declined" }}</strong>
                        {format!(": {} ({}, reference {})", p.message, p.provider, p.reference)}
                    </li>
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    let form = invoice.can_pay.then(|| {
        let slug = invoice.tenant.slug.to_string();
        let number = invoice.summary.number.clone();
        let total = invoice.summary.total.format();
        view! {
            <ActionForm action=pay attr:class="stack no-print" attr:data-testid="pay-form">
                <input type="hidden" name="slug" value=slug />
                <input type="hidden" name="number" value=number />
                <label for="pay-method">"Payment method"</label>
                <select id="pay-method" name="method">
                    {invoice.methods.iter().map(|(value, label)| view! { <option value=value.clone()>{label.clone()}</option> }).collect_view()}
                </select>
                <p class="muted small">{format!("Charged through {}.", invoice.provider)}</p>
                <button type="submit" class="button primary" disabled=move || pay.pending().get()>{format!("Pay {total}")}</button>
            </ActionForm>
        }
    });
    view! {
        <section class="panel" aria-labelledby="payments-title">
            <h2 id="payments-title">"Payment"</h2>
            {attempts}
            {form}
        </section>
    }
}

/// Opens the browser's print dialog (where "Save as PDF" is).
pub(crate) fn print() {
    #[cfg(feature = "hydrate")]
    if let Some(window) = web_sys::window() {
        let _ = window.print();
    }
}
