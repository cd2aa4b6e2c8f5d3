//! The 12-digit citizen identification number (CCCD):
//! digits 1–3 the province of birth registration, digit 4 the century and sex
//! (0/1 born 1900–1999 male/female, 2/3 2000–2099, 4/5 2100–2199, …),
//! digits 5–6 the last two digits of the year of birth, digits 7–12 random.

use serde::Serialize;

/// The province codes used in citizen IDs (the 63 provinces before 2025).
const PROVINCE_CODES: [u16; 63] = [
    1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36, 37, 38, 40, 42, 44, 45,
    46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77, 79, 80, 82, 83, 84, 86, 87, 89, 91, 92,
    93, 94, 95, 96,
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CitizenIdError {
    Empty,
    Format,
    Province,
    Century,
}

impl CitizenIdError {
    pub fn key(self) -> &'static str {
        match self {
            CitizenIdError::Empty => "err.required",
            CitizenIdError::Format => "err.citizen_id.format",
            CitizenIdError::Province => "err.citizen_id.province",
            CitizenIdError::Century => "err.citizen_id.century",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sex {
    Male,
    Female,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct CitizenId(String);

impl CitizenId {
    /// Parses and checks a citizen ID; `today_year` bounds the year of birth.
    pub fn parse(s: &str, today_year: i32) -> Result<CitizenId, CitizenIdError> {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        if s.is_empty() {
            return Err(CitizenIdError::Empty);
        }
        if s.len() != 12 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CitizenIdError::Format);
        }
        let province: u16 = s[0..3].parse().map_err(|_| CitizenIdError::Format)?;
        if !PROVINCE_CODES.contains(&province) {
            return Err(CitizenIdError::Province);
        }
        let id = CitizenId(s);
        let year = id.birth_year();
        if year > today_year || year < today_year - 130 {
            return Err(CitizenIdError::Century);
        }
        Ok(id)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn digit(&self, i: usize) -> i32 {
        (self.0.as_bytes()[i] - b'0') as i32
    }

    /// The year of birth encoded in digits 4–6.
    pub fn birth_year(&self) -> i32 {
        let c = self.digit(3);
        1900 + (c / 2) * 100 + self.digit(4) * 10 + self.digit(5)
    }

    pub fn sex(&self) -> Sex {
        if self.digit(3) % 2 == 0 {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// The ID with all but the last three digits hidden, for display.
    pub fn masked(&self) -> String {
        format!("*********{}", &self.0[9..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_ids() {
        let id = CitizenId::parse("001090012345", 2026).unwrap();
        assert_eq!(id.birth_year(), 1990);
        assert_eq!(id.sex(), Sex::Male);
        let id = CitizenId::parse("079305001234", 2026).unwrap();
        assert_eq!(id.birth_year(), 2005);
        assert_eq!(id.sex(), Sex::Female);
        assert_eq!(id.masked(), "*********234");
    }

    #[test]
    fn invalid_ids() {
        assert_eq!(CitizenId::parse("", 2026), Err(CitizenIdError::Empty));
        assert_eq!(CitizenId::parse("00109001234", 2026), Err(CitizenIdError::Format));
        assert_eq!(CitizenId::parse("00109001234a", 2026), Err(CitizenIdError::Format));
        assert_eq!(CitizenId::parse("003090012345", 2026), Err(CitizenIdError::Province));
        assert_eq!(CitizenId::parse("099090012345", 2026), Err(CitizenIdError::Province));
        // born 2030: in the future
        assert_eq!(CitizenId::parse("001230012345", 2026), Err(CitizenIdError::Century));
        // century digit 4 = 2100s
        assert_eq!(CitizenId::parse("001400012345", 2026), Err(CitizenIdError::Century));
        // century digit 8 wraps to 2300: never valid today
        assert_eq!(CitizenId::parse("001890012345", 2026), Err(CitizenIdError::Century));
    }
}
