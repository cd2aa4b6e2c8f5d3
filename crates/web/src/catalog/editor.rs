//! The back-office procedure editor: a procedure, its documents, fees, legal
//! bases, process and application form as one plain HTML form (no script).
//! Each list is a run of numbered rows plus spare blank rows; a blank row or
//! one marked for removal is dropped.

use std::collections::HashMap;

use egov_catalog::*;
use egov_i18n::{t, Lang};
use egov_identity::Role;

use crate::views::FormState;

/// Spare blank rows shown under each list.
pub const SPARE: usize = 2;

/// The row prefixes of the lists and the fields of a row.
pub const LISTS: [(&str, &[&str]); 5] = [
    ("lb", &["number", "title", "from", "to"]),
    ("doc", &["name_vi", "name_en", "originals", "copies", "mandatory"]),
    ("fee", &["vi", "en", "amount", "due"]),
    ("step", &["name_vi", "name_en", "role", "agency", "share"]),
    ("ff", &["name", "label_vi", "label_en", "type", "required", "options", "min", "max"]),
];

pub const FIELD_TYPES: [&str; 9] =
    ["text", "textarea", "number", "date", "email", "phone", "citizen_id", "select", "checkbox"];

fn date(d: chrono::NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The form values of a stored procedure.
pub fn to_form(p: &Procedure) -> FormState {
    let mut f = FormState::default();
    let mut put = |k: String, v: String| {
        f.values.insert(k, v);
    };
    put("code".into(), p.code.to_string());
    put("name_vi".into(), p.name_vi.clone());
    put("name_en".into(), p.name_en.clone());
    put("field".into(), p.field.clone());
    put("online_level".into(), p.online_level.as_str().into());
    if p.identity == RequiredIdentity::Level2 {
        put("identity_level2".into(), "on".into());
    }
    put("time_amount".into(), p.processing_time.amount.to_string());
    put("time_unit".into(), p.processing_time.unit.as_str().into());
    for l in &p.levels {
        put(format!("level_{}", l.as_str()), "on".into());
    }
    for a in &p.agencies {
        put(format!("agency_{a}"), "on".into());
    }
    for (i, l) in p.legal_bases.iter().enumerate() {
        put(format!("lb{i}_number"), l.number.clone());
        put(format!("lb{i}_title"), l.title.clone());
        put(format!("lb{i}_from"), date(l.effective_from));
        put(format!("lb{i}_to"), l.effective_to.map(date).unwrap_or_default());
    }
    for (i, d) in p.documents.iter().enumerate() {
        put(format!("doc{i}_name_vi"), d.name_vi.clone());
        put(format!("doc{i}_name_en"), d.name_en.clone());
        put(format!("doc{i}_originals"), d.originals.to_string());
        put(format!("doc{i}_copies"), d.copies.to_string());
        if d.mandatory {
            put(format!("doc{i}_mandatory"), "on".into());
        }
    }
    for (i, x) in p.fees.iter().enumerate() {
        put(format!("fee{i}_vi"), x.description_vi.clone());
        put(format!("fee{i}_en"), x.description_en.clone());
        put(format!("fee{i}_amount"), x.amount_vnd.to_string());
        put(format!("fee{i}_due"), x.due.as_str().into());
    }
    for (i, s) in p.process.iter().enumerate() {
        put(format!("step{i}_name_vi"), s.name_vi.clone());
        put(format!("step{i}_name_en"), s.name_en.clone());
        put(format!("step{i}_role"), s.role.as_str().into());
        put(
            format!("step{i}_agency"),
            match &s.agency {
                StepAgency::Receiving => String::new(),
                StepAgency::Agency(a) => a.clone(),
            },
        );
        put(format!("step{i}_share"), s.share_percent.to_string());
    }
    for (i, x) in p.form.iter().enumerate() {
        put(format!("ff{i}_name"), x.name.clone());
        put(format!("ff{i}_label_vi"), x.label_vi.clone());
        put(format!("ff{i}_label_en"), x.label_en.clone());
        if x.required {
            put(format!("ff{i}_required"), "on".into());
        }
        let (ty, min, max, options) = match &x.kind {
            FieldKind::Text { max_len } => ("text", None, max_len.map(i64::from), None),
            FieldKind::Textarea { max_len } => ("textarea", None, max_len.map(i64::from), None),
            FieldKind::Number { min, max } => ("number", *min, *max, None),
            FieldKind::Date => ("date", None, None, None),
            FieldKind::Email => ("email", None, None, None),
            FieldKind::Phone => ("phone", None, None, None),
            FieldKind::CitizenId => ("citizen_id", None, None, None),
            FieldKind::Select { options } => ("select", None, None, Some(options)),
            FieldKind::Checkbox => ("checkbox", None, None, None),
        };
        put(format!("ff{i}_type"), ty.into());
        put(format!("ff{i}_min"), min.map(|v| v.to_string()).unwrap_or_default());
        put(format!("ff{i}_max"), max.map(|v| v.to_string()).unwrap_or_default());
        let opts = options
            .map(|o| {
                o.iter().map(|o| format!("{}={}|{}", o.value, o.label_vi, o.label_en)).collect::<Vec<_>>().join("; ")
            })
            .unwrap_or_default();
        put(format!("ff{i}_options"), opts);
    }
    f
}

/// The number of rows of a list in the submitted or stored values (highest index + 1).
pub fn rows_in(f: &FormState, prefix: &str) -> usize {
    f.values
        .keys()
        .filter_map(|k| k.strip_prefix(prefix))
        .filter_map(|rest| rest.split_once('_'))
        .filter_map(|(n, _)| n.parse::<usize>().ok())
        .map(|n| n + 1)
        .max()
        .unwrap_or(0)
}

struct Parser<'a> {
    f: &'a FormState,
    lang: Lang,
    errors: Vec<(String, String)>,
}

