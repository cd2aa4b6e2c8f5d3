//! The deployment guide (`docs/deploy.md`) as written: haproxy and nginx
//! accept its configurations (with a throw-away certificate where they name
//! one), and every `EGOV_…` setting it names is one `egov` reads. The
//! several-instance tests run its haproxy configuration (`cluster.rs`).

use std::process::Command;

use crate::common::*;

/// A self-signed certificate and key for `localhost` (openssl), in `dir`:
/// (certificate, key, both in one PEM as haproxy takes them).
fn certificate(dir: &std::path::Path) -> (String, String, String) {
    let (crt, key, pem) = (dir.join("c.crt"), dir.join("c.key"), dir.join("c.pem"));
    let out = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&crt)
        .output()
        .expect("openssl");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let both = [std::fs::read(&crt).unwrap(), std::fs::read(&key).unwrap()].concat();
    std::fs::write(&pem, both).unwrap();
    let s = |p: std::path::PathBuf| p.display().to_string();
    (s(crt), s(key), s(pem))
}

#[test]
fn haproxy_and_nginx_accept_the_guide_s_configurations() {
    let dir = std::env::temp_dir().join(format!("egov-guide-{}", random_name()));
    std::fs::create_dir_all(&dir).unwrap();
    let (crt, key, pem) = certificate(&dir);

    let haproxy =
        egov::deploy::block("haproxy").expect("a ```haproxy block").replace("/etc/haproxy/certs/dichvucong.pem", &pem);
    std::fs::write(dir.join("haproxy.cfg"), &haproxy).unwrap();
    let out = Command::new(tool("haproxy")).arg("-c").arg("-f").arg(dir.join("haproxy.cfg")).output().unwrap();
    assert!(
        out.status.success(),
        "haproxy -c: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );

    let site = egov::deploy::block("nginx")
        .expect("a ```nginx block")
        .replace("/etc/nginx/certs/dichvucong.crt", &crt)
        .replace("/etc/nginx/certs/dichvucong.key", &key);
    let conf = format!(
        "pid {d}/nginx.pid;\nerror_log {d}/error.log;\nevents {{}}\nhttp {{\naccess_log off;\n{site}\n}}\n",
        d = dir.display()
    );
    std::fs::write(dir.join("nginx.conf"), conf).unwrap();
    let out = Command::new(tool("nginx"))
        .arg("-t")
        .arg("-p")
        .arg(&dir)
        .arg("-c")
        .arg(dir.join("nginx.conf"))
        .output()
        .unwrap();
    assert!(out.status.success(), "nginx -t: {}", String::from_utf8_lossy(&out.stderr));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_setting_the_guide_names_is_one_egov_reads() {
    let mut help = String::new();
    for cmd in [&["serve", "--help"][..], &["backup", "--help"], &["blobs", "migrate", "--help"]] {
        let out = Command::new(env!("CARGO_BIN_EXE_egov")).args(cmd).output().unwrap();
        assert!(out.status.success());
        help.push_str(&String::from_utf8_lossy(&out.stdout));
    }
    let guide = egov::deploy::GUIDE;
    let named: std::collections::BTreeSet<&str> = guide
        .match_indices("EGOV_")
        .map(|(i, _)| {
            let rest = &guide[i..];
            &rest[..rest.find(|c: char| !(c.is_ascii_uppercase() || c == '_')).unwrap_or(rest.len())]
        })
        .collect();
    assert!(named.len() >= 8, "{named:?}");
    for name in named {
        // a secret's value is not shown: `[env: NAME]`
        let read = help.contains(&format!("env: {name}=")) || help.contains(&format!("env: {name}]"));
        assert!(read, "the guide names {name}, which egov does not read");
    }
    // and the unit's commands are egov's
    assert!(egov::deploy::block("ini").expect("the systemd unit").contains("ExecStart=/usr/local/bin/egov serve"));
}
