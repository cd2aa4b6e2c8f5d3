//! Two real `egov serve` processes as federated gateways over mutual TLS,
//! with a test certificate authority made here (rcgen): a client of the
//! province (VN-TN) calls a service of the other instance (VN-HN) through
//! its own gateway; the other gateway checks its own access rights; both
//! log the exchange. Connections that are not a pinned peer's are refused,
//! and a client certificate registered for a subsystem proves it.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use rcgen::{BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, SanType};

use super::common::server::{clean_up, egov, server_database, start};
use super::common::*;

const CLIENT: &str = "VN-TN/GOV/H72.12/erp";
const SERVICE: &str = "VN-HN/GOV/H01/hotich/status";

/// A certificate authority of the test.
pub(crate) struct Ca {
    issuer: Issuer<'static, KeyPair>,
    pub(crate) pem: String,
}

impl Ca {
    pub(crate) fn new(name: &str) -> Ca {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name.push(DnType::CommonName, name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let key = KeyPair::generate().unwrap();
        let pem = params.self_signed(&key).unwrap().pem();
        Ca { issuer: Issuer::new(params, key), pem }
    }

    /// A certificate for 127.0.0.1 and localhost, for servers and clients:
    /// (certificate PEM, key PEM).
    pub(crate) fn issue(&self, name: &str) -> (String, String) {
        let mut params = CertificateParams::new(vec!["localhost".to_string()]).unwrap();
        params.subject_alt_names.push(SanType::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST)));
        params.distinguished_name.push(DnType::CommonName, name);
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth, ExtendedKeyUsagePurpose::ClientAuth];
        let key = KeyPair::generate().unwrap();
        (params.signed_by(&key, &self.issuer).unwrap().pem(), key.serialize_pem())
    }
}

/// A free port on the loopback (taken, then given back).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// An upstream that answers what it was asked and by whom.
async fn upstream() -> String {
    async fn echo(req: axum::extract::Request) -> axum::Json<serde_json::Value> {
        let h = |n: &str| req.headers().get(n).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        axum::Json(serde_json::json!({
            "path": req.uri().path(),
            "client": h("x-road-client"),
            "user": h("x-road-userid"),
            "id": h("x-road-id"),
        }))
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, axum::Router::new().fallback(echo)).await });
    format!("http://{addr}")
}

fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

/// A reqwest client presenting `identity` (certificate and key PEM) and
/// trusting `ca` only.
fn tls_client(ca: &str, identity: Option<(&str, &str)>) -> reqwest::Client {
    let mut b = reqwest::Client::builder()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(ca.as_bytes()).unwrap());
    if let Some((cert, key)) = identity {
        b = b.identity(reqwest::Identity::from_pem(format!("{cert}\n{key}").as_bytes()).unwrap());
    }
    b.build().unwrap()
}

