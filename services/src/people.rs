//! The console's people: super admins search every account, and activate, deactivate,
//! sign out, give or take a persona, or change the role of many at once — the ticked ones,
//! or everyone a search matches.

use std::collections::HashMap;

use shared::AppError;
use shared::email::Email;
use shared::ids::UserId;
use shared::people::{
    ACTIVITY_LINES, BulkChange, BulkLine, BulkOutcome, BulkResult, BulkTargets, CSV_MAX_ROWS,
    PAGE_SIZE, PersonDetail, RESULT_LINES_MAX, USAGE_DAYS, UserListing, UserQuery, UsersPage,
};
use shared::permissions::{Permission, Role, check_member_change};
use shared::platform::UserStatus;
use tracing::instrument;

use crate::audit::{self, actions};
use crate::authz::{self, Caller};
use crate::client::ClientInfo;
use crate::csv_table::CsvTable;
use crate::error::Result;
use crate::state::Services;
use crate::storage::people::{BulkTarget, PersonRow};

/// People written per transaction: a bulk action over thousands never holds the database's
/// single writer for long.
const CHUNK: usize = 500;

/// A page of the people the search matches, with how many it matches in all.
#[instrument(skip_all)]
pub async fn search(svc: &Services, caller: &Caller, query: UserQuery) -> Result<UsersPage> {
    let access = authz::enter_platform(caller)?;
    authz::require(&access, Permission::PlatformView)?;
    let data = svc.store().platform(&access);
    let now = crate::time::now();
    let (mut rows, total) = tokio::try_join!(
        data.people(&query, now, PAGE_SIZE + 1),
        data.count_people(&query, now)
    )?;
    let next = if rows.len() > PAGE_SIZE as usize {
        rows.truncate(PAGE_SIZE as usize);
        rows.last().map(|row| row.id)
    } else {
        None
    };
    Ok(UsersPage {
        query,
        total: u64::try_from(total).unwrap_or(0),
        people: rows.into_iter().map(listing).collect(),
        next,
    })
}

/// Everything the console shows about one person: who they are, where they belong, where
/// they are signed in, and what the audit log says they did or had done to them.
#[instrument(skip_all)]
pub async fn detail(svc: &Services, caller: &Caller, id: &str) -> Result<PersonDetail> {
    let access = authz::enter_platform(caller)?;
    authz::require(&access, Permission::PlatformView)?;
    authz::require(&access, Permission::AuditRead)?;
    let data = svc.store().platform(&access);
    let missing = || AppError::not_found("That person");
    let id = id.parse::<UserId>().map_err(|_| missing())?;
    let person = data.person(id).await?.ok_or_else(missing)?;
    let workspaces = svc.store().workspaces_of(id).await?;
    let sessions = svc
        .store()
        .live_sessions(id, crate::time::now())
        .await?
        .into_iter()
        .map(|row| row.view(false))
        .collect();
    let activity = audit::mentioning(&data, &person.email, ACTIVITY_LINES).await?;
    let since = (crate::time::now() - chrono::TimeDelta::days(USAGE_DAYS)).date_naive();
    let usage = data
        .person_usage(id, since)
        .await?
        .into_iter()
        .map(|row| row.view())
        .collect();
    Ok(PersonDetail {
        person: listing(person),
        workspaces,
        sessions,
        activity,
        usage,
    })
}

/// Everyone the search matches (up to [`CSV_MAX_ROWS`], in its order) as CSV.
#[instrument(skip_all)]
pub async fn csv(svc: &Services, caller: &Caller, mut query: UserQuery) -> Result<String> {
    let access = authz::enter_platform(caller)?;
    authz::require(&access, Permission::PlatformView)?;
    query.after = None;
    let rows = svc
        .store()
        .platform(&access)
        .people(&query, crate::time::now(), CSV_MAX_ROWS)
        .await?;
    let mut out = CsvTable::new(&[
        "email",
        "name",
        "personas",
        "status",
        "workspaces",
        "two_factor",
        "last_sign_in",
        "joined",
        "id",
    ])?;
    let time = crate::csv_table::time;
    for row in rows {
        out.row([
            row.email.as_str(),
            row.name.as_str(),
            &row.personas.to_text(),
            row.status.as_str(),
            &row.workspaces.to_string(),
            if row.two_factor { "on" } else { "off" },
            &row.last_sign_in_at.map(time).unwrap_or_default(),
            &time(row.created_at),
            &row.id.to_string(),
        ])?;
    }
    out.finish()
}

