//! Requests served on the bare connection, without hyper: long-held
//! streams where what each connection keeps counts (every radio device of
//! the province holds one all day). hyper keeps an 8 KB read and an 8 KB
//! write buffer for a connection's whole life; a lean connection keeps its
//! socket, its task and what its stream needs.
//!
//! A connection is lean only when its *first* request line is a registered
//! route's (`GET /path`, then a space or `?`), seen by peeking before
//! anything is read; everything else — the same route asked on a kept-alive
//! connection included — is hyper's, answered the same way. A lean answer
//! closes the connection after it (`connection: close`). The accept loop's
//! caps hold as for any connection; the head must arrive within its header
//! deadline.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use futures_util::future::BoxFuture;
use http_body_util::BodyExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::AppState;

/// The largest request head a lean route reads.
const MAX_HEAD: usize = 16 * 1024;
/// How long one write may wait for a client that does not read.
const WRITE_DEADLINE: Duration = Duration::from_secs(20);

/// A route served on the bare connection.
pub struct LeanRoute {
    pub method: &'static str,
    /// The path, without a query.
    pub path: &'static str,
    pub serve: fn(AppState, LeanRequest) -> BoxFuture<'static, ()>,
}

/// What the accept loop needs to serve lean routes.
#[derive(Clone)]
pub struct Lean {
    pub state: AppState,
    pub routes: Vec<&'static LeanRoute>,
    /// Becomes true when the server stops: held streams end.
    pub stop: tokio::sync::watch::Receiver<bool>,
}

/// A lean request: its connection and head. Handlers drop what they no
/// longer need (the headers) before they hold the connection.
pub struct LeanRequest {
    pub stream: TcpStream,
    pub headers: HeaderMap,
    pub peer: SocketAddr,
    pub stop: tokio::sync::watch::Receiver<bool>,
}

#[derive(Debug, PartialEq, Eq)]
enum Seen {
    Yes,
    No,
    More,
}

/// Whether the bytes seen so far begin `METHOD PATH` then a space or `?`.
fn begins(seen: &[u8], method: &str, path: &str) -> Seen {
    let want = [method.as_bytes(), b" ", path.as_bytes()];
    let mut i = 0;
    for part in want {
        for &b in part {
            match seen.get(i) {
                None => return Seen::More,
                Some(&c) if c != b => return Seen::No,
                Some(_) => i += 1,
            }
        }
    }
    match seen.get(i) {
        None => Seen::More,
        Some(b' ' | b'?') => Seen::Yes,
        Some(_) => Seen::No,
    }
}

