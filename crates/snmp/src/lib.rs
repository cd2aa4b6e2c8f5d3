//! A minimal SNMPv2c client (RFC 3416 over UDP, BER as RFC 3417 and
//! X.690 say): one `GetRequest` of some object identifiers, its `Response`
//! read back with the values egov needs — the interface counters
//! (`ifHCInOctets`, `ifHCOutOctets`, `Counter64`; `ifInOctets`,
//! `Counter32`), `ifHighSpeed` (`Gauge32`, Mbit/s), `sysUpTime`
//! (`TimeTicks`) and names (`OCTET STRING`). No walks, no traps, no v3.
//! Tested against Debian's `snmpd` (`testing`).

use std::net::SocketAddr;
use std::time::Duration;

#[cfg(feature = "test-support")]
pub mod testing;

/// `ifHCInOctets.{ifIndex}` and friends (IF-MIB).
pub mod oid {
    pub const SYS_UPTIME: &str = "1.3.6.1.2.1.1.3.0";
    pub fn if_descr(index: u32) -> String {
        format!("1.3.6.1.2.1.2.2.1.2.{index}")
    }
    pub fn if_hc_in_octets(index: u32) -> String {
        format!("1.3.6.1.2.1.31.1.1.1.6.{index}")
    }
    pub fn if_hc_out_octets(index: u32) -> String {
        format!("1.3.6.1.2.1.31.1.1.1.10.{index}")
    }
    pub fn if_high_speed(index: u32) -> String {
        format!("1.3.6.1.2.1.31.1.1.1.15.{index}")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SnmpError {
    #[error("no answer from the SNMP agent within {0:?}")]
    Timeout(Duration),
    #[error("SNMP over UDP: {0}")]
    Io(#[from] std::io::Error),
    #[error("an object identifier that is not one: {0}")]
    BadOid(String),
    #[error("the agent's answer is not well formed: {0}")]
    Malformed(&'static str),
    #[error("the agent refused the request (error-status {0})")]
    Refused(i64),
    #[error("the agent has no such object: {0}")]
    NoSuchObject(String),
}

/// A value of an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Integer(i64),
    Text(Vec<u8>),
    Counter32(u32),
    Gauge32(u32),
    TimeTicks(u32),
    Counter64(u64),
    Other(u8),
}

impl Value {
    /// A counter's or a gauge's value.
    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            Value::Counter32(v) | Value::Gauge32(v) | Value::TimeTicks(v) => Some(u64::from(v)),
            Value::Counter64(v) => Some(v),
            Value::Integer(v) => u64::try_from(v).ok(),
            _ => None,
        }
    }
}

/// An agent: its address, community and how long to wait.
#[derive(Debug, Clone)]
pub struct Agent {
    pub address: SocketAddr,
    pub community: String,
    pub timeout: Duration,
    /// Requests sent again when no answer came (UDP loses some).
    pub retries: u32,
}

impl Agent {
    /// GETs the objects; their values in the order asked.
    pub async fn get(&self, oids: &[&str]) -> Result<Vec<Value>, SnmpError> {
        let parsed: Vec<Vec<u32>> = oids.iter().map(|o| parse_oid(o)).collect::<Result<_, _>>()?;
        let id = request_id();
        let packet = encode_get(&self.community, id, &parsed);
        let bind = if self.address.is_ipv4() { "0.0.0.0:0" } else { "[::]:0" };
        let sock = tokio::net::UdpSocket::bind(bind).await?;
        sock.connect(self.address).await?;
        let mut buf = vec![0u8; 65_535];
        for _ in 0..=self.retries {
            sock.send(&packet).await?;
            let deadline = tokio::time::Instant::now() + self.timeout;
            loop {
                match tokio::time::timeout_at(deadline, sock.recv(&mut buf)).await {
                    Err(_) => break,
                    Ok(Err(e)) => return Err(e.into()),
                    Ok(Ok(n)) => match decode_response(&buf[..n])? {
                        (rid, _) if rid != id => continue,
                        (_, Err(status)) => return Err(SnmpError::Refused(status)),
                        (_, Ok(binds)) => {
                            if binds.len() != parsed.len() {
                                return Err(SnmpError::Malformed("another number of values than asked"));
                            }
                            return binds
                                .into_iter()
                                .zip(oids)
                                .map(|(v, o)| match v {
                                    Value::Other(0x80..=0x82) => Err(SnmpError::NoSuchObject(o.to_string())),
                                    v => Ok(v),
                                })
                                .collect();
                        }
                    },
                }
            }
        }
        Err(SnmpError::Timeout(self.timeout))
    }
}

fn request_id() -> i64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64));
    (h.finish() & 0x3FFF_FFFF) as i64
}

