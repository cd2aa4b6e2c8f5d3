//! The gateway's client to services' upstreams and to peer gateways:
//! hyper's own pooled HTTP/1.1 client over TCP or TLS. A general client's
//! work (parsing the address as a URL, following redirects, retrying) is
//! not wanted here: the protocol passes redirects back, and the address is
//! the registry's base joined to a path hyper parsed already.

use std::time::Duration;

use axum::body::Body;
use hyper::body::Incoming;
use hyper_util::client::legacy::{connect::HttpConnector, Client};
use hyper_util::rt::{TokioExecutor, TokioTimer};

type Connector = hyper_rustls::HttpsConnector<HttpConnector>;

/// A pooled client; cheap to clone.
#[derive(Clone)]
pub struct Upstream(Client<Connector, Body>);

/// A connection within 5 s.
const CONNECT: Duration = Duration::from_secs(5);

fn tcp() -> HttpConnector {
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_nodelay(true);
    http.set_connect_timeout(Some(CONNECT));
    http
}

fn pooled(connector: Connector) -> Upstream {
    Upstream(
        Client::builder(TokioExecutor::new())
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(Duration::from_secs(60))
            .build(connector),
    )
}

impl Upstream {
    /// To services' upstreams: `http`, or `https` checked against the
    /// web's public authorities.
    pub fn services() -> Result<Upstream, String> {
        let builder = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(super::federation::provider())
            .map_err(|e| e.to_string())?;
        Ok(pooled(builder.https_or_http().enable_http1().wrap_connector(tcp())))
    }

    /// To peer gateways: TLS only, as `tls` says (the federation's pinned
    /// peers and this instance's own certificate).
    pub fn peers(tls: rustls::ClientConfig) -> Upstream {
        let builder = hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(tls);
        pooled(builder.https_only().enable_http1().wrap_connector(tcp()))
    }

    pub async fn send(&self, req: hyper::Request<Body>) -> Result<hyper::Response<Incoming>, String> {
        self.0.request(req).await.map_err(|e| said(&e))
    }
}

/// An error and its causes, in one line ("client error (Connect): tcp
/// connect error: Connection refused").
fn said(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}
