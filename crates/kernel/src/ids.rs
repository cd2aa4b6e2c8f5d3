//! Identifiers several crates share.

use serde::{Deserialize, Serialize};

/// An agency's identifier in the national document-exchange code list, e.g.
/// `H15.50.05.13`; it prefixes the codes of the dossiers the agency receives.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AgencyId(String);

impl AgencyId {
    pub fn parse(s: &str) -> Result<AgencyId, String> {
        let s = s.trim();
        let ok = !s.is_empty()
            && s.len() <= 32
            && s.split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric()));
        if ok {
            Ok(AgencyId(s.to_string()))
        } else {
            Err(format!("agency identifier '{s}' must be dot-separated letters and digits, like H15.50.05.13"))
        }
    }
    /// An identifier as the store keeps it (checked when it was written).
    pub fn from_stored(s: String) -> AgencyId {
        AgencyId(s)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for AgencyId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for AgencyId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for AgencyId {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<String> for AgencyId {
    fn eq(&self, other: &String) -> bool {
        &self.0 == other
    }
}

/// An id reads as its text wherever text is wanted (the reverse needs `parse`).
impl std::ops::Deref for AgencyId {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for AgencyId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}
