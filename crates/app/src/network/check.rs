//! One check of a probe against the outside world: a TCP connect, an
//! HTTP(S) GET (status, keyword, the certificate's end), a DNS query, an
//! ICMP echo, or the look at a push probe's last heartbeat. Each within the
//! probe's timeout; the result an [`Outcome`], never an error.

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use egov_network::{wire, Outcome, Target, DAY};

/// The body read for a keyword, at most.
const KEYWORD_WINDOW: usize = 1 << 20;

/// What checks share: the HTTP client (its trusted roots, no redirects
/// followed, the certificate kept) and whether ICMP may be sent.
#[derive(Clone)]
pub struct Checker {
    http: reqwest::Client,
    pub icmp: IcmpPermission,
}

/// Whether this process may send ICMP echoes, found once at start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IcmpPermission {
    /// Unprivileged "ping" sockets (`net.ipv4.ping_group_range` holds the process's group).
    Datagram,
    /// Raw sockets (`CAP_NET_RAW`, or root).
    Raw,
    /// Neither: ICMP probes fail saying so.
    Denied,
}

impl IcmpPermission {
    pub fn find() -> IcmpPermission {
        use socket2::{Domain, Protocol, Socket, Type};
        if Socket::new(Domain::IPV4, Type::DGRAM, Some(Protocol::ICMPV4)).is_ok() {
            IcmpPermission::Datagram
        } else if Socket::new(Domain::IPV4, Type::RAW, Some(Protocol::ICMPV4)).is_ok() {
            IcmpPermission::Raw
        } else {
            IcmpPermission::Denied
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            IcmpPermission::Datagram => "datagram",
            IcmpPermission::Raw => "raw",
            IcmpPermission::Denied => "denied",
        }
    }
}

/// What a check found besides its outcome: a certificate's end of validity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub outcome: Outcome,
    pub cert_expires_at: Option<i64>,
}

fn ms(since: Instant) -> u32 {
    since.elapsed().as_millis().min(u128::from(u32::MAX)) as u32
}

impl Checker {
    /// `roots`: PEM certificates trusted besides the system's (a private CA).
    pub fn new(roots: &[Vec<u8>]) -> Result<Checker, String> {
        let mut b = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .tls_info(true)
            .user_agent(concat!("egov-prober/", env!("CARGO_PKG_VERSION")))
            .pool_max_idle_per_host(0);
        for pem in roots {
            b = b.add_root_certificate(reqwest::Certificate::from_pem(pem).map_err(|e| e.to_string())?);
        }
        Ok(Checker { http: b.build().map_err(|e| e.to_string())?, icmp: IcmpPermission::find() })
    }

