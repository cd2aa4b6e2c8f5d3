//! The directory: administrative units and agencies, as data with effective dates.
//!
//! Plain types and validation; parsing of the unit CSV format. No I/O here:
//! callers hand in bytes and get typed rows or every error with its line.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DirectoryError {
    #[error("line {line}: {message}")]
    Row { line: usize, message: String },
    #[error("the file is not valid CSV: {0}")]
    Csv(String),
    #[error("the header must be: {expected}")]
    Header { expected: String },
    #[error("{0}")]
    Invalid(String),
}

/// The level of an administrative unit (two levels since 1 Jul 2025).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitLevel {
    Province,
    Commune,
}

impl UnitLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            UnitLevel::Province => "province",
            UnitLevel::Commune => "commune",
        }
    }
    pub fn parse(s: &str) -> Option<UnitLevel> {
        match s.trim() {
            "province" => Some(UnitLevel::Province),
            "commune" => Some(UnitLevel::Commune),
            _ => None,
        }
    }
}

/// An official unit code (General Statistics Office): 2 digits for a province,
/// 5 for a commune.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UnitCode(String);

impl UnitCode {
    pub fn parse(s: &str, level: UnitLevel) -> Result<UnitCode, String> {
        let s = s.trim();
        let len = match level {
            UnitLevel::Province => 2,
            UnitLevel::Commune => 5,
        };
        if s.len() == len && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(UnitCode(s.to_string()))
        } else {
            Err(format!("code '{s}' must be {len} digits for a {}", level.as_str()))
        }
    }
    /// For codes already stored (trusted).
    pub fn from_stored(s: String) -> UnitCode {
        UnitCode(s)
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An administrative unit with its period of existence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminUnit {
    pub code: UnitCode,
    pub name: String,
    pub level: UnitLevel,
    pub parent_code: Option<UnitCode>,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
    /// The unit this one was merged into.
    pub succeeded_by: Option<UnitCode>,
}

impl AdminUnit {
    pub fn is_active_on(&self, day: NaiveDate) -> bool {
        self.effective_from <= day && self.effective_to.is_none_or(|to| day <= to)
    }
}

/// The unit a code names on a day: itself if in force, else the one it was
/// merged into (followed as far as needed); none if the code is unknown or
/// its line ends without a unit in force.
pub fn unit_on<'a>(units: &'a [AdminUnit], code: &str, day: NaiveDate) -> Option<&'a AdminUnit> {
    let mut u = units.iter().find(|u| u.code.as_str() == code)?;
    for _ in 0..units.len() {
        if u.is_active_on(day) {
            return Some(u);
        }
        let next = u.succeeded_by.as_ref()?;
        u = units.iter().find(|x| &x.code == next)?;
    }
    None
}

/// The kinds of agency in a province.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgencyKind {
    ProvincialPeoplesCommittee,
    PublicAdministrationCentre,
    Department,
    CommunePeoplesCommittee,
    Other,
}

impl AgencyKind {
    pub const ALL: [AgencyKind; 5] = [
        AgencyKind::ProvincialPeoplesCommittee,
        AgencyKind::PublicAdministrationCentre,
        AgencyKind::Department,
        AgencyKind::CommunePeoplesCommittee,
        AgencyKind::Other,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            AgencyKind::ProvincialPeoplesCommittee => "provincial_peoples_committee",
            AgencyKind::PublicAdministrationCentre => "public_administration_centre",
            AgencyKind::Department => "department",
            AgencyKind::CommunePeoplesCommittee => "commune_peoples_committee",
            AgencyKind::Other => "other",
        }
    }
    pub fn parse(s: &str) -> Option<AgencyKind> {
        AgencyKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

pub use egov_kernel::AgencyId;

/// An agency: a node of the province's agency tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agency {
    pub id: AgencyId,
    pub name_vi: String,
    pub name_en: String,
    pub kind: AgencyKind,
    pub parent_id: Option<AgencyId>,
    /// The administrative unit the agency serves.
    pub unit_code: UnitCode,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
}

/// The columns of a unit import file, in order.
pub const UNIT_CSV_HEADER: [&str; 7] =
    ["code", "name", "level", "parent_code", "effective_from", "effective_to", "succeeded_by"];

fn parse_date(s: &str, what: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| format!("{what} '{}' is not a date YYYY-MM-DD", s.trim()))
}

