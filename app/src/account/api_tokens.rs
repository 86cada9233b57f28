//! Account → Security → API tokens: make one for a workspace with some scopes (after
//! "confirm it's you"; the secret is shown once), see when each was last used, revoke.

use leptos::prelude::*;
use shared::api_tokens::{ApiScope, ApiTokensPage, EXPIRY_CHOICES};

use super::create_api_token::CreateApiToken;
use super::list_api_tokens::list_api_tokens;
use super::revoke_api_token::RevokeApiToken;
use super::security_page::StepUp;
use crate::components::errors::{ActionError, ErrorView};
use crate::components::loaded::{loaded, resource};
use crate::components::time::format_time;

#[component]
pub fn ApiTokensSection() -> impl IntoView {
    let step_up = expect_context::<StepUp>();
    let create = ServerAction::<CreateApiToken>::new();
    let revoke = ServerAction::<RevokeApiToken>::new();
    step_up.watch(create.value());
    let tokens = resource(
        move || (create.version().get(), revoke.version().get()),
        |_| list_api_tokens(),
    );
    let create_error = Signal::derive(move || create.value().get().and_then(Result::err));
    let revoke_error = Signal::derive(move || revoke.value().get().and_then(Result::err));
    let created = move || create.value().get().and_then(Result::ok);
    view! {
        <section class="panel" aria-labelledby="api-tokens-title" data-testid="api-tokens">
            <h2 id="api-tokens-title">"API tokens"</h2>
            <p class="muted">"For programs that call the REST API (" <code>"/api/v1"</code> ") as you, in one workspace, limited to what you tick. Send it as " <code>"Authorization: Bearer …"</code> "."</p>
            {move || created().map(|made| view! {
                <div class="notice ok" role="status" data-testid="new-token">
                    <p><strong>{format!("Token “{}” made. Copy it now: it is not shown again.", made.view.name)}</strong></p>
                    <label for="new-token-value" class="visually-hidden">"The new token"</label>
                    <input id="new-token-value" readonly value=made.token class="mono" />
                </div>
            })}
            <ActionError error=revoke_error />
            {loaded((tokens, step_up.status), "Loading tokens…", move |(result, step)| match result {
                Err(error) => view! { <ErrorView error /> }.into_any(),
                Ok(page) => view! { <TokenList page=page.clone() revoke /> <NewToken page create error=create_error open=StepUp::opens(&step) /> }.into_any(),
            })}
        </section>
    }
}

#[component]
fn TokenList(page: ApiTokensPage, revoke: ServerAction<RevokeApiToken>) -> impl IntoView {
    if page.tokens.is_empty() {
        return view! { <p data-testid="no-tokens">"No API tokens yet."</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table class="cards-on-phone" data-testid="token-list">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Workspace"</th>
                        <th scope="col">"Scopes"</th>
                        <th scope="col">"Last used"</th>
                        <th scope="col">"Expires"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {page.tokens.into_iter().map(|t| {
                        let active = t.active;
                        let state = if t.revoked_at.is_some() { "revoked" } else if active { "active" } else { "expired" };
                        view! {
                            <tr data-token=t.name.clone() data-state=state>
                                <td class="card-title">{t.name.clone()}<br /><code class="muted small">{format!("{}…", t.prefix)}</code></td>
                                <td data-label="Workspace">{t.workspace_name.clone()}</td>
                                <td data-label="Scopes">{ApiScope::list_text(&t.scopes)}</td>
                                <td data-label="Last used">{t.last_used_at.map_or_else(|| "Never".to_owned(), format_time)}</td>
                                <td data-label="Expires">{t.expires_at.map_or_else(|| "Never".to_owned(), format_time)}</td>
                                <td class="actions">
                                    {if active {
                                        view! {
                                            <ActionForm action=revoke>
                                                <input type="hidden" name="id" value=t.id.to_string() />
                                                <button type="submit" class="button small danger">"Revoke"</button>
                                            </ActionForm>
                                        }.into_any()
                                    } else {
                                        view! { <span class="badge">{state}</span> }.into_any()
                                    }}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn NewToken(
    page: ApiTokensPage,
    create: ServerAction<CreateApiToken>,
    error: Signal<Option<shared::AppError>>,
    open: bool,
) -> impl IntoView {
    if page.workspaces.is_empty() {
        return view! { <p class="muted">"Join a workspace to make a token for it."</p> }
            .into_any();
    }
    if !open {
        return view! { <p class="muted">"Confirm it's you (above) to make a new token."</p> }
            .into_any();
    }
    view! {
        <ActionForm action=create attr:class="stack narrow-form" attr:data-testid="new-token-form">
            <h3>"New token"</h3>
            <label for="token-name">"Name"</label>
            <input id="token-name" name="name" required maxlength="60" placeholder="n8n usage reporter" />
            <label for="token-workspace">"Workspace"</label>
            <select id="token-workspace" name="slug">
                {page.workspaces.iter().map(|(slug, name)| view! { <option value=slug.to_string()>{name.clone()}</option> }).collect_view()}
            </select>
            <fieldset>
                <legend>"It may"</legend>
                {ApiScope::ALL.iter().map(|scope| {
                    let id = format!("scope-{}", scope.as_str().replace(':', "-"));
                    let label_for = id.clone();
                    view! {
                        <label class="check" for=label_for>
                            <input type="checkbox" id=id name=format!("scopes[{}]", scope.as_str()) value="on" />
                            {scope.label()}
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <label for="token-expiry">"Expires after"</label>
            <select id="token-expiry" name="expires_in_days">
                {EXPIRY_CHOICES.iter().map(|(days, label)| view! { <option value=days.to_string() selected=*days == 90>{*label}</option> }).collect_view()}
            </select>
            <ActionError error />
            <button type="submit" class="button primary" disabled=move || create.pending().get()>"Make the token"</button>
        </ActionForm>
    }
    .into_any()
}
