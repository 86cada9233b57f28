//! Who is on the other end of a request, as far as the network tells: for audit entries,
//! session lists and throttling.

use std::net::IpAddr;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientInfo {
    pub ip: Option<IpAddr>,
    pub user_agent: Option<String>,
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
