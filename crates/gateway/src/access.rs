//! Access rights, deny by default: a grant lets a client subsystem (or any
//! member of a group of them) call a service, whole or one endpoint (a
//! method and a path pattern), optionally for a period. [`decide`] is the
//! one place the gateway asks.

use chrono::NaiveDateTime;

use crate::id::{Part, ServiceId, SubsystemId};

/// Whom a grant is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grantee {
    Subsystem(SubsystemId),
    /// Every subsystem in the group (e.g. `communes`).
    Group(Part),
}

/// The method an endpoint rule takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MethodRule {
    Any,
    One(String),
}

impl MethodRule {
    /// `*` or an HTTP method (upper case letters).
    pub fn parse(s: &str) -> Result<MethodRule, AccessError> {
        match s {
            "*" => Ok(MethodRule::Any),
            m if !m.is_empty() && m.len() <= 16 && m.bytes().all(|b| b.is_ascii_uppercase()) => {
                Ok(MethodRule::One(m.to_string()))
            }
            _ => Err(AccessError::Method(s.chars().take(40).collect())),
        }
    }

    fn matches(&self, method: &str) -> bool {
        match self {
            MethodRule::Any => true,
            MethodRule::One(m) => m == method,
        }
    }
}

impl std::fmt::Display for MethodRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MethodRule::Any => f.write_str("*"),
            MethodRule::One(m) => f.write_str(m),
        }
    }
}

/// A path pattern: `/`-separated segments, where a whole segment `**`
/// matches any rest of the path (none too) and `*` inside a segment any
/// characters but `/` (`/pets/*`, `/pets/*/photos`, `/pets/**`, `/v1/*.json`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathPattern(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccessError {
    #[error("'{0}' is not a method rule (* or an upper-case HTTP method)")]
    Method(String),
    #[error("'{0}' is not a path pattern (it starts with /, at most 512 characters)")]
    Pattern(String),
    #[error("the path '{0}' is refused: {1}")]
    Path(String, &'static str),
}

