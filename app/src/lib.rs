//! Atrium's Leptos application: every page, its components and the server functions they
//! call. Rendered on the server (each route waits for its data, so status codes and
//! redirects are real) and hydrated in the browser from the `frontend` crate.

#![recursion_limit = "256"]

pub mod account;
pub mod admin;
pub mod audit;
pub mod auth;
pub mod billing;
pub mod catalog;
pub mod command_center;
pub mod components;
pub mod customers;
pub mod invitations;
pub mod live;
pub mod marketplace;
pub mod members;
pub mod people;
pub mod projects;
#[cfg(feature = "ssr")]
pub mod server;
pub mod support;
pub mod templates;
pub mod theme;
pub mod vault;
pub mod widgets;
pub mod workspaces;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{ChooseView, SsrMode, path};

use crate::account::{AccountPage, SecurityPage};
use crate::admin::plans::PlansPage;
use crate::admin::services::AdminServicesPage;
use crate::admin::{AdminHomePage, OutboxPage};
use crate::auth::{
    ForgotPasswordPage, HomeRedirect, LoginPage, ResetPasswordPage, SignupPage, TwoFactorPage,
    VerifyEmailPage,
};
use crate::billing::BillingPage;
use crate::billing::invoice_page::InvoicePage;
use crate::catalog::ServicesCatalogPage;
use crate::command_center::{CommandCenterPage, SessionPage};
use crate::components::errors::NotFoundPage;
use crate::components::layout::Me;
use crate::components::page_json::shared_value;
use crate::invitations::InvitationPage;
use crate::members::MembersPage;
use crate::templates::{TemplatePage, TemplatesPage};
use crate::vault::VaultPageView;
use crate::workspaces::WorkspaceHomePage;
use shared::personas::Persona;

/// The HTML document around the app; runs on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let theme = server::theme();
    #[cfg(not(feature = "ssr"))]
    let theme: Option<&'static str> = None;
    #[cfg(feature = "ssr")]
    let live_cursor = server::live_cursor().to_string();
    #[cfg(not(feature = "ssr"))]
    let live_cursor = String::new();
    view! {
        <!DOCTYPE html>
        <html lang="en" data-theme=theme>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <meta name=live::CURSOR_META content=live_cursor />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <HydrationScripts options />
                <WithoutLeptosChunkLinks />
                <PageCsp />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Renders nothing; on the server it sets the page's CSP header from the nonce that
/// `HydrationScripts` (and Leptos's other inline scripts) carry.
#[component]
fn PageCsp() -> impl IntoView {
    #[cfg(feature = "ssr")]
    server::set_page_csp();
}

/// Renders nothing; on the server it turns off Leptos's per-chunk preload links, which the
/// server's preload middleware adds instead (see `server::without_leptos_chunk_links`).
#[component]
fn WithoutLeptosChunkLinks() -> impl IntoView {
    #[cfg(feature = "ssr")]
    server::without_leptos_chunk_links();
}

/// The pages split out of the main WebAssembly file, an area at a time
/// (`cargo leptos build --split`): an area's pages share one split function, whose code and
/// the chunks it shares with other areas are fetched when a person first opens one of its
/// pages; the server renders them like any other page.
///
/// Areas rather than pages: the split keeps what several split functions share in a chunk
/// per combination of them, so fifty split pages made about a thousand chunks, about 350 of
/// them fetched (and listed as preloads in the page's head) for any one page.
macro_rules! split_area {
    (
        $(#[$doc:meta])*
        $area:ident split into $split:ident, preloaded by $preload:ident {
            $($page:ident => $view:expr),+ $(,)?
        }
    ) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug)]
        #[repr(u8)]
        enum $area {
            $($page),+
        }

        #[leptos::lazy]
        fn $split(page: $area) -> AnyView {
            match page {
                $($area::$page => $view.into_any()),+
            }
        }

        impl ChooseView for $area {
            async fn choose(self) -> AnyView {
                #[cfg(feature = "ssr")]
                server::mark_split_area(stringify!($split));
                $split(self).await
            }

            async fn preload(&self) {
                #[cfg(feature = "hydrate")]
                $preload().await;
            }
        }
    };
}
split_area! {
    /// Signing up, the second sign-in step, invitations and the e-mailed links.
    EntryPages split into entry_pages, preloaded by __preload_entry_pages {
        TwoFactor => view! { <TwoFactorPage /> },
        Signup => view! { <SignupPage /> },
        Invitation => view! { <InvitationPage /> },
        ForgotPassword => view! { <ForgotPasswordPage /> },
        ResetPassword => view! { <ResetPasswordPage /> },
        VerifyEmail => view! { <VerifyEmailPage /> },
    }
}

split_area! {
    /// A person's own account and its security.
    AccountPages split into account_pages, preloaded by __preload_account_pages {
        Account => view! { <AccountPage /> },
        Security => view! { <SecurityPage /> },
    }
}