fn opt(s: &str) -> Option<&str> {
    let s = s.trim();
    (!s.is_empty()).then_some(s)
}

/// Reads a CSV file with the given header: either every row converts and
/// all are returned, or every error is returned with its line number.
fn parse_rows<T>(
    bytes: &[u8],
    expected: &[&str],
    row: impl Fn(&csv::StringRecord) -> Result<T, String>,
) -> Result<Vec<T>, Vec<DirectoryError>> {
    let mut rdr = csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(bytes);
    let header = rdr.headers().map_err(|e| vec![DirectoryError::Csv(e.to_string())])?;
    let got: Vec<&str> = header.iter().map(|h| h.trim().trim_start_matches('\u{feff}')).collect();
    if got != expected {
        return Err(vec![DirectoryError::Header { expected: expected.join(",") }]);
    }
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let line = i + 2;
        match rec.map_err(|e| e.to_string()).and_then(|r| row(&r)) {
            Ok(v) => out.push(v),
            Err(message) => errors.push(DirectoryError::Row { line, message }),
        }
    }
    if out.is_empty() && errors.is_empty() {
        errors.push(DirectoryError::Invalid("the file has no rows".into()));
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Parses a unit import file. Either every row is valid and all are returned,
/// or every error is returned with its line number: nothing half-parsed.
pub fn parse_units_csv(bytes: &[u8]) -> Result<Vec<AdminUnit>, Vec<DirectoryError>> {
    let units = parse_rows(bytes, &UNIT_CSV_HEADER, unit_from_row)?;
    let mut seen = std::collections::HashSet::new();
    let dups: Vec<DirectoryError> = units
        .iter()
        .filter(|u| !seen.insert(u.code.clone()))
        .map(|u| DirectoryError::Invalid(format!("code {} appears twice", u.code.as_str())))
        .collect();
    if dups.is_empty() {
        Ok(units)
    } else {
        Err(dups)
    }
}

fn unit_from_row(rec: &csv::StringRecord) -> Result<AdminUnit, String> {
    let f = |i: usize| rec.get(i).unwrap_or("");
    let level = UnitLevel::parse(f(2)).ok_or_else(|| format!("level '{}' must be province or commune", f(2).trim()))?;
    let code = UnitCode::parse(f(0), level)?;
    let name = f(1).trim().to_string();
    if name.is_empty() || name.chars().count() > 200 {
        return Err("name must have 1 to 200 characters".into());
    }
    let parent_code = opt(f(3)).map(|p| UnitCode::parse(p, UnitLevel::Province)).transpose()?;
    if level == UnitLevel::Commune && parent_code.is_none() {
        return Err("a commune needs the code of its province in parent_code".into());
    }
    if level == UnitLevel::Province && parent_code.is_some() {
        return Err("a province has no parent_code".into());
    }
    let effective_from = parse_date(f(4), "effective_from")?;
    let effective_to = opt(f(5)).map(|d| parse_date(d, "effective_to")).transpose()?;
    if let Some(to) = effective_to {
        if to < effective_from {
            return Err("effective_to is before effective_from".into());
        }
    }
    let succeeded_by = opt(f(6)).map(|c| UnitCode::parse(c, level)).transpose()?;
    if succeeded_by.is_some() && effective_to.is_none() {
        return Err("a unit succeeded by another needs an effective_to date".into());
    }
    if succeeded_by.as_ref() == Some(&code) {
        return Err("a unit cannot succeed itself".into());
    }
    Ok(AdminUnit { code, name, level, parent_code, effective_from, effective_to, succeeded_by })
}

/// The columns of an agency import file, in order.
pub const AGENCY_CSV_HEADER: [&str; 8] =
    ["id", "name_vi", "name_en", "kind", "parent_id", "unit_code", "effective_from", "effective_to"];

/// Parses an agency import file: all rows or every error with its line.
/// Parents must come before their children or already exist (checked by the caller).
pub fn parse_agencies_csv(bytes: &[u8]) -> Result<Vec<Agency>, Vec<DirectoryError>> {
    let agencies = parse_rows(bytes, &AGENCY_CSV_HEADER, agency_from_row)?;
    let mut seen = std::collections::HashSet::new();
    let dups: Vec<DirectoryError> = agencies
        .iter()
        .filter(|a| !seen.insert(a.id.clone()))
        .map(|a| DirectoryError::Invalid(format!("agency {} appears twice", a.id)))
        .collect();
    if dups.is_empty() {
        Ok(agencies)
    } else {
        Err(dups)
    }
}

fn agency_from_row(rec: &csv::StringRecord) -> Result<Agency, String> {
    let f = |i: usize| rec.get(i).unwrap_or("");
    let id = AgencyId::parse(f(0))?;
    let name_vi = f(1).trim().to_string();
    let name_en = f(2).trim().to_string();
    if name_vi.is_empty() || name_vi.chars().count() > 300 || name_en.is_empty() || name_en.chars().count() > 300 {
        return Err("name_vi and name_en must have 1 to 300 characters".into());
    }
    let kind = AgencyKind::parse(f(3).trim()).ok_or_else(|| {
        format!(
            "kind '{}' must be one of {}",
            f(3).trim(),
            AgencyKind::ALL.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(", ")
        )
    })?;
    let parent_id = opt(f(4)).map(AgencyId::parse).transpose()?;
    if parent_id.as_ref() == Some(&id) {
        return Err("an agency cannot be its own parent".into());
    }
    let unit = f(5).trim();
    let unit_code = UnitCode::parse(unit, if unit.len() == 2 { UnitLevel::Province } else { UnitLevel::Commune })?;
    let effective_from = parse_date(f(6), "effective_from")?;
    let effective_to = opt(f(7)).map(|d| parse_date(d, "effective_to")).transpose()?;
    if effective_to.is_some_and(|to| to < effective_from) {
        return Err("effective_to is before effective_from".into());
    }
    Ok(Agency { id, name_vi, name_en, kind, parent_id, unit_code, effective_from, effective_to })
}

/// A form's dates of effect (`YYYY-MM-DD`, as a date picker sends them;
/// the end optional and not before the start), each problem at its field.
fn period(
    from: &str,
    to: &str,
    errs: &mut Vec<(&'static str, &'static str)>,
) -> (Option<NaiveDate>, Option<NaiveDate>) {
    let day = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
    let start = day(from);
    if start.is_none() {
        errs.push(("effective_from", "err.date"));
    }
    let end = match opt(to) {
        None => None,
        Some(s) => match day(s) {
            Some(end) if start.is_some_and(|start| end < start) => {
                errs.push(("effective_to", "err.agency.ends_before"));
                None
            }
            Some(end) => Some(end),
            None => {
                errs.push(("effective_to", "err.date"));
                None
            }
        },
    };
    (start, end)
}

/// An agency as typed into the back office's form, field by field.
#[derive(Debug, Clone, Default)]
pub struct AgencyForm {
    pub id: String,
    pub name_vi: String,
    pub name_en: String,
    pub kind: String,
    pub parent_id: String,
    pub unit_code: String,
    /// `YYYY-MM-DD`, as a date picker sends it.
    pub effective_from: String,
    pub effective_to: String,
}

impl AgencyForm {
    /// The agency, or every field's problem at once (field, i18n key).
    /// Whether the parent and the unit exist is the caller's to check.
    pub fn parse(&self) -> Result<Agency, Vec<(&'static str, &'static str)>> {
        let mut errs = Vec::new();
        let id = AgencyId::parse(&self.id).map_err(|_| errs.push(("id", "err.agency.id"))).ok();
        let name = |s: &str, field: &'static str, errs: &mut Vec<_>| {
            let n = s.split_whitespace().collect::<Vec<_>>().join(" ");
            if n.is_empty() {
                errs.push((field, "err.required"));
            } else if n.chars().count() > 300 {
                errs.push((field, "err.too_long"));
            }
            n
        };
        let name_vi = name(&self.name_vi, "name_vi", &mut errs);
        let name_en = name(&self.name_en, "name_en", &mut errs);
        let kind = AgencyKind::parse(self.kind.trim()).ok_or(()).map_err(|_| errs.push(("kind", "err.option"))).ok();
        let parent_id = match opt(&self.parent_id) {
            None => None,
            Some(p) => match AgencyId::parse(p) {
                Ok(p) if Some(&p) == id.as_ref() => {
                    errs.push(("parent_id", "err.agency.own_parent"));
                    None
                }
                Ok(p) => Some(p),
                Err(_) => {
                    errs.push(("parent_id", "err.option"));
                    None
                }
            },
        };
        let unit = self.unit_code.trim();
        let level = if unit.len() == 2 { UnitLevel::Province } else { UnitLevel::Commune };
        let unit_code = UnitCode::parse(unit, level).map_err(|_| errs.push(("unit_code", "err.option"))).ok();
        let (effective_from, effective_to) = period(&self.effective_from, &self.effective_to, &mut errs);
        match (id, kind, unit_code, effective_from, errs.is_empty()) {
            (Some(id), Some(kind), Some(unit_code), Some(effective_from), true) => {
                Ok(Agency { id, name_vi, name_en, kind, parent_id, unit_code, effective_from, effective_to })
            }
            _ => Err(errs),
        }
    }
}