fn listing(row: PersonRow) -> UserListing {
    UserListing {
        id: row.id,
        email: row.email,
        name: row.name,
        personas: row.personas,
        status: row.status,
        created_at: row.created_at,
        last_sign_in_at: row.last_sign_in_at,
        two_factor: row.two_factor,
        workspaces: u32::try_from(row.workspaces).unwrap_or(u32::MAX),
    }
}

/// What a bulk action did to one person it changed or left alone for a reason.
enum Done {
    /// Changed: the line's note, and the details its audit entry keeps.
    Changed(String, serde_json::Value),
    /// Left alone, and why.
    Skipped(String),
}

/// Applies `change` to the ticked people, or to everyone `query` matches — refused when
/// that is no longer the count the person confirmed. The caller's own account is left
/// alone. Each person changed gets an audit entry, and the whole action one more.
#[instrument(skip_all, fields(action = ?change.action()))]
pub async fn bulk(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    query: &UserQuery,
    targets: BulkTargets,
    change: BulkChange,
) -> Result<BulkResult> {
    let access = authz::enter_platform(caller)?;
    authz::require(&access, Permission::UsersManage)?;
    let data = svc.store().platform(&access);
    let now = crate::time::now();
    let people = match &targets {
        BulkTargets::Selected(ids) => {
            let found = data.people_by_ids(ids).await?;
            if found.is_empty() {
                return Err(AppError::not_found("The people you selected").into());
            }
            found
        }
        BulkTargets::Matching(expected) => {
            let found = data.people_matching(query, now).await?;
            if found.len() as u64 != *expected {
                return Err(AppError::conflict(format!(
                    "The search now matches {} people, not {expected}: check the list and confirm again.",
                    found.len()
                ))
                .into());
            }
            if found.is_empty() {
                return Err(AppError::invalid("expected", "The search matches nobody.").into());
            }
            found
        }
    };
    // A role is changed through the workspace's own data, as its owners change one.
    let workspace = match &change {
        BulkChange::ChangeRole { tenant, .. } => {
            let found = data
                .tenant_by_slug(tenant)
                .await?
                .ok_or_else(|| AppError::not_found(format!("The workspace “{tenant}”")))?;
            Some(found)
        }
        _ => None,
    };

    let (own, others): (Vec<BulkTarget>, Vec<BulkTarget>) =
        people.into_iter().partition(|p| p.id == caller.user_id);
    let batch = uuid::Uuid::now_v7().to_string();
    let mut done: HashMap<UserId, Done> = HashMap::new();
    for chunk in others.chunks(CHUNK) {
        let mut mails = Vec::new();
        let ids: Vec<UserId> = chunk.iter().map(|p| p.id).collect();
        let mut tx = svc.store().begin().await?;
        let sessions = |ended: &HashMap<UserId, u64>, id: &UserId| {
            let n = ended.get(id).copied().unwrap_or(0);
            (
                ended_note(n),
                serde_json::json!({ "batch": batch, "sessions": n }),
            )
        };
        let outcome: HashMap<UserId, Done> = match &change {
            BulkChange::Activate => data
                .set_people_status(&mut tx, &ids, UserStatus::Active)
                .await?
                .into_iter()
                .map(|id| {
                    let details = serde_json::json!({ "batch": batch });
                    (id, Done::Changed("Activated".to_owned(), details))
                })
                .collect(),
            BulkChange::Deactivate => {
                let disabled = data
                    .set_people_status(&mut tx, &ids, UserStatus::Disabled)
                    .await?;
                let ended = data.revoke_sessions_of(&mut tx, &disabled, now).await?;
                disabled
                    .into_iter()
                    .map(|id| {
                        let (note, details) = sessions(&ended, &id);
                        (id, Done::Changed(format!("Deactivated; {note}"), details))
                    })
                    .collect()
            }
            BulkChange::SignOutEverywhere => {
                let ended = data.revoke_sessions_of(&mut tx, &ids, now).await?;
                ended
                    .keys()
                    .map(|id| {
                        let (note, details) = sessions(&ended, id);
                        (*id, Done::Changed(format!("Signed out: {note}"), details))
                    })
                    .collect()
            }
            BulkChange::ForcePasswordReset => {
                let ended = data.revoke_sessions_of(&mut tx, &ids, now).await?;
                let mut reset = HashMap::new();
                for person in chunk {
                    let email = Email::parse(&person.email)?;
                    mails.push(
                        crate::auth::recovery::force_reset(
                            svc,
                            &mut tx,
                            person.id,
                            email,
                            &person.name,
                        )
                        .await?,
                    );
                    let (note, details) = sessions(&ended, &person.id);
                    let note = format!("Password reset, link emailed; {note}");
                    reset.insert(person.id, Done::Changed(note, details));
                }
                reset
            }
            BulkChange::GrantPersona(persona) | BulkChange::RemovePersona(persona) => {
                let grant = matches!(change, BulkChange::GrantPersona(_));
                let mut changed = HashMap::new();
                for person in chunk {
                    if person.personas.contains(*persona) == grant {
                        continue;
                    }
                    let personas = if grant {
                        person.personas.with(*persona)
                    } else {
                        person.personas.without(*persona)
                    };
                    tx.set_personas(person.id, &personas).await?;
                    let note = if grant {
                        "Persona given"
                    } else {
                        "Persona taken away"
                    };
                    let details = serde_json::json!({
                        "batch": batch,
                        "from": person.personas.to_text(),
                        "to": personas.to_text(),
                    });
                    changed.insert(person.id, Done::Changed(note.to_owned(), details));
                }
                changed
            }
            BulkChange::ChangeRole { role, .. } => {
                let Some(workspace) = &workspace else {
                    return Err(AppError::not_found("The workspace").into());
                };
                change_roles(svc, &access, &mut tx, workspace, chunk, *role, &batch).await?
            }
        };
        for person in chunk {
            if let Some(Done::Changed(_, details)) = outcome.get(&person.id) {
                tx.audit(&audit::entry(
                    per_person_action(&change),
                    Some(caller.user_id),
                    workspace.as_ref().map(|w| w.id),
                    Some(person.email.clone()),
                    client,
                    details.clone(),
                ))
                .await?;
            }
        }
        tx.commit().await?;
        for mail in mails {
            svc.send_mail(mail).await;
        }
        done.extend(outcome);
    }

    let (mut skipped, mut rest) = (Vec::new(), Vec::new());
    for person in &own {
        skipped.push(BulkLine {
            email: person.email.clone(),
            outcome: BulkOutcome::Skipped,
            note: "Your own account: change it from your account's Security page.".to_owned(),
        });
    }
    let (mut changed, mut unchanged) = (0_u64, 0_u64);
    for person in &others {
        let (outcome, note) = match done.remove(&person.id) {
            Some(Done::Changed(note, _)) => {
                changed += 1;
                (BulkOutcome::Changed, note)
            }
            Some(Done::Skipped(note)) => (BulkOutcome::Skipped, note),
            None => {
                unchanged += 1;
                (
                    BulkOutcome::Unchanged,
                    unchanged_note(&change, person).to_owned(),
                )
            }
        };
        let line = BulkLine {
            email: person.email.clone(),
            outcome,
            note,
        };
        if outcome == BulkOutcome::Skipped {
            skipped.push(line);
        } else {
            rest.push(line);
        }
    }
    let skipped_count = skipped.len() as u64;
    let mut lines = skipped;
    lines.extend(rest);
    lines.truncate(RESULT_LINES_MAX);
    let result = BulkResult {
        change: change.clone(),
        changed,
        unchanged,
        skipped: skipped_count,
        lines,
    };
    svc.store()
        .audit(&audit::entry(
            actions::PEOPLE_BULK_ACTION,
            Some(caller.user_id),
            workspace.as_ref().map(|w| w.id),
            Some(change.action().as_str().to_owned()),
            client,
            serde_json::json!({
                "batch": batch,
                "change": change.title(),
                "targets": match targets {
                    BulkTargets::Selected(_) => "selected".to_owned(),
                    BulkTargets::Matching(_) => query.to_query_string(),
                },
                "changed": result.changed,
                "unchanged": result.unchanged,
                "skipped": result.skipped,
            }),
        ))
        .await?;
    Ok(result)
}