split_area! {
    /// The super admin console.
    ConsolePages split into console_pages, preloaded by __preload_console_pages {
        Home => view! { <AdminHomePage /> },
        Outbox => view! { <OutboxPage /> },
        Tenants => view! { <crate::admin::tenants::TenantsPage /> },
        Tenant => view! { <crate::admin::tenants::TenantPage /> },
        People => view! { <crate::people::PeoplePage /> },
        Person => view! { <crate::people::PersonPage /> },
        Builders => view! { <crate::admin::builders::BuildersConsolePage /> },
        Audit => view! { <crate::audit::PlatformAuditPage /> },
        Threats => view! { <crate::admin::threats::ThreatsPage /> },
        Health => view! { <crate::admin::health::HealthPage /> },
        Plans => view! { <PlansPage /> },
        Services => view! { <AdminServicesPage /> },
    }
}

split_area! {
    /// A workspace's home (the dashboard), its members and its audit trail.
    WorkspacePages split into workspace_pages, preloaded by __preload_workspace_pages {
        EndUserHome => view! { <WorkspaceHomePage persona=Persona::EndUser /> },
        BuilderHome => view! { <WorkspaceHomePage persona=Persona::Builder /> },
        EndUserMembers => view! { <MembersPage persona=Persona::EndUser /> },
        BuilderMembers => view! { <MembersPage persona=Persona::Builder /> },
        Audit => view! { <crate::audit::WorkspaceAuditPage /> },
    }
}

split_area! {
    /// The command center: sessions, the queue, analytics and process templates.
    CommandCenterPages split into command_center_pages, preloaded by __preload_command_center_pages {
        CommandCenter => view! { <CommandCenterPage /> },
        Session => view! { <SessionPage /> },
        Templates => view! { <TemplatesPage /> },
        Template => view! { <TemplatePage /> },
    }
}

split_area! {
    /// Plan and usage, invoices, the service catalog and the API-key vault.
    BillingPages split into billing_pages, preloaded by __preload_billing_pages {
        Billing => view! { <BillingPage /> },
        Invoice => view! { <InvoicePage /> },
        Services => view! { <ServicesCatalogPage /> },
        Vault => view! { <VaultPageView /> },
    }
}

split_area! {
    /// Support tickets, on a workspace's side and in the console.
    SupportPages split into support_pages, preloaded by __preload_support_pages {
        Tickets => view! { <crate::support::SupportPageView /> },
        Ticket => view! { <crate::support::TicketPageView /> },
        ConsoleTickets => view! { <crate::support::AdminSupportPage /> },
        ConsoleTicket => view! { <crate::support::AdminTicketPage /> },
    }
}

split_area! {
    /// Builders' work: widgets and their contacts, customers, projects and the marketplace.
    BuilderPages split into builder_pages, preloaded by __preload_builder_pages {
        Widgets => view! { <crate::widgets::WidgetsPageView /> },
        Widget => view! { <crate::widgets::WidgetPageView /> },
        Contacts => view! { <crate::widgets::contacts::ContactsPageView /> },
        Customers => view! { <crate::customers::CustomersPageView /> },
        Projects => view! { <crate::projects::ProjectsPageView /> },
        Project => view! { <crate::projects::ProjectPageView /> },
        Marketplace => view! { <crate::marketplace::MarketplacePageView /> },
        Listing => view! { <crate::marketplace::ListingPageView /> },
        Builders => view! { <crate::customers::BuildersPageView /> },
    }
}

