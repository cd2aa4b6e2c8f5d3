//! X-Road's metadata services for REST: `listMethods`, `allowedMethods` and
//! `getOpenAPI` of a provider, called like its services
//! (`GET /r1/INSTANCE/CLASS/MEMBER/SUBSYSTEM/listMethods`), and
//! `GET /listClients`, the members and subsystems registered here.

use std::time::Instant;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use egov_app::gateway::{GatewayError, Proof};
use egov_gateway::{log::sha256_hex, Exchange, Outcome, SubsystemId};

use super::proxy::{record, refuse};
use crate::AppState;

/// Whether a service code names a metadata service.
pub(crate) fn is_metadata(code: &str) -> bool {
    matches!(code, "listMethods" | "allowedMethods" | "getOpenAPI")
}

fn query_param(query: &str, name: &str) -> Option<String> {
    form_urlencoded::parse(query.trim_start_matches('?').as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .filter(|v| !v.is_empty())
}

/// A metadata call: the client authenticated as for any service; the
/// answer recorded in the log like any exchange.
/// A provider of a peer's instance is asked through that peer (a local
/// client's call only).
pub(crate) async fn serve(
    state: &AppState,
    req: Request,
    proof: Proof<'_>,
    provider: &str,
    code: &str,
    mut e: Exchange,
    started: Instant,
) -> Response {
    let client = req.headers().get("x-road-client").and_then(|v| v.to_str().ok());
    let (reg, client) = match state.gateway.authenticate(client, proof) {
        Ok(x) => x,
        Err(err) => return refuse(state, e, err, started).await,
    };
    if let Err(err) = super::proxy::throttle(state, &client.to_string()) {
        return refuse(state, e, err, started).await;
    }
    let query = req.uri().query().map(|q| format!("?{q}")).unwrap_or_default();
    let instance = provider.split('/').next().unwrap_or_default();
    let peer = state.settings.gateway_federation.as_deref().and_then(|f| Some((f, f.peer(instance)?)));
    if let (Some((f, p)), false) = (peer, matches!(proof, Proof::Peer(_))) {
        let target = super::proxy::Target {
            url: format!("{}/r1/{provider}/{code}{query}", p.url),
            http: f.client.clone(),
            timeout: f.timeout,
            peer: true,
            path: "/".into(),
            keep_bodies: false,
        };
        return super::proxy::pass(state.clone(), req, e, target, started).await;
    }
    let query = query.as_str();
    let provider = match SubsystemId::parse(provider) {
        Ok(p) if reg.approved(&p) => p,
        Ok(p) => return refuse(state, e, GatewayError::UnknownService(p.to_string()), started).await,
        Err(err) => return refuse(state, e, GatewayError::Malformed(err.to_string()), started).await,
    };
    let now = state.now();
    let (content_type, body) = match code {
        "getOpenAPI" => {
            let Some(wanted) = query_param(query, "serviceCode") else {
                let err = GatewayError::Malformed("getOpenAPI needs ?serviceCode=…".into());
                return refuse(state, e, err, started).await;
            };
            let route = reg.services_of(&provider).into_iter().find(|r| r.service.code.as_str() == wanted);
            let Some(doc) = route.and_then(|r| reg.openapi_of(r)) else {
                let err = GatewayError::UnknownService(format!("{provider}/{wanted} (with an OpenAPI description)"));
                return refuse(state, e, err, started).await;
            };
            let json = serde_json::from_str::<serde_json::Value>(doc).is_ok();
            (if json { "application/json" } else { "text/yaml" }, doc.to_string())
        }
        _ => {
            let groups = reg.groups_of(&client).to_vec();
            let who = (code == "allowedMethods").then_some((&client, groups.as_slice()));
            let services: Vec<serde_json::Value> = reg
                .services_of(&provider)
                .into_iter()
                .filter_map(|r| {
                    let endpoints = reg.endpoints(&r.service, who, now);
                    if who.is_some() && endpoints.is_empty() {
                        return None;
                    }
                    let p = &r.service.provider;
                    Some(serde_json::json!({
                        "object_type": "SERVICE",
                        "xroad_instance": p.member.instance.as_str(),
                        "member_class": p.member.class.as_str(),
                        "member_code": p.member.code.as_str(),
                        "subsystem_code": p.code.as_str(),
                        "service_code": r.service.code.as_str(),
                        "service_type": if reg.openapi_of(r).is_some() { "OPENAPI" } else { "REST" },
                        "endpoint_list": endpoints.iter().map(|(m, p)| serde_json::json!({"method": m, "path": p})).collect::<Vec<_>>(),
                    }))
                })
                .collect();
            ("application/json", serde_json::json!({ "service": services }).to_string())
        }
    };
    e.status = 200;
    e.outcome = Outcome::Answered;
    e.response_bytes = body.len() as u64;
    e.response_sha256 = sha256_hex(body.as_bytes());
    e.duration_us = started.elapsed().as_micros() as i64;
    let id = e.message_id.clone();
    record(state, e).await;
    let mut resp = (StatusCode::OK, body).into_response();
    let h = resp.headers_mut();
    h.insert(axum::http::header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&id) {
        h.insert("x-road-id", v);
    }
    resp
}

/// `GET /listClients`: the members and subsystems approved here.
pub(crate) async fn list_clients(State(state): State<AppState>) -> Response {
    let reg = state.gateway.get();
    let mut members = std::collections::BTreeMap::new();
    let mut out = Vec::new();
    for s in reg.subsystems().iter().filter(|s| s.state == egov_gateway::SubsystemState::Approved) {
        let Ok(id) = SubsystemId::parse(&s.ident) else { continue };
        let m = &id.member;
        members.entry(m.to_string()).or_insert_with(|| {
            serde_json::json!({"id": {"object_type": "MEMBER", "xroad_instance": m.instance.as_str(),
                "member_class": m.class.as_str(), "member_code": m.code.as_str()}, "name": m.code.as_str()})
        });
        out.push(serde_json::json!({"id": {"object_type": "SUBSYSTEM", "xroad_instance": m.instance.as_str(),
            "member_class": m.class.as_str(), "member_code": m.code.as_str(), "subsystem_code": id.code.as_str()},
            "name": s.name}));
    }
    let all: Vec<serde_json::Value> = members.into_values().chain(out).collect();
    axum::Json(serde_json::json!({ "member": all })).into_response()
}
