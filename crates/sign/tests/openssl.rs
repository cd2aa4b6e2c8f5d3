//! The signatures read back by OpenSSL: a CMS made here verifies with
//! `openssl cms -verify` over the same bytes, and fails over others, for an
//! ECDSA key made here and an RSA key and certificate made by OpenSSL.

use std::path::Path;
use std::process::Command;

fn openssl() -> bool {
    match Command::new("openssl").arg("version").output() {
        Ok(o) if o.status.success() => true,
        _ => {
            assert!(std::env::var("CI").is_err(), "openssl is missing (scripts/test.sh installs it)");
            eprintln!("skipped: openssl is missing");
            false
        }
    }
}

fn verifies(dir: &Path, cms: &[u8], content: &[u8]) -> bool {
    std::fs::write(dir.join("sig.der"), cms).unwrap();
    std::fs::write(dir.join("content.bin"), content).unwrap();
    let out = Command::new("openssl")
        .args(["cms", "-verify", "-binary", "-inform", "DER", "-noverify", "-out", "/dev/null"])
        .arg("-in")
        .arg(dir.join("sig.der"))
        .arg("-content")
        .arg(dir.join("content.bin"))
        .output()
        .unwrap();
    out.status.success()
}

fn tempdir(name: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("egov-sign-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn an_ecdsa_signature_made_here_verifies_with_openssl() {
    if !openssl() {
        return;
    }
    let dir = tempdir("ec");
    let now = chrono::DateTime::from_timestamp(1_780_000_000, 0).unwrap();
    let (key, cert) = egov_sign::self_signed("egov thử nghiệm", "egov", now, 5).unwrap();
    std::fs::write(dir.join("cert.pem"), &cert).unwrap();
    let text = Command::new("openssl")
        .args(["x509", "-noout", "-subject", "-enddate", "-in"])
        .arg(dir.join("cert.pem"))
        .output()
        .unwrap();
    assert!(text.status.success(), "{}", String::from_utf8_lossy(&text.stderr));
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("CN") && text.contains("2031"), "{text}");
    let s = egov_sign::Signer::from_pem(&key, &cert).unwrap();
    let cms = s.cms(&[b"%PDF-1.7 ", b"the rest"]).unwrap();
    assert!(verifies(&dir, &cms, b"%PDF-1.7 the rest"));
    assert!(!verifies(&dir, &cms, b"%PDF-1.7 the rest, changed"));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn an_rsa_key_and_certificate_from_openssl_sign_what_openssl_verifies() {
    if !openssl() {
        return;
    }
    let dir = tempdir("rsa");
    let ok = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=So KHCN tinh thu nghiem/O=egov",
        ])
        .arg("-keyout")
        .arg(dir.join("key.pem"))
        .arg("-out")
        .arg(dir.join("cert.pem"))
        .output()
        .unwrap();
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let key = std::fs::read_to_string(dir.join("key.pem")).unwrap();
    let cert = std::fs::read_to_string(dir.join("cert.pem")).unwrap();
    let s = egov_sign::Signer::from_pem(&key, &cert).unwrap();
    assert_eq!(s.name(), "So KHCN tinh thu nghiem");
    let cms = s.cms(&[b"report"]).unwrap();
    assert!(cms.len() <= s.reserve());
    assert!(verifies(&dir, &cms, b"report"));
    assert!(!verifies(&dir, &cms, b"rep0rt"));
    std::fs::remove_dir_all(dir).ok();
}
