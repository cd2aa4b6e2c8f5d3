//! A real SMTP server for the mail tests: aiosmtpd, from Debian's
//! python3-aiosmtpd (which scripts/test.sh installs), writing each message
//! it receives as a JSON line.

use std::io::BufRead;

use super::random_name;

/// The SMTP server, stopped when dropped.
pub struct SmtpServer {
    child: std::process::Child,
    out: std::path::PathBuf,
}

impl SmtpServer {
    pub fn start(port: u16, defer: u32) -> SmtpServer {
        let out = std::env::temp_dir().join(format!("egov-smtp-{}.jsonl", random_name()));
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/http/smtp_server.py");
        // Debian's Python, where python3-aiosmtpd is installed.
        let mut child = std::process::Command::new("/usr/bin/python3")
            .args([script, &port.to_string(), &out.display().to_string(), &defer.to_string()])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("start the SMTP server (/usr/bin/python3 with python3-aiosmtpd: run scripts/test.sh)");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("read");
        assert_eq!(line.trim(), "ready", "the SMTP server did not start (is python3-aiosmtpd installed?)");
        SmtpServer { child, out }
    }

    pub fn received(&self) -> Vec<serde_json::Value> {
        std::fs::read_to_string(&self.out)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).expect("JSON line"))
            .collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.out);
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}
