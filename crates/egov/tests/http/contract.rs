//! The OpenAPI document is a contract (issue 12): schemathesis reads it from
//! the running server and sends what it describes — and what it forbids —
//! signed in as each role and as nobody, with every check on (server
//! errors, statuses, content types, headers, response schemas, schema-valid
//! data accepted, schema-invalid data refused, authentication, methods).
//! Any failure fails the suite. `schemathesis.toml` (repository root) holds
//! the only loosening, with its reasons.
//!
//! scripts/test.sh installs schemathesis from PyPI into a virtual
//! environment and names it in EGOV_SCHEMATHESIS; the test fails (never
//! skips) without it. EGOV_FUZZ_EXAMPLES and EGOV_FUZZ_SEED change how many
//! cases an operation gets (default 40) and the seed (fixed by default, so
//! that a run can be repeated).

use std::path::PathBuf;
use std::time::Duration;

use crate::common::*;

fn schemathesis() -> PathBuf {
    let path = std::env::var("EGOV_SCHEMATHESIS").map(PathBuf::from).unwrap_or_else(|_| {
        PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cache/egov/schemathesis/bin/st")
    });
    assert!(
        path.exists(),
        "schemathesis is not installed at {}: run the test command (scripts/test.sh), which installs it",
        path.display()
    );
    path
}

fn config() -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/../../schemathesis.toml").to_string()
}

/// One schemathesis run; its output, and whether it found nothing.
async fn run(base: &str, token: Option<&str>, only: Option<&str>, except: Option<&str>) -> (bool, String) {
    let st = schemathesis();
    let examples = std::env::var("EGOV_FUZZ_EXAMPLES").unwrap_or_else(|_| "40".into());
    let seed = std::env::var("EGOV_FUZZ_SEED").unwrap_or_else(|_| "20261130".into());
    let work = std::env::temp_dir().join(format!("egov-fuzz-{}", random_name()));
    std::fs::create_dir_all(&work).expect("work dir");
    let mut cmd = std::process::Command::new(st);
    cmd.current_dir(&work)
        .args(["--config-file", &config(), "run", &format!("{base}/api/openapi.json")])
        .args(["--checks", "all", "--max-examples", &examples, "--seed", &seed])
        .args(["--workers", "1", "--continue-on-failure", "--no-color", "--generation-database", "none"])
        .args(["--request-timeout", "30", "--wait-for-schema", "10"]);
    if let Some(t) = token {
        cmd.args(["--header", &format!("Authorization: Bearer {t}")]);
    }
    if let Some(name) = only {
        // one operation alone has no links to follow
        cmd.args(["--include-name", name, "--phases", "examples,coverage,fuzzing"]);
    }
    if let Some(name) = except {
        cmd.args(["--exclude-name", name]);
    }
    let out = tokio::task::spawn_blocking(move || cmd.output()).await.expect("join").expect("run schemathesis");
    let _ = std::fs::remove_dir_all(&work);
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_keeps_its_openapi_contract_signed_in_as_each_role() {
    // The throttles are part of the contract (429 is documented), but a
    // fuzzer held back by them tests nothing behind them: wide limits here,
    // the throttles have tests of their own (hardening.rs).
    let settings = egov_web::Settings {
        lookup_limit: egov_web::Limit { max: 1_000_000, window: Duration::from_secs(60) },
        max_failures_per_address: 1_000_000,
        ..Default::default()
    };
    let app = spawn_with(settings).await;
    let roles =
        ["demo.citizen", "demo.receiver", "demo.specialist", "demo.approver", "demo.agency-admin", "demo.admin"];
    let mut tokens: Vec<(String, String)> = Vec::new();
    for r in roles {
        tokens.push((r.to_string(), app.token(r).await.1));
    }
    let revoke = "DELETE /api/v1/auth/tokens/{id}";
    let mut failures = Vec::new();
    let mut runs = 0;
    let who: Vec<(String, Option<&str>)> = std::iter::once(("nobody".to_string(), None))
        .chain(tokens.iter().map(|(r, t)| (r.clone(), Some(t.as_str()))))
        .collect();
    for (name, token) in &who {
        // Revoking tokens by random ids would revoke the fuzzer's own: that
        // operation runs last, for each role.
        let (ok, out) = run(&app.base, *token, None, Some(revoke)).await;
        runs += 1;
        if !ok {
            failures.push(format!("---- as {name} ----\n{out}"));
        }
    }
    for (name, token) in &who {
        let (ok, out) = run(&app.base, *token, Some(revoke), None).await;
        runs += 1;
        if !ok {
            failures.push(format!("---- as {name} (token revocation) ----\n{out}"));
        }
    }
    assert!(failures.is_empty(), "{} of {runs} schemathesis runs failed:\n{}", failures.len(), failures.join("\n"));
}
