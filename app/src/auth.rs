//! Signing up, in and out.

pub mod check_password_reset;
mod forgot_password_page;
mod login_page;
pub mod request_password_reset;
pub mod reset_password;
mod reset_password_page;
pub mod sign_in;
pub mod sign_out;
pub mod sign_up;
mod signup_page;
mod two_factor_page;
pub mod verify_email;
mod verify_email_page;
pub mod verify_second_factor;

use leptos::prelude::*;
use leptos_router::components::Redirect;

pub use forgot_password_page::ForgotPasswordPage;
pub use login_page::LoginPage;
pub use reset_password_page::ResetPasswordPage;
pub use signup_page::SignupPage;
pub use two_factor_page::TwoFactorPage;
pub use verify_email_page::VerifyEmailPage;

use crate::components::errors::ErrorView;
use crate::components::layout::Me;

/// Only local paths may be returned to after signing in, never another site.
pub fn safe_return_path(next: Option<&str>) -> Option<String> {
    let next = next?.trim();
    let local = next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\");
    (local && !next.contains(['\r', '\n'])).then(|| next.to_owned())
}

/// The second step of signing in, carrying where to go afterwards when that is a plain
/// local path (anything fancier is dropped rather than encoded).
pub fn second_step_path(next: Option<&str>) -> String {
    const PATH: &str = "/login/two-factor";
    match next {
        Some(next)
            if next
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"/-_.".contains(&b)) =>
        {
            format!("{PATH}?next={next}")
        }
        _ => PATH.to_owned(),
    }
}

/// `/`: your home when signed in, the sign-in page otherwise.
#[component]
pub fn HomeRedirect() -> impl IntoView {
    let Me(me) = expect_context::<Me>();
    match me.as_ref() {
        Ok(Some(me)) => view! { <Redirect path=me.home_path() /> }.into_any(),
        Ok(None) => view! { <Redirect path="/login" /> }.into_any(),
        Err(error) => {
            let error = error.clone();
            view! { <ErrorView error /> }.into_any()
        }
    }
}

/// After a successful sign-in from the app's client: a full page load, so every part of
/// the page starts from the new session.
pub fn navigate_hard(path: &str) {
    let _ = window().location().assign(path);
}

/// Follows the path a sign-in step answers with, once it succeeds.
fn follow_when_signed_in(
    answer: impl Get<Value = Option<Result<String, shared::AppError>>> + 'static,
) {
    Effect::new(move |_| {
        if let Some(Ok(path)) = answer.get() {
            navigate_hard(&path);
        }
    });
}

/// On the sign-in pages: someone already signed in goes to their home.
#[component]
fn LeaveWhenSignedIn() -> impl IntoView {
    let me = expect_context::<Me>();
    me.person()
        .map(|me| view! { <Redirect path=me.home_path() /> })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_second_step_keeps_plain_return_paths_only() {
        assert_eq!(second_step_path(None), "/login/two-factor");
        assert_eq!(
            second_step_path(Some("/app/acme/members")),
            "/login/two-factor?next=/app/acme/members"
        );
        assert_eq!(
            second_step_path(Some("/app/acme?x=1&y=2")),
            "/login/two-factor"
        );
    }

    #[test]
    fn only_local_paths_come_back() {
        assert_eq!(
            safe_return_path(Some("/app/acme")),
            Some("/app/acme".into())
        );
        assert_eq!(safe_return_path(Some("https://evil.example")), None);
        assert_eq!(safe_return_path(Some("//evil.example")), None);
        assert_eq!(safe_return_path(Some("/\\evil.example")), None);
        assert_eq!(safe_return_path(Some("/x\r\nSet-Cookie: a=b")), None);
        assert_eq!(safe_return_path(None), None);
    }
}