impl Parser<'_> {
    fn err(&mut self, name: String, key: &'static str) {
        self.errors.push((name, t(self.lang, key).to_string()));
    }
    fn text(&self, name: &str) -> String {
        self.f.v(name).trim().to_string()
    }
    fn num<T: std::str::FromStr>(&mut self, name: String, default: Option<T>) -> Option<T> {
        let s = self.f.v(&name).trim().to_string();
        if s.is_empty() {
            if default.is_none() {
                self.err(name, "err.required");
            }
            return default;
        }
        match s.replace('.', "").parse() {
            Ok(v) => Some(v),
            Err(_) => {
                self.err(name, "err.number");
                None
            }
        }
    }
    fn date(&mut self, name: String, required: bool) -> Option<chrono::NaiveDate> {
        let s = self.f.v(&name).trim().to_string();
        if s.is_empty() {
            if required {
                self.err(name, "err.required");
            }
            return None;
        }
        match chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                self.err(name, "err.date");
                None
            }
        }
    }
    /// The row indexes of a list that hold something and are not removed.
    fn live_rows(&self, prefix: &str, fields: &[&str]) -> Vec<usize> {
        (0..rows_in(self.f, prefix))
            .filter(|i| !self.f.checked(&format!("{prefix}{i}_remove")))
            .filter(|i| {
                fields
                    .iter()
                    .filter(|fl| !matches!(**fl, "mandatory" | "required" | "type" | "role" | "due"))
                    .any(|fl| !self.f.v(&format!("{prefix}{i}_{fl}")).trim().is_empty())
            })
            .collect()
    }
}

/// Where a validation path of [`Procedure::validate`] is shown in the form.
fn input_for(path: &str, rows: &HashMap<&str, Vec<usize>>) -> String {
    let path = path.strip_prefix("p.").unwrap_or(path);
    let map = |prefix: &str, list: &str, rest: &str| -> Option<String> {
        let (idx, field) = rest.split_once("].")?;
        let k: usize = idx.parse().ok()?;
        let i = rows.get(list)?.get(k)?;
        let field = match (prefix, field) {
            ("lb", "effective_from") => "from",
            ("lb", "effective_to") => "to",
            ("fee", "description_vi") => "vi",
            ("fee", "description_en") => "en",
            ("step", "share_percent") => "share",
            ("ff", "options") => "options",
            ("ff", "min") => "min",
            (_, f) => f,
        };
        Some(format!("{prefix}{i}_{field}"))
    };
    for (list, prefix) in
        [("legal_bases", "lb"), ("documents", "doc"), ("fees", "fee"), ("process", "step"), ("form", "ff")]
    {
        if let Some(rest) = path.strip_prefix(&format!("{list}[")) {
            if let Some(name) = map(prefix, list, rest) {
                return name;
            }
        }
    }
    match path {
        "processing_time.amount" => "time_amount".into(),
        "process" => "process".into(),
        other => other.to_string(),
    }
}

