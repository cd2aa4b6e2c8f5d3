//! Identifiers, as X-Road writes them: a member `INSTANCE/CLASS/MEMBER`, a
//! subsystem (an information system of a member) `…/SUBSYSTEM`, a service
//! `…/SUBSYSTEM/SERVICE`. Parsed once, at the boundary.
//!
//! Deviation from X-Road, documented in docs/gateway.md: a part is 1–64 of
//! the URI's unreserved characters (`A–Z a–z 0–9 - . _ ~`), never a
//! percent-encoded one, so that an identifier reads the same in a URL, a
//! header and a log, and no encoded `/` or `..` can reach a path.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("'{0}' is not an identifier part (1–64 of A–Z a–z 0–9 - . _ ~)")]
    Part(String),
    #[error("'{0}' has {1} parts where {2} are expected ({3})")]
    Shape(String, usize, usize, &'static str),
}

/// One part of an identifier.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Part(String);

impl Part {
    pub fn parse(s: &str) -> Result<Part, IdError> {
        let ok = !s.is_empty()
            && s.len() <= 64
            && s != "."
            && s != ".."
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'));
        if ok {
            Ok(Part(s.to_string()))
        } else {
            Err(IdError::Part(s.chars().take(80).collect()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Part {
    type Error = IdError;
    fn try_from(s: String) -> Result<Part, IdError> {
        Part::parse(&s)
    }
}

impl From<Part> for String {
    fn from(p: Part) -> String {
        p.0
    }
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn parts<const N: usize>(s: &str, what: &'static str) -> Result<[Part; N], IdError> {
    let split: Vec<&str> = s.split('/').collect();
    if split.len() != N {
        return Err(IdError::Shape(s.chars().take(200).collect(), split.len(), N, what));
    }
    let mut out = Vec::with_capacity(N);
    for p in split {
        out.push(Part::parse(p)?);
    }
    out.try_into().map_err(|_| IdError::Shape(s.into(), 0, N, what))
}

/// An organisation: `INSTANCE/CLASS/MEMBER` (e.g. `VN-TN/GOV/H72.11`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MemberId {
    pub instance: Part,
    pub class: Part,
    pub code: Part,
}

/// An information system of a member: `INSTANCE/CLASS/MEMBER/SUBSYSTEM`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SubsystemId {
    pub member: MemberId,
    pub code: Part,
}

/// A service a subsystem provides: `INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ServiceId {
    pub provider: SubsystemId,
    pub code: Part,
}

impl MemberId {
    pub fn parse(s: &str) -> Result<MemberId, IdError> {
        let [instance, class, code] = parts::<3>(s, "INSTANCE/CLASS/MEMBER")?;
        Ok(MemberId { instance, class, code })
    }
}

impl SubsystemId {
    pub fn parse(s: &str) -> Result<SubsystemId, IdError> {
        let [instance, class, member, code] = parts::<4>(s, "INSTANCE/CLASS/MEMBER/SUBSYSTEM")?;
        Ok(SubsystemId { member: MemberId { instance, class, code: member }, code })
    }
}

impl ServiceId {
    pub fn parse(s: &str) -> Result<ServiceId, IdError> {
        let [instance, class, member, subsystem, code] = parts::<5>(s, "INSTANCE/CLASS/MEMBER/SUBSYSTEM/SERVICE")?;
        Ok(ServiceId {
            provider: SubsystemId { member: MemberId { instance, class, code: member }, code: subsystem },
            code,
        })
    }
}

impl fmt::Display for MemberId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}/{}", self.instance, self.class, self.code)
    }
}

impl fmt::Display for SubsystemId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.member, self.code)
    }
}

impl fmt::Display for ServiceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.provider, self.code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_read_and_write_as_x_road_writes_them() {
        let s = ServiceId::parse("VN-TN/GOV/H72.11/hotich/trangthai").unwrap();
        assert_eq!(s.provider.member.code.as_str(), "H72.11");
        assert_eq!(s.provider.code.as_str(), "hotich");
        assert_eq!(s.to_string(), "VN-TN/GOV/H72.11/hotich/trangthai");
        assert_eq!(SubsystemId::parse("VN-TN/COM/0312345678/erp").unwrap().to_string(), "VN-TN/COM/0312345678/erp");
        assert_eq!(MemberId::parse("VN/GOV/000.00.00.G22").unwrap().to_string(), "VN/GOV/000.00.00.G22");
    }

    #[test]
    fn malformed_identifiers_are_refused_and_say_why() {
        for bad in ["", "A/B/C", "A/B/C/D/E/F", "A//C/D", "A/B/../D", "A/B/C/D%2F", "A/B/C/hệ", "A/B/C/ D", "A/B/C/."]
        {
            assert!(SubsystemId::parse(bad).is_err(), "{bad}");
        }
        assert!(matches!(SubsystemId::parse("A/B/C"), Err(IdError::Shape(_, 3, 4, _))));
        assert!(Part::parse(&"x".repeat(65)).is_err());
        assert!(Part::parse(&"x".repeat(64)).is_ok());
    }
}
