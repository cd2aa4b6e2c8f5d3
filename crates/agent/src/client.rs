//! The agent's calls to the server: enrolment, heartbeats, detection
//! reports. HTTPS, or plain HTTP to this machine only (a server on the
//! same host, tests); the key travels in `X-Agent-Key`, nothing else
//! identifies the agent.

use std::time::Duration;

use serde::Serialize;

use crate::store::{Credentials, Pending, ScanState};

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("the server address must be https:// (plain http:// only to this machine): {0}")]
    Insecure(String),
    #[error("the server could not be reached: {0}")]
    Unreachable(String),
    #[error("the server refused the agent's key (revoked? enrol again)")]
    Revoked,
    #[error("the server answered {0}: {1}")]
    Refused(u16, String),
    #[error("the CA certificate: {0}")]
    Ca(String),
}

/// Whether a server address is acceptable: HTTPS, or HTTP to a loopback host.
pub fn check_server(url: &str) -> Result<String, ClientError> {
    let url = url.trim().trim_end_matches('/').to_string();
    if url.starts_with("https://") {
        return Ok(url);
    }
    let host = url.strip_prefix("http://").map(|r| r.split(['/', '?']).next().unwrap_or(""));
    let host = host.map(|h| {
        if h.starts_with('[') {
            h.split(']').next().unwrap_or("").trim_start_matches('[')
        } else {
            h.split(':').next().unwrap_or("")
        }
    });
    match host {
        Some("localhost") => Ok(url),
        Some(h) if h.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback()) => Ok(url),
        _ => Err(ClientError::Insecure(url)),
    }
}

pub struct Client {
    http: reqwest::Client,
}

impl Client {
    /// A client trusting the system's roots, and `ca` (a PEM file) if given.
    pub fn new(ca: Option<&std::path::Path>) -> Result<Client, ClientError> {
        let mut b = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .connect_timeout(Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("egov-agent/", env!("CARGO_PKG_VERSION")));
        if let Some(ca) = ca {
            let pem = std::fs::read(ca).map_err(|e| ClientError::Ca(format!("{}: {e}", ca.display())))?;
            let cert = reqwest::Certificate::from_pem(&pem).map_err(|e| ClientError::Ca(e.to_string()))?;
            b = b.add_root_certificate(cert);
        }
        Ok(Client { http: b.build().map_err(|e| ClientError::Unreachable(e.to_string()))? })
    }

    async fn post(
        &self,
        url: String,
        key: Option<&str>,
        body: &impl Serialize,
    ) -> Result<reqwest::Response, ClientError> {
        let mut r = self.http.post(url).json(body);
        if let Some(k) = key {
            r = r.header("X-Agent-Key", k);
        }
        let resp = r.send().await.map_err(|e| ClientError::Unreachable(e.to_string()))?;
        match resp.status().as_u16() {
            200..=299 => Ok(resp),
            401 => Err(ClientError::Revoked),
            s => Err(ClientError::Refused(s, resp.text().await.unwrap_or_default().chars().take(500).collect())),
        }
    }

    pub async fn enrol(&self, server: &str, token: &str) -> Result<Credentials, ClientError> {
        let server = check_server(server)?;
        #[derive(serde::Deserialize)]
        struct Answer {
            machine_id: i64,
            key: String,
        }
        let resp =
            self.post(format!("{server}/api/v1/agent/enrol"), None, &serde_json::json!({ "token": token })).await?;
        let a: Answer = resp.json().await.map_err(|e| ClientError::Refused(201, e.to_string()))?;
        Ok(Credentials { server, machine_id: a.machine_id, key: a.key })
    }

    pub async fn heartbeat(
        &self,
        c: &Credentials,
        facts: &crate::host::Facts,
        clamd_version: Option<String>,
        s: &ScanState,
        now: u64,
    ) -> Result<(), ClientError> {
        let ago = |t: u64| now.saturating_sub(t);
        let body = serde_json::json!({
            "host_name": facts.host_name,
            "os": facts.os,
            "addresses": facts.addresses,
            "agent_version": env!("CARGO_PKG_VERSION"),
            "clamd_version": clamd_version,
            "last_scan": match (s.last_scan, &s.last_result) {
                (Some(t), Some(r)) => serde_json::json!({ "seconds_ago": ago(t), "result": r }),
                _ => serde_json::Value::Null,
            },
            "last_good_scan_seconds_ago": s.last_good_scan.map(ago),
        });
        self.post(format!("{}/api/v1/agent/heartbeat", c.server), Some(&c.key), &body).await.map(|_| ())
    }

    /// Sends reports (at most 100 a call); the ids the server took.
    pub async fn report(&self, c: &Credentials, reports: &[Pending], now: u64) -> Result<Vec<String>, ClientError> {
        let mut taken = Vec::new();
        for chunk in reports.chunks(100) {
            let list: Vec<_> = chunk
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "report_id": r.report_id,
                        "found_seconds_ago": now.saturating_sub(r.found_at),
                        "path": r.path,
                        "signature": r.signature,
                        "sha256": r.sha256,
                        "action": r.action,
                    })
                })
                .collect();
            self.post(
                format!("{}/api/v1/agent/detections", c.server),
                Some(&c.key),
                &serde_json::json!({ "reports": list }),
            )
            .await?;
            taken.extend(chunk.iter().map(|r| r.report_id.clone()));
        }
        Ok(taken)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_server_is_https_or_this_machine() {
        assert!(check_server("https://egov.tayninh.gov.vn/").is_ok());
        assert!(check_server("http://127.0.0.1:8080").is_ok());
        assert!(check_server("http://localhost:8080").is_ok());
        assert!(check_server("http://[::1]:8080").is_ok());
        assert!(check_server("http://10.0.0.5:8080").is_err());
        assert!(check_server("http://127.0.0.1.evil.example").is_err());
        assert!(check_server("ftp://x").is_err());
    }
}