/// `1.3.6.1…` as its arcs (at least two, the first 0–2).
pub fn parse_oid(s: &str) -> Result<Vec<u32>, SnmpError> {
    let arcs: Option<Vec<u32>> = s.trim_start_matches('.').split('.').map(|a| a.parse().ok()).collect();
    match arcs {
        Some(a) if a.len() >= 2 && a[0] <= 2 && (a[0] == 2 || a[1] < 40) => Ok(a),
        _ => Err(SnmpError::BadOid(s.to_string())),
    }
}

fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = body.len();
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let bytes: Vec<u8> = n.to_be_bytes().into_iter().skip_while(|&b| b == 0).collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(body);
    out
}

fn integer(v: i64) -> Vec<u8> {
    let b = v.to_be_bytes();
    let mut i = 0;
    while i < 7 && ((b[i] == 0 && b[i + 1] & 0x80 == 0) || (b[i] == 0xFF && b[i + 1] & 0x80 != 0)) {
        i += 1;
    }
    tlv(0x02, &b[i..])
}

fn oid_bytes(arcs: &[u32]) -> Vec<u8> {
    let mut body = Vec::new();
    let first = arcs[0] * 40 + arcs[1];
    for &a in std::iter::once(&first).chain(&arcs[2..]) {
        let mut chunk = vec![(a & 0x7F) as u8];
        let mut v = a >> 7;
        while v > 0 {
            chunk.push(0x80 | (v & 0x7F) as u8);
            v >>= 7;
        }
        body.extend(chunk.into_iter().rev());
    }
    tlv(0x06, &body)
}

/// A v2c `GetRequest` message.
pub fn encode_get(community: &str, id: i64, oids: &[Vec<u32>]) -> Vec<u8> {
    let binds: Vec<u8> = oids.iter().flat_map(|o| tlv(0x30, &[oid_bytes(o), vec![0x05, 0x00]].concat())).collect();
    let pdu = tlv(0xA0, &[integer(id), integer(0), integer(0), tlv(0x30, &binds)].concat());
    tlv(0x30, &[integer(1), tlv(0x04, community.as_bytes()), pdu].concat())
}

/// Reads one TLV off the front: its tag, its body, and what follows.
fn read(b: &[u8]) -> Result<(u8, &[u8], &[u8]), SnmpError> {
    let bad = SnmpError::Malformed("a truncated field");
    let (&tag, rest) = b.split_first().ok_or(bad)?;
    let (&first, rest) = rest.split_first().ok_or(SnmpError::Malformed("a truncated length"))?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let k = usize::from(first & 0x7F);
        if k == 0 || k > 4 || rest.len() < k {
            return Err(SnmpError::Malformed("a length"));
        }
        (rest[..k].iter().fold(0usize, |acc, &x| (acc << 8) | usize::from(x)), &rest[k..])
    };
    if rest.len() < len {
        return Err(SnmpError::Malformed("a field longer than the message"));
    }
    Ok((tag, &rest[..len], &rest[len..]))
}

fn signed(body: &[u8]) -> Result<i64, SnmpError> {
    if body.is_empty() || body.len() > 8 {
        return Err(SnmpError::Malformed("an integer"));
    }
    let init = if body[0] & 0x80 != 0 { -1i64 } else { 0 };
    Ok(body.iter().fold(init, |acc, &x| (acc << 8) | i64::from(x)))
}

fn unsigned(body: &[u8]) -> Result<u64, SnmpError> {
    let body = if body.len() == 9 && body[0] == 0 { &body[1..] } else { body };
    if body.is_empty() || body.len() > 8 {
        return Err(SnmpError::Malformed("an unsigned number"));
    }
    Ok(body.iter().fold(0u64, |acc, &x| (acc << 8) | u64::from(x)))
}

fn u32_of(body: &[u8]) -> Result<u32, SnmpError> {
    u32::try_from(unsigned(body)?).map_err(|_| SnmpError::Malformed("a 32-bit number"))
}

