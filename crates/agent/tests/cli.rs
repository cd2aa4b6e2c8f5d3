//! The agent's command line as an administrator meets it (this file also
//! has cargo build the binary that egov's black-box tests run).

use std::process::Command;

#[test]
fn the_agent_refuses_a_plain_http_server_elsewhere_and_runs_only_once_enrolled() {
    let dir = std::env::temp_dir().join(format!("egov-agent-cli-{}", std::process::id()));
    let out = Command::new(env!("CARGO_BIN_EXE_egov-agent"))
        .args(["--dir", dir.to_str().unwrap(), "enrol", "--server", "http://10.1.2.3:8080", "--token", "x"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("https://"), "{}", String::from_utf8_lossy(&out.stderr));
    let out =
        Command::new(env!("CARGO_BIN_EXE_egov-agent")).args(["--dir", dir.to_str().unwrap(), "run"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not enrolled"), "{}", String::from_utf8_lossy(&out.stderr));
    let _ = std::fs::remove_dir_all(dir);
}
