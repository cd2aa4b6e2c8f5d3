//! What the registry records of subsystems and services, as enums all the
//! way to the database.

/// Where a subsystem's registration stands: an agency administrator
/// requests it, a system administrator approves it (or disables it later).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubsystemState {
    Requested,
    Approved,
    Disabled,
}

/// How much of an exchange a service's log keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogMode {
    /// The bodies too (up to a limit).
    Full,
    /// Who, what, when, sizes, timings and the bodies' digests.
    Metadata,
}

/// What proves a client subsystem: an API key (kept as its SHA-256) or a
/// TLS client certificate (kept as the SHA-256 of its DER).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    ApiKey,
    Certificate,
}

macro_rules! named {
    ($t:ident: $($v:ident),*) => {
        impl $t {
            pub fn as_str(self) -> &'static str {
                match self { $($t::$v => stringify!($v)),* }
            }
            pub fn parse(s: &str) -> Option<$t> {
                match s { $(stringify!($v) => Some($t::$v),)* _ => None }
            }
        }
    };
}

named!(SubsystemState: Requested, Approved, Disabled);
named!(LogMode: Full, Metadata);
named!(Credential: ApiKey, Certificate);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_and_modes_are_stored_by_name_and_read_back_strictly() {
        for s in [SubsystemState::Requested, SubsystemState::Approved, SubsystemState::Disabled] {
            assert_eq!(SubsystemState::parse(s.as_str()), Some(s));
        }
        assert_eq!(LogMode::parse("Metadata"), Some(LogMode::Metadata));
        assert_eq!(LogMode::parse("metadata"), None);
    }
}
