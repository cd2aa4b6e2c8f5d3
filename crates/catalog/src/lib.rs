//! The procedure catalog as data: procedures, their forms and processes, and
//! the Vietnamese-aware search over them. No I/O: the store persists these
//! types, the web layer renders them.

pub mod search;

use chrono::NaiveDate;
use egov_identity::Role;
use serde::{Deserialize, Serialize};

/// A catalog validation error: where (a path like `procedures[3].form[1].name`)
/// and the i18n key of what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CatalogError {
    pub path: String,
    pub key: &'static str,
}

impl std::fmt::Display for CatalogError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.key)
    }
}

/// A field (domain) of procedures, e.g. civil status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Field {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
}

/// The level of government that carries out a procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Province,
    Commune,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Province => "province",
            Level::Commune => "commune",
        }
    }
    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "province" => Some(Level::Province),
            "commune" => Some(Level::Commune),
            _ => None,
        }
    }
}

/// How much of a procedure can be done online.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnlineLevel {
    /// Toàn trình (legacy "level 4"): submitted, processed, paid and returned online.
    Full,
    /// Một phần (legacy "level 3").
    Partial,
    /// Information only.
    InfoOnly,
}

impl OnlineLevel {
    pub const ALL: [OnlineLevel; 3] = [OnlineLevel::Full, OnlineLevel::Partial, OnlineLevel::InfoOnly];
    pub fn as_str(self) -> &'static str {
        match self {
            OnlineLevel::Full => "full",
            OnlineLevel::Partial => "partial",
            OnlineLevel::InfoOnly => "info_only",
        }
    }
    pub fn parse(s: &str) -> Option<OnlineLevel> {
        OnlineLevel::ALL.into_iter().find(|l| l.as_str() == s)
    }
    pub fn label_key(self) -> &'static str {
        match self {
            OnlineLevel::Full => "online.full",
            OnlineLevel::Partial => "online.partial",
            OnlineLevel::InfoOnly => "online.info_only",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalBasis {
    /// The document's number, e.g. `123/2015/NĐ-CP`.
    pub number: String,
    pub title: String,
    pub effective_from: NaiveDate,
    #[serde(default)]
    pub effective_to: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentPart {
    pub name_vi: String,
    pub name_en: String,
    pub originals: u32,
    pub copies: u32,
    pub mandatory: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fee {
    pub description_vi: String,
    pub description_en: String,
    /// In đồng.
    pub amount_vnd: u64,
    /// When it must be paid, as the procedure says (before the result when
    /// a catalog written before this was known does not say).
    #[serde(default)]
    pub due: FeeDue,
}

/// When a fee must be paid.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeeDue {
    /// With the application: the dossier is received once it is paid.
    AtSubmission,
    /// Before the result is handed over.
    #[default]
    BeforeResult,
}

impl FeeDue {
    pub const ALL: [FeeDue; 2] = [FeeDue::AtSubmission, FeeDue::BeforeResult];
    pub fn as_str(self) -> &'static str {
        match self {
            FeeDue::AtSubmission => "at_submission",
            FeeDue::BeforeResult => "before_result",
        }
    }
    pub fn parse(s: &str) -> Option<FeeDue> {
        FeeDue::ALL.into_iter().find(|d| d.as_str() == s)
    }
    /// The i18n key of its name.
    pub fn label_key(self) -> &'static str {
        match self {
            FeeDue::AtSubmission => "fee.due.at_submission",
            FeeDue::BeforeResult => "fee.due.before_result",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeUnit {
    WorkingDays,
    WorkingHours,
}

impl TimeUnit {
    pub fn as_str(self) -> &'static str {
        match self {
            TimeUnit::WorkingDays => "working_days",
            TimeUnit::WorkingHours => "working_hours",
        }
    }
    pub fn parse(s: &str) -> Option<TimeUnit> {
        match s {
            "working_days" => Some(TimeUnit::WorkingDays),
            "working_hours" => Some(TimeUnit::WorkingHours),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessingTime {
    pub amount: u32,
    pub unit: TimeUnit,
}

/// Which agency performs a process step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "id")]
pub enum StepAgency {
    /// The agency that received the dossier.
    Receiving,
    /// A named agency (by its document-exchange identifier).
    Agency(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessStep {
    pub name_vi: String,
    pub name_en: String,
    pub role: Role,
    pub agency: StepAgency,
    /// This step's share of the processing time, in percent.
    pub share_percent: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum FieldKind {
    Text {
        #[serde(default)]
        max_len: Option<u32>,
    },
    Textarea {
        #[serde(default)]
        max_len: Option<u32>,
    },
    Number {
        #[serde(default)]
        min: Option<i64>,
        #[serde(default)]
        max: Option<i64>,
    },
    Date,
    Email,
    Phone,
    CitizenId,
    Select {
        options: Vec<SelectOption>,
    },
    Checkbox,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelectOption {
    pub value: String,
    pub label_vi: String,
    pub label_en: String,
}

/// One field of a procedure's application form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormField {
    pub name: String,
    pub label_vi: String,
    pub label_en: String,
    #[serde(flatten)]
    pub kind: FieldKind,
    pub required: bool,
}

/// A procedure's code in the national catalog (`1.000894`). A document's
/// codes are read as given and checked, with everything else in it, by
/// `Procedure::validate` (every error at its path); a stored one is valid.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ProcedureCode(String);

impl ProcedureCode {
    /// A code as given (a document's, a query's) or as stored.
    pub fn new(code: impl Into<String>) -> ProcedureCode {
        ProcedureCode(code.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Letters, digits, `.`, `-`, `_`; 1 to 32 of them.
    pub fn is_valid(&self) -> bool {
        valid_code(&self.0)
    }
}

/// A code reads as its text wherever text is wanted.
impl std::ops::Deref for ProcedureCode {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for ProcedureCode {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ProcedureCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for ProcedureCode {
    fn from(s: &str) -> Self {
        ProcedureCode(s.to_string())
    }
}

impl From<String> for ProcedureCode {
    fn from(s: String) -> Self {
        ProcedureCode(s)
    }
}

impl PartialEq<str> for ProcedureCode {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<String> for ProcedureCode {
    fn eq(&self, other: &String) -> bool {
        &self.0 == other
    }
}

/// A national procedure, as the catalog publishes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Procedure {
    pub code: ProcedureCode,
    pub name_vi: String,
    pub name_en: String,
    pub field: String,
    pub agencies: Vec<String>,
    pub levels: Vec<Level>,
    pub online_level: OnlineLevel,
    #[serde(default)]
    pub legal_bases: Vec<LegalBasis>,
    #[serde(default)]
    pub documents: Vec<DocumentPart>,
    #[serde(default)]
    pub fees: Vec<Fee>,
    pub processing_time: ProcessingTime,
    #[serde(default)]
    pub process: Vec<ProcessStep>,
    #[serde(default)]
    pub form: Vec<FormField>,
    /// The electronic identity an applicant must hold to file it online.
    #[serde(default)]
    pub identity: RequiredIdentity,
}

/// What identity filing a procedure online needs (Decree 69/2024/NĐ-CP):
/// any signed-in applicant, or an electronic identity of level 2.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequiredIdentity {
    #[default]
    Any,
    Level2,
}

/// The catalog's JSON import/export document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogDocument {
    pub version: u32,
    pub fields: Vec<Field>,
    pub procedures: Vec<Procedure>,
}

pub const MAX_NAME: usize = 300;

fn bad(errs: &mut Vec<CatalogError>, path: impl Into<String>, key: &'static str) {
    errs.push(CatalogError { path: path.into(), key });
}

fn check_text(errs: &mut Vec<CatalogError>, path: String, s: &str, max: usize) {
    let n = s.trim().chars().count();
    if n == 0 {
        bad(errs, path, "err.required");
    } else if n > max {
        bad(errs, path, "err.too_long");
    }
}

/// Procedure codes: 1–32 of letters, digits, '.', '-', '_' (national codes look like `1.000894`).
pub fn valid_code(s: &str) -> bool {
    (1..=32).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

fn valid_field_name(s: &str) -> bool {
    let mut b = s.bytes();
    matches!(b.next(), Some(c) if c.is_ascii_lowercase())
        && s.len() <= 64
        && b.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_')
}

impl Field {
    pub fn validate(&self, at: &str) -> Vec<CatalogError> {
        let mut errs = Vec::new();
        if !valid_code(&self.code) {
            bad(&mut errs, format!("{at}.code"), "err.catalog.code");
        }
        check_text(&mut errs, format!("{at}.name_vi"), &self.name_vi, MAX_NAME);
        check_text(&mut errs, format!("{at}.name_en"), &self.name_en, MAX_NAME);
        errs
    }
}

impl Procedure {
    /// Every structural check, all at once. Whether the field and agencies
    /// exist is for the caller, who knows the directory.
    pub fn validate(&self, at: &str) -> Vec<CatalogError> {
        let mut errs = Vec::new();
        let e = &mut errs;
        if !valid_code(&self.code) {
            bad(e, format!("{at}.code"), "err.catalog.code");
        }
        check_text(e, format!("{at}.name_vi"), &self.name_vi, MAX_NAME);
        check_text(e, format!("{at}.name_en"), &self.name_en, MAX_NAME);
        if self.field.trim().is_empty() {
            bad(e, format!("{at}.field"), "err.required");
        }
        if self.agencies.is_empty() {
            bad(e, format!("{at}.agencies"), "err.catalog.agencies");
        }
        if self.levels.is_empty() {
            bad(e, format!("{at}.levels"), "err.catalog.levels");
        }
        if self.processing_time.amount == 0 || self.processing_time.amount > 3650 {
            bad(e, format!("{at}.processing_time.amount"), "err.catalog.time");
        }
        for (i, lb) in self.legal_bases.iter().enumerate() {
            check_text(e, format!("{at}.legal_bases[{i}].number"), &lb.number, 100);
            check_text(e, format!("{at}.legal_bases[{i}].title"), &lb.title, 500);
            if lb.effective_to.is_some_and(|to| to < lb.effective_from) {
                bad(e, format!("{at}.legal_bases[{i}].effective_to"), "err.catalog.dates");
            }
        }
        for (i, d) in self.documents.iter().enumerate() {
            check_text(e, format!("{at}.documents[{i}].name_vi"), &d.name_vi, 500);
            check_text(e, format!("{at}.documents[{i}].name_en"), &d.name_en, 500);
            if d.originals + d.copies == 0 || d.originals > 100 || d.copies > 100 {
                bad(e, format!("{at}.documents[{i}].originals"), "err.catalog.copies");
            }
        }
        for (i, f) in self.fees.iter().enumerate() {
            check_text(e, format!("{at}.fees[{i}].description_vi"), &f.description_vi, 300);
            check_text(e, format!("{at}.fees[{i}].description_en"), &f.description_en, 300);
        }
        if !self.process.is_empty() {
            let total: u32 = self.process.iter().map(|s| s.share_percent).sum();
            if total != 100 {
                bad(e, format!("{at}.process"), "err.catalog.shares");
            }
        }
        for (i, s) in self.process.iter().enumerate() {
            check_text(e, format!("{at}.process[{i}].name_vi"), &s.name_vi, 200);
            check_text(e, format!("{at}.process[{i}].name_en"), &s.name_en, 200);
            if s.share_percent == 0 {
                bad(e, format!("{at}.process[{i}].share_percent"), "err.catalog.shares");
            }
        }
        let mut names = std::collections::HashSet::new();
        for (i, f) in self.form.iter().enumerate() {
            if !valid_field_name(&f.name) {
                bad(e, format!("{at}.form[{i}].name"), "err.catalog.field_name");
            } else if !names.insert(f.name.as_str()) {
                bad(e, format!("{at}.form[{i}].name"), "err.catalog.field_dup");
            }
            check_text(e, format!("{at}.form[{i}].label_vi"), &f.label_vi, 200);
            check_text(e, format!("{at}.form[{i}].label_en"), &f.label_en, 200);
            match &f.kind {
                FieldKind::Select { options } if options.is_empty() => {
                    bad(e, format!("{at}.form[{i}].options"), "err.catalog.options")
                }
                FieldKind::Number { min: Some(lo), max: Some(hi) } if lo > hi => {
                    bad(e, format!("{at}.form[{i}].min"), "err.catalog.range")
                }
                _ => {}
            }
        }
        errs
    }

    /// The legal bases in force on a day.
    pub fn legal_bases_on(&self, day: NaiveDate) -> impl Iterator<Item = &LegalBasis> {
        self.legal_bases.iter().filter(move |l| l.effective_from <= day && l.effective_to.is_none_or(|to| day <= to))
    }

    /// The total fee in đồng.
    pub fn total_fee(&self) -> u64 {
        self.fees.iter().map(|f| f.amount_vnd).sum()
    }
}

impl FormField {
    /// Checks one submitted value against the field's definition; returns the
    /// i18n key of what is wrong.
    pub fn check(&self, value: &str) -> Result<(), &'static str> {
        let v = value.trim();
        if v.is_empty() {
            return if self.required && !matches!(self.kind, FieldKind::Checkbox) {
                Err("err.required")
            } else {
                Ok(())
            };
        }
        match &self.kind {
            FieldKind::Text { max_len } | FieldKind::Textarea { max_len } => {
                let max = max_len.unwrap_or(5000) as usize;
                if v.chars().count() > max {
                    return Err("err.too_long");
                }
            }
            FieldKind::Number { min, max } => {
                let n: i64 = v.parse().map_err(|_| "err.number")?;
                if min.is_some_and(|m| n < m) || max.is_some_and(|m| n > m) {
                    return Err("err.range");
                }
            }
            FieldKind::Date => {
                NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| "err.date")?;
            }
            FieldKind::Email => {
                egov_identity::normalize_email(v).ok_or("err.email")?;
            }
            FieldKind::Phone => {
                egov_identity::normalize_phone(v).ok_or("err.phone")?;
            }
            FieldKind::CitizenId => {
                egov_identity::CitizenId::parse(v, 2100).map_err(|e| e.key())?;
            }
            FieldKind::Select { options } => {
                if !options.iter().any(|o| o.value == v) {
                    return Err("err.option");
                }
            }
            FieldKind::Checkbox => {
                if !matches!(v, "on" | "true" | "1") {
                    return Err("err.option");
                }
            }
        }
        Ok(())
    }
}

impl Procedure {
    /// Checks submitted form values: every error by field name; unknown
    /// fields are refused too.
    pub fn check_form(&self, values: &std::collections::BTreeMap<String, String>) -> Vec<(String, &'static str)> {
        let mut errs: Vec<(String, &'static str)> = self
            .form
            .iter()
            .filter_map(|f| {
                f.check(values.get(&f.name).map(String::as_str).unwrap_or("")).err().map(|k| (f.name.clone(), k))
            })
            .collect();
        for k in values.keys() {
            if !self.form.iter().any(|f| &f.name == k) {
                errs.push((k.clone(), "err.unknown_field"));
            }
        }
        errs
    }
}

impl CatalogDocument {
    pub const VERSION: u32 = 1;

    /// Parses and validates a whole catalog document; all errors at once.
    pub fn parse(bytes: &[u8]) -> Result<CatalogDocument, Vec<CatalogError>> {
        let doc: CatalogDocument = serde_json::from_slice(bytes).map_err(|err| {
            vec![CatalogError { path: format!("line {} column {}", err.line(), err.column()), key: "err.json" }]
        })?;
        let mut errs = Vec::new();
        if doc.version != Self::VERSION {
            bad(&mut errs, "version", "err.catalog.version");
        }
        let mut field_codes = std::collections::HashSet::new();
        for (i, f) in doc.fields.iter().enumerate() {
            errs.extend(f.validate(&format!("fields[{i}]")));
            if !field_codes.insert(f.code.as_str()) {
                bad(&mut errs, format!("fields[{i}].code"), "err.catalog.dup");
            }
        }
        let mut codes = std::collections::HashSet::new();
        for (i, p) in doc.procedures.iter().enumerate() {
            let at = format!("procedures[{i}]");
            errs.extend(p.validate(&at));
            if !codes.insert(p.code.as_str()) {
                bad(&mut errs, format!("{at}.code"), "err.catalog.dup");
            }
        }
        if errs.is_empty() {
            Ok(doc)
        } else {
            Err(errs)
        }
    }
}

/// Formats an amount of đồng with dot thousands separators: `1.500.000`.
pub fn format_vnd(amount: u64) -> String {
    let s = amount.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn sample() -> Procedure {
        Procedure {
            code: "1.000894".into(),
            name_vi: "Đăng ký kết hôn".into(),
            name_en: "Marriage registration".into(),
            field: "ho-tich".into(),
            agencies: vec!["H15.50.05.13".into()],
            levels: vec![Level::Commune],
            online_level: OnlineLevel::Full,
            legal_bases: vec![LegalBasis {
                number: "123/2015/NĐ-CP".into(),
                title: "Nghị định hướng dẫn Luật Hộ tịch".into(),
                effective_from: NaiveDate::from_ymd_opt(2016, 1, 1).unwrap(),
                effective_to: None,
            }],
            documents: vec![DocumentPart {
                name_vi: "Tờ khai đăng ký kết hôn".into(),
                name_en: "Marriage registration form".into(),
                originals: 1,
                copies: 0,
                mandatory: true,
            }],
            fees: vec![],
            processing_time: ProcessingTime { amount: 1, unit: TimeUnit::WorkingDays },
            process: vec![
                ProcessStep {
                    name_vi: "Tiếp nhận".into(),
                    name_en: "Receipt".into(),
                    role: Role::Receiver,
                    agency: StepAgency::Receiving,
                    share_percent: 20,
                },
                ProcessStep {
                    name_vi: "Thẩm định".into(),
                    name_en: "Appraisal".into(),
                    role: Role::Specialist,
                    agency: StepAgency::Receiving,
                    share_percent: 80,
                },
            ],
            form: vec![FormField {
                name: "spouse_name".into(),
                label_vi: "Họ tên người kia".into(),
                label_en: "Spouse's full name".into(),
                kind: FieldKind::Text { max_len: Some(100) },
                required: true,
            }],
            identity: RequiredIdentity::Any,
        }
    }

    #[test]
    fn sample_is_valid_and_round_trips() {
        let p = sample();
        assert!(p.validate("p").is_empty());
        let doc = CatalogDocument { version: 1, fields: vec![], procedures: vec![p] };
        let json = serde_json::to_vec(&doc).unwrap();
        assert_eq!(CatalogDocument::parse(&json).unwrap(), doc);
    }

    #[test]
    fn validation_finds_every_problem() {
        let mut p = sample();
        p.code = "bad code!".into();
        p.name_vi = " ".into();
        p.process[0].share_percent = 10;
        p.form.push(p.form[0].clone());
        p.form.push(FormField {
            name: "Kind".into(),
            label_vi: "x".into(),
            label_en: "x".into(),
            kind: FieldKind::Select { options: vec![] },
            required: false,
        });
        let keys: Vec<_> = p.validate("p").into_iter().map(|e| (e.path, e.key)).collect();
        assert!(keys.contains(&("p.code".into(), "err.catalog.code")));
        assert!(keys.contains(&("p.name_vi".into(), "err.required")));
        assert!(keys.contains(&("p.process".into(), "err.catalog.shares")));
        assert!(keys.contains(&("p.form[1].name".into(), "err.catalog.field_dup")));
        assert!(keys.contains(&("p.form[2].name".into(), "err.catalog.field_name")));
        assert!(keys.contains(&("p.form[2].options".into(), "err.catalog.options")));
    }

    #[test]
    fn malformed_json_names_the_place() {
        let errs = CatalogDocument::parse(b"{\"version\": 1,\n \"fields\": [}").unwrap_err();
        assert_eq!(errs[0].key, "err.json");
        assert!(errs[0].path.starts_with("line 2"));
        let errs = CatalogDocument::parse(br#"{"version":2,"fields":[],"procedures":[]}"#).unwrap_err();
        assert_eq!(errs[0].key, "err.catalog.version");
    }

    #[test]
    fn form_values_are_checked_against_the_definition() {
        let mut p = sample();
        p.form.push(FormField {
            name: "age".into(),
            label_vi: "Tuổi".into(),
            label_en: "Age".into(),
            kind: FieldKind::Number { min: Some(18), max: Some(120) },
            required: false,
        });
        let mut v = std::collections::BTreeMap::new();
        assert_eq!(p.check_form(&v), vec![("spouse_name".to_string(), "err.required")]);
        v.insert("spouse_name".into(), "Trần Thị B".into());
        v.insert("age".into(), "17".into());
        v.insert("extra".into(), "x".into());
        assert_eq!(
            p.check_form(&v),
            vec![("age".to_string(), "err.range"), ("extra".to_string(), "err.unknown_field")]
        );
        v.insert("age".into(), "abc".into());
        v.remove("extra");
        assert_eq!(p.check_form(&v), vec![("age".to_string(), "err.number")]);
        v.insert("age".into(), "30".into());
        assert!(p.check_form(&v).is_empty());
    }

    #[test]
    fn vnd_format() {
        assert_eq!(format_vnd(0), "0");
        assert_eq!(format_vnd(1500000), "1.500.000");
        assert_eq!(format_vnd(100), "100");
    }
}
