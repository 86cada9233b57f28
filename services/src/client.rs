//! Who is on the other end of a request, as far as the network tells: for audit entries,
//! session lists and throttling.

use std::net::IpAddr;

use shared::ids::UserId;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientInfo {
    pub ip: Option<IpAddr>,
    pub user_agent: Option<String>,
    /// The super admin at the keyboard while the caller is being impersonated: audit
    /// entries name them as the actor, on behalf of the person.
    pub impersonator: Option<UserId>,
}

impl ClientInfo {
    pub fn ip_text(&self) -> Option<String> {
        self.ip.map(|ip| ip.to_string())
    }

    /// The user agent, bounded so a hostile header cannot bloat the audit log.
    pub fn user_agent_text(&self) -> Option<String> {
        self.user_agent
            .as_deref()
            .map(|ua| ua.chars().take(300).collect())
    }
}
