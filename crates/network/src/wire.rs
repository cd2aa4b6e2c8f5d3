//! Bytes the probes read and write, without I/O: a DNS query for a name's
//! A records and its answer (RFC 1035), and a certificate's end of
//! validity (X.509's `notAfter`, DER).

use std::net::Ipv4Addr;

/// A recursive query for `name`'s A records with id `id`; none if a label
/// is empty or longer than 63 bytes.
pub fn dns_query(id: u16, name: &str) -> Option<Vec<u8>> {
    let mut q = Vec::with_capacity(18 + name.len());
    q.extend_from_slice(&id.to_be_bytes());
    q.extend_from_slice(&[0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]);
    for label in name.trim_end_matches('.').split('.') {
        if label.is_empty() || label.len() > 63 {
            return None;
        }
        q.push(label.len() as u8);
        q.extend_from_slice(label.as_bytes());
    }
    q.extend_from_slice(&[0, 0, 1, 0, 1]);
    Some(q)
}

/// Skips a (possibly compressed) name at `i`; where what follows starts.
fn skip_name(m: &[u8], mut i: usize) -> Option<usize> {
    loop {
        let len = *m.get(i)?;
        match len {
            0 => return Some(i + 1),
            l if l & 0xC0 == 0xC0 => return Some(i + 2),
            l => i += 1 + usize::from(l),
        }
    }
}

/// The A records of an answer to query `id`: `Err` with the reason when it
/// is not an answer to it or the server says no (its RCODE).
pub fn dns_answers(id: u16, m: &[u8]) -> Result<Vec<Ipv4Addr>, String> {
    if m.len() < 12 || m[0..2] != id.to_be_bytes() || m[2] & 0x80 == 0 {
        return Err("not an answer to the query".into());
    }
    let rcode = m[3] & 0x0F;
    if rcode != 0 {
        let name = match rcode {
            2 => "SERVFAIL",
            3 => "NXDOMAIN",
            5 => "REFUSED",
            _ => "error",
        };
        return Err(format!("DNS {name} (RCODE {rcode})"));
    }
    let (qd, an) = (u16::from_be_bytes([m[4], m[5]]), u16::from_be_bytes([m[6], m[7]]));
    let mut i = 12;
    for _ in 0..qd {
        i = skip_name(m, i).ok_or("a truncated question")? + 4;
    }
    let mut out = Vec::new();
    for _ in 0..an {
        i = skip_name(m, i).ok_or("a truncated answer")?;
        let head = m.get(i..i + 10).ok_or("a truncated answer")?;
        let (kind, len) = (u16::from_be_bytes([head[0], head[1]]), usize::from(u16::from_be_bytes([head[8], head[9]])));
        let data = m.get(i + 10..i + 10 + len).ok_or("a truncated answer")?;
        if kind == 1 && len == 4 {
            out.push(Ipv4Addr::new(data[0], data[1], data[2], data[3]));
        }
        i += 10 + len;
    }
    Ok(out)
}

/// One DER element at the front of `b`: tag, body, rest.
fn der(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = b.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let k = usize::from(first & 0x7F);
        if k == 0 || k > 4 || rest.len() < k {
            return None;
        }
        (rest[..k].iter().fold(0usize, |a, &x| (a << 8) | usize::from(x)), &rest[k..])
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

/// A certificate's `notAfter` (DER) as microseconds since the epoch.
pub fn cert_not_after(cert: &[u8]) -> Option<i64> {
    let (_, c, _) = der(cert)?;
    let (_, tbs, _) = der(c)?;
    let mut rest = tbs;
    let (tag, _, r) = der(rest)?;
    if tag == 0xA0 {
        rest = r; // the version
    }
    let (_, _, r) = der(rest)?; // serial
    let (_, _, r) = der(r)?; // signature algorithm
    let (_, _, r) = der(r)?; // issuer
    let (_, validity, _) = der(r)?;
    let (_, _, r) = der(validity)?; // notBefore
    let (tag, t, _) = der(r)?;
    let t = std::str::from_utf8(t).ok()?;
    let full = match tag {
        0x17 if t.len() == 13 => {
            let yy: i32 = t[..2].parse().ok()?;
            format!("{}{}", if yy >= 50 { 1900 + yy } else { 2000 + yy }, &t[2..12])
        }
        0x18 if t.len() == 15 => t[..14].to_string(),
        _ => return None,
    };
    let at = chrono::NaiveDateTime::parse_from_str(&full, "%Y%m%d%H%M%S").ok()?;
    Some(at.and_utc().timestamp_micros())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dns_query_and_its_answer_with_a_compressed_name() {
        let q = dns_query(0xBEEF, "egov.test.").unwrap();
        assert_eq!(&q[..4], &[0xBE, 0xEF, 0x01, 0x00]);
        assert_eq!(&q[12..], b"\x04egov\x04test\x00\x00\x01\x00\x01");
        let mut a = q.clone();
        a[2] = 0x81;
        a[3] = 0x80;
        a[7] = 2; // two answers: a CNAME-ish record to skip, then an A record
        a.extend_from_slice(&[0xC0, 0x0C, 0, 5, 0, 1, 0, 0, 0, 60, 0, 2, 0xC0, 0x0C]);
        a.extend_from_slice(&[0xC0, 0x0C, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 1, 2, 3]);
        assert_eq!(dns_answers(0xBEEF, &a), Ok(vec![Ipv4Addr::new(10, 1, 2, 3)]));
        assert!(dns_answers(0xBEEE, &a).is_err());
        let mut nx = q.clone();
        nx[2] = 0x81;
        nx[3] = 0x83;
        assert_eq!(dns_answers(0xBEEF, &nx), Err("DNS NXDOMAIN (RCODE 3)".into()));
        for n in 0..a.len() {
            let _ = dns_answers(0xBEEF, &a[..n]); // never a panic
        }
        assert!(dns_query(1, "a..b").is_none());
    }
}