/// Reads a procedure from the submitted values, or every error by input name.
pub fn from_form(f: &FormState, lang: Lang) -> Result<Procedure, Vec<(String, String)>> {
    let mut p = Parser { f, lang, errors: Vec::new() };
    let online_level = OnlineLevel::parse(f.v("online_level")).unwrap_or(OnlineLevel::InfoOnly);
    let unit = TimeUnit::parse(f.v("time_unit")).unwrap_or(TimeUnit::WorkingDays);
    let amount = p.num::<u32>("time_amount".into(), None).unwrap_or(0);
    let levels =
        [Level::Province, Level::Commune].into_iter().filter(|l| f.checked(&format!("level_{}", l.as_str()))).collect();
    let mut agencies = f.values.keys().filter_map(|k| k.strip_prefix("agency_")).map(String::from).collect::<Vec<_>>();
    agencies.sort();
    // Each list's live rows, by the procedure's path of the list, to point
    // the procedure's own checks at inputs.
    let mut rows: HashMap<&str, Vec<usize>> = HashMap::new();
    let (legal_bases, r) = p.legal_bases();
    rows.insert("legal_bases", r);
    let (documents, r) = p.documents();
    rows.insert("documents", r);
    let (fees, r) = p.fees();
    rows.insert("fees", r);
    let (process, r) = p.process();
    rows.insert("process", r);
    let (form, r) = p.form_fields();
    rows.insert("form", r);
    let proc = Procedure {
        code: p.text("code").into(),
        name_vi: p.text("name_vi"),
        name_en: p.text("name_en"),
        field: p.text("field"),
        agencies,
        levels,
        online_level,
        legal_bases,
        documents,
        fees,
        processing_time: ProcessingTime { amount, unit },
        process,
        form,
        identity: if f.checked("identity_level2") { RequiredIdentity::Level2 } else { RequiredIdentity::Any },
    };
    let mut errors = p.errors;
    for e in proc.validate("p") {
        let name = input_for(&e.path, &rows);
        if !errors.iter().any(|(n, _)| *n == name) {
            errors.push((name, t(lang, e.key).to_string()));
        }
    }
    if errors.is_empty() {
        Ok(proc)
    } else {
        Err(errors)
    }
}

