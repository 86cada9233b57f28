//! The session cookie: `HttpOnly`, `SameSite=Lax`, `Path=/`; `Secure` with the `__Host-`
//! prefix when Atrium is served over https (plain-http localhost development cannot store
//! `Secure` cookies on every browser).

use crate::config::Settings;

pub fn cookie_name(settings: &Settings) -> &'static str {
    if settings.is_https() {
        "__Host-atrium_session"
    } else {
        "atrium_session"
    }
}

/// `Set-Cookie` value carrying a new session token.
pub fn session_cookie(settings: &Settings, token: &str) -> String {
    let max_age = settings.absolute_timeout().num_seconds();
    format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{}",
        cookie_name(settings),
        secure_attr(settings)
    )
}

/// `Set-Cookie` value that removes the session cookie.
pub fn clear_session_cookie(settings: &Settings) -> String {
    format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        cookie_name(settings),
        secure_attr(settings)
    )
}

/// The cookie of a browser trusted to skip the second step.
pub fn device_cookie_name(settings: &Settings) -> &'static str {
    if settings.is_https() {
        "__Host-atrium_device"
    } else {
        "atrium_device"
    }
}

/// `Set-Cookie` value carrying a trusted-device token for `max_age_secs`.
pub fn device_cookie(settings: &Settings, token: &str, max_age_secs: i64) -> String {
    format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{}",
        device_cookie_name(settings),
        secure_attr(settings)
    )
}

fn secure_attr(settings: &Settings) -> &'static str {
    if settings.is_https() { "; Secure" } else { "" }
}

/// The session token in a `Cookie` header, if present.
pub fn token_from_cookie_header<'a>(settings: &Settings, header: &'a str) -> Option<&'a str> {
    let name = cookie_name(settings);
    header.split(';').find_map(|pair| {
        let (key, value) = pair.trim().split_once('=')?;
        (key == name && !value.is_empty()).then_some(value)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_flags_follow_the_scheme() {
        let mut settings = Settings::load(None).unwrap();
        let plain = session_cookie(&settings, "tok");
        assert!(plain.starts_with("atrium_session=tok; Path=/; HttpOnly; SameSite=Lax; Max-Age="));
        assert!(!plain.contains("Secure"));
        settings.http.public_url = Some("https://atrium.example".into());
        let secure = session_cookie(&settings, "tok");
        assert!(secure.starts_with("__Host-atrium_session=tok;"));
        assert!(secure.ends_with("; Secure"));
        assert!(clear_session_cookie(&settings).contains("Max-Age=0"));
    }

    #[test]
    fn tokens_are_found_among_other_cookies() {
        let settings = Settings::load(None).unwrap();
        assert_eq!(
            token_from_cookie_header(&settings, "theme=dark; atrium_session=abc"),
            Some("abc")
        );
        assert_eq!(token_from_cookie_header(&settings, "atrium_session="), None);
        assert_eq!(token_from_cookie_header(&settings, "other=1"), None);
    }
}
