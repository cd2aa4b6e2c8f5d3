//! A throw-away `snmpd` (Debian's) for tests: its own folder and
//! configuration, listening on a loopback UDP port with a read-only
//! community, answering for this machine's real interfaces. Killed when
//! dropped.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::Agent;

pub const COMMUNITY: &str = "egov-test";

pub struct TestSnmpd {
    pub dir: PathBuf,
    pub address: SocketAddr,
    child: std::process::Child,
}

fn program() -> PathBuf {
    for p in ["/usr/sbin/snmpd", "/usr/bin/snmpd", "/usr/local/sbin/snmpd"] {
        if Path::new(p).exists() {
            return PathBuf::from(p);
        }
    }
    panic!("snmpd is not installed: run the test command (scripts/test.sh), which installs Debian's snmpd")
}

fn free_udp_port() -> u16 {
    let s = std::net::UdpSocket::bind("127.0.0.1:0").expect("a UDP port");
    s.local_addr().expect("its address").port()
}

impl TestSnmpd {
    /// Starts snmpd and waits until it answers (a few seconds).
    pub async fn start() -> TestSnmpd {
        let dir = std::env::temp_dir().join(format!("egov-snmpd-{}-{}", std::process::id(), free_udp_port()));
        std::fs::create_dir_all(&dir).expect("snmpd's folder");
        let port = free_udp_port();
        let address: SocketAddr = format!("127.0.0.1:{port}").parse().expect("an address");
        let conf = dir.join("snmpd.conf");
        std::fs::write(&conf, format!("agentAddress udp:{address}\nrocommunity {COMMUNITY} 127.0.0.1\n"))
            .expect("snmpd's configuration");
        let child = std::process::Command::new(program())
            .args(["-f", "-C", "-Lf"])
            .arg(dir.join("snmpd.log"))
            .arg("-c")
            .arg(&conf)
            .arg("-p")
            .arg(dir.join("snmpd.pid"))
            // no MIB files needed: the agent's own tables answer by number
            .env("MIBS", "")
            .env("SNMP_PERSISTENT_DIR", &dir)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start snmpd");
        let mut t = TestSnmpd { dir, address, child };
        let agent = Agent { timeout: Duration::from_millis(300), retries: 0, ..t.agent() };
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        loop {
            if agent.get(&[crate::oid::SYS_UPTIME]).await.is_ok() {
                return t;
            }
            if let Ok(Some(status)) = t.child.try_wait() {
                panic!("snmpd exited ({status}): {}", t.log());
            }
            assert!(std::time::Instant::now() < deadline, "snmpd did not answer within 30 s: {}", t.log());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub fn agent(&self) -> Agent {
        Agent { address: self.address, community: COMMUNITY.to_string(), timeout: Duration::from_secs(2), retries: 2 }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("snmpd.log")).unwrap_or_default()
    }
}

impl Drop for TestSnmpd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
