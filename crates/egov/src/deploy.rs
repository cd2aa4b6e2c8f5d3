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