    /// Runs one check at `now` (micros, for the certificate's days left).
    /// `last_push`: a push probe's last heartbeat; `since`: the instant
    /// from which one counts (the slot's interval).
    pub async fn check(&self, target: &Target, timeout: Duration, now: i64, push: (Option<i64>, i64)) -> Checked {
        let start = Instant::now();
        let plain = |o: Outcome| Checked { outcome: o, cert_expires_at: None };
        match target {
            Target::Push => plain(match push.0 {
                Some(t) if t >= push.1 => Outcome::up(0),
                Some(_) => Outcome::down(0, "no heartbeat in the interval"),
                None => Outcome::down(0, "no heartbeat yet"),
            }),
            Target::Tcp { host, port } => {
                let r = tokio::time::timeout(timeout, tokio::net::TcpStream::connect((host.as_str(), *port))).await;
                plain(match r {
                    Ok(Ok(_)) => Outcome::up(ms(start)),
                    Ok(Err(e)) => Outcome::down(ms(start), format!("TCP: {e}")),
                    Err(_) => Outcome::down(ms(start), "TCP: timed out"),
                })
            }
            Target::Http { url, keyword, cert_days } => {
                match tokio::time::timeout(timeout, self.http(url, keyword.as_deref())).await {
                    Err(_) => plain(Outcome::down(ms(start), "HTTP: timed out")),
                    Ok(Err(e)) => plain(Outcome::down(ms(start), e)),
                    Ok(Ok(cert)) => {
                        let mut o = Outcome::up(ms(start));
                        if let Some(end) = cert {
                            // days begun: 4 days and 23 hours left is "5 days"
                            let days = (end - now + DAY - 1).div_euclid(DAY);
                            if *cert_days > 0 && days < i64::from(*cert_days) {
                                o.note = format!("certificate expires in {days} days");
                            }
                        }
                        Checked { outcome: o, cert_expires_at: cert }
                    }
                }
            }
            Target::Dns { name, server, expect } => {
                let r = tokio::time::timeout(timeout, dns(name, server)).await;
                plain(match r {
                    Err(_) => Outcome::down(ms(start), "DNS: timed out"),
                    Ok(Err(e)) => Outcome::down(ms(start), e),
                    Ok(Ok(addrs)) => match expect {
                        Some(e) if !addrs.iter().any(|a| a.to_string() == *e) => {
                            Outcome::down(ms(start), format!("DNS: {e} not among {addrs:?}"))
                        }
                        _ if addrs.is_empty() => Outcome::down(ms(start), "DNS: no A record"),
                        _ => Outcome::up(ms(start)),
                    },
                })
            }
            Target::Icmp { host } => plain(self.icmp(host, timeout).await),
        }
    }

    /// A GET: `Ok` with the certificate's end (HTTPS), or the failure.
    async fn http(&self, url: &str, keyword: Option<&str>) -> Result<Option<i64>, String> {
        let r = self.http.get(url).send().await.map_err(|e| {
            let mut s = format!("HTTP: {e}");
            let mut src = std::error::Error::source(&e);
            while let Some(inner) = src {
                s.push_str(&format!(": {inner}"));
                src = inner.source();
            }
            s
        })?;
        let cert = r
            .extensions()
            .get::<reqwest::tls::TlsInfo>()
            .and_then(|t| t.peer_certificate())
            .and_then(wire::cert_not_after);
        let status = r.status();
        if !(status.is_success() || status.is_redirection()) {
            return Err(format!("HTTP status {}", status.as_u16()));
        }
        if let Some(k) = keyword {
            let (mut body, mut r) = (Vec::new(), r);
            while let Some(chunk) = r.chunk().await.map_err(|e| format!("HTTP body: {e}"))? {
                body.extend_from_slice(&chunk);
                if body.len() >= KEYWORD_WINDOW {
                    break;
                }
            }
            if !String::from_utf8_lossy(&body).contains(k) {
                return Err(format!("HTTP: « {k} » not in the page"));
            }
        }
        Ok(cert)
    }

    async fn icmp(&self, host: &str, timeout: Duration) -> Outcome {
        let start = Instant::now();
        let kind = self.icmp;
        if kind == IcmpPermission::Denied {
            return Outcome::down(
                0,
                "ICMP: this process may not send echoes (grant CAP_NET_RAW or widen net.ipv4.ping_group_range)",
            );
        }
        let addr = match resolve(host, 0).await {
            Ok(SocketAddr::V4(a)) => *a.ip(),
            Ok(_) => return Outcome::down(ms(start), "ICMP: IPv6 echoes are not sent"),
            Err(e) => return Outcome::down(ms(start), e),
        };
        let r = tokio::task::spawn_blocking(move || echo(addr, kind, timeout)).await;
        match r {
            Ok(Ok(())) => Outcome::up(ms(start)),
            Ok(Err(e)) => Outcome::down(ms(start), format!("ICMP: {e}")),
            Err(e) => Outcome::down(ms(start), format!("ICMP: {e}")),
        }
    }
}