/// Gives `role` in `workspace` to those of `people` who are members there, under the rule
/// every role change follows (the workspace keeps an owner); the others are skipped.
async fn change_roles(
    svc: &Services,
    access: &authz::PlatformAccess,
    tx: &mut crate::storage::Tx,
    workspace: &shared::tenants::TenantSummary,
    people: &[BulkTarget],
    role: Role,
    batch: &str,
) -> Result<HashMap<UserId, Done>> {
    let data = svc.store().tenant_from_platform(access, workspace.id);
    data.lock_for_member_change(tx).await?;
    let mut owners = data.owner_count(tx).await?;
    let mut outcome = HashMap::new();
    for person in people {
        let Some(from) = data.member_role(tx, person.id).await? else {
            let note = format!("Not a member of “{}”", workspace.slug);
            outcome.insert(person.id, Done::Skipped(note));
            continue;
        };
        if from == role {
            continue;
        }
        // The console acts with an owner's authority over roles.
        if let Err(refusal) = check_member_change(Role::Owner, from, Some(role), owners) {
            outcome.insert(person.id, Done::Skipped(refusal.message(Role::Owner)));
            continue;
        }
        data.set_role(tx, person.id, role).await?;
        if from == Role::Owner {
            owners -= 1;
        }
        if role == Role::Owner {
            owners += 1;
        }
        let note = format!("{} → {}", from.label(), role.label());
        let details = serde_json::json!({ "batch": batch, "from": from, "to": role });
        outcome.insert(person.id, Done::Changed(note, details));
    }
    Ok(outcome)
}

