//! The accept loop: HTTP/1.1 connections with deadlines and caps, so that
//! slow or hostile clients never take the server down.
//!
//! - a request's headers must arrive within `header_timeout` (also the idle
//!   time allowed between two requests of a kept-alive connection);
//! - a request's body may pause at most `body_idle_timeout` between two reads;
//! - one address holds at most `max_per_address` connections at once (the
//!   trusted proxies excepted: every client of a balancer has its address);
//! - the process holds at most `max_connections`; past that a new connection
//!   is closed at once rather than left in the kernel's queue.
//!
//! A connection over a cap is closed without a word: it has sent nothing yet.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tower::ServiceExt;

/// How long and how many: the accept loop's limits.
#[derive(Debug, Clone)]
pub struct ConnectionLimits {
    pub header_timeout: Duration,
    pub body_idle_timeout: Duration,
    pub max_connections: usize,
    pub max_per_address: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            header_timeout: Duration::from_secs(10),
            body_idle_timeout: Duration::from_secs(30),
            max_connections: 4096,
            max_per_address: 128,
        }
    }
}

/// Open connections, in all and per address.
#[derive(Default)]
struct Counts {
    all: usize,
    by_addr: HashMap<IpAddr, usize>,
}

/// A slot held by one connection; given back when the connection ends.
struct Slot {
    counts: Arc<Mutex<Counts>>,
    ip: Option<IpAddr>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut c = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        c.all = c.all.saturating_sub(1);
        if let Some(ip) = self.ip {
            if let Some(n) = c.by_addr.get_mut(&ip) {
                *n -= 1;
                if *n == 0 {
                    c.by_addr.remove(&ip);
                }
            }
        }
    }
}

/// Takes a slot for a connection from `ip`, or says no. Addresses for which
/// `exempt` holds count only towards the total.
fn take_slot(
    counts: &Arc<Mutex<Counts>>,
    ip: IpAddr,
    limits: &ConnectionLimits,
    exempt: impl Fn(IpAddr) -> bool,
) -> Option<Slot> {
    let mut c = counts.lock().unwrap_or_else(|p| p.into_inner());
    if c.all >= limits.max_connections {
        return None;
    }
    let per_addr = !exempt(ip);
    if per_addr {
        let n = c.by_addr.entry(ip).or_insert(0);
        if *n >= limits.max_per_address {
            return None;
        }
        *n += 1;
    }
    c.all += 1;
    Some(Slot { counts: counts.clone(), ip: per_addr.then_some(ip) })
}

/// The SHA-256 (hex) of the certificate a TLS client presented, put in
/// each of its requests' extensions (mutual TLS: the gateway's federation
/// listener).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerCertificate(pub String);

/// Serves `router` on `listener` until `shutdown` resolves, then lets the
/// open requests finish. With `tls`, each connection is a TLS one whose
/// handshake must end within the header deadline. With `lean` (plain
/// connections only), a connection whose first request is a lean route's
/// is served on the bare socket (see `lean`); its stream ends at shutdown.
pub async fn run(
    listener: tokio::net::TcpListener,
    router: Router,
    limits: ConnectionLimits,
    exempt: impl Fn(IpAddr) -> bool + Send + 'static,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    tls: Option<tokio_rustls::TlsAcceptor>,
    lean: Option<crate::lean::Lean>,
) -> std::io::Result<()> {
    let lean = lean.filter(|l| tls.is_none() && !l.routes.is_empty());
    let counts = Arc::new(Mutex::new(Counts::default()));
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new()).header_read_timeout(limits.header_timeout).keep_alive(true);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of descriptors or a connection reset before it was
                    // taken: wait a little rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let Some(slot) = take_slot(&counts, peer.ip(), &limits, &exempt) else {
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let body_idle = limits.body_idle_timeout;
        let (http, watcher, tls, handshake) = (http.clone(), graceful.watcher(), tls.clone(), limits.header_timeout);
        let lean = lean.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let Some(tls) = tls else {
                if let Some(lean) = lean {
                    match crate::lean::pick(&stream, &lean.routes, handshake).await {
                        crate::lean::Pick::Lean(route) => {
                            return crate::lean::serve(route, lean, stream, peer, handshake).await
                        }
                        crate::lean::Pick::Gone => return,
                        crate::lean::Pick::Hyper => {}
                    }
                }
                return serve_one(&http, watcher, stream, router, peer, None, body_idle).await;
            };
            match tokio::time::timeout(handshake, tls.accept(stream)).await {
                Ok(Ok(stream)) => {
                    let cert = stream.get_ref().1.peer_certificates().and_then(|c| c.first()).map(|c| {
                        use sha2::Digest;
                        PeerCertificate(egov_kernel::hex(&sha2::Sha256::digest(c.as_ref())))
                    });
                    serve_one(&http, watcher, stream, router, peer, cert, body_idle).await
                }
                Ok(Err(e)) => tracing::info!(error = %e, %peer, "TLS handshake refused"),
                Err(_) => tracing::info!(%peer, "TLS handshake too slow"),
            }
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

/// Serves one connection's requests.
async fn serve_one<I>(
    http: &hyper::server::conn::http1::Builder,
    watcher: hyper_util::server::graceful::Watcher,
    io: I,
    router: Router,
    peer: SocketAddr,
    cert: Option<PeerCertificate>,
    body_idle: Duration,
) where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let service = hyper::service::service_fn(move |req: hyper::Request<Incoming>| {
        let mut req = req.map(|b| axum::body::Body::new(tower_http::timeout::TimeoutBody::new(body_idle, b)));
        req.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
        if let Some(c) = &cert {
            req.extensions_mut().insert(c.clone());
        }
        let router = router.clone();
        async move { Ok::<_, Infallible>(router.oneshot(req).await.unwrap_or_else(|e| match e {})) }
    });
    let conn = watcher.watch(http.serve_connection(TokioIo::new(io), service));
    if let Err(e) = conn.await {
        tracing::debug!(error = %e, "connection ended");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_capped_per_address_and_in_all_and_given_back() {
        let counts = Arc::new(Mutex::new(Counts::default()));
        let limits = ConnectionLimits { max_connections: 5, max_per_address: 2, ..Default::default() };
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        let proxy: IpAddr = "10.0.0.9".parse().unwrap();
        let exempt = |ip: IpAddr| ip == proxy;
        let a1 = take_slot(&counts, a, &limits, exempt).expect("first");
        let _a2 = take_slot(&counts, a, &limits, exempt).expect("second");
        assert!(take_slot(&counts, a, &limits, exempt).is_none(), "third from one address");
        let _b1 = take_slot(&counts, b, &limits, exempt).expect("another address");
        let _p1 = take_slot(&counts, proxy, &limits, exempt).expect("a proxy is not capped per address");
        let _p2 = take_slot(&counts, proxy, &limits, exempt).expect("a proxy is not capped per address");
        assert!(take_slot(&counts, b, &limits, exempt).is_none(), "the total is capped");
        drop(a1);
        let _a3 = take_slot(&counts, a, &limits, exempt).expect("a slot given back is taken again");
        drop(_a3);
        drop(_a2);
        assert!(!counts.lock().unwrap().by_addr.contains_key(&a), "an address with no connection is forgotten");
    }
}
