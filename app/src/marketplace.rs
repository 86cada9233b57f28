//! The widget marketplace in a builder workspace: search the listings (words, kind, order —
//! a plain GET form, so the results have an address), open one to see it drawn by the widget
//! runtime itself, rate it, and install it — for a site of the workspace's own or straight
//! into a customer's deployment. A builder lists its own published widgets from the editor.

pub mod get_listing;
pub mod get_marketplace;
pub mod install_listing;
pub mod list_widget;
pub mod rate_listing;
pub mod remove_screenshot;
pub mod withdraw_listing;

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use shared::AppError;
use shared::ids::ListingId;
use shared::live::Topic;
use shared::marketplace::{
    DESCRIPTION_MAX, ListingPage, ListingSort, ListingSummary, MarketplacePage, REVIEW_MAX,
    SCREENSHOT, SCREENSHOT_MAX_BYTES, SCREENSHOTS_PER_LISTING, SEARCH_MAX, SUMMARY_MAX, Screenshot,
};
use shared::personas::Persona;
use shared::support::files::size_text;
use shared::widgets::{WidgetDetail, WidgetKind};

use crate::components::errors::{ActionError, ErrorView};
use crate::components::layout::{AppShell, PageHeader, Place, Section};
use crate::components::loaded::{loaded, resource};
use crate::components::time::format_time;
use crate::components::upload::Upload;
use crate::live::watch;
use crate::widgets::slug_param;
use crate::widgets::view::WidgetView;
use get_listing::get_listing;
use get_marketplace::get_marketplace;
use install_listing::InstallListing;
use list_widget::ListWidget;
use rate_listing::RateListing;
use remove_screenshot::RemoveScreenshot;
use withdraw_listing::WithdrawListing;

pub(crate) fn marketplace_path(slug: &str) -> String {
    format!("{}/{slug}/marketplace", Persona::Builder.url_prefix())
}

pub fn listing_path(slug: &str, listing: ListingId) -> String {
    format!("{}/{listing}", marketplace_path(slug))
}

/// Where a listing's screenshots are uploaded to and loaded from (`/{screenshot}` after it).
pub fn screenshots_path(slug: &str, listing: ListingId) -> String {
    format!("/api/v1/tenants/{slug}/marketplace/{listing}/screenshots")
}

fn place(slug: Memo<String>) -> Signal<Place> {
    Signal::derive(move || Place {
        persona: Some(Persona::Builder),
        slug: Some(slug.get()),
        section: Section::Marketplace,
    })
}

/// The marketplace's search and results.
#[component]
pub fn MarketplacePageView() -> impl IntoView {
    let slug = slug_param();
    let query = use_query_map();
    let field =
        move |name: &'static str| Memo::new(move |_| query.read().get(name).unwrap_or_default());
    let (q, kind, sort) = (field("q"), field("kind"), field("sort"));
    // Listings come and go, and gather ratings and installs, in every builder workspace.
    let version = watch(slug.into(), &[Topic::Marketplace]);
    let page = resource(
        move || (slug.get(), q.get(), kind.get(), sort.get(), version.get()),
        |(slug, q, kind, sort, _)| get_marketplace(slug, q, kind, sort),
    );
    view! {
        <AppShell place=place(slug) crumbs=vec![("Marketplace".to_owned(), None)]>
            <PageHeader title="Marketplace" subtitle="Widgets other builders made: see each one working, rate it, and install it for your customers." />
            <SearchForm slug q kind sort />
            {loaded(page, "Searching…", move |result| match result {
                Err(error) => view! { <ErrorView error /> }.into_any(),
                Ok(page) => view! { <Results page /> }.into_any(),
            })}
        </AppShell>
    }
}

