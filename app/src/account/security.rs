//! Account → Security: turning two-factor sign-in on and off, and backup codes.

use leptos::prelude::*;
use shared::two_factor::{BackupCodes, TotpSetup};

use super::confirm_totp_setup::ConfirmTotpSetup;
use super::disable_two_factor::DisableTwoFactor;
use super::get_two_factor::get_two_factor;
use super::regenerate_backup_codes::RegenerateBackupCodes;
use super::security_page::StepUp;
use super::start_totp_setup::StartTotpSetup;
use crate::components::errors::{ActionError, ErrorView};
use crate::components::forms::{Field, check_totp};
use crate::components::loaded::{loaded, resource};

#[component]
pub fn TwoFactorSection() -> impl IntoView {
    let start = ServerAction::<StartTotpSetup>::new();
    let confirm = ServerAction::<ConfirmTotpSetup>::new();
    let regenerate = ServerAction::<RegenerateBackupCodes>::new();
    let disable = ServerAction::<DisableTwoFactor>::new();
    let step_up = expect_context::<StepUp>();
    step_up.watch(regenerate.value());
    step_up.watch(disable.value());
    let step_up_confirmed = step_up.confirm.version();
    let status = resource(
        move || {
            (
                confirm.version().get(),
                regenerate.version().get(),
                disable.version().get(),
                // Confirming with a backup code spends one.
                step_up_confirmed.get(),
            )
        },
        |_| get_two_factor(),
    );
    // The codes just made (by turning it on or by regenerating), shown once. Each form
    // clears what the others left behind, so a turned-off account shows no dead codes and
    // no stale setup.
    let fresh_codes = Memo::new(move |_| {
        regenerate
            .value()
            .get()
            .or_else(|| confirm.value().get())
            .and_then(Result::ok)
    });
    let start_error = Signal::derive(move || start.value().get().and_then(Result::err));
    let confirm_error = Signal::derive(move || confirm.value().get().and_then(Result::err));
    let regenerate_error = Signal::derive(move || regenerate.value().get().and_then(Result::err));
    let disable_error = Signal::derive(move || disable.value().get().and_then(Result::err));

    view! {
        <section class="panel" aria-labelledby="two-factor-title" data-testid="two-factor">
            <h2 id="two-factor-title">"Two-factor sign-in"</h2>
            {move || fresh_codes.get().map(|codes| view! { <FreshCodes codes /> })}
            {loaded((status, step_up.status), "Loading…", move |(result, step)| match result {
                Err(error) => view! { <ErrorView error /> }.into_any(),
                Ok(status) if status.enabled => {
                    view! {
                        <p>
                            <span class="badge ok">"On"</span>
                            " Signing in asks for a code from your authenticator app after your password. "
                            <span data-testid="backup-codes-left">
                                {format!("{} backup code{} left.", status.backup_codes_left, if status.backup_codes_left == 1 { "" } else { "s" })}
                            </span>
                        </p>
                        {if StepUp::opens(&step) {
                            view! {
                                <div class="cards">
                                    <ActionForm action=regenerate attr:class="stack" on:submit=move |_| confirm.clear()>
                                        <h3>"New backup codes"</h3>
                                        <p class="muted">"Your current backup codes stop working."</p>
                                        <ActionError error=regenerate_error />
                                        <button type="submit" class="button" disabled=move || regenerate.pending().get()>"Make new backup codes"</button>
                                    </ActionForm>
                                    <ActionForm
                                        action=disable
                                        attr:class="stack"
                                        on:submit=move |_| {
                                            start.clear();
                                            confirm.clear();
                                            regenerate.clear();
                                        }
                                    >
                                        <h3>"Turn off"</h3>
                                        <p class="muted">"Your account is then protected by your password alone, and trusted devices stop being trusted."</p>
                                        <ActionError error=disable_error />
                                        <button type="submit" class="button danger" disabled=move || disable.pending().get()>"Turn off two-factor sign-in"</button>
                                    </ActionForm>
                                </div>
                            }
                                .into_any()
                        } else {
                            view! {
                                <p class="muted" data-testid="two-factor-locked">
                                    "Confirm it's you (above) to make new backup codes or turn two-factor sign-in off."
                                </p>
                            }
                                .into_any()
                        }}
                    }
                        .into_any()
                }
                Ok(_) => {
                    let setup = start.value().get().and_then(Result::ok);
                    match setup {
                        None => {
                            view! {
                                <p>
                                    <span class="badge">"Off"</span>
                                    " Add a second step to signing in: a code from an authenticator app on your phone (Google Authenticator, 1Password, Aegis, …)."
                                </p>
                                <ActionError error=start_error />
                                <ActionForm action=start on:submit=move |_| regenerate.clear()>
                                    <button type="submit" class="button primary" disabled=move || start.pending().get()>
                                        "Set up two-factor sign-in"
                                    </button>
                                </ActionForm>
                            }
                                .into_any()
                        }
                        Some(setup) => view! { <SetupSteps setup confirm confirm_error /> }.into_any(),
                    }
                }
            })}
        </section>
    }
}

#[component]
fn SetupSteps(
    setup: TotpSetup,
    confirm: ServerAction<ConfirmTotpSetup>,
    confirm_error: Signal<Option<shared::AppError>>,
) -> impl IntoView {
    let grouped = setup
        .secret
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ");
    view! {
        <ol class="steps">
            <li>
                <p>"Scan this QR code with your authenticator app."</p>
                <div class="qr" role="img" aria-label="QR code for your authenticator app" inner_html=setup.qr_svg></div>
                <p class="muted">
                    "Can't scan it? Enter this key instead: "
                    <code data-testid="totp-secret" data-secret=setup.secret.clone()>{grouped}</code>
                </p>
            </li>
            <li>
                <ActionForm action=confirm attr:class="stack" attr:novalidate="true">
                    <Field
                        name="code"
                        label="Enter the 6-digit code the app shows"
                        autocomplete="one-time-code"
                        inputmode="numeric"
                        required=true
                        check=check_totp
                        server_error=confirm_error
                    />
                    <ActionError error=confirm_error />
                    <button type="submit" class="button primary" disabled=move || confirm.pending().get()>"Turn on"</button>
                </ActionForm>
            </li>
        </ol>
    }
}

/// Backup codes, shown once, with a download.
#[component]
fn FreshCodes(codes: BackupCodes) -> impl IntoView {
    let text = codes.codes.join("\n");
    let (copied, set_copied) = signal(false);
    let copy = move |_| {
        let _ = window().navigator().clipboard().write_text(&text);
        set_copied.set(true);
    };
    let file = format!(
        "data:text/plain;charset=utf-8,{}",
        codes
            .codes
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join("%0A")
    );
    view! {
        <div class="notice" role="status" data-testid="backup-codes">
            <h3>"Your backup codes"</h3>
            <p>
                "Each code signs you in once when you don't have your phone. Keep them somewhere safe: they are shown only now."
            </p>
            <ul class="codes">
                {codes.codes.into_iter().map(|code| view! { <li><code>{code}</code></li> }).collect_view()}
            </ul>
            <p class="actions">
                <a class="button" href=file download="atrium-backup-codes.txt">"Download as .txt"</a>
                " "
                <button type="button" class="button" on:click=copy>
                    {move || if copied.get() { "Copied" } else { "Copy" }}
                </button>
            </p>
        </div>
    }
}
