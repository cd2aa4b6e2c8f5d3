//! What the agent says of its machine: host name, operating system, the
//! address it reaches the server from, and its network cards' MAC addresses.

#[derive(Debug, Clone)]
pub struct Facts {
    pub host_name: String,
    pub os: String,
    pub addresses: Vec<String>,
}

fn read(p: &str) -> String {
    std::fs::read_to_string(p).unwrap_or_default()
}

fn os() -> String {
    let release = read("/etc/os-release");
    let pretty = release
        .lines()
        .find_map(|l| l.strip_prefix("PRETTY_NAME="))
        .map(|v| v.trim_matches('"').to_string())
        .unwrap_or_else(|| std::env::consts::OS.to_string());
    let kernel = read("/proc/sys/kernel/osrelease");
    let s = if kernel.trim().is_empty() { pretty } else { format!("{pretty} (Linux {})", kernel.trim()) };
    s.chars().take(200).collect()
}

/// The local address a connection to `server` would leave from (no packet is sent).
fn route_to(server: &str) -> Option<String> {
    let rest = server.split("://").nth(1)?;
    let authority = rest.split(['/', '?']).next()?;
    let with_port =
        if authority.rsplit_once(':').is_some_and(|(_, p)| p.parse::<u16>().is_ok()) && !authority.ends_with(']') {
            authority.to_string()
        } else {
            format!("{authority}:{}", if server.starts_with("https") { 443 } else { 80 })
        };
    use std::net::ToSocketAddrs;
    let target = with_port.to_socket_addrs().ok()?.next()?;
    let bind = if target.is_ipv4() { "0.0.0.0:0" } else { "[::]:0" };
    let s = std::net::UdpSocket::bind(bind).ok()?;
    s.connect(target).ok()?;
    Some(s.local_addr().ok()?.ip().to_string())
}

pub fn facts(server: &str) -> Facts {
    let host_name = read("/proc/sys/kernel/hostname").trim().chars().take(253).collect::<String>();
    let mut addresses: Vec<String> = route_to(server).into_iter().collect();
    if let Ok(dir) = std::fs::read_dir("/sys/class/net") {
        let mut macs: Vec<String> = dir
            .flatten()
            .filter(|e| e.file_name() != "lo")
            .map(|e| read(&format!("{}/address", e.path().display())).trim().to_string())
            .filter(|m| m.len() == 17 && m != "00:00:00:00:00:00")
            .collect();
        macs.sort();
        macs.dedup();
        addresses.extend(macs);
    }
    addresses.truncate(32);
    Facts { host_name: if host_name.is_empty() { "unknown".into() } else { host_name }, os: os(), addresses }
}
