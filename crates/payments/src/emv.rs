//! EMVCo's merchant-presented QR encoding: a string of data objects, each
//! a two-digit tag, a two-digit length and that many characters; some
//! objects' values are themselves such strings. The last object (`63`) is
//! a CRC-16/CCITT-FALSE of everything before its value, its own tag and
//! length included, in four upper-case hexadecimal digits.

/// Why a payload could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmvError {
    #[error("a data object is cut short at character {0}")]
    Truncated(usize),
    #[error("a tag or length is not two digits at character {0}")]
    NotDigits(usize),
    #[error("a value of {0} characters does not fit a data object (at most 99)")]
    TooLong(usize),
    #[error("the checksum is missing or not last")]
    NoChecksum,
    #[error("the checksum {found} does not match the payload's ({computed})")]
    Checksum { found: String, computed: String },
}

/// CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no
/// reflection, no final XOR (check value of "123456789": 0x29B1).
pub fn crc16(bytes: &[u8]) -> u16 {
    let mut crc: u16 = 0xFFFF;
    for b in bytes {
        crc ^= (*b as u16) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 { (crc << 1) ^ 0x1021 } else { crc << 1 };
        }
    }
    crc
}

/// One data object, written: tag, length, value. Lengths count characters
/// (the payload is ASCII in practice; a value's characters are counted as
/// the standard counts them).
pub fn object(tag: u8, value: &str) -> Result<String, EmvError> {
    let n = value.chars().count();
    if n > 99 {
        return Err(EmvError::TooLong(n));
    }
    Ok(format!("{tag:02}{n:02}{value}"))
}

/// A payload's data objects in order: (tag, value). Reads one level.
pub fn objects(s: &str) -> Result<Vec<(u8, String)>, EmvError> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let two = |at: usize| -> Result<u8, EmvError> {
        let d = chars.get(at..at + 2).ok_or(EmvError::Truncated(at))?;
        match (d[0].to_digit(10), d[1].to_digit(10)) {
            (Some(a), Some(b)) => Ok((a * 10 + b) as u8),
            _ => Err(EmvError::NotDigits(at)),
        }
    };
    while i < chars.len() {
        let tag = two(i)?;
        let len = two(i + 2)? as usize;
        let value = chars.get(i + 4..i + 4 + len).ok_or(EmvError::Truncated(i))?;
        out.push((tag, value.iter().collect()));
        i += 4 + len;
    }
    Ok(out)
}

/// Appends the checksum object to a payload written without it.
pub fn with_checksum(payload: &str) -> String {
    let body = format!("{payload}6304");
    format!("{body}{:04X}", crc16(body.as_bytes()))
}

/// Checks that a payload ends with its checksum object and that it
/// matches; the payload without it.
pub fn checked(s: &str) -> Result<&str, EmvError> {
    let cut = s.len().checked_sub(8).filter(|c| s.is_char_boundary(*c)).ok_or(EmvError::NoChecksum)?;
    let (body, tail) = s.split_at(cut);
    let found = tail.strip_prefix("6304").ok_or(EmvError::NoChecksum)?;
    let computed = format!("{:04X}", crc16(format!("{body}6304").as_bytes()));
    if !found.eq_ignore_ascii_case(&computed) {
        return Err(EmvError::Checksum { found: found.to_string(), computed });
    }
    Ok(body)
}
