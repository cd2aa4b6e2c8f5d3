//! The deployment guide's configurations (`docs/deploy.md`), as the
//! several-instance tests and the benchmark run them: what the guide says is
//! what is exercised.

/// The guide, as built into this binary.
pub const GUIDE: &str = include_str!("../../../docs/deploy.md");

/// The guide's fenced block whose info string is `lang` (```` ```haproxy ````).
pub fn block(lang: &str) -> Option<&'static str> {
    let fence = format!("```{lang}\n");
    let start = GUIDE.find(&fence)? + fence.len();
    let len = GUIDE[start..].find("```")?;
    Some(&GUIDE[start..start + len])
}

/// The guide's haproxy configuration for a test or a benchmark on one
/// machine: its TLS listener (`bind … ssl …`) replaced by plain HTTP on
/// `bind`, its `server` lines by `servers` (`host:port`); everything else,
/// the health checks and retries among it, as written.
pub fn haproxy_config(bind: &str, servers: &[String]) -> Result<String, String> {
    let guide = block("haproxy").ok_or("docs/deploy.md has no ```haproxy block")?;
    let mut out = String::new();
    let (mut binds, mut placed) = (0, false);
    for line in guide.lines() {
        let t = line.trim_start();
        if t.starts_with("bind ") {
            binds += 1;
            out.push_str(&format!("    bind {bind}\n"));
        } else if t.starts_with("server ") {
            if !placed {
                for (i, s) in servers.iter().enumerate() {
                    out.push_str(&format!("    server egov{} {s} check\n", i + 1));
                }
                placed = true;
            }
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    if binds != 1 || !placed {
        return Err(format!("the guide's haproxy block has {binds} bind lines and servers: {placed}"));
    }
    Ok(out)
}

/// haproxy running the guide's configuration (see [`haproxy_config`]) on
/// `127.0.0.1:port` in front of `servers`, its configuration in `dir`;
/// stopped when dropped.
pub struct Haproxy {
    child: std::process::Child,
    pub base: String,
    dir: std::path::PathBuf,
}

impl Haproxy {
    /// Starts it (Debian's `/usr/sbin/haproxy`) and waits until it takes connections.
    pub fn start(servers: &[String]) -> Result<Haproxy, String> {
        let port =
            std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map_err(|e| e.to_string())?.port();
        let dir = std::env::temp_dir().join(format!("egov-haproxy-{port}"));
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let cfg = haproxy_config(&format!("127.0.0.1:{port}"), servers)?;
        std::fs::write(dir.join("haproxy.cfg"), cfg).map_err(|e| e.to_string())?;
        let child = std::process::Command::new("/usr/sbin/haproxy")
            .arg("-db")
            .arg("-f")
            .arg(dir.join("haproxy.cfg"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .map_err(|e| format!("haproxy (apt-get install haproxy): {e}"))?;
        let lb = Haproxy { child, base: format!("http://127.0.0.1:{port}"), dir };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if std::time::Instant::now() > deadline {
                return Err("haproxy did not start".into());
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Ok(lb)
    }
}

impl Drop for Haproxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_guide_s_haproxy_block_becomes_a_local_configuration() {
        let cfg = super::haproxy_config("127.0.0.1:9000", &["127.0.0.1:1".into(), "127.0.0.1:2".into()]).unwrap();
        assert!(cfg.contains("    bind 127.0.0.1:9000\n") && !cfg.contains("ssl crt"));
        assert!(cfg.contains("server egov1 127.0.0.1:1 check\n    server egov2 127.0.0.1:2 check\n"));
        assert!(cfg.contains("option httpchk GET /readyz"), "the guide's checks are kept");
        assert!(!cfg.contains("10.0.1."), "the guide's own servers are gone");
    }
}
