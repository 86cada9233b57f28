//! A workspace's members: who they are, their roles, invitations — and, for those allowed,
//! inviting, changing roles and removing.

pub mod change_member_role;
pub mod get_members_page;
pub mod invite_member;
pub mod remove_member;
pub mod reset_member_two_factor;
pub mod revoke_invitation;
pub mod set_two_factor_requirement;

use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_params_map;
use shared::members::{CreatedInvitation, MembersPage as Page};
use shared::permissions::{Permission, Role};
use shared::personas::Persona;
use shared::tenants::TwoFactorPolicy;

use crate::components::errors::{ActionError, ErrorView};
use crate::components::forms::{Field, check_email};
use crate::components::layout::{AppShell, PageHeader, Place, Section};
use crate::components::loaded::{loaded, resource};
use crate::components::time::{format_date, format_time};
use crate::workspaces::is_wrong_prefix;
use change_member_role::ChangeMemberRole;
use get_members_page::get_members_page;
use invite_member::InviteMember;
use remove_member::RemoveMember;
use reset_member_two_factor::ResetMemberTwoFactor;
use revoke_invitation::RevokeInvitation;
use set_two_factor_requirement::SetTwoFactorRequirement;

#[derive(Clone, Copy)]
struct Actions {
    invite: ServerAction<InviteMember>,
    change: ServerAction<ChangeMemberRole>,
    remove: ServerAction<RemoveMember>,
    revoke: ServerAction<RevokeInvitation>,
    reset_two_factor: ServerAction<ResetMemberTwoFactor>,
    require_two_factor: ServerAction<SetTwoFactorRequirement>,
}

/// A workspace's members under one persona's prefix (the route decides which).
#[component]
pub fn MembersPage(persona: Persona) -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.read().get("slug").unwrap_or_default());
    let actions = Actions {
        invite: ServerAction::new(),
        change: ServerAction::new(),
        remove: ServerAction::new(),
        revoke: ServerAction::new(),
        reset_two_factor: ServerAction::new(),
        require_two_factor: ServerAction::new(),
    };
    let page = resource(
        move || {
            (
                slug.get(),
                actions.invite.version().get(),
                actions.change.version().get(),
                actions.remove.version().get(),
                actions.revoke.version().get(),
                actions.reset_two_factor.version().get(),
                actions.require_two_factor.version().get(),
            )
        },
        |(slug, ..)| get_members_page(slug),
    );
    let place = Signal::derive(move || Place {
        persona: Some(persona),
        slug: Some(slug.get()),
        section: Section::Members,
    });
    view! {
        <AppShell place crumbs=vec![("Members".to_owned(), None)]>
            <PageHeader title="Members" subtitle="Who belongs to this workspace, and what each of them may do." />
            {loaded(page, "Loading members…", move |result| match result {
                Err(error) => view! { <ErrorView error /> }.into_any(),
                Ok(page) if is_wrong_prefix(&page.tenant, &slug.get(), persona) => {
                    let path = format!("{}/members", page.tenant.home_path());
                    view! { <Redirect path /> }.into_any()
                }
                Ok(page) => view! { <MembersBody page actions /> }.into_any(),
            })}
        </AppShell>
    }
}

#[component]
fn MembersBody(page: Page, actions: Actions) -> impl IntoView {
    let slug = page.tenant.slug.to_string();
    let can_manage = !page.assignable_roles.is_empty();
    let change_error = Signal::derive(move || {
        actions
            .change
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| actions.remove.value().get().and_then(Result::err))
            .or_else(|| actions.reset_two_factor.value().get().and_then(Result::err))
    });
    let shows_two_factor = page.my_role.can(Permission::MembersResetTwoFactor);
    let invitations = page.invitations.clone();
    let invite_roles = page.assignable_roles.clone();
    view! {
        {invitations.is_some().then(|| view! { <InviteForm slug=slug.clone() roles=invite_roles action=actions.invite /> })}
        <section class="panel" aria-labelledby="members-title">
            <h2 id="members-title">{format!("{} members", page.members.len())}</h2>
            <ActionError error=change_error />
            <div class="table-wrap">
                <table class="cards-on-phone" data-testid="members">
                    <thead>
                        <tr>
                            <th scope="col">"Name"</th>
                            <th scope="col">"Email"</th>
                            <th scope="col">"Role"</th>
                            <th scope="col">"Joined"</th>
                            <th scope="col">"Last sign-in"</th>
                            {shows_two_factor.then(|| view! { <th scope="col">"Two-factor"</th> })}
                            {can_manage.then(|| view! { <th scope="col"><span class="visually-hidden">"Actions"</span></th> })}
                        </tr>
                    </thead>
                    <tbody>
                        {page
                            .members
                            .into_iter()
                            .map(|m| view! { <MemberRow member=m me=page.me slug=slug.clone() roles=page.assignable_roles.clone() actions /> })
                            .collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
        {invitations.map(|list| view! { <PendingInvitations slug=slug.clone() list action=actions.revoke /> })}
        <TwoFactorRule slug=slug.clone() policy=page.two_factor my_role=page.my_role action=actions.require_two_factor />
    }
}