/// An administrative unit as typed into the back office's form.
#[derive(Debug, Clone, Default)]
pub struct UnitForm {
    pub code: String,
    pub name: String,
    pub level: String,
    pub parent_code: String,
    pub effective_from: String,
    pub effective_to: String,
    pub succeeded_by: String,
}

impl UnitForm {
    /// The unit, or every field's problem at once (field, i18n key); the
    /// rules of the import file. Whether the codes named exist is the caller's.
    pub fn parse(&self) -> Result<AdminUnit, Vec<(&'static str, &'static str)>> {
        let mut errs = Vec::new();
        let level = UnitLevel::parse(&self.level);
        if level.is_none() {
            errs.push(("level", "err.option"));
        }
        let code =
            level.and_then(|l| UnitCode::parse(&self.code, l).map_err(|_| errs.push(("code", "err.unit.code"))).ok());
        let name = self.name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            errs.push(("name", "err.required"));
        } else if name.chars().count() > 200 {
            errs.push(("name", "err.too_long"));
        }
        let parent_code = match opt(&self.parent_code) {
            None => None,
            Some(p) => {
                UnitCode::parse(p, UnitLevel::Province).map_err(|_| errs.push(("parent_code", "err.option"))).ok()
            }
        };
        match (level, &parent_code) {
            (Some(UnitLevel::Commune), None) if opt(&self.parent_code).is_none() => {
                errs.push(("parent_code", "err.unit.parent"))
            }
            (Some(UnitLevel::Province), Some(_)) => errs.push(("parent_code", "err.unit.no_parent")),
            _ => {}
        }
        let (effective_from, effective_to) = period(&self.effective_from, &self.effective_to, &mut errs);
        let succeeded_by = match (opt(&self.succeeded_by), level) {
            (None, _) | (_, None) => None,
            (Some(c), Some(l)) => match UnitCode::parse(c, l) {
                Ok(c) if Some(&c) == code.as_ref() => {
                    errs.push(("succeeded_by", "err.unit.itself"));
                    None
                }
                Ok(c) => Some(c),
                Err(_) => {
                    errs.push(("succeeded_by", "err.option"));
                    None
                }
            },
        };
        if succeeded_by.is_some() && effective_to.is_none() && opt(&self.effective_to).is_none() {
            errs.push(("effective_to", "err.unit.merged_needs_end"));
        }
        match (code, level, effective_from, errs.is_empty()) {
            (Some(code), Some(level), Some(effective_from), true) => {
                Ok(AdminUnit { code, name, level, parent_code, effective_from, effective_to, succeeded_by })
            }
            _ => Err(errs),
        }
    }
}