fn run(data: &std::path::Path, db: Option<&str>, args: &[&str]) -> String {
    let out = egov(args, data, db);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

#[tokio::test]
async fn two_instances_federate_over_mutual_tls_and_refuse_a_wrong_certificate() {
    let root = std::env::temp_dir().join(format!("egov-fed-{}", random_name()));
    std::fs::create_dir_all(&root).unwrap();
    let ca = Ca::new("egov federation test CA");
    let rogue = Ca::new("not the federation's CA");
    let ca_file = write(&root, "ca.crt", &ca.pem);
    let (tn, hn) = (ca.issue("VN-TN gateway"), ca.issue("VN-HN gateway"));
    let (tn_port, hn_port) = (free_port(), free_port());
    let mut files = Vec::new();
    for (name, (cert, key), port, peer, peer_cert, peer_port) in
        [("VN-TN", &tn, tn_port, "VN-HN", &hn.0, hn_port), ("VN-HN", &hn, hn_port, "VN-TN", &tn.0, tn_port)]
    {
        let config = serde_json::json!({
            "instance": name,
            "listen": format!("127.0.0.1:{port}"),
            "certificate": write(&root, &format!("{name}.crt"), cert),
            "key": write(&root, &format!("{name}.key"), key),
            "ca": [ca_file],
            "peers": [{"instance": peer, "url": format!("https://127.0.0.1:{peer_port}"),
                       "certificate": write(&root, &format!("{peer}-pinned.crt"), peer_cert)}],
        });
        files.push(write(&root, &format!("{name}.json"), &config.to_string()));
    }
    let (a_data, b_data) = (root.join("a"), root.join("b"));
    let (a_db, b_db) = (server_database().await, server_database().await);

    // A: the client's side; B: the provider's, with its access rights
    run(&a_data, a_db.as_deref(), &["gateway", "add-subsystem", CLIENT, "--name", "ERP"]);
    let key = run(&a_data, a_db.as_deref(), &["gateway", "issue-key", CLIENT]);
    let key = key.split_whitespace().nth(1).unwrap().to_string();
    let up = upstream().await;
    let b = |args: &[&str]| run(&b_data, b_db.as_deref(), args);
    b(&["gateway", "add-subsystem", "VN-HN/GOV/H01/hotich", "--name", "Hộ tịch Hà Nội"]);
    b(&["gateway", "put-service", "--subsystem", "VN-HN/GOV/H01/hotich", "--code", "status", "--upstream", &up]);
    b(&["gateway", "grant", SERVICE, "--to", CLIENT, "--method", "GET", "--path", "/dossiers/*"]);
    // a system of B's own that proves itself with a client certificate
    let local = ca.issue("VN-HN/GOV/H01/motcua");
    b(&["gateway", "add-subsystem", "VN-HN/GOV/H01/motcua", "--name", "Một cửa"]);
    b(&["gateway", "grant", SERVICE, "--to", "VN-HN/GOV/H01/motcua"]);
    let local_cert = write(&root, "motcua.crt", &local.0);
    b(&["gateway", "add-certificate", "VN-HN/GOV/H01/motcua", &local_cert]);

    let a = start(&a_data, a_db.as_deref(), &["--gateway-federation", &files[0]]);
    let bs = start(&b_data, b_db.as_deref(), &["--gateway-federation", &files[1]]);
    let http = reqwest::Client::new();
    let call = |path: &str| {
        http.get(format!("{}/r1/{SERVICE}{path}", a.base))
            .header("x-road-client", CLIENT)
            .header("x-road-api-key", &key)
            .header("x-road-userid", "VN001234567890")
    };

    // allowed: through A, over mutual TLS, to B, to the upstream
    let r = call("/dossiers/H01-1").header("x-road-id", "fed-1").send().await.unwrap();
    if r.status() != 200 {
        let (status, headers) = (r.status(), r.headers().clone());
        panic!("{status} {headers:?} {}", r.text().await.unwrap_or_default());
    }
    assert!(r.headers().get("x-road-request-hash").is_some());
    let j: serde_json::Value = r.json().await.unwrap();
    assert_eq!(j["path"], "/dossiers/H01-1");
    assert_eq!(j["client"], CLIENT, "the provider sees the client of the other instance");
    assert_eq!(j["user"], "VN001234567890", "X-Road-UserId passes both gateways");
    assert_eq!(j["id"], "fed-1");

    // denied by B's rights (A knows none of them): B's refusal passes back
    let r = call("/other").send().await.unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(r.headers()["x-road-error"], "Server.ServerProxy.AccessDenied");
    // a wrong key is refused by A before anything leaves it
    let r = http
        .get(format!("{}/r1/{SERVICE}/dossiers/1", a.base))
        .header("x-road-client", CLIENT)
        .header("x-road-api-key", "0".repeat(64))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    // the metadata services of B's provider, asked through A
    let r = http
        .get(format!("{}/r1/VN-HN/GOV/H01/hotich/allowedMethods", a.base))
        .header("x-road-client", CLIENT)
        .header("x-road-api-key", &key)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let j: serde_json::Value = r.json().await.unwrap();
    assert_eq!(j["service"][0]["endpoint_list"][0]["path"], "/dossiers/*", "{j}");

    // both gateways logged the exchange under its message id
    let logged = |data: &std::path::Path, db: Option<&str>| {
        let out = run(data, db, &["gateway", "log", "--from-seq", "1", "--limit", "100"]);
        out.lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["exchange"].clone())
            .collect::<Vec<_>>()
    };
    for (side, data, db) in [("A", &a_data, a_db.as_deref()), ("B", &b_data, b_db.as_deref())] {
        // journaled at once; in the database (which the command reads while
        // the instance lives) within a batch's gathering
        let start = std::time::Instant::now();
        let mut records = logged(data, db);
        while !records.iter().any(|r| r["message_id"] == "fed-1") && start.elapsed() < Duration::from_secs(5) {
            tokio::time::sleep(Duration::from_millis(50)).await;
            records = logged(data, db);
        }
        let e = records.iter().find(|r| r["message_id"] == "fed-1").unwrap_or_else(|| panic!("{side}: {records:?}"));
        assert_eq!(e["status"], 200, "{side}");
        assert_eq!(e["client"], CLIENT, "{side}");
        assert_eq!(e["service"], SERVICE, "{side}");
        assert_eq!(e["outcome"], "Answered", "{side}");
    }

    // B's TLS listener: a pinned peer only speaks for its own instance
    let b_tls = format!("https://127.0.0.1:{hn_port}/r1/{SERVICE}/dossiers/1");
    let as_tn = tls_client(&ca.pem, Some((&tn.0, &tn.1)));
    let r = as_tn.get(&b_tls).header("x-road-client", "VN-HN/GOV/H01/motcua").send().await.unwrap();
    assert_eq!(r.status(), 401, "A's certificate claiming one of B's own subsystems");
    let r = as_tn.get(&b_tls).header("x-road-client", CLIENT).send().await.unwrap();
    assert_eq!(r.status(), 200, "A's certificate for A's client");
    // a certificate of the right authority that nobody pinned
    let stranger = ca.issue("VN-XX gateway");
    let r = tls_client(&ca.pem, Some((&stranger.0, &stranger.1)))
        .get(&b_tls)
        .header("x-road-client", "VN-XX/GOV/X/x")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    assert_eq!(r.headers()["x-road-error"], "Client.AuthenticationFailed");
    // a certificate of another authority, and none at all: no TLS session
    let wrong = rogue.issue("VN-TN gateway");
    let refused =
        tls_client(&ca.pem, Some((&wrong.0, &wrong.1))).get(&b_tls).header("x-road-client", CLIENT).send().await;
    assert!(refused.is_err(), "a certificate of another authority: {refused:?}");
    let refused = tls_client(&ca.pem, None).get(&b_tls).header("x-road-client", CLIENT).send().await;
    assert!(refused.is_err(), "no certificate: {refused:?}");

    // a client certificate registered for B's own subsystem proves it
    let as_motcua = tls_client(&ca.pem, Some((&local.0, &local.1)));
    let r = as_motcua.get(&b_tls).header("x-road-client", "VN-HN/GOV/H01/motcua").send().await.unwrap();
    assert_eq!(r.status(), 200);
    let r = as_motcua.get(&b_tls).header("x-road-client", "VN-HN/GOV/H01/hotich").send().await.unwrap();
    assert_eq!(r.status(), 401, "a certificate proves its own subsystem only");

    // a gateway that pinned another certificate for VN-HN does not talk to B
    let c_data = root.join("c");
    let c_db = server_database().await;
    let c_port = free_port();
    let pinned_wrong = serde_json::json!({
        "instance": "VN-TN", "listen": format!("127.0.0.1:{c_port}"),
        "certificate": write(&root, "c.crt", &tn.0), "key": write(&root, "c.key", &tn.1), "ca": [ca_file],
        "peers": [{"instance": "VN-HN", "url": format!("https://127.0.0.1:{hn_port}"),
                   "certificate": write(&root, "stranger.crt", &stranger.0)}],
    });
    let c_config = write(&root, "c.json", &pinned_wrong.to_string());
    run(&c_data, c_db.as_deref(), &["gateway", "add-subsystem", CLIENT, "--name", "ERP"]);
    let c_key = run(&c_data, c_db.as_deref(), &["gateway", "issue-key", CLIENT]);
    let c = start(&c_data, c_db.as_deref(), &["--gateway-federation", &c_config]);
    let r = http
        .get(format!("{}/r1/{SERVICE}/dossiers/1", c.base))
        .header("x-road-client", CLIENT)
        .header("x-road-api-key", c_key.split_whitespace().nth(1).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 502, "B's certificate is not the one pinned");
    assert_eq!(r.headers()["x-road-error"], "Server.ServerProxy.NetworkError");
    let (st_c, _) = c.term();
    assert!(st_c.success());
    clean_up(&c_data, c_db.as_deref());

    let (st_a, _) = a.term();
    let (st_b, _) = bs.term();
    assert!(st_a.success() && st_b.success());
    clean_up(&a_data, a_db.as_deref());
    clean_up(&b_data, b_db.as_deref());
    let _ = std::fs::remove_dir_all(&root);
}