/// The lists of the editor, each read from its live rows (returned too).
impl Parser<'_> {
    fn legal_bases(&mut self) -> (Vec<LegalBasis>, Vec<usize>) {
        let rows = self.live_rows("lb", LISTS[0].1);
        let list = rows
            .iter()
            .map(|i| {
                let from = self.date(format!("lb{i}_from"), true);
                let to = self.date(format!("lb{i}_to"), false);
                LegalBasis {
                    number: self.text(&format!("lb{i}_number")),
                    title: self.text(&format!("lb{i}_title")),
                    effective_from: from.unwrap_or_default(),
                    effective_to: to,
                }
            })
            .collect();
        (list, rows)
    }

    fn documents(&mut self) -> (Vec<DocumentPart>, Vec<usize>) {
        let rows = self.live_rows("doc", LISTS[1].1);
        let list = rows
            .iter()
            .map(|i| DocumentPart {
                originals: self.num::<u32>(format!("doc{i}_originals"), Some(0)).unwrap_or(0),
                copies: self.num::<u32>(format!("doc{i}_copies"), Some(0)).unwrap_or(0),
                name_vi: self.text(&format!("doc{i}_name_vi")),
                name_en: self.text(&format!("doc{i}_name_en")),
                mandatory: self.f.checked(&format!("doc{i}_mandatory")),
            })
            .collect();
        (list, rows)
    }

    fn fees(&mut self) -> (Vec<Fee>, Vec<usize>) {
        let rows = self.live_rows("fee", LISTS[2].1);
        let list = rows
            .iter()
            .map(|i| Fee {
                amount_vnd: self.num::<u64>(format!("fee{i}_amount"), None).unwrap_or(0),
                description_vi: self.text(&format!("fee{i}_vi")),
                description_en: self.text(&format!("fee{i}_en")),
                due: FeeDue::parse(self.f.v(&format!("fee{i}_due"))).unwrap_or_default(),
            })
            .collect();
        (list, rows)
    }

    fn process(&mut self) -> (Vec<ProcessStep>, Vec<usize>) {
        let rows = self.live_rows("step", LISTS[3].1);
        let list = rows
            .iter()
            .map(|i| {
                let share_percent = self.num::<u32>(format!("step{i}_share"), None).unwrap_or(0);
                let role = Role::parse(self.f.v(&format!("step{i}_role"))).unwrap_or_else(|| {
                    self.err(format!("step{i}_role"), "err.required");
                    Role::Specialist
                });
                let agency = match self.text(&format!("step{i}_agency")) {
                    a if a.is_empty() => StepAgency::Receiving,
                    a => StepAgency::Agency(a),
                };
                ProcessStep {
                    name_vi: self.text(&format!("step{i}_name_vi")),
                    name_en: self.text(&format!("step{i}_name_en")),
                    role,
                    agency,
                    share_percent,
                }
            })
            .collect();
        (list, rows)
    }

    fn form_fields(&mut self) -> (Vec<FormField>, Vec<usize>) {
        let rows = self.live_rows("ff", LISTS[4].1);
        let list = rows
            .iter()
            .map(|&i| {
                let kind = self.field_kind(i);
                FormField {
                    name: self.text(&format!("ff{i}_name")),
                    label_vi: self.text(&format!("ff{i}_label_vi")),
                    label_en: self.text(&format!("ff{i}_label_en")),
                    kind,
                    required: self.f.checked(&format!("ff{i}_required")),
                }
            })
            .collect();
        (list, rows)
    }

    /// A form field's kind: its type and, by type, its bounds or options
    /// (`value=label vi|label en; …`).
    fn field_kind(&mut self, i: usize) -> FieldKind {
        let min = self.num::<i64>(format!("ff{i}_min"), Some(i64::MIN)).filter(|v| *v != i64::MIN);
        let max = self.num::<i64>(format!("ff{i}_max"), Some(i64::MIN)).filter(|v| *v != i64::MIN);
        let max_len = max.and_then(|m| u32::try_from(m).ok());
        match self.f.v(&format!("ff{i}_type")) {
            "textarea" => FieldKind::Textarea { max_len },
            "number" => FieldKind::Number { min, max },
            "date" => FieldKind::Date,
            "email" => FieldKind::Email,
            "phone" => FieldKind::Phone,
            "citizen_id" => FieldKind::CitizenId,
            "checkbox" => FieldKind::Checkbox,
            "select" => {
                let mut options = Vec::new();
                let text = self.f.v(&format!("ff{i}_options")).to_string();
                for part in text.split(';').map(str::trim).filter(|s| !s.is_empty()) {
                    match part.split_once('=').and_then(|(v, l)| l.split_once('|').map(|(vi, en)| (v, vi, en))) {
                        Some((v, vi, en)) if !v.trim().is_empty() => options.push(SelectOption {
                            value: v.trim().into(),
                            label_vi: vi.trim().into(),
                            label_en: en.trim().into(),
                        }),
                        _ => self.err(format!("ff{i}_options"), "err.options_format"),
                    }
                }
                FieldKind::Select { options }
            }
            _ => FieldKind::Text { max_len },
        }
    }
}

/// Maps the store's reference errors (field, agencies, code taken) to inputs.
pub fn store_errors(errs: Vec<CatalogError>, lang: Lang) -> Vec<(String, String)> {
    errs.into_iter().map(|e| (e.path.trim_start_matches("p.").to_string(), t(lang, e.key).to_string())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored() -> Procedure {
        let doc: CatalogDocument =
            serde_json::from_str(include_str!("../../tests/fixtures/one_procedure.json")).unwrap();
        doc.procedures[0].clone()
    }

    #[test]
    fn a_procedure_round_trips_through_the_form() {
        let p = stored();
        let f = to_form(&p);
        assert_eq!(from_form(&f, Lang::Vi).unwrap(), p);
    }

    #[test]
    fn blank_and_removed_rows_are_dropped_and_errors_point_at_inputs() {
        let p = stored();
        let mut f = to_form(&p);
        f.values.insert("doc0_remove".into(), "on".into());
        f.values.insert("doc7_name_vi".into(), "   ".into());
        let q = from_form(&f, Lang::Vi).unwrap();
        assert_eq!(q.documents.len(), p.documents.len() - 1);
        f.values.insert("step1_share".into(), "abc".into());
        f.values.insert("ff0_name".into(), "Bad Name".into());
        f.values.insert("time_amount".into(), "".into());
        let errs = from_form(&f, Lang::En).unwrap_err();
        let names: Vec<&str> = errs.iter().map(|(n, _)| n.as_str()).collect();
        assert!(names.contains(&"step1_share"), "{names:?}");
        assert!(names.contains(&"ff0_name"), "{names:?}");
        assert!(names.contains(&"time_amount"), "{names:?}");
        assert!(errs.iter().any(|(_, m)| m == "Please fill in this field."));
    }
}