impl PathPattern {
    pub fn parse(s: &str) -> Result<PathPattern, AccessError> {
        if s.starts_with('/') && s.len() <= 512 && !s.chars().any(char::is_control) {
            Ok(PathPattern(s.to_string()))
        } else {
            Err(AccessError::Pattern(s.chars().take(80).collect()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether a clean path (see [`clean_path`]) matches.
    pub fn matches(&self, path: &str) -> bool {
        let pat: Vec<&str> = self.0.split('/').skip(1).collect();
        let segs: Vec<&str> = path.split('/').skip(1).collect();
        match_segments(&pat, &segs)
    }
}

fn match_segments(pat: &[&str], segs: &[&str]) -> bool {
    match pat.split_first() {
        None => segs.is_empty(),
        Some((&"**", rest)) => (0..=segs.len()).any(|i| match_segments(rest, &segs[i..])),
        Some((p, rest)) => segs.split_first().is_some_and(|(s, more)| glob(p, s) && match_segments(rest, more)),
    }
}

/// `*` matches any run of characters (a segment holds no `/`).
fn glob(p: &str, s: &str) -> bool {
    match p.split_once('*') {
        None => p == s,
        Some((head, tail)) => {
            s.starts_with(head) && (head.len()..=s.len()).any(|i| s.is_char_boundary(i) && glob(tail, &s[i..]))
        }
    }
}

/// A method and a path pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointRule {
    pub method: MethodRule,
    pub path: PathPattern,
}

/// One access right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub grantee: Grantee,
    pub service: ServiceId,
    /// `None`: the whole service.
    pub endpoint: Option<EndpointRule>,
    pub valid_from: Option<NaiveDateTime>,
    pub valid_until: Option<NaiveDateTime>,
}

impl Grant {
    fn in_force(&self, now: NaiveDateTime) -> bool {
        self.valid_from.is_none_or(|f| f <= now) && self.valid_until.is_none_or(|u| now < u)
    }

    fn covers(&self, client: &SubsystemId, groups: &[Part]) -> bool {
        match &self.grantee {
            Grantee::Subsystem(s) => s == client,
            Grantee::Group(g) => groups.contains(g),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allowed,
    Denied,
}

/// Whether `client` (a member of `groups`) may call `method path` of
/// `service` at `now`: some grant in force covers it; denied otherwise.
pub fn decide(
    grants: &[Grant],
    client: &SubsystemId,
    groups: &[Part],
    service: &ServiceId,
    method: &str,
    path: &str,
    now: NaiveDateTime,
) -> Decision {
    let allowed = grants.iter().any(|g| {
        &g.service == service
            && g.covers(client, groups)
            && g.in_force(now)
            && g.endpoint.as_ref().is_none_or(|e| e.method.matches(method) && e.path.matches(path))
    });
    if allowed {
        Decision::Allowed
    } else {
        Decision::Denied
    }
}

/// The path of a call as it is checked and forwarded, or why it is refused:
/// it begins with `/`; no empty, `.` or `..` segment; no backslash, control
/// character, or percent-encoded `/`, `\`, `.` or `%` (what would let a
/// path that matches a rule reach another resource upstream).
pub fn clean_path(raw: &str) -> Result<&str, AccessError> {
    let refuse = |why| Err(AccessError::Path(raw.chars().take(200).collect(), why));
    if raw.is_empty() {
        return Ok("/");
    }
    if !raw.starts_with('/') {
        return refuse("it does not begin with /");
    }
    if raw.len() > 2000 {
        return refuse("it is longer than 2,000 characters");
    }
    if raw.contains('\\') || raw.chars().any(char::is_control) {
        return refuse("it holds a backslash or a control character");
    }
    let lower = raw.to_ascii_lowercase();
    if ["%2f", "%5c", "%2e", "%25", "%00"].iter().any(|e| lower.contains(e)) {
        return refuse("it holds an encoded separator, dot, percent sign or NUL");
    }
    let segs: Vec<&str> = raw.split('/').skip(1).collect();
    let last = segs.len().saturating_sub(1);
    if segs.iter().enumerate().any(|(i, s)| *s == "." || *s == ".." || (s.is_empty() && i != last)) {
        return refuse("it holds an empty, . or .. segment");
    }
    Ok(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn sub(s: &str) -> SubsystemId {
        SubsystemId::parse(s).unwrap()
    }

    fn svc(s: &str) -> ServiceId {
        ServiceId::parse(s).unwrap()
    }

    fn rule(m: &str, p: &str) -> Option<EndpointRule> {
        Some(EndpointRule { method: MethodRule::parse(m).unwrap(), path: PathPattern::parse(p).unwrap() })
    }

    #[test]
    fn path_patterns_match_segments_wildcards_and_the_rest() {
        let m = |p: &str, path: &str| PathPattern::parse(p).unwrap().matches(path);
        assert!(m("/pets", "/pets"));
        assert!(!m("/pets", "/pets/1"));
        assert!(m("/pets/*", "/pets/1"));
        assert!(!m("/pets/*", "/pets/1/photos"));
        assert!(m("/pets/*/photos", "/pets/1/photos"));
        assert!(m("/pets/**", "/pets"));
        assert!(m("/pets/**", "/pets/1/photos/2"));
        assert!(m("/**", "/anything/at/all"));
        assert!(m("/v1/*.json", "/v1/list.json"));
        assert!(!m("/v1/*.json", "/v1/list.xml"));
        assert!(m("/a/**/z", "/a/b/c/z"));
        assert!(!m("/a/**/z", "/a/b/c/y"));
        assert!(m("/hồ-sơ/*", "/hồ-sơ/1"), "a multi-byte pattern");
    }

    /// The access matrix: two clients and a group, two services, endpoint
    /// rules, a grant that expired, one not yet in force.
    #[test]
    fn access_is_denied_unless_a_grant_in_force_covers_client_service_method_and_path() {
        let (hotich, dat) = (svc("VN-TN/GOV/H72.11/hotich/status"), svc("VN-TN/GOV/H72.12/datdai/parcels"));
        let (xa1, xa2, erp) = (sub("VN-TN/GOV/H72.50.01/mc"), sub("VN-TN/GOV/H72.50.02/mc"), sub("VN-TN/COM/0312/erp"));
        let communes = Part::parse("communes").unwrap();
        let grants = vec![
            Grant {
                grantee: Grantee::Group(communes.clone()),
                service: hotich.clone(),
                endpoint: None,
                valid_from: None,
                valid_until: None,
            },
            Grant {
                grantee: Grantee::Subsystem(erp.clone()),
                service: dat.clone(),
                endpoint: rule("GET", "/parcels/*"),
                valid_from: None,
                valid_until: Some(at("2026-12-31 00:00")),
            },
            Grant {
                grantee: Grantee::Subsystem(xa2.clone()),
                service: dat.clone(),
                endpoint: rule("*", "/parcels/**"),
                valid_from: Some(at("2027-01-01 00:00")),
                valid_until: None,
            },
        ];
        let now = at("2026-11-30 10:00");
        let d = |c: &SubsystemId, groups: &[Part], s: &ServiceId, m: &str, p: &str, t| {
            decide(&grants, c, groups, s, m, p, t)
        };
        let g = std::slice::from_ref(&communes);
        use Decision::*;
        // a group's grant: its members, any method and path; nobody else
        assert_eq!(d(&xa1, g, &hotich, "GET", "/dossiers/1", now), Allowed);
        assert_eq!(d(&xa1, g, &hotich, "POST", "/", now), Allowed);
        assert_eq!(d(&xa1, &[], &hotich, "GET", "/dossiers/1", now), Denied, "not in the group");
        assert_eq!(d(&erp, &[], &hotich, "GET", "/dossiers/1", now), Denied);
        // an endpoint grant: that method and pattern only, until it expires
        assert_eq!(d(&erp, &[], &dat, "GET", "/parcels/12", now), Allowed);
        assert_eq!(d(&erp, &[], &dat, "DELETE", "/parcels/12", now), Denied, "another method");
        assert_eq!(d(&erp, &[], &dat, "GET", "/parcels/12/owners", now), Denied, "another path");
        assert_eq!(d(&erp, &[], &dat, "GET", "/parcels/12", at("2026-12-31 00:00")), Denied, "expired");
        // a grant not yet in force
        assert_eq!(d(&xa2, g, &dat, "GET", "/parcels/1", now), Denied);
        assert_eq!(d(&xa2, g, &dat, "PUT", "/parcels/1/a", at("2027-01-01 00:00")), Allowed);
        // a grant of one service says nothing of another
        assert_eq!(d(&erp, &[], &svc("VN-TN/GOV/H72.12/datdai/other"), "GET", "/parcels/12", now), Denied);
        assert_eq!(decide(&[], &xa1, g, &hotich, "GET", "/", now), Denied, "deny by default");
    }

    #[test]
    fn paths_that_could_reach_another_resource_are_refused() {
        assert_eq!(clean_path("/parcels/12?x=1").unwrap(), "/parcels/12?x=1");
        assert_eq!(clean_path("").unwrap(), "/");
        assert!(clean_path("/parcels/").is_ok(), "a trailing slash");
        for bad in [
            "/parcels/../admin",
            "/parcels/./12",
            "/parcels//12",
            "/parcels/%2e%2e/admin",
            "/parcels/%2F..",
            "/a\\b",
            "/a%5cb",
            "/a%252e",
            "/a\u{0}b",
            "parcels",
        ] {
            assert!(clean_path(bad).is_err(), "{bad:?}");
        }
    }
}
