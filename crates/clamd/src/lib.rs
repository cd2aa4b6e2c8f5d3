//! A client of ClamAV's daemon, `clamd`, speaking its socket protocol
//! (`clamd(8)`): `zPING`, `zVERSION` and `zINSTREAM` — the bytes sent in
//! chunks, each after its length as four big-endian bytes, ended by a
//! zero length — over a local socket (`unix:/path`) or TCP
//! (`tcp://host:port`). One connection a command; every step under one
//! deadline.

use std::path::PathBuf;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// The size of the chunks sent to `INSTREAM`.
const CHUNK: usize = 64 * 1024;

/// The longest answer read (a signature name is short).
const MAX_REPLY: usize = 4096;

#[derive(Debug, thiserror::Error)]
pub enum ClamdError {
    #[error("clamd address `{0}`: expected unix:/path or tcp://host:port")]
    Address(String),
    #[error("clamd unreachable at {0}: {1}")]
    Unreachable(String, std::io::Error),
    #[error("clamd at {0} did not answer within {1:?}")]
    Timeout(String, Duration),
    #[error("clamd refused the stream: {0}")]
    Refused(String),
    #[error("clamd said something unexpected: {0}")]
    Protocol(String),
    #[error("reading the file to scan: {0}")]
    Read(std::io::Error),
}

/// Where clamd listens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Address {
    Unix(PathBuf),
    Tcp(String),
}

impl std::str::FromStr for Address {
    type Err = ClamdError;
    fn from_str(s: &str) -> Result<Address, ClamdError> {
        let bad = || ClamdError::Address(s.to_string());
        if let Some(path) = s.strip_prefix("unix:") {
            let path = path.strip_prefix("//").unwrap_or(path);
            return if path.starts_with('/') { Ok(Address::Unix(PathBuf::from(path))) } else { Err(bad()) };
        }
        let rest = s.strip_prefix("tcp://").ok_or_else(bad)?.trim_end_matches('/');
        match rest.rsplit_once(':') {
            Some((host, port)) if !host.is_empty() && port.parse::<u16>().is_ok_and(|p| p > 0) => {
                Ok(Address::Tcp(rest.to_string()))
            }
            _ => Err(bad()),
        }
    }
}

impl std::fmt::Display for Address {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Address::Unix(p) => write!(f, "unix:{}", p.display()),
            Address::Tcp(a) => write!(f, "tcp://{a}"),
        }
    }
}

/// What clamd found in a stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Clean,
    /// The name of the signature that matched.
    Infected(String),
}

/// A clamd to ask.
#[derive(Debug, Clone)]
pub struct Clamd {
    pub address: Address,
    /// For one command, from connecting to the last byte of the answer.
    pub timeout: Duration,
}

trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

impl Clamd {
    pub fn new(address: Address) -> Clamd {
        Clamd { address, timeout: Duration::from_secs(60) }
    }

    async fn connect(&self) -> Result<Box<dyn Stream>, ClamdError> {
        let unreachable = |e| ClamdError::Unreachable(self.address.to_string(), e);
        Ok(match &self.address {
            Address::Unix(p) => Box::new(tokio::net::UnixStream::connect(p).await.map_err(unreachable)?),
            Address::Tcp(a) => Box::new(tokio::net::TcpStream::connect(a.as_str()).await.map_err(unreachable)?),
        })
    }

    async fn within<T>(&self, f: impl std::future::Future<Output = Result<T, ClamdError>>) -> Result<T, ClamdError> {
        tokio::time::timeout(self.timeout, f)
            .await
            .map_err(|_| ClamdError::Timeout(self.address.to_string(), self.timeout))?
    }

    /// Sends one command (and, for `INSTREAM`, a stream) and reads the
    /// answer up to its terminating NUL.
    async fn command(
        &self,
        name: &str,
        body: Option<&mut (dyn AsyncRead + Unpin + Send)>,
    ) -> Result<String, ClamdError> {
        self.within(async {
            let mut s = self.connect().await?;
            let io = |e: std::io::Error| ClamdError::Unreachable(self.address.to_string(), e);
            s.write_all(format!("z{name}\0").as_bytes()).await.map_err(io)?;
            if let Some(body) = body {
                let mut buf = vec![0u8; CHUNK];
                loop {
                    let n = body.read(&mut buf).await.map_err(ClamdError::Read)?;
                    if n == 0 {
                        break;
                    }
                    s.write_all(&(n as u32).to_be_bytes()).await.map_err(io)?;
                    // clamd stops reading once a stream passes its
                    // StreamMaxLength: what it said then is the answer
                    if let Err(e) = s.write_all(&buf[..n]).await {
                        return match read_reply(&mut s).await {
                            Ok(r) if !r.is_empty() => Ok(r),
                            _ => Err(io(e)),
                        };
                    }
                }
                s.write_all(&0u32.to_be_bytes()).await.map_err(io)?;
            }
            s.flush().await.map_err(io)?;
            read_reply(&mut s).await.map_err(io)
        })
        .await
    }

    /// Whether clamd answers `PONG`.
    pub async fn ping(&self) -> Result<(), ClamdError> {
        match self.command("PING", None).await?.as_str() {
            "PONG" => Ok(()),
            other => Err(ClamdError::Protocol(other.to_string())),
        }
    }

    /// clamd's `VERSION` line as it says it, e.g.
    /// `ClamAV 1.4.6/27474/Mon Nov 30 09:35:01 2026` (engine, signature
    /// version, signature date; the last two absent without an official database).
    pub async fn version(&self) -> Result<String, ClamdError> {
        let v = self.command("VERSION", None).await?;
        if v.starts_with("ClamAV ") {
            Ok(v)
        } else {
            Err(ClamdError::Protocol(v))
        }
    }

    /// Scans bytes in memory.
    pub async fn scan(&self, bytes: &[u8]) -> Result<Verdict, ClamdError> {
        let mut r = bytes;
        self.scan_reader(&mut r).await
    }

    /// Scans whatever a reader gives, streamed in chunks.
    pub async fn scan_reader(&self, reader: &mut (dyn AsyncRead + Unpin + Send)) -> Result<Verdict, ClamdError> {
        verdict(&self.command("INSTREAM", Some(reader)).await?)
    }
}

async fn read_reply(s: &mut Box<dyn Stream>) -> std::io::Result<String> {
    let mut out = Vec::new();
    let mut buf = [0u8; 512];
    loop {
        let n = s.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        out.extend_from_slice(&buf[..n]);
        if out.contains(&0) || out.len() > MAX_REPLY {
            break;
        }
    }
    let end = out.iter().position(|b| *b == 0).unwrap_or(out.len());
    Ok(String::from_utf8_lossy(&out[..end]).trim().to_string())
}

/// The answer to `INSTREAM`: `stream: OK`, `stream: NAME FOUND`, or an error.
pub fn verdict(reply: &str) -> Result<Verdict, ClamdError> {
    let body = reply.strip_prefix("stream: ").unwrap_or(reply);
    if body == "OK" {
        Ok(Verdict::Clean)
    } else if let Some(name) = body.strip_suffix(" FOUND") {
        Ok(Verdict::Infected(name.trim().to_string()))
    } else if let Some(why) = body.strip_suffix(" ERROR") {
        Err(ClamdError::Refused(why.trim().to_string()))
    } else {
        Err(ClamdError::Protocol(reply.to_string()))
    }
}

#[cfg(test)]
mod tests;

#[cfg(feature = "test-support")]
pub mod testing;
