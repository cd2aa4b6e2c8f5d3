//! Who the person is, from the claims of a verified ID token (and userinfo):
//! the personal identification number, the name, the date of birth and the
//! assurance level, under the claim names each provider uses.

use chrono::NaiveDate;
use serde_json::{Map, Value};

use crate::OidcError;

/// The assurance level of an electronic identity (Decree 69/2024, Art. 12):
/// level 2 weighs as the citizen identity card does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AssuranceLevel {
    Level1,
    Level2,
}

/// The claim names of a provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimNames {
    /// The 12-digit personal identification number.
    pub id_number: String,
    pub full_name: String,
    /// `YYYY-MM-DD`.
    pub birth_date: String,
    /// The claim that carries the assurance level, and the values that mean level 2.
    pub assurance: String,
    pub level2_values: Vec<String>,
    /// The organisation's tax or enterprise code, present when the person
    /// signs in for an organisation (they are then its representative).
    pub org_code: String,
    pub org_name: String,
}

impl Default for ClaimNames {
    /// Standard names where OpenID Connect has them (`name`, `birthdate`,
    /// `acr`); `citizen_id` for the number.
    fn default() -> Self {
        ClaimNames {
            id_number: "citizen_id".into(),
            full_name: "name".into(),
            birth_date: "birthdate".into(),
            assurance: "acr".into(),
            level2_values: vec!["2".into(), "level2".into()],
            org_code: "tax_code".into(),
            org_name: "org_name".into(),
        }
    }
}

/// A person as the identity provider vouches for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The provider's subject identifier.
    pub subject: String,
    pub id_number: String,
    pub full_name: String,
    pub birth_date: Option<NaiveDate>,
    pub level: AssuranceLevel,
    /// The organisation the person signed in for, if any.
    pub organisation: Option<Organisation>,
}

/// An organisation, as its identity names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Organisation {
    /// The tax code (10 digits, or 10-3 for a branch), which is also the enterprise code.
    pub code: String,
    pub name: String,
}

/// Whether `s` is a tax code: 10 digits, or 10 digits, a hyphen and 3 (a branch).
pub fn is_tax_code(s: &str) -> bool {
    let digits = |t: &str, n: usize| t.len() == n && t.bytes().all(|b| b.is_ascii_digit());
    match s.split_once('-') {
        None => digits(s, 10),
        Some((main, branch)) => digits(main, 10) && digits(branch, 3),
    }
}

impl Identity {
    /// Reads a person from claims; the number must be 12 digits, the name
    /// present, a date of birth (if given) a date. A missing or unknown
    /// assurance value is level 1.
    pub fn from_claims(subject: &str, claims: &Map<String, Value>, names: &ClaimNames) -> Result<Identity, OidcError> {
        let text = |name: &str| -> Result<Option<String>, OidcError> {
            match claims.get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.trim().to_string()).filter(|s| !s.is_empty())),
                Some(Value::Number(n)) => Ok(Some(n.to_string())),
                Some(_) => Err(OidcError::BadClaim(name.into(), "not text".into())),
            }
        };
        let id_number = text(&names.id_number)?.ok_or_else(|| OidcError::MissingClaim(names.id_number.clone()))?;
        if id_number.len() != 12 || !id_number.bytes().all(|b| b.is_ascii_digit()) {
            return Err(OidcError::BadClaim(names.id_number.clone(), "not 12 digits".into()));
        }
        let full_name = text(&names.full_name)?.ok_or_else(|| OidcError::MissingClaim(names.full_name.clone()))?;
        let birth_date = text(&names.birth_date)?
            .map(|d| {
                NaiveDate::parse_from_str(&d, "%Y-%m-%d")
                    .map_err(|_| OidcError::BadClaim(names.birth_date.clone(), format!("'{d}' is not a date")))
            })
            .transpose()?;
        let level = match text(&names.assurance)? {
            Some(v) if names.level2_values.contains(&v) => AssuranceLevel::Level2,
            _ => AssuranceLevel::Level1,
        };
        let organisation = match text(&names.org_code)? {
            None => None,
            Some(code) if is_tax_code(&code) => Some(Organisation {
                name: text(&names.org_name)?.ok_or_else(|| OidcError::MissingClaim(names.org_name.clone()))?,
                code,
            }),
            Some(_) => return Err(OidcError::BadClaim(names.org_code.clone(), "not a tax code".into())),
        };
        Ok(Identity { subject: subject.to_string(), id_number, full_name, birth_date, level, organisation })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(v: serde_json::Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn a_person_is_read_under_the_provider_s_claim_names() {
        let c = claims(serde_json::json!({"citizen_id": "079195000321", "name": "Trần Thị B",
            "birthdate": "1995-04-30", "acr": "2"}));
        let id = Identity::from_claims("sub-1", &c, &ClaimNames::default()).unwrap();
        assert_eq!(id.id_number, "079195000321");
        assert_eq!(id.birth_date, NaiveDate::from_ymd_opt(1995, 4, 30));
        assert_eq!(id.level, AssuranceLevel::Level2);
        let names = ClaimNames { id_number: "so_dinh_danh".into(), assurance: "loa".into(), ..ClaimNames::default() };
        let c = claims(serde_json::json!({"so_dinh_danh": 79195000321_i64, "name": "A", "loa": "1"}));
        assert_eq!(
            Identity::from_claims("s", &c, &names),
            Err(OidcError::BadClaim("so_dinh_danh".into(), "not 12 digits".into())),
            "a number loses its leading zero: it must come as text"
        );
        let c = claims(serde_json::json!({"so_dinh_danh": "079195000321", "name": "A", "loa": "1"}));
        assert_eq!(Identity::from_claims("s", &c, &names).unwrap().level, AssuranceLevel::Level1);
    }

    #[test]
    fn an_organisation_is_read_with_its_representative() {
        let c = claims(serde_json::json!({"citizen_id": "079195000321", "name": "Trần Thị B",
            "tax_code": "3900123456", "org_name": "Công ty TNHH Hòa Bình"}));
        let id = Identity::from_claims("s", &c, &ClaimNames::default()).unwrap();
        let org = id.organisation.unwrap();
        assert_eq!((org.code.as_str(), org.name.as_str()), ("3900123456", "Công ty TNHH Hòa Bình"));
        assert_eq!(id.id_number, "079195000321", "the representative");
        assert!(is_tax_code("3900123456-001") && !is_tax_code("390012345") && !is_tax_code("3900123456-01"));
        let c = claims(serde_json::json!({"citizen_id": "079195000321", "name": "B", "tax_code": "39001234"}));
        assert!(matches!(Identity::from_claims("s", &c, &ClaimNames::default()), Err(OidcError::BadClaim(..))));
    }

    #[test]
    fn missing_or_malformed_claims_are_named() {
        let n = ClaimNames::default();
        let e = |v| Identity::from_claims("s", &claims(v), &n).unwrap_err();
        assert_eq!(e(serde_json::json!({"name": "A"})), OidcError::MissingClaim("citizen_id".into()));
        assert_eq!(e(serde_json::json!({"citizen_id": "079195000321"})), OidcError::MissingClaim("name".into()));
        assert!(matches!(
            e(serde_json::json!({"citizen_id": "079195000321", "name": "A", "birthdate": "30/04/1995"})),
            OidcError::BadClaim(..)
        ));
        assert!(matches!(e(serde_json::json!({"citizen_id": ["x"], "name": "A"})), OidcError::BadClaim(..)));
    }
}