/// A `Response` message: its request id, and its values or its error-status.
pub fn decode_response(msg: &[u8]) -> Result<(i64, Result<Vec<Value>, i64>), SnmpError> {
    let (tag, body, _) = read(msg)?;
    if tag != 0x30 {
        return Err(SnmpError::Malformed("not a message"));
    }
    let (_, _version, rest) = read(body)?;
    let (_, _community, rest) = read(rest)?;
    let (tag, pdu, _) = read(rest)?;
    if tag != 0xA2 {
        return Err(SnmpError::Malformed("not a response"));
    }
    let (_, id, rest) = read(pdu)?;
    let (_, status, rest) = read(rest)?;
    let (_, _index, rest) = read(rest)?;
    let (id, status) = (signed(id)?, signed(status)?);
    if status != 0 {
        return Ok((id, Err(status)));
    }
    let (_, mut binds, _) = read(rest)?;
    let mut values = Vec::new();
    while !binds.is_empty() {
        let (_, bind, rest) = read(binds)?;
        binds = rest;
        let (_, _oid, v) = read(bind)?;
        let (tag, body, _) = read(v)?;
        values.push(match tag {
            0x02 => Value::Integer(signed(body)?),
            0x04 => Value::Text(body.to_vec()),
            0x41 => Value::Counter32(u32_of(body)?),
            0x42 => Value::Gauge32(u32_of(body)?),
            0x43 => Value::TimeTicks(u32_of(body)?),
            0x46 => Value::Counter64(unsigned(body)?),
            t => Value::Other(t),
        });
    }
    Ok((id, Ok(values)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_get_request_is_encoded_field_by_field_as_x690_says() {
        // GET sysUpTime.0, community "public", request id 0x1234, worked out by hand
        let want: Vec<u8> = vec![
            0x30, 0x27, 0x02, 0x01, 0x01, 0x04, 0x06, b'p', b'u', b'b', b'l', b'i', b'c', 0xA0, 0x1A, 0x02, 0x02, 0x12,
            0x34, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x0E, 0x30, 0x0C, 0x06, 0x08, 0x2B, 0x06, 0x01, 0x02, 0x01,
            0x01, 0x03, 0x00, 0x05, 0x00,
        ];
        let got = encode_get("public", 0x1234, &[parse_oid(oid::SYS_UPTIME).unwrap()]);
        assert_eq!(got, want);
        // arcs past 127 take several bytes
        assert_eq!(oid_bytes(&[1, 3, 6, 1, 4, 1, 2021]), vec![0x06, 0x07, 0x2B, 0x06, 0x01, 0x04, 0x01, 0x8F, 0x65]);
        assert_eq!(integer(128), vec![0x02, 0x02, 0x00, 0x80]);
        assert_eq!(integer(-1), vec![0x02, 0x01, 0xFF]);
        assert!(parse_oid("1.x").is_err() && parse_oid("5.1").is_err());
    }

    #[test]
    fn a_response_gives_its_counters_and_refusals() {
        let bind = |oid: &[u32], v: Vec<u8>| tlv(0x30, &[oid_bytes(oid), v].concat());
        let binds = [
            bind(
                &[1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6, 1],
                tlv(0x46, &[0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]),
            ),
            bind(&[1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 1], tlv(0x04, b"lo")),
            bind(&[1, 3, 6, 1, 2, 1, 1, 3, 0], tlv(0x43, &[0x01, 0x00])),
            bind(&[1, 3, 6, 1, 2, 1, 1, 9, 9], vec![0x81, 0x00]),
        ]
        .concat();
        let pdu = tlv(0xA2, &[integer(7), integer(0), integer(0), tlv(0x30, &binds)].concat());
        let msg = tlv(0x30, &[integer(1), tlv(0x04, b"public"), pdu].concat());
        let (id, values) = decode_response(&msg).unwrap();
        assert_eq!(id, 7);
        assert_eq!(
            values.unwrap(),
            vec![Value::Counter64(u64::MAX), Value::Text(b"lo".to_vec()), Value::TimeTicks(256), Value::Other(0x81)]
        );
        let pdu = tlv(0xA2, &[integer(8), integer(5), integer(1), tlv(0x30, &[])].concat());
        let msg = tlv(0x30, &[integer(1), tlv(0x04, b"x"), pdu].concat());
        assert_eq!(decode_response(&msg).unwrap(), (8, Err(5)));
        // every truncation of a good message is an error, never a panic
        for n in 0..msg.len() {
            assert!(decode_response(&msg[..n]).is_err());
        }
    }
}
