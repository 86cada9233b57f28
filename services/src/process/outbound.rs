//! Where webhook steps may send: by default only to public addresses. A workspace admin
//! writes the URL, so without this any tenant could make the server reach its own loopback,
//! the private network or a cloud metadata service (server-side request forgery). Names are
//! checked when they resolve (so a name that later resolves elsewhere is caught too), and
//! address literals before the request is sent.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Whether an address is on the public internet (not loopback, private, link-local,
/// shared, multicast, documentation or unspecified).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || a >= 240
                || (a == 100 && (64..128).contains(&b))
                || (a == 192 && b == 0 && v4.octets()[2] == 0)
                || (a == 198 && (b == 18 || b == 19)))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let segments = v6.segments();
            let first = segments[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || (first & 0xffc0) == 0xfec0
                || first == 0x2002
                || (first == 0x0064 && segments[1] == 0xff9b))
        }
    }
}

/// Resolves names with the system resolver and keeps only public addresses.
pub struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let public: Vec<SocketAddr> = found.into_iter().filter(|a| is_public(a.ip())).collect();
            if public.is_empty() {
                return Err(format!(
                    "{host} is not a public address; webhooks may only call the internet"
                )
                .into());
            }
            let addrs: Addrs = Box::new(public.into_iter());
            Ok(addrs)
        })
    }
}

pub fn resolver() -> Arc<PublicOnly> {
    Arc::new(PublicOnly)
}

/// Refuses a URL whose host is not public: an address literal, or a name that resolves to a
/// private address (the resolver checks again when connecting).
pub async fn check_url(url: &str) -> Result<(), String> {
    check_literal(url)?;
    let Ok(parsed) = reqwest::Url::parse(url) else {
        return Err("The webhook URL is not valid.".into());
    };
    let host = parsed.host_str().unwrap_or_default().to_owned();
    if host.starts_with('[') || host.parse::<IpAddr>().is_ok() {
        return Ok(());
    }
    match tokio::net::lookup_host((host.as_str(), 0)).await {
        Ok(addrs) => {
            let addrs: Vec<SocketAddr> = addrs.collect();
            match addrs.iter().find(|a| !is_public(a.ip())) {
                Some(private) => Err(format!(
                    "{host} resolves to {}, which is not a public address; webhooks may only call the internet.",
                    private.ip()
                )),
                None => Ok(()),
            }
        }
        // Not resolvable now: the delivery will say so, and be retried.
        Err(_) => Ok(()),
    }
}

/// Refuses a URL whose host is an address literal that is not public.
pub fn check_literal(url: &str) -> Result<(), String> {
    let Ok(parsed) = reqwest::Url::parse(url) else {
        return Err("The webhook URL is not valid.".into());
    };
    let host = parsed.host_str().unwrap_or_default();
    let Ok(ip) = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<IpAddr>()
    else {
        return Ok(());
    };
    if is_public(ip) {
        Ok(())
    } else {
        Err(format!(
            "{ip} is not a public address; webhooks may only call the internet."
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_and_special_addresses_are_refused() {
        for text in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "224.0.0.1",
        ] {
            assert!(!is_public(text.parse().unwrap()), "{text}");
        }
        for text in ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"] {
            assert!(is_public(text.parse().unwrap()), "{text}");
        }
        assert!(check_literal("http://169.254.169.254/latest/meta-data").is_err());
        assert!(check_literal("http://[::1]:8080/hook").is_err());
        assert!(check_literal("https://n8n.example.com/webhook/1").is_ok());
    }
}
