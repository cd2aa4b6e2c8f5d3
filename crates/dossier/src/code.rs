//! Dossier codes: `<agency id>-<YYMMDD>-<sequence>`, e.g. `H15.50.05.13-261008-0975`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("'{0}' is not a dossier code AGENCY-YYMMDD-NNNN")]
    Format(String),
}

/// A dossier's code. The sequence has at least four digits, more where the
/// day's volume needs them; it is given on receipt, never to a draft.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DossierCode {
    agency: String,
    date: NaiveDate,
    seq: u32,
}

impl DossierCode {
    pub fn new(agency: &str, date: NaiveDate, seq: u32) -> DossierCode {
        DossierCode { agency: agency.to_string(), date, seq }
    }

    pub fn parse(s: &str) -> Result<DossierCode, CodeError> {
        let bad = || CodeError::Format(s.to_string());
        let mut parts = s.trim().rsplitn(3, '-');
        let seq = parts.next().ok_or_else(bad)?;
        let date = parts.next().ok_or_else(bad)?;
        let agency = parts.next().ok_or_else(bad)?;
        let agency_ok = !agency.is_empty()
            && agency.len() <= 32
            && agency.split('.').all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric()));
        if !agency_ok || seq.len() < 4 || seq.len() > 9 || !seq.bytes().all(|b| b.is_ascii_digit()) || date.len() != 6 {
            return Err(bad());
        }
        let date = NaiveDate::parse_from_str(&format!("20{date}"), "%Y%m%d").map_err(|_| bad())?;
        let seq: u32 = seq.parse().map_err(|_| bad())?;
        if seq == 0 {
            return Err(bad());
        }
        Ok(DossierCode { agency: agency.to_string(), date, seq })
    }

    pub fn agency(&self) -> &str {
        &self.agency
    }
    pub fn date(&self) -> NaiveDate {
        self.date
    }
    pub fn seq(&self) -> u32 {
        self.seq
    }
}

impl std::fmt::Display for DossierCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}-{:04}", self.agency, self.date.format("%y%m%d"), self.seq)
    }
}

impl From<DossierCode> for String {
    fn from(c: DossierCode) -> String {
        c.to_string()
    }
}

impl TryFrom<String> for DossierCode {
    type Error = CodeError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        DossierCode::parse(&s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_and_parse() {
        let c = DossierCode::new("H15.50.05.13", NaiveDate::from_ymd_opt(2026, 10, 8).unwrap(), 975);
        assert_eq!(c.to_string(), "H15.50.05.13-261008-0975");
        assert_eq!(DossierCode::parse("H15.50.05.13-261008-0975").unwrap(), c);
        let wide = DossierCode::new("H72", NaiveDate::from_ymd_opt(2026, 1, 2).unwrap(), 123456);
        assert_eq!(DossierCode::parse(&wide.to_string()).unwrap(), wide);
        for bad in [
            "",
            "H72-260102",
            "H72-261302-0001",
            "H72-260102-01",
            "H72-260102-0000",
            "H 72-260102-0001",
            "-260102-0001",
        ] {
            assert!(DossierCode::parse(bad).is_err(), "{bad}");
        }
    }
}