/// Who serves a connection.
pub(crate) enum Pick {
    Lean(&'static LeanRoute),
    Hyper,
    /// Closed, or silent past the header deadline: dropped, as hyper would.
    Gone,
}

/// The lean route a connection's first request asks for, if any: peeked,
/// nothing read; hyper's as soon as no route can match.
pub(crate) async fn pick(stream: &TcpStream, routes: &[&'static LeanRoute], deadline: Duration) -> Pick {
    let started = Instant::now();
    let mut buf = [0u8; 128];
    loop {
        let Some(left) = deadline.checked_sub(started.elapsed()) else { return Pick::Gone };
        let n = match tokio::time::timeout(left, stream.peek(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => n,
            _ => return Pick::Gone,
        };
        let mut more = false;
        for r in routes {
            match begins(&buf[..n], r.method, r.path) {
                Seen::Yes => return Pick::Lean(r),
                Seen::More if n < buf.len() => more = true,
                _ => {}
            }
        }
        if !more {
            return Pick::Hyper;
        }
        // the line came in pieces: peek again when more has arrived
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

/// Reads the request head (within `deadline`) and hands the connection to
/// the route; a head that does not parse gets a 400 and the connection
/// closes.
pub(crate) async fn serve(
    route: &'static LeanRoute,
    lean: Lean,
    mut stream: TcpStream,
    peer: SocketAddr,
    deadline: Duration,
) {
    let head = tokio::time::timeout(deadline, read_head(&mut stream)).await;
    let headers = match head {
        Ok(Some(h)) => h,
        Ok(None) => {
            let _ =
                write_all(&mut stream, b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                    .await;
            return;
        }
        Err(_) => return,
    };
    (route.serve)(lean.state, LeanRequest { stream, headers, peer, stop: lean.stop }).await;
}

async fn read_head(stream: &mut TcpStream) -> Option<HeaderMap> {
    let mut buf = Vec::with_capacity(1024);
    let end = loop {
        if buf.len() >= MAX_HEAD {
            return None;
        }
        let from = buf.len().saturating_sub(3);
        if stream.read_buf(&mut buf).await.ok()? == 0 {
            return None;
        }
        if let Some(i) = buf[from..].windows(4).position(|w| w == b"\r\n\r\n") {
            break from + i + 4;
        }
    };
    let mut slots = [httparse::EMPTY_HEADER; 64];
    let mut req = httparse::Request::new(&mut slots);
    match req.parse(&buf[..end]) {
        Ok(httparse::Status::Complete(_)) if req.version == Some(1) => {}
        _ => return None,
    }
    let mut headers = HeaderMap::with_capacity(req.headers.len());
    for h in req.headers.iter() {
        let name = HeaderName::from_bytes(h.name.as_bytes()).ok()?;
        headers.append(name, HeaderValue::from_bytes(h.value).ok()?);
    }
    Some(headers)
}

async fn write_all(stream: &mut TcpStream, bytes: &[u8]) -> std::io::Result<()> {
    match tokio::time::timeout(WRITE_DEADLINE, stream.write_all(bytes)).await {
        Ok(r) => r,
        Err(_) => Err(std::io::ErrorKind::TimedOut.into()),
    }
}

/// The status line and headers of an answer, with `extra` lines after them.
fn head_of(status: StatusCode, headers: &HeaderMap, extra: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(512);
    out.extend_from_slice(
        format!("HTTP/1.1 {} {}\r\n", status.as_u16(), status.canonical_reason().unwrap_or("")).as_bytes(),
    );
    for (k, v) in headers {
        if k == axum::http::header::CONTENT_LENGTH || k == axum::http::header::TRANSFER_ENCODING {
            continue;
        }
        out.extend_from_slice(k.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(v.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(extra.as_bytes());
    out.extend_from_slice(b"connection: close\r\n\r\n");
    out
}

/// Writes a whole (short) answer — an error — and closes.
pub async fn answer(req: &mut LeanRequest, resp: Response) {
    let (parts, body) = resp.into_parts();
    let body = match tokio::time::timeout(WRITE_DEADLINE, body.collect()).await {
        Ok(Ok(b)) => b.to_bytes(),
        _ => axum::body::Bytes::new(),
    };
    let mut out = head_of(parts.status, &parts.headers, &format!("content-length: {}\r\n", body.len()));
    out.extend_from_slice(&body);
    let _ = write_all(&mut req.stream, &out).await;
    let _ = req.stream.shutdown().await;
}

/// Starts a streamed answer: its status and headers, then chunks.
pub async fn begin(req: &mut LeanRequest, status: StatusCode, headers: &HeaderMap) -> std::io::Result<()> {
    write_all(&mut req.stream, &head_of(status, headers, "transfer-encoding: chunked\r\n")).await
}

/// Resolves when the server stops.
pub async fn stopped(stop: &mut tokio::sync::watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await;
}

/// One chunk of a streamed answer.
pub async fn chunk(stream: &mut TcpStream, bytes: &[u8]) -> std::io::Result<()> {
    let mut out = Vec::with_capacity(bytes.len() + 12);
    out.extend_from_slice(format!("{:x}\r\n", bytes.len()).as_bytes());
    out.extend_from_slice(bytes);
    out.extend_from_slice(b"\r\n");
    write_all(stream, &out).await
}

/// Ends a streamed answer and closes.
pub async fn end(stream: &mut TcpStream) {
    let _ = write_all(stream, b"0\r\n\r\n").await;
    let _ = stream.shutdown().await;
}

/// Resolves when the client has closed its side (or the connection broke);
/// what it sends meanwhile is read and dropped.
pub async fn closed(stream: &mut TcpStream) {
    let mut sink = [0u8; 64];
    loop {
        match stream.read(&mut sink).await {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{begins, Seen};

    #[test]
    fn a_lean_route_is_its_method_and_path_then_a_space_or_a_query() {
        let p = "/api/v1/radio/device/emergencies";
        assert_eq!(begins(b"GET /api/v1/radio/device/emergencies HTTP/1.1\r\n", "GET", p), Seen::Yes);
        assert_eq!(begins(b"GET /api/v1/radio/device/emergencies?x=1 HTTP/1.1", "GET", p), Seen::Yes);
        assert_eq!(begins(b"GET /api/v1/radio/device/emergencies/7/received", "GET", p), Seen::No);
        assert_eq!(begins(b"POST /api/v1/radio/device/emergencies HTTP/1.1", "GET", p), Seen::No);
        assert_eq!(begins(b"GET /api/v1/radio/dev", "GET", p), Seen::More);
        assert_eq!(begins(b"GET /api/v1/radio/device/emergencies", "GET", p), Seen::More);
        assert_eq!(begins(b"GE", "GET", p), Seen::More);
        assert_eq!(begins(b"HEAD /", "GET", p), Seen::No);
    }
}
