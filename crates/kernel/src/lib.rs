//! The kernel: the few types every layer shares and nothing else.
//!
//! - [`Clock`]: the one source of "now", made once at start-up and handed to
//!   the store and the application layer (a fixed clock in tests of what
//!   happens as time passes);
//! - [`vn`]: Vietnam time (UTC+7, no daylight saving) and the conversions
//!   between it and stored instants, in one place.
//!
//! - ids shared by several crates (`AgencyId`);
//! - [`hex`], [`unhex`]: bytes (digests, keys, random ids) as lower-case hex
//!   and back, in one place.
//!
//! **Invariants:** no I/O, no other egov crate; nothing else in egov reads
//! the system clock or adds seven hours by hand.

pub mod vn;

mod ids;

pub use ids::AgencyId;

/// `bytes` as lower-case hexadecimal (a digest, a key, a random id): one
/// allocation, no formatting machinery (the gateway does this per message).
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0x0f)] as char);
    }
    out
}

use std::sync::{Arc, Mutex};

use chrono::NaiveDateTime;

/// The time, as deadlines, worklists and stored instants see it: the system
/// clock, or a clock set by hand. Cheap to clone; clones share the time.
#[derive(Clone, Default)]
pub struct Clock(Option<Arc<Mutex<NaiveDateTime>>>);

impl Clock {
    pub fn system() -> Clock {
        Clock(None)
    }

    /// A clock that shows `at` (Vietnam time) until it is set again.
    pub fn fixed(at: NaiveDateTime) -> Clock {
        Clock(Some(Arc::new(Mutex::new(at))))
    }

    /// Sets a fixed clock; the system clock cannot be set (returns false).
    pub fn set(&self, at: NaiveDateTime) -> bool {
        match &self.0 {
            Some(m) => {
                *m.lock().unwrap_or_else(|p| p.into_inner()) = at;
                true
            }
            None => false,
        }
    }

    /// Now, in Vietnam.
    pub fn now(&self) -> NaiveDateTime {
        match &self.0 {
            Some(m) => *m.lock().unwrap_or_else(|p| p.into_inner()),
            None => vn::from_utc(chrono::Utc::now()),
        }
    }

    /// Now, as microseconds since the Unix epoch (how instants are stored).
    pub fn now_micros(&self) -> i64 {
        vn::to_micros(self.now())
    }
}

impl std::fmt::Debug for Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.0 {
            None => f.write_str("Clock::system"),
            Some(_) => write!(f, "Clock::fixed({})", self.now()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_clock_shows_what_it_was_set_to_and_its_clones_follow() {
        let at = vn::parse_minute("2026-03-02 08:00").unwrap();
        let c = Clock::fixed(at);
        let d = c.clone();
        assert_eq!(d.now(), at);
        let later = vn::parse_minute("2026-03-06 17:01").unwrap();
        assert!(c.set(later));
        assert_eq!(d.now(), later);
        assert_eq!(vn::from_micros(d.now_micros()), Some(later));
        assert!(!Clock::system().set(later));
    }

    #[test]
    fn the_system_clock_is_seven_hours_ahead_of_utc() {
        let c = Clock::system();
        let utc = chrono::Utc::now().naive_utc();
        let diff = c.now() - utc;
        assert!((diff - chrono::Duration::hours(7)).num_seconds().abs() < 5, "{diff}");
    }
}

/// `N` bytes from their `2 × N` hexadecimal digits (either case), or none.
pub fn unhex<const N: usize>(s: &str) -> Option<[u8; N]> {
    // from_str_radix alone would take a sign ("+f")
    if s.len() != 2 * N || !s.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let mut out = [0u8; N];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok()?;
    }
    Some(out)
}

#[cfg(test)]
mod hex_tests {
    #[test]
    fn hex_is_lower_case_two_digits_a_byte() {
        assert_eq!(super::hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
        assert_eq!(super::hex(&[]), "");
        let all: Vec<u8> = (0..=255).collect();
        let expected: String = all.iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(super::hex(&all), expected);
        assert_eq!(super::unhex::<4>("000fA5ff"), Some([0x00, 0x0f, 0xa5, 0xff]));
        assert_eq!(super::unhex::<2>("000f00"), None, "a wrong length");
        assert_eq!(super::unhex::<2>("0g0f"), None, "not a digit");
        assert_eq!(super::unhex::<2>("+f0f"), None, "a sign is not a digit");
    }
}
