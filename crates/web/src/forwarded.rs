//! Who the client is behind a load balancer: the address and scheme that
//! trusted proxies report in `Forwarded` (RFC 7239) or `X-Forwarded-For` /
//! `X-Forwarded-Proto`. Off by default: with no trusted proxy configured,
//! these headers are ignored, since any client can send them.

use std::net::IpAddr;

use axum::http::HeaderMap;
use ipnet::IpNet;

/// The addresses (single or networks) whose forwarding headers are believed.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Parses `10.0.0.5, 10.1.0.0/16, ::1`; an address alone is a network of one.
    pub fn parse(list: &str) -> Result<TrustedProxies, String> {
        let mut nets = Vec::new();
        for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let net = match item.parse::<IpNet>() {
                Ok(n) => n,
                Err(_) => {
                    item.parse::<IpAddr>().map(IpNet::from).map_err(|_| format!("not an address or network: {item}"))?
                }
            };
            nets.push(net);
        }
        Ok(TrustedProxies(nets))
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|n| n.contains(&ip))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// An IPv4 address mapped into IPv6 (`::ffff:10.0.0.1`) is that IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
        v4 => v4,
    }
}

/// The client as a request shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Client {
    pub ip: IpAddr,
    /// The client reached us over TLS (as a trusted proxy says).
    pub https: bool,
}

/// The client of a request that came from `peer`: the peer itself, unless it
/// is a trusted proxy, in which case the nearest address in the forwarding
/// chain that is not itself a trusted proxy.
pub fn client(peer: IpAddr, headers: &HeaderMap, trusted: &TrustedProxies) -> Client {
    let peer = canonical(peer);
    if !trusted.contains(peer) {
        return Client { ip: peer, https: false };
    }
    // `Forwarded` says per hop how its client came in; `X-Forwarded-Proto`
    // only what the balancer in front of us saw.
    let (chain, protos, fallback) = match forwarded_chain(headers) {
        Some((chain, protos)) => (chain, protos, false),
        None => (x_forwarded_for(headers), Vec::new(), x_forwarded_proto(headers)),
    };
    // Walk from the nearest hop outwards; the first untrusted one is the client.
    let mut ip = peer;
    let mut https = fallback;
    for (i, hop) in chain.iter().enumerate().rev() {
        let Some(hop) = hop else { break };
        ip = canonical(*hop);
        if let Some(Some(p)) = protos.get(i) {
            https = *p;
        }
        if !trusted.contains(ip) {
            break;
        }
    }
    Client { ip, https }
}

type Chain = (Vec<Option<IpAddr>>, Vec<Option<bool>>);

/// `Forwarded: for=192.0.2.60;proto=https, for="[2001:db8::1]:4711"`: one
/// element per hop, its `for` (None when unknown or obfuscated) and `proto`.
fn forwarded_chain(headers: &HeaderMap) -> Option<Chain> {
    let values: Vec<&str> = headers.get_all("forwarded").iter().filter_map(|v| v.to_str().ok()).collect();
    if values.is_empty() {
        return None;
    }
    let mut chain = Vec::new();
    let mut protos = Vec::new();
    for element in values.iter().flat_map(|v| v.split(',')) {
        let mut ip = None;
        let mut proto = None;
        for pair in element.split(';') {
            let Some((k, v)) = pair.trim().split_once('=') else { continue };
            let v = v.trim().trim_matches('"');
            match k.trim().to_ascii_lowercase().as_str() {
                "for" => ip = parse_node(v),
                "proto" => proto = Some(v.eq_ignore_ascii_case("https")),
                _ => {}
            }
        }
        chain.push(ip);
        protos.push(proto);
    }
    Some((chain, protos))
}

/// `192.0.2.60`, `192.0.2.60:80`, `[2001:db8::1]`, `[2001:db8::1]:4711`.
fn parse_node(v: &str) -> Option<IpAddr> {
    if let Some(rest) = v.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    v.parse().ok().or_else(|| v.rsplit_once(':').and_then(|(h, _)| h.parse().ok()))
}

fn x_forwarded_for(headers: &HeaderMap) -> Vec<Option<IpAddr>> {
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|s| parse_node(s.trim()))
        .collect()
}

fn x_forwarded_proto(headers: &HeaderMap) -> bool {
    headers
        .get_all("x-forwarded-proto")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .last()
        .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().unwrap());
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn forwarding_headers_are_ignored_unless_the_peer_is_trusted() {
        let none = TrustedProxies::default();
        let h = headers(&[("x-forwarded-for", "203.0.113.9"), ("forwarded", "for=203.0.113.9;proto=https")]);
        assert_eq!(client(ip("198.51.100.7"), &h, &none), Client { ip: ip("198.51.100.7"), https: false });
        let lb = TrustedProxies::parse("10.0.0.5").unwrap();
        assert_eq!(client(ip("198.51.100.7"), &h, &lb).ip, ip("198.51.100.7"), "a peer not in the list");
    }

    #[test]
    fn the_nearest_untrusted_hop_is_the_client() {
        let lb = TrustedProxies::parse("10.0.0.0/24, 127.0.0.1").unwrap();
        // A client that forges its own X-Forwarded-For is still seen as itself.
        let h = headers(&[("x-forwarded-for", "1.2.3.4, 203.0.113.9, 10.0.0.7"), ("x-forwarded-proto", "https")]);
        assert_eq!(client(ip("10.0.0.5"), &h, &lb), Client { ip: ip("203.0.113.9"), https: true });
        let h = headers(&[("forwarded", "for=1.2.3.4, for=\"[2001:db8::1]:4711\";proto=https")]);
        assert_eq!(client(ip("::ffff:127.0.0.1"), &h, &lb), Client { ip: ip("2001:db8::1"), https: true });
        let h = headers(&[("forwarded", "for=198.51.100.1:8080;proto=http")]);
        assert_eq!(client(ip("10.0.0.5"), &h, &lb), Client { ip: ip("198.51.100.1"), https: false });
        // Nothing forwarded: the proxy itself.
        assert_eq!(client(ip("10.0.0.5"), &HeaderMap::new(), &lb).ip, ip("10.0.0.5"));
        // An unknown hop stops the walk at the last known one.
        let h = headers(&[("forwarded", "for=unknown, for=10.0.0.8")]);
        assert_eq!(client(ip("10.0.0.5"), &h, &lb).ip, ip("10.0.0.8"));
    }

    #[test]
    fn the_list_is_parsed_strictly() {
        assert!(TrustedProxies::parse("10.0.0.1, 10.2.0.0/16, ::1").is_ok());
        assert!(TrustedProxies::parse("").unwrap().is_empty());
        assert!(TrustedProxies::parse("10.0.0.1, nonsense").is_err());
        assert!(TrustedProxies::parse("10.0.0.0/33").is_err());
    }
}
