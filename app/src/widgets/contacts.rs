//! The contacts page of a workspace: who sent its lead forms (one contact per email, with the
//! latest answers) and the feedback its prompts received, updated live as visitors send them.
//! A builder's own widgets fill its page; an end-user organization's is filled by the widgets
//! its builders deployed for it.

use leptos::prelude::*;
use shared::live::Topic;
use shared::personas::Persona;
use shared::widgets::submissions::{Contact, ContactsPage, FeedbackResponse};

use super::get_contacts::get_contacts;
use super::slug_param;
use crate::components::errors::ErrorView;
use crate::components::layout::{AppShell, PageHeader, Place, Section};
use crate::components::loaded::{loaded, resource};
use crate::components::time::format_time;
use crate::live::watch;

/// The contacts page under either prefix (`/app/…`, `/builder/…`).
#[component]
pub fn ContactsPageView() -> impl IntoView {
    crate::workspaces::by_area(|persona| view! { <Contacts persona /> }.into_any())
}

#[component]
fn Contacts(persona: Persona) -> impl IntoView {
    let slug = slug_param();
    let version = watch(slug.into(), &[Topic::Submissions]);
    let page = resource(
        move || (slug.get(), version.get()),
        |(slug, _)| get_contacts(slug),
    );
    let place = Signal::derive(move || Place {
        persona: Some(persona),
        slug: Some(slug.get()),
        section: Section::Contacts,
    });
    let subtitle = match persona {
        Persona::Builder => {
            "People who sent your widgets' lead forms, and the feedback your prompts received."
        }
        _ => {
            "People who sent the lead forms on your sites, and the feedback visitors gave: from the widgets your builders deployed for you."
        }
    };
    view! {
        <AppShell place crumbs=vec![("Contacts".to_owned(), None)]>
            <PageHeader title="Contacts" subtitle=subtitle />
            {loaded(page, "Loading the contacts…", move |result| match result {
                Err(error) => view! { <ErrorView error /> }.into_any(),
                Ok(page) => view! { <ContactsBody page /> }.into_any(),
            })}
        </AppShell>
    }
}

#[component]
fn ContactsBody(page: ContactsPage) -> impl IntoView {
    let contacts = page.contacts.len();
    view! {
        <section class="panel" aria-labelledby="contacts-title">
            <h2 id="contacts-title">{match contacts { 0 => "No contacts yet".to_owned(), 1 => "1 contact".to_owned(), n => format!("{n} contacts") }}</h2>
            {(contacts == 0).then(|| view! { <p class="muted">"When a visitor sends one of your lead forms, they show here at once."</p> })}
            {(contacts > 0).then(|| view! {
                <div class="table-wrap">
                    <table data-testid="contacts">
                        <thead><tr>
                            <th scope="col">"Email"</th><th scope="col">"Name"</th><th scope="col">"Latest answers"</th>
                            <th scope="col">"Through"</th><th scope="col">"Forms sent"</th><th scope="col">"Last heard from"</th>
                        </tr></thead>
                        <tbody>{page.contacts.into_iter().map(contact_row).collect_view()}</tbody>
                    </table>
                </div>
            })}
        </section>
        <section class="panel" aria-labelledby="feedback-title">
            <h2 id="feedback-title">"Feedback"</h2>
            {page.feedback.is_empty().then(|| view! { <p class="muted">"No feedback yet."</p> })}
            {(!page.feedback.is_empty()).then(|| view! {
                <div class="table-wrap">
                    <table data-testid="feedback">
                        <thead><tr><th scope="col">"Score"</th><th scope="col">"Comment"</th><th scope="col">"Widget"</th><th scope="col">"Site"</th><th scope="col">"When"</th></tr></thead>
                        <tbody>{page.feedback.into_iter().map(feedback_row).collect_view()}</tbody>
                    </table>
                </div>
            })}
        </section>
    }
}

fn contact_row(contact: Contact) -> impl IntoView {
    let answers = contact
        .answers
        .iter()
        .filter(|a| a.key != "email" && a.key != "name")
        .map(|a| format!("{}: {}", a.key, a.value))
        .collect::<Vec<_>>()
        .join(" · ");
    let through = match (&contact.widget, &contact.origin) {
        (Some(widget), Some(site)) => format!("{widget} on {site}"),
        (Some(widget), None) => widget.to_string(),
        (None, Some(site)) => format!("a removed widget on {site}"),
        (None, None) => "a removed widget".to_owned(),
    };
    view! {
        <tr data-contact=contact.email.to_string()>
            <td>{contact.email.to_string()}</td>
            <td>{contact.name.unwrap_or_default()}</td>
            <td class="wrap">{answers}</td>
            <td>{through}</td>
            <td>{contact.submissions}</td>
            <td>{format_time(contact.updated_at)}</td>
        </tr>
    }
}

fn feedback_row(response: FeedbackResponse) -> impl IntoView {
    view! {
        <tr>
            <td>{response.score}</td>
            <td class="wrap">{response.comment}</td>
            <td>{response.widget_name.to_string()}</td>
            <td>{response.origin.unwrap_or_default()}</td>
            <td>{format_time(response.created_at)}</td>
        </tr>
    }
}
