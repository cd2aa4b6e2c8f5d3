//! Connection points and their probes, parsed once from what a form or the
//! API gave (every field's problem at once).

use serde::{Deserialize, Serialize};

use crate::Problem;

/// Which part of the province's network a connection point is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SiteKind {
    /// The provincial centre (the data centre, the network's core).
    Province,
    /// An agency's connection point.
    Agency,
    /// A commune's.
    Commune,
}

impl SiteKind {
    pub const ALL: [SiteKind; 3] = [SiteKind::Province, SiteKind::Agency, SiteKind::Commune];
    pub fn as_str(self) -> &'static str {
        match self {
            SiteKind::Province => "province",
            SiteKind::Agency => "agency",
            SiteKind::Commune => "commune",
        }
    }
    pub fn parse(s: &str) -> Option<SiteKind> {
        SiteKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Access level of a connection point (Decision 33/2025): level I two fibre
/// links over different routes, level II one connection point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccessLevel {
    #[serde(rename = "I")]
    One,
    #[serde(rename = "II")]
    Two,
}

impl AccessLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            AccessLevel::One => "I",
            AccessLevel::Two => "II",
        }
    }
    pub fn parse(s: &str) -> Option<AccessLevel> {
        match s {
            "I" => Some(AccessLevel::One),
            "II" => Some(AccessLevel::Two),
            _ => None,
        }
    }
    /// How many links the level asks for.
    pub fn links(self) -> usize {
        match self {
            AccessLevel::One => 2,
            AccessLevel::Two => 1,
        }
    }
}

/// A connection point as a form gives it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SiteInput {
    pub name: String,
    pub kind: String,
    /// The administrative unit it serves (a commune's code; the province's for the centre).
    pub unit_code: String,
    /// The agency it connects (an agency's point), or whose it is.
    pub agency_id: String,
    pub access_level: String,
    pub address: String,
    /// Shown on the public status page.
    pub public: bool,
    pub notes: String,
}

/// A connection point, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewSite {
    pub name: String,
    pub kind: SiteKind,
    pub unit_code: String,
    pub agency_id: Option<String>,
    pub access_level: AccessLevel,
    pub address: String,
    pub public: bool,
    pub notes: String,
}

fn text(out: &mut Vec<Problem>, field: &'static str, s: &str, max: usize, required: bool) -> String {
    let s = s.trim();
    if required && s.is_empty() {
        out.push(Problem { field, key: "err.required" });
    } else if s.chars().count() > max {
        out.push(Problem { field, key: "err.too_long" });
    }
    s.to_string()
}

impl SiteInput {
    /// The site, or every field's problem. The unit and the agency are
    /// checked against the directory by the caller.
    pub fn check(&self) -> Result<NewSite, Vec<Problem>> {
        let mut out = Vec::new();
        let name = text(&mut out, "name", &self.name, 200, true);
        let kind = SiteKind::parse(self.kind.trim());
        if kind.is_none() {
            out.push(Problem { field: "kind", key: "err.option" });
        }
        let unit_code = text(&mut out, "unit_code", &self.unit_code, 16, true);
        let agency = text(&mut out, "agency_id", &self.agency_id, 32, kind == Some(SiteKind::Agency));
        let level = AccessLevel::parse(self.access_level.trim());
        if level.is_none() {
            out.push(Problem { field: "access_level", key: "err.option" });
        }
        let address = text(&mut out, "address", &self.address, 300, false);
        let notes = text(&mut out, "notes", &self.notes, 1000, false);
        match (kind, level) {
            (Some(kind), Some(access_level)) if out.is_empty() => Ok(NewSite {
                name,
                kind,
                unit_code,
                agency_id: (!agency.is_empty()).then_some(agency),
                access_level,
                address,
                public: self.public,
                notes,
            }),
            _ => Err(out),
        }
    }
}

/// What a probe checks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Target {
    /// A TCP connection to a host's port.
    Tcp { host: String, port: u16 },
    /// An HTTP(S) GET: a 2xx or 3xx status, the keyword in the body if
    /// given; over HTTPS a valid certificate, with a warning once it
    /// expires within `cert_days`.
    Http { url: String, keyword: Option<String>, cert_days: u32 },
    /// A DNS query for a name's A records at a server (`host:port`);
    /// with `expect`, that address among the answers.
    Dns { name: String, server: String, expect: Option<String> },
    /// An ICMP echo (where the process may send one).
    Icmp { host: String },
    /// A heartbeat the device sends to its push address; missing one
    /// interval is a failure.
    Push,
}

impl Target {
    pub fn kind(&self) -> &'static str {
        match self {
            Target::Tcp { .. } => "tcp",
            Target::Http { .. } => "http",
            Target::Dns { .. } => "dns",
            Target::Icmp { .. } => "icmp",
            Target::Push => "push",
        }
    }
    /// What it checks, in a line (the pages and the alerts).
    pub fn describe(&self) -> String {
        match self {
            Target::Tcp { host, port } => format!("tcp://{host}:{port}"),
            Target::Http { url, keyword: Some(k), .. } => format!("{url} « {k} »"),
            Target::Http { url, .. } => url.clone(),
            Target::Dns { name, server, .. } => format!("dns://{server}/{name}"),
            Target::Icmp { host } => format!("icmp://{host}"),
            Target::Push => "push".to_string(),
        }
    }
}

/// A probe as a form gives it (fields of other kinds are ignored).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProbeInput {
    pub name: String,
    pub kind: String,
    pub host: String,
    pub port: String,
    pub url: String,
    pub keyword: String,
    pub cert_days: String,
    pub dns_name: String,
    pub dns_server: String,
    pub dns_expect: String,
    pub interval_s: String,
    pub timeout_s: String,
    pub down_after: String,
}

