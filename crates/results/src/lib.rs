//! Issued results (issue 22): what an agency registers when it returns a
//! result, the check code printed on it, and whether it is in force on a day.
//!
//! No I/O, no clock, no randomness: the caller brings the code's bytes and
//! the day. Every rule here is checked at the boundary, once; what passes is
//! an [`Issue`] that the store keeps as is.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The alphabet of check codes: Crockford's base 32 (no I, L, O, U), so
/// that a code read aloud or typed from paper is not mistaken.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// How many characters a check code has (50 bits).
pub const CODE_LEN: usize = 10;

/// The code printed on an issued result (and in its QR) with which anyone
/// holding the paper checks it: ten characters, shown as two groups of five.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CheckCode(String);

impl CheckCode {
    /// A code from random bytes (the caller's): five bits of each.
    pub fn from_random(bytes: [u8; CODE_LEN]) -> CheckCode {
        CheckCode(bytes.iter().map(|b| ALPHABET[usize::from(b & 31)] as char).collect())
    }

    /// A code as typed: case, spaces and dashes do not matter, and the
    /// letters Crockford's alphabet leaves out read as the digits they look
    /// like (O as 0, I and L as 1). `None` when it cannot be a code.
    pub fn parse(typed: &str) -> Option<CheckCode> {
        let mut out = String::with_capacity(CODE_LEN);
        for c in typed.chars().filter(|c| !matches!(c, ' ' | '-')) {
            let c = match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                c => c,
            };
            if !c.is_ascii() || !ALPHABET.contains(&(c as u8)) {
                return None;
            }
            out.push(c);
        }
        (out.len() == CODE_LEN).then_some(CheckCode(out))
    }

    /// As kept: ten characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// As printed: `XXXXX-XXXXX`.
    pub fn printed(&self) -> String {
        format!("{}-{}", &self.0[..5], &self.0[5..])
    }
}

/// What the returning official says of the result, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IssueInput {
    /// The kind of document (empty: the procedure's name).
    pub doc_type: String,
    /// Its number as written on it (empty: the dossier's code).
    pub number: String,
    /// The last day it is valid (empty: no end).
    pub valid_until: String,
}

/// A result's particulars once checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    pub doc_type: String,
    pub number: String,
    pub issued_on: NaiveDate,
    pub valid_until: Option<NaiveDate>,
}

/// A field of [`IssueInput`] that breaks a rule, and the message key saying which.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {key}")]
pub struct IssueError {
    pub field: &'static str,
    pub key: &'static str,
}

/// The longest number and kind of document taken.
pub const MAX_NUMBER: usize = 64;
pub const MAX_TYPE: usize = 200;

impl IssueInput {
    /// Checks every field at once; empty ones take their defaults (the
    /// procedure's name, the dossier's code). A validity ending before the
    /// day of issue is refused.
    pub fn check(
        &self,
        issued_on: NaiveDate,
        default_type: &str,
        default_number: &str,
    ) -> Result<Issue, Vec<IssueError>> {
        let mut errs = Vec::new();
        let text = |s: &str, default: &str| {
            let s = s.trim();
            if s.is_empty() {
                default.to_string()
            } else {
                s.to_string()
            }
        };
        let doc_type = text(&self.doc_type, default_type);
        let number = text(&self.number, default_number);
        if doc_type.chars().count() > MAX_TYPE || doc_type.chars().any(char::is_control) {
            errs.push(IssueError { field: "result_type", key: "err.results.type" });
        }
        if number.chars().count() > MAX_NUMBER || number.chars().any(char::is_control) {
            errs.push(IssueError { field: "result_number", key: "err.results.number" });
        }
        let valid_until = match self.valid_until.trim() {
            "" => None,
            s => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                Ok(d) if d >= issued_on => Some(d),
                Ok(_) => {
                    errs.push(IssueError { field: "valid_until", key: "err.results.valid_before_issue" });
                    None
                }
                Err(_) => {
                    errs.push(IssueError { field: "valid_until", key: "err.date" });
                    None
                }
            },
        };
        if errs.is_empty() {
            Ok(Issue { doc_type, number, issued_on, valid_until })
        } else {
            Err(errs)
        }
    }
}