/// Whether making `parent` the parent of `id` would close a loop in the tree.
pub fn would_loop(agencies: &[Agency], id: &AgencyId, parent: &AgencyId) -> bool {
    let mut at = Some(parent.clone());
    let mut steps = 0;
    while let Some(a) = at {
        if &a == id || steps > agencies.len() {
            return true;
        }
        at = agencies.iter().find(|x| x.id == a).and_then(|x| x.parent_id.clone());
        steps += 1;
    }
    false
}

/// The units whose dossiers count under `code`: itself and every unit merged
/// into it, directly or through another merged unit (a dossier received by
/// a unit that later merged counts under both the old and the new unit).
pub fn counted_under<'a>(units: &'a [AdminUnit], code: &str) -> Vec<&'a AdminUnit> {
    let mut out: Vec<&AdminUnit> = units.iter().filter(|u| u.code.as_str() == code).collect();
    let mut i = 0;
    while i < out.len() {
        let here = out[i].code.as_str();
        for u in units {
            if u.succeeded_by.as_ref().is_some_and(|s| s.as_str() == here) && !out.iter().any(|o| o.code == u.code) {
                out.push(u);
            }
        }
        i += 1;
    }
    out
}

/// Orders agencies as a tree: each with its depth, children after their
/// parent, siblings by identifier. Agencies whose parent is unknown are roots.
pub fn agency_tree(agencies: &[Agency]) -> Vec<(usize, &Agency)> {
    let ids: std::collections::HashSet<&AgencyId> = agencies.iter().map(|a| &a.id).collect();
    let mut out = Vec::with_capacity(agencies.len());
    fn visit<'a>(a: &'a Agency, depth: usize, all: &'a [Agency], out: &mut Vec<(usize, &'a Agency)>) {
        if out.iter().any(|(_, x)| x.id == a.id) {
            return; // a cycle in stored data: show each agency once
        }
        out.push((depth, a));
        let mut kids: Vec<&Agency> = all.iter().filter(|c| c.parent_id.as_ref() == Some(&a.id)).collect();
        kids.sort_by(|x, y| x.id.cmp(&y.id));
        for k in kids {
            visit(k, depth + 1, all, out);
        }
    }
    let mut roots: Vec<&Agency> =
        agencies.iter().filter(|a| a.parent_id.as_ref().is_none_or(|p| !ids.contains(p))).collect();
    roots.sort_by(|x, y| x.id.cmp(&y.id));
    for r in roots {
        visit(r, 0, agencies, &mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "code,name,level,parent_code,effective_from,effective_to,succeeded_by\n\
72,Tỉnh Tây Ninh,province,,2025-07-01,,\n\
25480,Phường Tân Ninh,commune,72,2025-07-01,,\n\
25481,Xã Cũ,commune,72,2000-01-01,2025-06-30,25480\n";

    #[test]
    fn parses_good_file() {
        let units = parse_units_csv(GOOD.as_bytes()).unwrap();
        assert_eq!(units.len(), 3);
        assert_eq!(units[2].succeeded_by.as_ref().unwrap().as_str(), "25480");
        assert!(!units[2].is_active_on(NaiveDate::from_ymd_opt(2025, 7, 1).unwrap()));
        assert!(units[1].is_active_on(NaiveDate::from_ymd_opt(2025, 7, 1).unwrap()));
    }

    #[test]
    fn a_code_names_on_a_day_itself_or_the_unit_it_was_merged_into() {
        let csv = format!("{GOOD}25482,Xã Cũ Hơn,commune,72,1990-01-01,1999-12-31,25481\n");
        let units = parse_units_csv(csv.as_bytes()).unwrap();
        let on =
            |c: &str, y, m, d| unit_on(&units, c, NaiveDate::from_ymd_opt(y, m, d).unwrap()).map(|u| u.code.as_str());
        assert_eq!(on("25481", 2025, 6, 30), Some("25481"));
        assert_eq!(on("25481", 2025, 7, 1), Some("25480"));
        assert_eq!(on("25482", 2026, 1, 1), Some("25480"), "two merges followed");
        assert_eq!(on("25482", 1995, 1, 1), Some("25482"));
        assert_eq!(on("25480", 2020, 1, 1), None, "not yet in force, and merged into nothing");
        assert_eq!(on("99999", 2026, 1, 1), None);
    }

    #[test]
    fn a_merged_unit_counts_under_its_successor_and_the_successors_successor() {
        let csv = format!(
            "{GOOD}25482,Xã Cũ Hơn,commune,72,1990-01-01,1999-12-31,25481\n25483,Xã Khác,commune,72,2025-07-01,,\n"
        );
        let units = parse_units_csv(csv.as_bytes()).unwrap();
        let codes = |c: &str| counted_under(&units, c).iter().map(|u| u.code.as_str().to_string()).collect::<Vec<_>>();
        assert_eq!(codes("25480"), ["25480", "25481", "25482"]);
        assert_eq!(codes("25481"), ["25481", "25482"]);
        assert_eq!(codes("25483"), ["25483"]);
        assert!(codes("99999").is_empty());
    }

    #[test]
    fn reports_every_bad_row_with_its_line() {
        let bad = "code,name,level,parent_code,effective_from,effective_to,succeeded_by\n\
7,X,province,,2025-07-01,,\n\
25480,,commune,72,2025-07-01,,\n\
25481,Y,commune,72,2025-13-01,,\n\
25482,Z,commune,,2025-01-01,,\n";
        let errs = parse_units_csv(bad.as_bytes()).unwrap_err();
        let lines: Vec<usize> = errs
            .iter()
            .filter_map(|e| match e {
                DirectoryError::Row { line, .. } => Some(*line),
                _ => None,
            })
            .collect();
        assert_eq!(lines, vec![2, 3, 4, 5]);
    }

    #[test]
    fn wrong_header_and_ragged_rows_are_errors() {
        assert!(matches!(parse_units_csv(b"a,b\n1,2\n").unwrap_err()[0], DirectoryError::Header { .. }));
        let ragged = "code,name,level,parent_code,effective_from,effective_to,succeeded_by\n72,X,province\n";
        assert!(parse_units_csv(ragged.as_bytes()).is_err());
        assert!(parse_units_csv(b"").is_err());
    }

    #[test]
    fn agencies_parse_and_form_a_tree() {
        let csv = "id,name_vi,name_en,kind,parent_id,unit_code,effective_from,effective_to\n\
H72,UBND tỉnh,Provincial PC,provincial_peoples_committee,,72,2025-07-01,\n\
H72.50.01,UBND phường,Ward PC,commune_peoples_committee,H72,25441,2025-07-01,\n\
H72.10,Sở Tư pháp,Justice,department,H72,72,2025-07-01,\n";
        let a = parse_agencies_csv(csv.as_bytes()).unwrap();
        let tree: Vec<(usize, &str)> = agency_tree(&a).into_iter().map(|(d, a)| (d, a.id.as_str())).collect();
        assert_eq!(tree, vec![(0, "H72"), (1, "H72.10"), (1, "H72.50.01")]);
        let bad = "id,name_vi,name_en,kind,parent_id,unit_code,effective_from,effective_to\n\
H72,,x,nope,H72,7,2025-07-01,\n";
        assert!(matches!(parse_agencies_csv(bad.as_bytes()).unwrap_err()[0], DirectoryError::Row { line: 2, .. }));
    }

    #[test]
    fn agency_id_format() {
        assert!(AgencyId::parse("H15.50.05.13").is_ok());
        assert!(AgencyId::parse("H15..13").is_err());
        assert!(AgencyId::parse("H15 50").is_err());
    }

    #[test]
    fn an_agency_form_reports_every_field_and_refuses_loops() {
        let errs = AgencyForm {
            id: "bad id".into(),
            kind: "x".into(),
            effective_to: "2025-13-01".into(),
            ..Default::default()
        }
        .parse()
        .unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["id", "name_vi", "name_en", "kind", "unit_code", "effective_from", "effective_to"]);
        let form = AgencyForm {
            id: "H72.50.09".into(),
            name_vi: " UBND  phường Mới ".into(),
            name_en: "New ward PC".into(),
            kind: "commune_peoples_committee".into(),
            parent_id: "H72".into(),
            unit_code: "25441".into(),
            effective_from: "2025-07-01".into(),
            effective_to: "2025-06-30".into(),
        };
        assert_eq!(form.clone().parse().unwrap_err(), vec![("effective_to", "err.agency.ends_before")]);
        let a = AgencyForm { effective_to: String::new(), ..form }.parse().unwrap();
        assert_eq!((a.name_vi.as_str(), a.parent_id.as_ref().map(|p| p.as_str())), ("UBND phường Mới", Some("H72")));
        let tree = vec![
            Agency { parent_id: None, id: AgencyId::from_stored("H72".into()), ..a.clone() },
            Agency { parent_id: Some(AgencyId::from_stored("H72".into())), ..a.clone() },
        ];
        assert!(would_loop(&tree, &AgencyId::from_stored("H72".into()), &a.id));
        assert!(!would_loop(&tree, &a.id, &AgencyId::from_stored("H72".into())));
    }

    #[test]
    fn a_unit_form_follows_the_import_rules_field_by_field() {
        let errs = UnitForm { level: "commune".into(), code: "12".into(), ..Default::default() }.parse().unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["code", "name", "parent_code", "effective_from"]);
        let merged = UnitForm {
            code: "25442".into(),
            name: "Phường Bình Minh".into(),
            level: "commune".into(),
            parent_code: "72".into(),
            effective_from: "2025-07-01".into(),
            effective_to: String::new(),
            succeeded_by: "25441".into(),
        };
        assert_eq!(merged.clone().parse().unwrap_err(), vec![("effective_to", "err.unit.merged_needs_end")]);
        let u = UnitForm { effective_to: "2026-06-30".into(), ..merged }.parse().unwrap();
        assert_eq!(u.succeeded_by.as_ref().map(|c| c.as_str()), Some("25441"));
    }
}