const fn per_person_action(change: &BulkChange) -> &'static str {
    match change {
        BulkChange::Activate => actions::PERSON_ACTIVATED,
        BulkChange::Deactivate => actions::PERSON_DEACTIVATED,
        BulkChange::SignOutEverywhere => actions::PERSON_SIGNED_OUT,
        BulkChange::ForcePasswordReset => actions::PERSON_PASSWORD_RESET,
        BulkChange::GrantPersona(_) => actions::PERSON_PERSONA_GIVEN,
        BulkChange::RemovePersona(_) => actions::PERSON_PERSONA_TAKEN,
        BulkChange::ChangeRole { .. } => actions::MEMBER_ROLE_CHANGED,
    }
}

fn ended_note(sessions: u64) -> String {
    match sessions {
        0 => "no session was open".to_owned(),
        1 => "1 session ended".to_owned(),
        n => format!("{n} sessions ended"),
    }
}

fn unchanged_note(change: &BulkChange, person: &BulkTarget) -> &'static str {
    match change {
        BulkChange::Activate => "Already active",
        BulkChange::Deactivate => "Already deactivated",
        BulkChange::SignOutEverywhere if person.status == UserStatus::Disabled => {
            "Deactivated, with no session open"
        }
        BulkChange::SignOutEverywhere => "No session was open",
        // Every password can be reset again: nobody is left unchanged.
        BulkChange::ForcePasswordReset => "Not reset",
        BulkChange::GrantPersona(_) => "Already has it",
        BulkChange::RemovePersona(_) => "Did not have it",
        BulkChange::ChangeRole { .. } => "Already has this role",
    }
}
