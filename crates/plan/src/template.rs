//! A plan's indicators from a spreadsheet (issue 23, point 4): the template's
//! columns, and its rows read whole or refused with every bad cell named.

use crate::{Course, Direction, Measure, Source};

/// The template's columns, in order, as the exported file heads them.
pub const COLUMNS: [&str; 9] =
    ["code", "name_vi", "name_en", "unit", "target", "direction", "agency", "source", "course"];

/// An indicator of a plan, as imported or edited.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct IndicatorInput {
    /// Short and unique in the plan (`online_share`, `stations_it`).
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    /// What the value counts in (`%`, `trạm`, `sự cố`).
    pub unit: String,
    pub target: f64,
    pub direction: Direction,
    /// The responsible agency's code.
    pub agency: String,
    pub source: Source,
    pub course: Course,
}

/// A bad cell: its line (1 is the header) and column, and the message key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, {column}: {key}")]
pub struct CellError {
    pub line: usize,
    pub column: &'static str,
    pub key: &'static str,
}

/// Reads the template's rows (CSV, the header first, columns by name, a
/// BOM accepted): every indicator, or every bad cell. A code used twice is
/// refused at its second line. An empty file has no indicator.
pub fn read_csv(text: &str) -> Result<Vec<IndicatorInput>, Vec<CellError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut r = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    let header: Vec<String> = match r.headers() {
        Ok(h) => h.iter().map(str::to_lowercase).collect(),
        Err(_) => return Err(vec![CellError { line: 1, column: "code", key: "err.plan.header" }]),
    };
    let mut errs: Vec<CellError> = COLUMNS
        .iter()
        .filter(|c| !header.iter().any(|h| h == *c))
        .map(|c| CellError { line: 1, column: c, key: "err.plan.column_missing" })
        .collect();
    if !errs.is_empty() {
        return Err(errs);
    }
    let rows: Vec<Vec<String>> =
        r.records().map(|rec| rec.map(|x| x.iter().map(String::from).collect()).unwrap_or_default()).collect();
    let mut out: Vec<IndicatorInput> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let line = i + 2;
        if row.iter().all(|c| c.is_empty()) {
            continue;
        }
        let cells: Vec<(&str, &str)> = header.iter().zip(row.iter()).map(|(h, v)| (h.as_str(), v.as_str())).collect();
        let cell = |name: &str| cells.iter().find(|(h, _)| *h == name).map(|(_, v)| *v).unwrap_or("");
        let mut bad = |column: &'static str, key: &'static str| errs.push(CellError { line, column, key });
        let code = cell("code");
        if code.is_empty() || code.len() > 40 || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            bad("code", "err.plan.code");
        } else if out.iter().any(|x| x.code == code) {
            bad("code", "err.plan.code_twice");
        }
        for (column, max) in [("name_vi", 300), ("name_en", 300), ("unit", 40), ("agency", 40)] {
            let v = cell(column);
            if v.is_empty() || v.chars().count() > max {
                bad(
                    match column {
                        "name_vi" => "name_vi",
                        "name_en" => "name_en",
                        "unit" => "unit",
                        _ => "agency",
                    },
                    "err.plan.text",
                );
            }
        }
        let target = cell("target").replace(',', ".").parse::<f64>().ok().filter(|t| t.is_finite() && *t >= 0.0);
        if target.is_none() {
            bad("target", "err.plan.target");
        }
        let direction = Direction::parse(cell("direction"));
        if direction.is_none() {
            bad("direction", "err.plan.direction");
        }
        let source = Source::parse(cell("source"));
        if source.is_none() {
            bad("source", "err.plan.source");
        }
        let course = match (cell("course"), source) {
            ("", Some(Source::Measured(m))) => Some(m.course()),
            ("level", _) => Some(Course::Level),
            ("cumulative", _) => Some(Course::Cumulative),
            _ => None,
        };
        if course.is_none() {
            bad("course", "err.plan.course");
        }
        if let (Some(target), Some(direction), Some(source), Some(course)) = (target, direction, source, course) {
            out.push(IndicatorInput {
                code: code.to_string(),
                name_vi: cell("name_vi").to_string(),
                name_en: cell("name_en").to_string(),
                unit: cell("unit").to_string(),
                target,
                direction,
                agency: cell("agency").to_string(),
                source,
                course,
            });
        }
    }
    if errs.is_empty() {
        Ok(out)
    } else {
        Err(errs)
    }
}

/// The template as a CSV file: the header, and a line of each measured
/// figure egov offers, as an example to keep, change or delete.
pub fn template_csv() -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(COLUMNS);
    for m in Measure::ALL {
        let (vi, en) = m.names();
        let target = m.example_target().to_string();
        let _ = w.write_record([
            m.as_str(),
            vi,
            en,
            m.unit(),
            target.as_str(),
            m.example_direction().as_str(),
            "H72.11",
            m.as_str(),
            "",
        ]);
    }
    let _ = w.write_record([
        "training",
        "Lớp tập huấn CNTT",
        "IT training courses",
        "lớp",
        "4",
        "at_least",
        "H72.11",
        "reported",
        "cumulative",
    ]);
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_reads_back_as_its_indicators() {
        let rows = read_csv(&template_csv()).unwrap();
        assert_eq!(rows.len(), Measure::ALL.len() + 1);
        assert_eq!(rows.last().unwrap().source, Source::Reported);
        assert_eq!(rows[0].source, Source::Measured(Measure::ALL[0]));
        assert_eq!(rows[0].course, Measure::ALL[0].course(), "an empty course takes the figure's own");
    }

    #[test]
    fn a_bad_file_is_refused_whole_with_every_bad_cell_named() {
        let text = "\u{feff}code,name_vi,name_en,unit,target,direction,agency,source,course\n\
                    online,Tỷ lệ hồ sơ trực tuyến,Online share,%,50,at_least,H72.11,online_dossiers,\n\
                    online,Hai lần,Twice,%,abc,more,H72.11,guess,\n\
                    ,,,,,,,,\n\
                    budget,Kinh phí,Budget,triệu đồng,\"1200,5\",at_most,,reported,\n";
        let errs = read_csv(text).unwrap_err();
        let got: Vec<(usize, &str)> = errs.iter().map(|e| (e.line, e.column)).collect();
        assert_eq!(
            got,
            [(3, "code"), (3, "target"), (3, "direction"), (3, "source"), (3, "course"), (5, "agency"), (5, "course")]
        );
        let missing = read_csv("code,name_vi\nx,y\n").unwrap_err();
        assert_eq!(missing.len(), 7, "each missing column named: {missing:?}");
        assert_eq!(read_csv("").unwrap_err()[0].column, "code");
    }
}
