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
use leptos_router::{Lazy, LazyRoute, SsrMode, lazy_route, path};

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

/// A page whose code is split out of the main WebAssembly file and fetched when a person
/// first opens it (`cargo leptos build --split`); the server renders it like any other.
macro_rules! lazy_page {
    ($route:ident, $view:expr) => {
        struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(_this: Self) -> AnyView {
                $view.into_any()
            }
        }
    };
}

lazy_page!(SignupRoute, view! { <SignupPage /> });
lazy_page!(TwoFactorRoute, view! { <TwoFactorPage /> });
lazy_page!(InvitationRoute, view! { <InvitationPage /> });
lazy_page!(ForgotPasswordRoute, view! { <ForgotPasswordPage /> });
lazy_page!(ResetPasswordRoute, view! { <ResetPasswordPage /> });
lazy_page!(VerifyEmailRoute, view! { <VerifyEmailPage /> });
lazy_page!(AccountRoute, view! { <AccountPage /> });
lazy_page!(SecurityRoute, view! { <SecurityPage /> });
lazy_page!(AdminRoute, view! { <AdminHomePage /> });
lazy_page!(OutboxRoute, view! { <OutboxPage /> });
lazy_page!(
    TenantsRoute,
    view! { <crate::admin::tenants::TenantsPage /> }
);
lazy_page!(TenantRoute, view! { <crate::admin::tenants::TenantPage /> });
lazy_page!(PeopleRoute, view! { <crate::people::PeoplePage /> });
lazy_page!(
    AdminBuildersRoute,
    view! { <crate::admin::builders::BuildersConsolePage /> }
);
lazy_page!(PersonRoute, view! { <crate::people::PersonPage /> });
lazy_page!(HealthRoute, view! { <crate::admin::health::HealthPage /> });
lazy_page!(
    ThreatsRoute,
    view! { <crate::admin::threats::ThreatsPage /> }
);
lazy_page!(
    PlatformAuditRoute,
    view! { <crate::audit::PlatformAuditPage /> }
);
lazy_page!(
    WorkspaceAuditRoute,
    view! { <crate::audit::WorkspaceAuditPage /> }
);
lazy_page!(PlansRoute, view! { <PlansPage /> });
lazy_page!(AdminServicesRoute, view! { <AdminServicesPage /> });
lazy_page!(
    EndUserHomeRoute,
    view! { <WorkspaceHomePage persona=Persona::EndUser /> }
);
lazy_page!(
    BuilderHomeRoute,
    view! { <WorkspaceHomePage persona=Persona::Builder /> }
);
lazy_page!(
    EndUserMembersRoute,
    view! { <MembersPage persona=Persona::EndUser /> }
);
lazy_page!(
    BuilderMembersRoute,
    view! { <MembersPage persona=Persona::Builder /> }
);
lazy_page!(CommandCenterRoute, view! { <CommandCenterPage /> });
lazy_page!(SessionRoute, view! { <SessionPage /> });
lazy_page!(TemplatesRoute, view! { <TemplatesPage /> });
lazy_page!(TemplateRoute, view! { <TemplatePage /> });
lazy_page!(BillingRoute, view! { <BillingPage /> });
lazy_page!(InvoiceRoute, view! { <InvoicePage /> });
lazy_page!(SupportRoute, view! { <crate::support::SupportPageView /> });
lazy_page!(TicketRoute, view! { <crate::support::TicketPageView /> });
lazy_page!(
    AdminSupportRoute,
    view! { <crate::support::AdminSupportPage /> }
);
lazy_page!(
    AdminTicketRoute,
    view! { <crate::support::AdminTicketPage /> }
);
lazy_page!(ServicesRoute, view! { <ServicesCatalogPage /> });
lazy_page!(VaultRoute, view! { <VaultPageView /> });
lazy_page!(WidgetsRoute, view! { <crate::widgets::WidgetsPageView /> });
lazy_page!(WidgetRoute, view! { <crate::widgets::WidgetPageView /> });
lazy_page!(
    ContactsRoute,
    view! { <crate::widgets::contacts::ContactsPageView /> }
);
lazy_page!(
    CustomersRoute,
    view! { <crate::customers::CustomersPageView /> }
);
lazy_page!(
    ProjectsRoute,
    view! { <crate::projects::ProjectsPageView /> }
);
lazy_page!(ProjectRoute, view! { <crate::projects::ProjectPageView /> });
lazy_page!(
    MarketplaceRoute,
    view! { <crate::marketplace::MarketplacePageView /> }
);
lazy_page!(
    ListingRoute,
    view! { <crate::marketplace::ListingPageView /> }
);
lazy_page!(
    BuildersRoute,
    view! { <crate::customers::BuildersPageView /> }
);

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
    let me = SharedValue::new(signed_in_person).into_inner();
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
                <Route path=path!("/login/two-factor") view={Lazy::<TwoFactorRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/signup") view={Lazy::<SignupRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/invite/:token") view={Lazy::<InvitationRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/forgot-password") view={Lazy::<ForgotPasswordRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/reset-password/:token") view={Lazy::<ResetPasswordRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/verify-email/:token") view={Lazy::<VerifyEmailRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/account") view={Lazy::<AccountRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/account/security") view={Lazy::<SecurityRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/admin") view={Lazy::<AdminRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/admin/outbox") view={Lazy::<OutboxRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/admin/tenants") view={Lazy::<TenantsRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/admin/tenants/:slug") view={Lazy::<TenantRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/admin/users") view={Lazy::<PeopleRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/admin/users/:id") view={Lazy::<PersonRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/admin/builders") view={Lazy::<AdminBuildersRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/admin/audit") view={Lazy::<PlatformAuditRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/admin/security") view={Lazy::<ThreatsRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/admin/health") view={Lazy::<HealthRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/admin/plans") view={Lazy::<PlansRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/admin/services") view={Lazy::<AdminServicesRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/admin/support") view={Lazy::<AdminSupportRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/admin/support/:ticket") view={Lazy::<AdminTicketRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/app/:slug") view={Lazy::<EndUserHomeRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/app/:slug/members") view={Lazy::<EndUserMembersRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/builder/:slug") view={Lazy::<BuilderHomeRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/builder/:slug/members") view={Lazy::<BuilderMembersRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/builder/:slug/widgets") view={Lazy::<WidgetsRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/builder/:slug/widgets/:widget") view={Lazy::<WidgetRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/builder/:slug/customers") view={Lazy::<CustomersRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/builder/:slug/projects") view={Lazy::<ProjectsRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/builder/:slug/projects/:project") view={Lazy::<ProjectRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/builder/:slug/marketplace") view={Lazy::<MarketplaceRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/builder/:slug/marketplace/:listing") view={Lazy::<ListingRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/app/:slug/builders") view={Lazy::<BuildersRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/:area/:slug/contacts") view={Lazy::<ContactsRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/:area/:slug/command-center") view={Lazy::<CommandCenterRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/:area/:slug/command-center/sessions/:session") view={Lazy::<SessionRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/:area/:slug/templates") view={Lazy::<TemplatesRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/:area/:slug/templates/:template") view={Lazy::<TemplateRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/:area/:slug/billing") view={Lazy::<BillingRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/:area/:slug/billing/invoices/:number") view={Lazy::<InvoiceRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/:area/:slug/services") view={Lazy::<ServicesRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/:area/:slug/api-keys") view={Lazy::<VaultRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/:area/:slug/audit") view={Lazy::<WorkspaceAuditRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/:area/:slug/support") view={Lazy::<SupportRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/:area/:slug/support/:ticket") view={Lazy::<TicketRoute>::new()} ssr=SsrMode::Async />
            </Routes>
        </Router>
    }
}
