//! A throw-away clamd for tests: a folder of its own with its configuration,
//! its local socket and a signature database the test makes — a body
//! signature of the EICAR test file — so that nothing is downloaded. Killed
//! when dropped.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::{Address, Clamd};

/// The EICAR anti-virus test file: harmless, and found by every engine given
/// a signature of it (here, [`SIGNATURE`]).
pub const EICAR: &[u8] = br"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

/// The name the test database gives its one signature (clamd reports it
/// with `.UNOFFICIAL` appended: it is not from ClamAV's own databases).
pub const SIGNATURE: &str = "Egov.Test.EICAR";

pub struct TestClamd {
    pub dir: PathBuf,
    pub socket: PathBuf,
    child: Option<std::process::Child>,
}

/// Where Debian's clamav-daemon puts clamd; a clear failure if it is missing.
fn program() -> PathBuf {
    for p in ["/usr/sbin/clamd", "/usr/bin/clamd", "/usr/local/sbin/clamd"] {
        if Path::new(p).exists() {
            return PathBuf::from(p);
        }
    }
    panic!("clamd is not installed: run the test command (scripts/test.sh), which installs clamav-daemon")
}

fn random() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_nanos());
    format!("{:x}", h.finish())
}

impl TestClamd {
    /// Starts clamd and waits until it answers `PING` (a few seconds).
    pub async fn start() -> TestClamd {
        TestClamd::start_with(0).await
    }

    /// Starts clamd with `extra` more body signatures besides the EICAR one:
    /// random byte strings of 16 to 40 bytes (a fixed seed), so that a
    /// measurement sees the matcher of a database of some size rather than
    /// of one signature. (ClamAV's own databases hold millions of
    /// signatures, most of them hashes; they cannot be downloaded here.)
    pub async fn start_with(extra: usize) -> TestClamd {
        let dir = std::env::temp_dir().join(format!("egov-clamd-{}", random()));
        let db = dir.join("db");
        std::fs::create_dir_all(&db).expect("clamd's folder");
        let hex: String = b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE".iter().map(|b| format!("{b:02x}")).collect();
        let mut sigs = format!("{SIGNATURE}:0:*:{hex}\n");
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for i in 0..extra {
            let len = 16 + (next() % 25) as usize;
            let body: String = (0..len).map(|_| format!("{:02x}", next() as u8)).collect();
            sigs.push_str(&format!("Egov.Synthetic.{i}:0:*:{body}\n"));
        }
        std::fs::write(db.join("egov-test.ndb"), sigs).expect("the signature database");
        let socket = dir.join("clamd.sock");
        let conf = dir.join("clamd.conf");
        std::fs::write(
            &conf,
            format!(
                "LocalSocket {}\nDatabaseDirectory {}\nForeground yes\nLogFile {}\nStreamMaxLength 64M\nMaxFileSize 64M\nMaxScanSize 256M\n",
                socket.display(),
                db.display(),
                dir.join("clamd.log").display()
            ),
        )
        .expect("clamd's configuration");
        let child = std::process::Command::new(program())
            .arg("-c")
            .arg(&conf)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start clamd");
        let mut t = TestClamd { dir, socket, child: Some(child) };
        let c = t.client();
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        loop {
            if c.ping().await.is_ok() {
                return t;
            }
            if let Some(Ok(Some(status))) = t.child.as_mut().map(|c| c.try_wait()) {
                panic!("clamd exited ({status}): {}", t.log());
            }
            assert!(std::time::Instant::now() < deadline, "clamd did not answer within a minute: {}", t.log());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub fn address(&self) -> Address {
        Address::Unix(self.socket.clone())
    }

    pub fn client(&self) -> Clamd {
        Clamd { address: self.address(), timeout: Duration::from_secs(10) }
    }

    /// clamd's own log, for a failure's message.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("clamd.log")).unwrap_or_default()
    }

    /// Stops clamd (its socket stays, answering nothing).
    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for TestClamd {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
