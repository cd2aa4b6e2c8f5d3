//! The registry as the gateway asks it: parsed once from the stored rows
//! (a row that does not parse is left out and said in the log, never a
//! failure of every call), indexed for the proxy's questions.

use std::collections::HashMap;

use egov_gateway::{
    EndpointRule, Grant, Grantee, LogMode, MethodRule, Part, PathPattern, ServiceId, SubsystemId, SubsystemState,
};
use egov_store::{GwGrant, GwGrantee, GwRegistry, GwService, GwSubsystem};

/// Where a published service's calls go.
#[derive(Debug, Clone)]
pub struct Route {
    pub id: i64,
    pub service: ServiceId,
    /// The upstream's base URL, without a trailing `/`.
    pub upstream: String,
    pub timeout_ms: i64,
    pub logging: LogMode,
}

#[derive(Debug, Default)]
pub struct Registry {
    pub version: String,
    pub grants: Vec<Grant>,
    rows: GwRegistry,
    subsystems: HashMap<SubsystemId, SubsystemState>,
    services: HashMap<ServiceId, Route>,
    groups: HashMap<SubsystemId, Vec<Part>>,
    keys: HashMap<String, SubsystemId>,
    certificates: HashMap<String, SubsystemId>,
}

/// A stored instant, in Vietnam's time (as `App::now` is).
fn instant(micros: Option<i64>) -> Option<chrono::NaiveDateTime> {
    micros.and_then(egov_kernel::vn::from_micros)
}

impl Registry {
    pub fn build(rows: GwRegistry) -> Registry {
        let mut r = Registry { version: rows.version.clone(), ..Default::default() };
        let mut by_id: HashMap<i64, SubsystemId> = HashMap::new();
        for s in &rows.subsystems {
            match SubsystemId::parse(&s.ident) {
                Ok(id) => {
                    by_id.insert(s.id, id.clone());
                    r.subsystems.insert(id, s.state);
                }
                Err(e) => tracing::warn!(error = %e, "gateway: a subsystem left out"),
            }
        }
        let mut service_ids: HashMap<i64, ServiceId> = HashMap::new();
        for s in &rows.services {
            let (Some(provider), Ok(code)) = (by_id.get(&s.subsystem_id), Part::parse(&s.code)) else {
                tracing::warn!(service = s.id, "gateway: a service left out");
                continue;
            };
            let service = ServiceId { provider: provider.clone(), code };
            service_ids.insert(s.id, service.clone());
            let upstream = s.upstream.trim_end_matches('/').to_string();
            r.services.insert(
                service.clone(),
                Route { id: s.id, service, upstream, timeout_ms: s.timeout_ms, logging: s.logging },
            );
        }
        for (g, sid) in &rows.groups {
            if let (Some(s), Ok(g)) = (by_id.get(sid), Part::parse(g)) {
                r.groups.entry(s.clone()).or_default().push(g);
            }
        }
        for g in &rows.grants {
            match grant(g, &service_ids) {
                Some(grant) => r.grants.push(grant),
                None => tracing::warn!(grant = g.id, "gateway: a grant left out"),
            }
        }
        for (digest, sid) in &rows.keys {
            if let Some(s) = by_id.get(sid) {
                r.keys.insert(digest.clone(), s.clone());
            }
        }
        for (digest, sid) in &rows.certificates {
            if let Some(s) = by_id.get(sid) {
                r.certificates.insert(digest.clone(), s.clone());
            }
        }
        r.rows = rows;
        r
    }

    /// Whether the gateway is in maintenance.
    pub fn maintenance(&self) -> bool {
        self.rows.maintenance
    }

    /// The subsystem an API key belongs to (looked up by its digest).
    pub fn key_holder(&self, key: &str) -> Option<&SubsystemId> {
        self.keys.get(&egov_gateway::log::sha256_hex(key.as_bytes()))
    }

    /// The subsystem a client certificate (by its SHA-256) belongs to.
    pub fn certificate_holder(&self, fingerprint: &str) -> Option<&SubsystemId> {
        self.certificates.get(fingerprint)
    }

    pub fn approved(&self, s: &SubsystemId) -> bool {
        self.subsystems.get(s) == Some(&SubsystemState::Approved)
    }

    pub fn service(&self, s: &ServiceId) -> Option<&Route> {
        self.services.get(s)
    }

    pub fn groups_of(&self, s: &SubsystemId) -> &[Part] {
        self.groups.get(s).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The services `provider` publishes, by code.
    pub fn services_of(&self, provider: &SubsystemId) -> Vec<&Route> {
        let mut out: Vec<&Route> = self.services.values().filter(|r| &r.service.provider == provider).collect();
        out.sort_by(|a, b| a.service.code.cmp(&b.service.code));
        out
    }

    /// The endpoints of `service` its grants open — to anyone (`client`
    /// `None`), or to a client (a member of `groups`) at `now` — as
    /// (method, path pattern); a whole-service grant is `*` and `/**`.
    pub fn endpoints(
        &self,
        service: &ServiceId,
        client: Option<(&SubsystemId, &[Part])>,
        now: chrono::NaiveDateTime,
    ) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self
            .grants
            .iter()
            .filter(|g| &g.service == service)
            .filter(|g| match client {
                None => true,
                Some((c, groups)) => {
                    let covers = match &g.grantee {
                        Grantee::Subsystem(s) => s == c,
                        Grantee::Group(p) => groups.contains(p),
                    };
                    covers && g.valid_from.is_none_or(|f| f <= now) && g.valid_until.is_none_or(|u| now < u)
                }
            })
            .map(|g| match &g.endpoint {
                Some(e) => (e.method.to_string(), e.path.as_str().to_string()),
                None => ("*".to_string(), "/**".to_string()),
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// A service's OpenAPI document, as uploaded.
    pub fn openapi_of(&self, route: &Route) -> Option<&str> {
        self.service_row(route.id).and_then(|s| s.openapi.as_deref())
    }

    pub fn subsystem_row(&self, id: i64) -> Option<&GwSubsystem> {
        self.rows.subsystems.iter().find(|s| s.id == id)
    }

    pub fn service_row(&self, id: i64) -> Option<&GwService> {
        self.rows.services.iter().find(|s| s.id == id)
    }

    pub fn grant_row(&self, id: i64) -> Option<&GwGrant> {
        self.rows.grants.iter().find(|g| g.id == id)
    }

    pub fn subsystems(&self) -> &[GwSubsystem] {
        &self.rows.subsystems
    }

    pub fn services(&self) -> &[GwService] {
        &self.rows.services
    }

    pub fn grant_rows(&self) -> &[GwGrant] {
        &self.rows.grants
    }
}

fn grant(g: &GwGrant, services: &HashMap<i64, ServiceId>) -> Option<Grant> {
    let grantee = match &g.grantee {
        GwGrantee::Subsystem(s) => Grantee::Subsystem(SubsystemId::parse(s).ok()?),
        GwGrantee::Group(s) => Grantee::Group(Part::parse(s).ok()?),
    };
    let endpoint = match (&g.method, &g.path) {
        (Some(m), Some(p)) => {
            Some(EndpointRule { method: MethodRule::parse(m).ok()?, path: PathPattern::parse(p).ok()? })
        }
        (None, None) => None,
        _ => return None,
    };
    Some(Grant {
        grantee,
        service: services.get(&g.service_id)?.clone(),
        endpoint,
        valid_from: instant(g.valid_from),
        valid_until: instant(g.valid_until),
    })
}