/// Whether a result is in force on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    Valid,
    /// Its validity ended before the day.
    Expired,
}

impl Standing {
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Valid => "valid",
            Standing::Expired => "expired",
        }
    }
}

impl Issue {
    /// In force on `day`: issued by then and not past its last valid day.
    pub fn standing(&self, day: NaiveDate) -> Standing {
        match self.valid_until {
            Some(last) if day > last => Standing::Expired,
            _ => Standing::Valid,
        }
    }
}

/// Masks a holder's name for the public check: the given name in full,
/// the other words by their first letter ("Nguyễn Văn Dân" → "N. V. Dân"),
/// as much as the holder shows by handing the paper over, and no more to
/// someone who merely guessed a number.
pub fn masked_name(full: &str) -> String {
    let words: Vec<&str> = full.split_whitespace().collect();
    match words.split_last() {
        None => String::new(),
        Some((last, rest)) => {
            let mut out: Vec<String> = rest.iter().filter_map(|w| w.chars().next()).map(|c| format!("{c}.")).collect();
            out.push((*last).to_string());
            out.join(" ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_code_reads_back_however_it_is_typed() {
        let c = CheckCode::from_random([0, 1, 2, 31, 32, 33, 200, 17, 18, 255]);
        // 0 1 2 31 0 1 8 17 18 31, as five bits each
        assert_eq!(c.as_str(), "012Z018HJZ");
        let printed = c.printed();
        assert_eq!(printed.len(), 11);
        assert_eq!(CheckCode::parse(&printed), Some(c.clone()));
        assert_eq!(CheckCode::parse(&printed.to_lowercase()), Some(c.clone()));
        assert_eq!(CheckCode::parse(&format!(" {} ", printed.replace('-', " "))), Some(c));
    }

    #[test]
    fn letters_left_out_read_as_the_digits_they_look_like() {
        assert_eq!(CheckCode::parse("OIL23-45678").map(|c| c.0), Some("01123".to_string() + "45678"));
        assert_eq!(CheckCode::parse("U1234-56789"), None, "U is not in the alphabet");
        assert_eq!(CheckCode::parse("12345-6789"), None, "too short");
        assert_eq!(CheckCode::parse("12345-678901"), None, "too long");
        assert_eq!(CheckCode::parse("12345-6789Đ"), None);
    }

    #[test]
    fn an_issue_takes_its_defaults_and_names_every_bad_field() {
        let day = d("2026-12-02");
        let i = IssueInput::default().check(day, "Giấy chứng nhận kết hôn", "H72.50.01-261202-0001").unwrap();
        assert_eq!(
            i,
            Issue {
                doc_type: "Giấy chứng nhận kết hôn".into(),
                number: "H72.50.01-261202-0001".into(),
                issued_on: day,
                valid_until: None
            }
        );
        let bad = IssueInput { doc_type: "x".repeat(201), number: "1".repeat(65), valid_until: "2026-12-01".into() };
        let errs = bad.check(day, "", "").unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["result_type", "result_number", "valid_until"]);
        let bad = IssueInput { valid_until: "02/12/2026".into(), ..IssueInput::default() };
        assert_eq!(bad.check(day, "t", "n").unwrap_err()[0].key, "err.date");
    }

    #[test]
    fn a_result_is_in_force_through_its_last_valid_day() {
        let i = IssueInput { number: "12/GP".into(), valid_until: "2027-06-30".into(), ..Default::default() }
            .check(d("2026-12-02"), "Giấy phép", "")
            .unwrap();
        assert_eq!(i.standing(d("2027-06-30")), Standing::Valid);
        assert_eq!(i.standing(d("2027-07-01")), Standing::Expired);
        let forever = IssueInput::default().check(d("2026-12-02"), "t", "n").unwrap();
        assert_eq!(forever.standing(d("2100-01-01")), Standing::Valid);
    }

    #[test]
    fn the_public_sees_initials_and_the_given_name() {
        assert_eq!(masked_name("Nguyễn Văn Dân"), "N. V. Dân");
        assert_eq!(masked_name("  Lê   Thị Ánh Tuyết "), "L. T. Á. Tuyết");
        assert_eq!(masked_name("Dân"), "Dân");
        assert_eq!(masked_name(""), "");
    }
}