/// The workspace's two-factor rule: what it is, and for owners the switch.
#[component]
fn TwoFactorRule(
    slug: String,
    policy: TwoFactorPolicy,
    my_role: Role,
    action: ServerAction<SetTwoFactorRequirement>,
) -> impl IntoView {
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let state = match (policy.required_since, policy.deadline()) {
        (Some(since), Some(deadline)) => format!(
            "Required of every member since {}. Members without it had until {} to set it up.",
            format_date(since),
            format_date(deadline)
        ),
        _ => "Not required: each member decides for themselves.".to_owned(),
    };
    let required = policy.required_since.is_some();
    view! {
        <section class="panel" aria-labelledby="two-factor-rule-title" data-testid="two-factor-rule">
            <h2 id="two-factor-rule-title">"Two-factor sign-in"</h2>
            <p data-testid="two-factor-rule-state">{state}</p>
            {my_role.can(Permission::SecurityManage).then(|| view! {
                <ActionForm action attr:class="stack narrow-form" attr:novalidate="true">
                    <input type="hidden" name="slug" value=slug />
                    <input type="hidden" name="require" value=if required { "false" } else { "true" } />
                    {(!required).then(|| view! {
                        <Field name="grace_days" label="Days members get to set it up" kind="number" value="7" required=true server_error=error hint="0 to 90. Members without it are told now and shut out after that." />
                    })}
                    {required.then(|| view! { <input type="hidden" name="grace_days" value="0" /> })}
                    <ActionError error />
                    <button type="submit" class=if required { "button" } else { "button primary" } disabled=move || action.pending().get()>
                        {if required { "Stop requiring two-factor sign-in" } else { "Require two-factor sign-in" }}
                    </button>
                </ActionForm>
            })}
        </section>
    }
}

#[component]
fn MemberRow(
    member: shared::members::MemberView,
    me: shared::ids::UserId,
    slug: String,
    roles: Vec<Role>,
    actions: Actions,
) -> impl IntoView {
    let can_manage = !roles.is_empty();
    let is_me = member.user_id == me;
    let user_id = member.user_id.to_string();
    let (reset_slug, reset_user) = (slug.clone(), user_id.clone());
    let role_cell = if can_manage {
        let current = member.role;
        let options: Vec<Role> = if roles.contains(&current) {
            roles
        } else {
            vec![current]
        };
        let (slug, user_id) = (slug.clone(), user_id.clone());
        let select_id = format!("role-{user_id}");
        let label = format!("Role of {}", member.name);
        view! {
            <ActionForm action=actions.change attr:class="inline-form">
                <input type="hidden" name="slug" value=slug />
                <input type="hidden" name="user_id" value=user_id />
                <label class="visually-hidden" for=select_id.clone()>{label}</label>
                <select id=select_id name="role">
                    {options
                        .into_iter()
                        .map(|r| view! { <option value=r.as_str() selected=r == current>{r.label()}</option> })
                        .collect_view()}
                </select>
                <button type="submit" class="button small">"Save"</button>
            </ActionForm>
        }
        .into_any()
    } else {
        view! { <span class="badge role">{member.role.label()}</span> }.into_any()
    };
    let remove = can_manage.then(|| {
        view! {
            <td class="actions">
                <ActionForm action=actions.remove>
                    <input type="hidden" name="slug" value=slug />
                    <input type="hidden" name="user_id" value=user_id />
                    <button type="submit" class="button small danger">{if is_me { "Leave" } else { "Remove" }}</button>
                </ActionForm>
            </td>
        }
    });
    view! {
        <tr data-email=member.email.to_string()>
            <td class="card-title">{member.name.to_string()}{is_me.then_some(" (you)")}</td>
            <td data-label="Email">{member.email.to_string()}</td>
            <td data-label="Role">{role_cell}</td>
            <td data-label="Joined">{format_date(member.joined_at)}</td>
            <td data-label="Last sign-in">{member.last_sign_in_at.map(format_time).unwrap_or_else(|| "never".into())}</td>
            {member.two_factor.map(|on| view! {
                <td data-label="Two-factor">
                    {if on {
                        view! { <span class="badge ok">"On"</span> }.into_any()
                    } else {
                        view! { <span class="badge">"Off"</span> }.into_any()
                    }}
                    {(on && !is_me).then(|| view! {
                        <ActionForm action=actions.reset_two_factor attr:class="inline-form">
                            <input type="hidden" name="slug" value=reset_slug.clone() />
                            <input type="hidden" name="user_id" value=reset_user.clone() />
                            <button type="submit" class="button small" aria-label=format!("Reset two-factor sign-in of {}", member.name)>"Reset"</button>
                        </ActionForm>
                    })}
                </td>
            })}
            {remove}
        </tr>
    }
}