async fn resolve(host: &str, port: u16) -> Result<SocketAddr, String> {
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, port));
    }
    tokio::net::lookup_host((host, port))
        .await
        .map_err(|e| format!("{host}: {e}"))?
        .next()
        .ok_or_else(|| format!("{host}: no address"))
}

async fn dns(name: &str, server: &str) -> Result<Vec<std::net::Ipv4Addr>, String> {
    let server: SocketAddr = server.parse().map_err(|_| format!("DNS: a server that is not an address: {server}"))?;
    let id = random_u16();
    let q = wire::dns_query(id, name).ok_or("DNS: a name that is not one")?;
    let sock = tokio::net::UdpSocket::bind(if server.is_ipv4() { "0.0.0.0:0" } else { "[::]:0" })
        .await
        .map_err(|e| format!("DNS: {e}"))?;
    sock.connect(server).await.map_err(|e| format!("DNS: {e}"))?;
    sock.send(&q).await.map_err(|e| format!("DNS: {e}"))?;
    let mut buf = [0u8; 1500];
    loop {
        let n = sock.recv(&mut buf).await.map_err(|e| format!("DNS: {e}"))?;
        match wire::dns_answers(id, &buf[..n]) {
            Err(e) if e == "not an answer to the query" => continue,
            r => return r,
        }
    }
}

/// One echo request and its reply (blocking; run off the async threads).
fn echo(addr: std::net::Ipv4Addr, kind: IcmpPermission, timeout: Duration) -> Result<(), String> {
    use socket2::{Domain, Protocol, Socket, Type};
    let ty = if kind == IcmpPermission::Raw { Type::RAW } else { Type::DGRAM };
    let s = Socket::new(Domain::IPV4, ty, Some(Protocol::ICMPV4)).map_err(|e| e.to_string())?;
    // a datagram socket's calls serve ICMP sockets of both kinds
    let s: std::net::UdpSocket = s.into();
    s.set_read_timeout(Some(timeout)).map_err(|e| e.to_string())?;
    let ident = (std::process::id() & 0xFFFF) as u16;
    let seq = random_u16();
    let mut pkt = vec![8u8, 0, 0, 0];
    pkt.extend_from_slice(&ident.to_be_bytes());
    pkt.extend_from_slice(&seq.to_be_bytes());
    pkt.extend_from_slice(b"egov-probe");
    let sum = checksum(&pkt);
    pkt[2..4].copy_from_slice(&sum.to_be_bytes());
    s.send_to(&pkt, SocketAddr::new(IpAddr::V4(addr), 0)).map_err(|e| e.to_string())?;
    let deadline = Instant::now() + timeout;
    let mut buf = [0u8; 1500];
    while Instant::now() < deadline {
        let (n, from) = match s.recv_from(&mut buf) {
            Ok(x) => x,
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock || e.kind() == std::io::ErrorKind::TimedOut => {
                return Err("timed out".into())
            }
            Err(e) => return Err(e.to_string()),
        };
        let got = &buf[..n];
        // a raw socket gives the IP header first
        let icmp = match (kind, got.first()) {
            (IcmpPermission::Raw, Some(v)) => got.get(usize::from(v & 0x0F) * 4..).unwrap_or(&[]),
            _ => got,
        };
        let from_ok = from.ip() == IpAddr::V4(addr);
        // an echo reply; over a datagram socket the kernel rewrites the identifier
        if from_ok && icmp.len() >= 8 && icmp[0] == 0 && icmp[6..8] == seq.to_be_bytes() {
            return Ok(());
        }
    }
    Err("timed out".into())
}

fn random_u16() -> u16 {
    let mut b = [0u8; 2];
    let _ = getrandom::getrandom(&mut b);
    u16::from_be_bytes(b)
}

fn checksum(b: &[u8]) -> u16 {
    let mut sum: u32 = b.chunks(2).map(|c| u32::from(u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))).sum();
    while sum >> 16 != 0 {
        sum = (sum & 0xFFFF) + (sum >> 16);
    }
    !(sum as u16)
}