#[component]
fn SearchForm(
    slug: Memo<String>,
    q: Memo<String>,
    kind: Memo<String>,
    sort: Memo<String>,
) -> impl IntoView {
    view! {
        <form class="panel search-form" method="get" action=move || marketplace_path(&slug.get()) role="search">
            <div class="field">
                <label for="market-q">"Search"</label>
                <input id="market-q" type="search" name="q" maxlength=SEARCH_MAX.to_string() prop:value=move || q.get() placeholder="lead form, NPS…" />
            </div>
            <div class="field">
                <label for="market-kind">"Kind"</label>
                <select id="market-kind" name="kind">
                    <option value="" selected=move || kind.read().is_empty()>"Any kind"</option>
                    {WidgetKind::ALL.iter().map(|k| view! {
                        <option value=k.as_str() selected=move || *kind.read() == k.as_str()>{k.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="market-sort">"Order"</label>
                <select id="market-sort" name="sort">
                    {ListingSort::ALL.iter().map(|s| {
                        // An order not given (or not known) is the default one.
                        let chosen = move || sort.read().parse::<ListingSort>().unwrap_or_default() == *s;
                        view! { <option value=s.as_str() selected=chosen>{s.label()}</option> }
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" class="button primary">"Search"</button>
        </form>
    }
}

#[component]
fn Results(page: MarketplacePage) -> impl IntoView {
    let slug = page.tenant.slug.to_string();
    if page.listings.is_empty() {
        let message = if page.query == shared::marketplace::MarketplaceQuery::default() {
            "Nothing is listed yet. List one of your published widgets from its editor."
        } else {
            "No listing matches this search."
        };
        return view! { <p class="panel muted" data-testid="no-listings">{message}</p> }.into_any();
    }
    view! {
        <ul class="listing-grid plain" data-testid="listings">
            {page.listings.into_iter().map(|l| view! { <ListingCard l slug=slug.clone() /> }).collect_view()}
        </ul>
        {page.more.then(|| view! { <p class="muted">"More listings match: add words to narrow the search."</p> })}
    }
    .into_any()
}

#[component]
fn ListingCard(l: ListingSummary, slug: String) -> impl IntoView {
    view! {
        <li class="panel listing-card" data-listing=l.id.to_string()>
            {l.cover.map(|shot| view! {
                <img class="listing-cover" src=format!("{}/{shot}", screenshots_path(&slug, l.id)) alt="" loading="lazy" />
            })}
            <h2 class="listing-title"><a href=listing_path(&slug, l.id)>{l.title.to_string()}</a></h2>
            <p class="muted small">{format!("{} · by {}", l.kind.label(), l.publisher)}{l.own.then_some(" (yours)")}</p>
            <p>{l.summary.clone()}</p>
            <p class="small listing-figures">
                <span data-testid="rating">{l.rating.label()}</span>" · "
                <span data-testid="installs">{format!("{} install{}", l.installs, if l.installs == 1 { "" } else { "s" })}</span>
            </p>
        </li>
    }
}

#[derive(Clone, Copy)]
struct ListingActions {
    rate: ServerAction<RateListing>,
    install: ServerAction<InstallListing>,
    withdraw: ServerAction<WithdrawListing>,
    remove_screenshot: ServerAction<RemoveScreenshot>,
    /// Counts the screenshots sent from this page.
    uploads: RwSignal<u64>,
}

/// One listing: the widget drawn by the runtime, its description and reviews, and the rate
/// and install forms.
#[component]
pub fn ListingPageView() -> impl IntoView {
    let slug = slug_param();
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("listing")
            .and_then(|s| s.parse::<ListingId>().ok())
    });
    let actions = ListingActions {
        rate: ServerAction::new(),
        install: ServerAction::new(),
        withdraw: ServerAction::new(),
        remove_screenshot: ServerAction::new(),
        uploads: RwSignal::new(0),
    };
    // Reloaded after a rating, a withdrawal, a screenshot sent or removed (a refused one
    // keeps what was typed); an install opens the new widget.
    let done = Memo::new(move |before: Option<&u64>| {
        let before = before.copied().unwrap_or(0);
        let rated = matches!(actions.rate.value().get(), Some(Ok(())));
        let withdrawn = matches!(actions.withdraw.value().get(), Some(Ok(())));
        let removed = matches!(actions.remove_screenshot.value().get(), Some(Ok(())));
        before + u64::from(rated) + u64::from(withdrawn) + u64::from(removed)
    });
    // Not reloaded on others' changes: that would redraw the rating and install forms being
    // filled in (the list page follows them).
    let page = resource(
        move || (slug.get(), id.get(), done.get(), actions.uploads.get()),
        |(slug, id, _, _)| async move {
            match id {
                Some(id) => get_listing(slug, id).await,
                None => Err(AppError::not_found("This listing")),
            }
        },
    );
    let navigate = use_navigate();
    Effect::new(move || {
        if let Some(Ok(installed)) = actions.install.value().get() {
            navigate(
                &format!(
                    "{}/{}",
                    crate::widgets::widgets_path(&slug.get_untracked()),
                    installed.widget
                ),
                Default::default(),
            );
        }
    });
    let crumbs = vec![
        (
            "Marketplace".to_owned(),
            Some(marketplace_path(&slug.get_untracked())),
        ),
        ("Listing".to_owned(), None),
    ];
    view! {
        <AppShell place=place(slug) crumbs>
            {loaded(page, "Loading the listing…", move |result| match result {
                Err(error) => view! { <ErrorView error /> }.into_any(),
                Ok(page) => view! { <ListingBody page actions /> }.into_any(),
            })}
        </AppShell>
    }
}

#[component]
fn ListingBody(page: ListingPage, actions: ListingActions) -> impl IntoView {
    let slug = page.tenant.slug.to_string();
    let l = page.listing.clone();
    let (device, set_device) = signal("desktop");
    let template = Signal::stored(page.template.clone());
    let subtitle = format!(
        "{} by {} · version {} · listed {}",
        l.kind.label(),
        l.publisher,
        l.version,
        format_time(l.updated_at)
    );
    let withdraw_error =
        Signal::derive(move || actions.withdraw.value().get().and_then(Result::err));
    view! {
        <PageHeader title=l.title.to_string() subtitle />
        <p class="listing-figures" data-testid="listing-figures">
            <span data-testid="rating">{l.rating.label()}</span>" · "
            <span data-testid="installs">{format!("{} install{}", l.installs, if l.installs == 1 { "" } else { "s" })}</span>
        </p>
        <div class="editor-grid">
            <section class="panel stack" aria-labelledby="about-title">
                <h2 id="about-title">"About"</h2>
                <p><strong>{l.summary.clone()}</strong></p>
                {(!page.description.is_empty()).then(|| view! { <p class="listing-description">{page.description.clone()}</p> })}
                {page.can_withdraw.then(|| {
                    let slug = slug.clone();
                    view! {
                        <ActionForm action=actions.withdraw attr:class="inline-form">
                            <input type="hidden" name="slug" value=slug />
                            <input type="hidden" name="listing" value=l.id.to_string() />
                            <button type="submit" class="button small danger">"Withdraw from the marketplace"</button>
                        </ActionForm>
                        <p class="hint">"Withdrawing hides it from other builders; what they installed stays theirs."</p>
                    }
                })}
                {(l.own && !page.can_install && !page.can_withdraw).then(|| view! { <p class="notice">"Withdrawn: other builders no longer find it. List it again from the widget's editor."</p> })}
                <ActionError error=withdraw_error />
            </section>
            <section class="panel widget-preview" aria-labelledby="listing-preview-title">
                <div class="preview-head">
                    <h2 id="listing-preview-title">"Try it"</h2>
                    <div class="segmented" role="group" aria-label="Device width">
                        {[("phone", "Phone"), ("tablet", "Tablet"), ("desktop", "Desktop")].into_iter().map(|(key, label)| view! {
                            <button type="button" class="button small" aria-pressed=move || (device.get() == key).to_string()
                                on:click=move |_| set_device.set(key)>{label}</button>
                        }).collect_view()}
                    </div>
                </div>
                <p class="muted small">"Drawn by the same code that embeds it, from what installing gives you (nothing is sent from here)."</p>
                <div class="widget-stage" data-device=device data-testid="listing-stage">
                    <WidgetView config=template />
                </div>
            </section>
        </div>
        <Screenshots page=page.clone() actions />
        {page.can_install.then(|| view! { <InstallForm page=page.clone() actions /> })}
        <Reviews page=page.clone() actions />
    }
}

/// The listing's screenshots, and for its publisher the forms to add and remove them.
#[component]
fn Screenshots(page: ListingPage, actions: ListingActions) -> impl IntoView {
    if page.screenshots.is_empty() && !page.can_edit_screenshots {
        return ().into_any();
    }
    let slug = page.tenant.slug.to_string();
    let listing = page.listing.id;
    let base = screenshots_path(&slug, listing);
    let title = page.listing.title.to_string();
    let can_edit = page.can_edit_screenshots;
    let full = page.screenshots.len() >= SCREENSHOTS_PER_LISTING;
    let remove_error = Signal::derive(move || {
        actions
            .remove_screenshot
            .value()
            .get()
            .and_then(Result::err)
    });
    let shots = page
        .screenshots
        .iter()
        .enumerate()
        .map(|(i, shot)| {
            view! { <ScreenshotItem shot=shot.clone() n=i + 1 base=base.clone() title=title.clone() slug=slug.clone() listing can_edit actions /> }
        })
        .collect_view();
    view! {
        <section class="panel stack" aria-labelledby="screenshots-title">
            <h2 id="screenshots-title">"Screenshots"</h2>
            {page.screenshots.is_empty().then(|| view! { <p class="muted">"No screenshots yet: add one to show it working on a real site."</p> })}
            <ul class="screenshot-grid plain" data-testid="screenshots">{shots}</ul>
            <ActionError error=remove_error />
            {(can_edit && !full).then(|| view! { <ScreenshotUpload url=base.clone() actions /> })}
            {(can_edit && full).then(|| view! {
                <p class="muted small">{format!("This listing shows {SCREENSHOTS_PER_LISTING} screenshots, the most it takes.")}</p>
            })}
        </section>
    }
    .into_any()
}

#[component]
fn ScreenshotItem(
    shot: Screenshot,
    n: usize,
    base: String,
    title: String,
    slug: String,
    listing: ListingId,
    can_edit: bool,
    actions: ListingActions,
) -> impl IntoView {
    let src = format!("{base}/{}", shot.id);
    let href = src.clone();
    view! {
        <li class="screenshot" data-screenshot=shot.id.to_string()>
            <a href=href target="_blank" rel="noopener">
                <img src=src alt=format!("Screenshot {n} of {title}") loading="lazy" />
            </a>
            {can_edit.then(|| view! {
                <ActionForm action=actions.remove_screenshot attr:class="inline-form">
                    <input type="hidden" name="slug" value=slug />
                    <input type="hidden" name="listing" value=listing.to_string() />
                    <input type="hidden" name="screenshot" value=shot.id.to_string() />
                    <button type="submit" class="button small danger" aria-label=format!("Remove screenshot {n}")>"Remove"</button>
                </ActionForm>
            })}
        </li>
    }
}

/// Sends a screenshot, checked in the browser by the server's rules first; without
/// JavaScript the form posts itself and the server redirects back to the listing.
#[component]
fn ScreenshotUpload(url: String, actions: ListingActions) -> impl IntoView {
    let upload = Upload::new();
    let Upload { pending, error } = upload;
    let check = |name: &str, size: u64| {
        SCREENSHOT
            .check_before_upload(name, size)
            .map(|_| ())
            .map_err(AppError::from)
    };
    let on_submit = upload.on_submit::<Screenshot>(url.clone(), check, actions.uploads);
    view! {
        <form method="post" enctype="multipart/form-data" action=url class="stack" data-testid="screenshot-form" on:submit=on_submit>
            <label for="screenshot-file">"Add a screenshot"</label>
            <input type="file" id="screenshot-file" name="file" required accept=SCREENSHOT.accept() aria-describedby="screenshot-file-help" />
            <p id="screenshot-file-help" class="muted small">
                {format!(
                    "PNG, JPEG, GIF or WebP, up to {} each and {SCREENSHOTS_PER_LISTING} per listing; the first one shows on the listing's card.",
                    size_text(SCREENSHOT_MAX_BYTES as u64)
                )}
            </p>
            <p class="form-error" role="alert" aria-live="assertive" data-testid="screenshot-error" hidden=move || error.read().is_none()>
                {move || error.get().map(|e| format!("Error {} · {e}", e.status()))}
            </p>
            <button type="submit" class="button" disabled=move || pending.get()>
                {move || if pending.get() { "Uploading…" } else { "Add the screenshot" }}
            </button>
        </form>
    }
}

#[component]
fn InstallForm(page: ListingPage, actions: ListingActions) -> impl IntoView {
    let slug = page.tenant.slug.to_string();
    let error = Signal::derive(move || actions.install.value().get().and_then(Result::err));
    view! {
        <section class="panel" aria-labelledby="install-title">
            <h2 id="install-title">"Install"</h2>
            <p class="muted">"Makes it a widget of this workspace, published for the site you name; for a customer it is also deployed on their site as a draft, ready to go live."</p>
            <ActionForm action=actions.install attr:class="stack" attr:novalidate="true">
                <input type="hidden" name="slug" value=slug />
                <input type="hidden" name="listing" value=page.listing.id.to_string() />
                <div class="field-grid">
                    <div class="field">
                        <label for="install-name">"Name in your workspace"</label>
                        <input id="install-name" name="name" required=true maxlength="80" value=page.listing.title.to_string() autocomplete="off" />
                    </div>
                    <div class="field">
                        <label for="install-site">"Site that will show it"</label>
                        <input id="install-site" name="site" required=true placeholder="https://shop.example.com" autocomplete="off" inputmode="url" />
                    </div>
                    <div class="field">
                        <label for="install-customer">"For"</label>
                        <select id="install-customer" name="customer">
                            <option value="">"This workspace only"</option>
                            {page.customers.iter().map(|c| view! { <option value=c.id.to_string()>{format!("Customer: {}", c.title())}</option> }).collect_view()}
                        </select>
                    </div>
                </div>
                <ActionError error />
                <button type="submit" class="button primary" disabled=move || actions.install.pending().get()>"Install"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn Reviews(page: ListingPage, actions: ListingActions) -> impl IntoView {
    let slug = page.tenant.slug.to_string();
    let error = Signal::derive(move || actions.rate.value().get().and_then(Result::err));
    let (stars, review) = page
        .mine
        .as_ref()
        .map_or((5, String::new()), |m| (m.stars.get(), m.review.clone()));
    let rate = page.can_rate.then(|| {
        view! {
            <ActionForm action=actions.rate attr:class="stack" attr:novalidate="true">
                <input type="hidden" name="slug" value=slug />
                <input type="hidden" name="listing" value=page.listing.id.to_string() />
                <div class="field">
                    <label for="rate-stars">{if page.mine.is_some() { "Your workspace's rating" } else { "Rate it" }}</label>
                    <select id="rate-stars" name="stars">
                        {(1..=5u8).rev().map(|n| view! { <option value=n.to_string() selected=n == stars>{format!("{} {}", "★".repeat(usize::from(n)), if n == 1 { "star".to_owned() } else { format!("{n} stars") })}</option> }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="rate-review">"Review"<span class="muted">" (optional)"</span></label>
                    <textarea id="rate-review" name="review" rows="3" maxlength=REVIEW_MAX.to_string()>{review}</textarea>
                </div>
                <ActionError error />
                <button type="submit" class="button" disabled=move || actions.rate.pending().get()>{if page.mine.is_some() { "Change the rating" } else { "Send the rating" }}</button>
            </ActionForm>
        }
    });
    view! {
        <section class="panel stack" aria-labelledby="reviews-title">
            <h2 id="reviews-title">"Ratings"</h2>
            {page.reviews.is_empty().then(|| view! { <p class="muted">"No ratings yet."</p> })}
            <ul class="stack plain" data-testid="reviews">
                {page.reviews.iter().map(|r| view! {
                    <li class="review">
                        <p><strong aria-label=format!("{} of 5 stars", r.stars.get())>{"★".repeat(usize::from(r.stars.get()))}</strong>
                           " "<span class="muted small">{format!("{} · {}", r.by, format_time(r.at))}</span></p>
                        {(!r.review.is_empty()).then(|| view! { <p>{r.review.clone()}</p> })}
                    </li>
                }).collect_view()}
            </ul>
            {rate}
        </section>
    }
}

/// The editor's marketplace section for a published widget: list it (or again, with its
/// live version), or see that it is listed.
#[component]
pub fn ListOnMarketplace(d: WidgetDetail) -> impl IntoView {
    let action = ServerAction::<ListWidget>::new();
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let slug = d.tenant.slug.to_string();
    let listed = d.listing.clone().filter(|l| l.listed);
    let status = match (&listed, d.summary.live_version) {
        (Some(l), Some(live)) if l.version == live => format!("Listed with version {}.", l.version),
        (Some(l), _) => format!("Listed with version {}: list again to offer the live version.", l.version),
        (None, _) => "Not listed. Other builders find listed widgets in the marketplace and install them for their own customers (without your sites).".to_owned(),
    };
    let link = listed.map(|l| listing_path(&slug, l.id));
    let (title, summary, description) = d.listing.as_ref().map_or_else(
        || (d.summary.name.to_string(), String::new(), String::new()),
        |l| {
            (
                l.title.to_string(),
                l.summary.clone(),
                l.description.clone(),
            )
        },
    );
    view! {
        <section class="panel" aria-labelledby="market-title" data-testid="list-on-marketplace">
            <h2 id="market-title">"Marketplace"</h2>
            <p class="muted">{status}" "{link.map(|href| view! { <a href=href>"See the listing"</a> })}</p>
            <p class="notice ok" role="status" hidden=move || action.value().get().is_none_or(|r| r.is_err())>"Listed on the marketplace."</p>
            {d.can_publish.then(|| view! {
                <ActionForm action attr:class="stack" attr:novalidate="true">
                    <input type="hidden" name="slug" value=slug.clone() />
                    <input type="hidden" name="widget" value=d.summary.id.to_string() />
                    <div class="field">
                        <label for="listing-title">"Listing title"</label>
                        <input id="listing-title" name="title" required=true maxlength="80" value=title autocomplete="off" />
                    </div>
                    <div class="field">
                        <label for="listing-summary">"Summary (one line)"</label>
                        <input id="listing-summary" name="summary" required=true maxlength=SUMMARY_MAX.to_string() value=summary autocomplete="off" />
                    </div>
                    <div class="field">
                        <label for="listing-description">"Description"<span class="muted">" (optional)"</span></label>
                        <textarea id="listing-description" name="description" rows="4" maxlength=DESCRIPTION_MAX.to_string()>{description}</textarea>
                    </div>
                    <ActionError error />
                    <button type="submit" class="button" disabled=move || action.pending().get()>{if d.listing.as_ref().is_some_and(|l| l.listed) { "List the live version again" } else { "List on the marketplace" }}</button>
                </ActionForm>
            })}
        </section>
    }
}