#[component]
fn InviteForm(slug: String, roles: Vec<Role>, action: ServerAction<InviteMember>) -> impl IntoView {
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let created = move || action.value().get().and_then(Result::ok);
    view! {
        <section class="panel" aria-labelledby="invite-title">
            <h2 id="invite-title">"Invite someone"</h2>
            <ActionForm action attr:class="invite-form" attr:novalidate="true">
                <input type="hidden" name="slug" value=slug.clone() />
                <Field name="email" label="Email" kind="email" required=true check=check_email server_error=error />
                <div class="field">
                    <label for="invite-role">"Role"</label>
                    <select id="invite-role" name="role">
                        {roles
                            .into_iter()
                            .map(|r| view! { <option value=r.as_str() selected=r == Role::Viewer>{r.label()}</option> })
                            .collect_view()}
                    </select>
                </div>
                <button type="submit" class="button primary" disabled=move || action.pending().get()>"Send invitation"</button>
            </ActionForm>
            <ActionError error />
            {move || created().map(|c| view! { <InvitationLink created=c /> })}
        </section>
    }
}

#[component]
fn InvitationLink(created: CreatedInvitation) -> impl IntoView {
    let link = created.link.clone();
    let (copied, set_copied) = signal(false);
    let copy = move |_| {
        let clipboard = window().navigator().clipboard();
        let _ = clipboard.write_text(&link);
        set_copied.set(true);
    };
    view! {
        <div class="notice" role="status" data-testid="invitation-link">
            <p>
                {format!("Invitation for {} as {} created. ", created.invitation.email, created.invitation.role.label())}
                {if created.emailed { "We emailed the link; " } else { "Email is not configured, so share the link yourself; " }}
                "it is shown only now."
            </p>
            <p class="copy-row">
                <input type="text" readonly=true value=created.link.clone() aria-label="Invitation link" />
                <button type="button" class="button small" on:click=copy>
                    {move || if copied.get() { "Copied" } else { "Copy link" }}
                </button>
            </p>
        </div>
    }
}

#[component]
fn PendingInvitations(
    slug: String,
    list: Vec<shared::members::InvitationView>,
    action: ServerAction<RevokeInvitation>,
) -> impl IntoView {
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    view! {
        <section class="panel" aria-labelledby="pending-title">
            <h2 id="pending-title">{format!("Pending invitations ({})", list.len())}</h2>
            <ActionError error />
            {if list.is_empty() {
                view! { <p class="muted">"No invitations are waiting."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="cards-on-phone" data-testid="invitations">
                            <thead>
                                <tr>
                                    <th scope="col">"Email"</th>
                                    <th scope="col">"Role"</th>
                                    <th scope="col">"Invited by"</th>
                                    <th scope="col">"Expires"</th>
                                    <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                                </tr>
                            </thead>
                            <tbody>
                                {list
                                    .into_iter()
                                    .map(|i| {
                                        let (slug, id) = (slug.clone(), i.id.to_string());
                                        view! {
                                            <tr>
                                                <td class="card-title">{i.email.to_string()}</td>
                                                <td data-label="Role">{i.role.label()}</td>
                                                <td data-label="Invited by">{i.invited_by.to_string()}</td>
                                                <td data-label="Expires">{format_time(i.expires_at)}</td>
                                                <td class="actions">
                                                    <ActionForm action>
                                                        <input type="hidden" name="slug" value=slug />
                                                        <input type="hidden" name="id" value=id />
                                                        <button type="submit" class="button small">"Revoke"</button>
                                                    </ActionForm>
                                                </td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                    .into_any()
            }}
        </section>
    }
}
