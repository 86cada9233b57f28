//! The console's people: super admins search every account, and activate, deactivate or
//! sign out many at once — the ticked ones, or everyone a search matches.

use std::collections::HashMap;

use shared::AppError;
use shared::email::Email;
use shared::ids::UserId;
use shared::people::{
    ACTIVITY_LINES, BulkAction, BulkLine, BulkOutcome, BulkResult, BulkTargets, CSV_MAX_ROWS,
    PAGE_SIZE, PersonDetail, RESULT_LINES_MAX, UserListing, UserQuery, UsersPage,
};
use shared::permissions::Permission;
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
    let mut rows = data.people(&query, now, PAGE_SIZE + 1).await?;
    let next = if rows.len() > PAGE_SIZE as usize {
        rows.truncate(PAGE_SIZE as usize);
        rows.last().map(|row| row.id)
    } else {
        None
    };
    let total = data.count_people(&query, now).await?;
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
    Ok(PersonDetail {
        person: listing(person),
        workspaces,
        sessions,
        activity,
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

/// Applies `action` to the ticked people, or to everyone `query` matches — refused when
/// that is no longer the count the person confirmed. The caller's own account is left
/// alone. Each person changed gets an audit entry, and the whole action one more.
#[instrument(skip_all, fields(?action))]
pub async fn bulk(
    svc: &Services,
    caller: &Caller,
    client: &ClientInfo,
    query: &UserQuery,
    targets: BulkTargets,
    action: BulkAction,
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

    let (own, others): (Vec<BulkTarget>, Vec<BulkTarget>) =
        people.into_iter().partition(|p| p.id == caller.user_id);
    let batch = uuid::Uuid::now_v7().to_string();
    let mut changed: HashMap<UserId, u64> = HashMap::new();
    for chunk in others.chunks(CHUNK) {
        let mut mails = Vec::new();
        let ids: Vec<UserId> = chunk.iter().map(|p| p.id).collect();
        let mut tx = svc.store().begin().await?;
        let done: HashMap<UserId, u64> = match action {
            BulkAction::Activate => data
                .set_people_status(&mut tx, &ids, UserStatus::Active)
                .await?
                .into_iter()
                .map(|id| (id, 0))
                .collect(),
            BulkAction::Deactivate => {
                let disabled = data
                    .set_people_status(&mut tx, &ids, UserStatus::Disabled)
                    .await?;
                let ended = data.revoke_sessions_of(&mut tx, &disabled, now).await?;
                disabled
                    .into_iter()
                    .map(|id| (id, ended.get(&id).copied().unwrap_or(0)))
                    .collect()
            }
            BulkAction::SignOutEverywhere => data.revoke_sessions_of(&mut tx, &ids, now).await?,
            BulkAction::ForcePasswordReset => {
                let ended = data.revoke_sessions_of(&mut tx, &ids, now).await?;
                let mut done = HashMap::new();
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
                    done.insert(person.id, ended.get(&person.id).copied().unwrap_or(0));
                }
                done
            }
        };
        for person in chunk {
            if let Some(sessions) = done.get(&person.id) {
                tx.audit(&audit::entry(
                    per_person_action(action),
                    Some(caller.user_id),
                    None,
                    Some(person.email.clone()),
                    client,
                    serde_json::json!({ "batch": batch, "sessions": sessions }),
                ))
                .await?;
            }
        }
        tx.commit().await?;
        for mail in mails {
            svc.send_mail(mail).await;
        }
        changed.extend(done);
    }

    let mut lines: Vec<BulkLine> = own
        .iter()
        .map(|p| BulkLine {
            email: p.email.clone(),
            outcome: BulkOutcome::Skipped,
            note: "Your own account: change it from your account's Security page.".to_owned(),
        })
        .collect();
    let mut unchanged = 0_u64;
    for person in &others {
        let line = match changed.get(&person.id) {
            Some(sessions) => BulkLine {
                email: person.email.clone(),
                outcome: BulkOutcome::Changed,
                note: changed_note(action, *sessions),
            },
            None => {
                unchanged += 1;
                BulkLine {
                    email: person.email.clone(),
                    outcome: BulkOutcome::Unchanged,
                    note: unchanged_note(action, person.status).to_owned(),
                }
            }
        };
        lines.push(line);
    }
    lines.truncate(RESULT_LINES_MAX);
    let result = BulkResult {
        action,
        changed: changed.len() as u64,
        unchanged,
        skipped: own.len() as u64,
        lines,
    };
    svc.store()
        .audit(&audit::entry(
            actions::PEOPLE_BULK_ACTION,
            Some(caller.user_id),
            None,
            Some(action.as_str().to_owned()),
            client,
            serde_json::json!({
                "batch": batch,
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

const fn per_person_action(action: BulkAction) -> &'static str {
    match action {
        BulkAction::Activate => actions::PERSON_ACTIVATED,
        BulkAction::Deactivate => actions::PERSON_DEACTIVATED,
        BulkAction::SignOutEverywhere => actions::PERSON_SIGNED_OUT,
        BulkAction::ForcePasswordReset => actions::PERSON_PASSWORD_RESET,
    }
}

fn changed_note(action: BulkAction, sessions: u64) -> String {
    let ended = match sessions {
        0 => "no session was open".to_owned(),
        1 => "1 session ended".to_owned(),
        n => format!("{n} sessions ended"),
    };
    match action {
        BulkAction::Activate => "Activated".to_owned(),
        BulkAction::Deactivate => format!("Deactivated; {ended}"),
        BulkAction::SignOutEverywhere => format!("Signed out: {ended}"),
        BulkAction::ForcePasswordReset => format!("Password reset, link emailed; {ended}"),
    }
}

const fn unchanged_note(action: BulkAction, status: UserStatus) -> &'static str {
    match (action, status) {
        (BulkAction::Activate, _) => "Already active",
        (BulkAction::Deactivate, _) => "Already deactivated",
        (BulkAction::SignOutEverywhere, UserStatus::Disabled) => {
            "Deactivated, with no session open"
        }
        (BulkAction::SignOutEverywhere, UserStatus::Active) => "No session was open",
        // Every password can be reset again: nobody is left unchanged.
        (BulkAction::ForcePasswordReset, _) => "Not reset",
    }
}