/// Who is signed in, as the server loaded it with the session (the browser reads the same
/// value back from the page while hydrating and never calls this).
fn signed_in_person() -> Result<Option<shared::accounts::Me>, shared::AppError> {
    #[cfg(feature = "ssr")]
    return server::request_context().me.clone().transpose();
    #[cfg(not(feature = "ssr"))]
    Ok(None)
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let me = shared_value(signed_in_person);
    provide_context(Me(std::sync::Arc::new(me)));
    live::Live::provide();

    view! {
        <Stylesheet id="leptos" href="/pkg/atrium.css" />
        <Title formatter=|title: String| {
            if title.is_empty() { "Atrium".to_owned() } else { format!("{title} · Atrium") }
        } />
        <a class="skip-link" href="#main">"Skip to content"</a>
        <Router>
            <Routes fallback=|| view! { <NotFoundPage /> }>
                <Route path=path!("/") view=HomeRedirect ssr=SsrMode::Async />
                <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                <Route path=path!("/login/two-factor") view=EntryPages::TwoFactor ssr=SsrMode::Async />
                <Route path=path!("/signup") view=EntryPages::Signup ssr=SsrMode::Async />
                <Route path=path!("/invite/:token") view=EntryPages::Invitation ssr=SsrMode::Async />
                <Route path=path!("/forgot-password") view=EntryPages::ForgotPassword ssr=SsrMode::Async />
                <Route path=path!("/reset-password/:token") view=EntryPages::ResetPassword ssr=SsrMode::Async />
                <Route path=path!("/verify-email/:token") view=EntryPages::VerifyEmail ssr=SsrMode::Async />
                <Route path=path!("/account") view=AccountPages::Account ssr=SsrMode::Async />
                <Route path=path!("/account/security") view=AccountPages::Security ssr=SsrMode::Async />
                <Route path=path!("/admin") view=ConsolePages::Home ssr=SsrMode::Async />
                <Route path=path!("/admin/outbox") view=ConsolePages::Outbox ssr=SsrMode::Async />
                <Route path=path!("/admin/tenants") view=ConsolePages::Tenants ssr=SsrMode::Async />
                <Route path=path!("/admin/tenants/:slug") view=ConsolePages::Tenant ssr=SsrMode::Async />
                <Route path=path!("/admin/users") view=ConsolePages::People ssr=SsrMode::Async />
                <Route path=path!("/admin/users/:id") view=ConsolePages::Person ssr=SsrMode::Async />
                <Route path=path!("/admin/builders") view=ConsolePages::Builders ssr=SsrMode::Async />
                <Route path=path!("/admin/audit") view=ConsolePages::Audit ssr=SsrMode::Async />
                <Route path=path!("/admin/security") view=ConsolePages::Threats ssr=SsrMode::Async />
                <Route path=path!("/admin/health") view=ConsolePages::Health ssr=SsrMode::Async />
                <Route path=path!("/admin/plans") view=ConsolePages::Plans ssr=SsrMode::Async />
                <Route path=path!("/admin/services") view=ConsolePages::Services ssr=SsrMode::Async />
                <Route path=path!("/admin/support") view=SupportPages::ConsoleTickets ssr=SsrMode::Async />
                <Route path=path!("/admin/support/:ticket") view=SupportPages::ConsoleTicket ssr=SsrMode::Async />
                <Route path=path!("/app/:slug") view=WorkspacePages::EndUserHome ssr=SsrMode::Async />
                <Route path=path!("/app/:slug/members") view=WorkspacePages::EndUserMembers ssr=SsrMode::Async />
                <Route path=path!("/builder/:slug") view=WorkspacePages::BuilderHome ssr=SsrMode::Async />
                <Route path=path!("/builder/:slug/members") view=WorkspacePages::BuilderMembers ssr=SsrMode::Async />
                <Route path=path!("/builder/:slug/widgets") view=BuilderPages::Widgets ssr=SsrMode::Async />
                <Route path=path!("/builder/:slug/widgets/:widget") view=BuilderPages::Widget ssr=SsrMode::Async />
                <Route path=path!("/builder/:slug/customers") view=BuilderPages::Customers ssr=SsrMode::Async />
                <Route path=path!("/builder/:slug/projects") view=BuilderPages::Projects ssr=SsrMode::Async />
                <Route path=path!("/builder/:slug/projects/:project") view=BuilderPages::Project ssr=SsrMode::Async />
                <Route path=path!("/builder/:slug/marketplace") view=BuilderPages::Marketplace ssr=SsrMode::Async />
                <Route path=path!("/builder/:slug/marketplace/:listing") view=BuilderPages::Listing ssr=SsrMode::Async />
                <Route path=path!("/app/:slug/builders") view=BuilderPages::Builders ssr=SsrMode::Async />
                <Route path=path!("/:area/:slug/contacts") view=BuilderPages::Contacts ssr=SsrMode::Async />
                <Route path=path!("/:area/:slug/command-center") view=CommandCenterPages::CommandCenter ssr=SsrMode::Async />
                <Route path=path!("/:area/:slug/command-center/sessions/:session") view=CommandCenterPages::Session ssr=SsrMode::Async />
                <Route path=path!("/:area/:slug/templates") view=CommandCenterPages::Templates ssr=SsrMode::Async />
                <Route path=path!("/:area/:slug/templates/:template") view=CommandCenterPages::Template ssr=SsrMode::Async />
                <Route path=path!("/:area/:slug/billing") view=BillingPages::Billing ssr=SsrMode::Async />
                <Route path=path!("/:area/:slug/billing/invoices/:number") view=BillingPages::Invoice ssr=SsrMode::Async />
                <Route path=path!("/:area/:slug/services") view=BillingPages::Services ssr=SsrMode::Async />
                <Route path=path!("/:area/:slug/api-keys") view=BillingPages::Vault ssr=SsrMode::Async />
                <Route path=path!("/:area/:slug/audit") view=WorkspacePages::Audit ssr=SsrMode::Async />
                <Route path=path!("/:area/:slug/support") view=SupportPages::Tickets ssr=SsrMode::Async />
                <Route path=path!("/:area/:slug/support/:ticket") view=SupportPages::Ticket ssr=SsrMode::Async />
            </Routes>
        </Router>
    }
}