/// A probe, checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewProbe {
    pub name: String,
    pub target: Target,
    /// Seconds between checks (10 s to a day).
    pub interval_s: u32,
    /// Seconds a check may take (at least one, less than the interval).
    pub timeout_s: u32,
    /// Failures in a row that make it down (1–10).
    pub down_after: u32,
}

fn number(
    out: &mut Vec<Problem>,
    field: &'static str,
    s: &str,
    default: u32,
    range: std::ops::RangeInclusive<u32>,
) -> u32 {
    let s = s.trim();
    if s.is_empty() {
        return default;
    }
    match s.parse::<u32>() {
        Ok(n) if range.contains(&n) => n,
        _ => {
            out.push(Problem { field, key: "err.net.number" });
            default
        }
    }
}

/// A host name or an address: letters, digits, dots, hyphens, colons (IPv6).
fn host(out: &mut Vec<Problem>, field: &'static str, s: &str) -> String {
    let s = s.trim();
    if s.is_empty() {
        out.push(Problem { field, key: "err.required" });
    } else if s.len() > 253 || !s.bytes().all(|b| b.is_ascii_alphanumeric() || b".-:_".contains(&b)) {
        out.push(Problem { field, key: "err.net.host" });
    }
    s.to_string()
}

impl ProbeInput {
    pub fn check(&self) -> Result<NewProbe, Vec<Problem>> {
        let mut out = Vec::new();
        let name = text(&mut out, "name", &self.name, 200, true);
        let target = match self.kind.trim() {
            "tcp" => {
                let host = host(&mut out, "host", &self.host);
                let port = number(&mut out, "port", &self.port, 0, 1..=65535);
                if self.port.trim().is_empty() {
                    out.push(Problem { field: "port", key: "err.required" });
                }
                Some(Target::Tcp { host, port: port as u16 })
            }
            "http" => {
                let url = self.url.trim().to_string();
                let scheme = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
                if url.is_empty() {
                    out.push(Problem { field: "url", key: "err.required" });
                } else if scheme.is_none_or(|rest| rest.is_empty() || rest.starts_with('/'))
                    || url.len() > 2000
                    || url.chars().any(char::is_whitespace)
                {
                    out.push(Problem { field: "url", key: "err.net.url" });
                }
                let keyword = text(&mut out, "keyword", &self.keyword, 200, false);
                let cert_days = number(&mut out, "cert_days", &self.cert_days, 14, 0..=365);
                Some(Target::Http { url, keyword: (!keyword.is_empty()).then_some(keyword), cert_days })
            }
            "dns" => {
                let name = host(&mut out, "dns_name", &self.dns_name);
                let server = self.dns_server.trim();
                let server = if server.is_empty() {
                    out.push(Problem { field: "dns_server", key: "err.required" });
                    String::new()
                } else if server.parse::<std::net::SocketAddr>().is_ok() {
                    server.to_string()
                } else if server.parse::<std::net::IpAddr>().is_ok() {
                    format!("{server}:53")
                } else {
                    out.push(Problem { field: "dns_server", key: "err.net.server" });
                    server.to_string()
                };
                let expect = self.dns_expect.trim();
                if !expect.is_empty() && expect.parse::<std::net::Ipv4Addr>().is_err() {
                    out.push(Problem { field: "dns_expect", key: "err.net.address" });
                }
                Some(Target::Dns { name, server, expect: (!expect.is_empty()).then(|| expect.to_string()) })
            }
            "icmp" => Some(Target::Icmp { host: host(&mut out, "host", &self.host) }),
            "push" => Some(Target::Push),
            _ => {
                out.push(Problem { field: "kind", key: "err.option" });
                None
            }
        };
        let interval_s = number(&mut out, "interval_s", &self.interval_s, 60, 10..=86_400);
        let timeout_s = number(&mut out, "timeout_s", &self.timeout_s, 10.min(interval_s - 1), 1..=600);
        if timeout_s >= interval_s && !out.iter().any(|p| p.field == "timeout_s") {
            out.push(Problem { field: "timeout_s", key: "err.net.timeout" });
        }
        let down_after = number(&mut out, "down_after", &self.down_after, 3, 1..=10);
        match target {
            Some(target) if out.is_empty() => Ok(NewProbe { name, target, interval_s, timeout_s, down_after }),
            _ => Err(out),
        }
    }
}

impl NewProbe {
    /// The form's fields of a probe (to edit it).
    pub fn input(&self) -> ProbeInput {
        let mut i = ProbeInput {
            name: self.name.clone(),
            kind: self.target.kind().to_string(),
            interval_s: self.interval_s.to_string(),
            timeout_s: self.timeout_s.to_string(),
            down_after: self.down_after.to_string(),
            ..ProbeInput::default()
        };
        match &self.target {
            Target::Tcp { host, port } => (i.host, i.port) = (host.clone(), port.to_string()),
            Target::Http { url, keyword, cert_days } => {
                (i.url, i.keyword, i.cert_days) =
                    (url.clone(), keyword.clone().unwrap_or_default(), cert_days.to_string())
            }
            Target::Dns { name, server, expect } => {
                (i.dns_name, i.dns_server, i.dns_expect) =
                    (name.clone(), server.clone(), expect.clone().unwrap_or_default())
            }
            Target::Icmp { host } => i.host = host.clone(),
            Target::Push => {}
        }
        i
    }
}
