//! Tables as files people open: Excel workbooks (Vietnamese headers, real
//! number and date cells, the header row frozen) and CSV (UTF-8 with a byte
//! order mark, so that spreadsheet programs read Vietnamese right).
//! Values in, bytes out: no I/O. Reports also as ODT documents (`odt`),
//! and workbooks read back (`xlsx_rows`) for imports.

use chrono::NaiveDateTime;

mod odt;
pub use odt::odt;

/// A cell of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    /// A ratio shown as a percentage (0.5 → 50.0 %).
    Percent(f64),
    DateTime(NaiveDateTime),
    Empty,
}

/// A table: a sheet of a workbook, or a CSV file.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The sheet's name (at most 31 characters; no `[]:*?/\`).
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("spreadsheet: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    #[error("csv: {0}")]
    Csv(String),
    #[error("pdf: {0}")]
    Pdf(#[from] egov_slips::SlipError),
    #[error("reading a workbook: {0}")]
    Read(String),
    #[error("document: {0}")]
    Document(String),
}

/// A printable report: a title, facts (label and value) under it, then
/// each table under its name, on A4 pages.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub title: String,
    pub facts: Vec<(String, String)>,
    pub tables: Vec<Table>,
    /// A closing line (where the figures come from).
    pub footer: String,
}

fn cell_text(c: &Cell) -> String {
    match c {
        Cell::Text(s) => s.clone(),
        Cell::Number(x) if x.fract() == 0.0 && x.abs() < 1e15 => format!("{x:.0}"),
        Cell::Number(x) => format!("{x:.2}"),
        Cell::Percent(x) => format!("{:.1} %", x * 100.0),
        Cell::DateTime(d) => d.format("%d/%m/%Y %H:%M").to_string(),
        Cell::Empty => "—".into(),
    }
}

/// The report as a PDF: tables flow over pages, their headers repeated;
/// each table's first column (names) takes half the width.
pub fn pdf(report: &Report) -> Result<Vec<u8>, ReportError> {
    render_pdf(report, &|t: &Table| {
        let n = t.headers.len().max(1);
        (0..n)
            .map(|i| {
                if n == 1 {
                    1.0
                } else if i == 0 {
                    0.5
                } else {
                    0.5 / (n - 1) as f32
                }
            })
            .collect()
    })
}

/// The report as a PDF whose columns are as wide as their words need: a
/// column's share of the width follows its longest word (never cut when
/// the words fit the page) and half its cells' mean length.
pub fn pdf_fitted(report: &Report) -> Result<Vec<u8>, ReportError> {
    render_pdf(report, &fitted_widths)
}

fn fitted_widths(t: &Table) -> Vec<f32> {
    let n = t.headers.len().max(1);
    let weights: Vec<f32> = (0..n)
        .map(|i| {
            let texts: Vec<String> = std::iter::once(t.headers.get(i).cloned().unwrap_or_default())
                .chain(t.rows.iter().map(|r| r.get(i).map(cell_text).unwrap_or_default()))
                .collect();
            let longest = texts.iter().flat_map(|s| s.split_whitespace()).map(|w| w.chars().count()).max().unwrap_or(1);
            let mean = texts.iter().map(|s| s.chars().count()).sum::<usize>() as f32 / texts.len().max(1) as f32;
            (longest as f32 + 1.0).max(mean / 2.0)
        })
        .collect();
    let total: f32 = weights.iter().sum::<f32>().max(1.0);
    weights.iter().map(|w| w / total).collect()
}

fn render_pdf(report: &Report, widths_of: &dyn Fn(&Table) -> Vec<f32>) -> Result<Vec<u8>, ReportError> {
    use egov_slips::Line;
    let mut lines = vec![Line::Title(report.title.clone()), Line::Gap(6.0)];
    for (label, value) in &report.facts {
        lines.push(Line::Field(label.clone(), value.clone()));
    }
    for t in &report.tables {
        lines.push(Line::Gap(6.0));
        lines.push(Line::Heading(t.name.clone()));
        let widths = widths_of(t);
        lines.push(Line::Row { cells: t.headers.clone(), widths: widths.clone(), header: true });
        for row in &t.rows {
            lines.push(Line::Row { cells: row.iter().map(cell_text).collect(), widths: widths.clone(), header: false });
        }
    }
    lines.push(Line::Gap(10.0));
    lines.push(Line::Text(report.footer.clone()));
    Ok(egov_slips::render(&egov_slips::Slip { lines, qr: None, size: egov_slips::PageSize::A4 })?)
}

/// A workbook with one sheet per table.
pub fn xlsx(tables: &[Table]) -> Result<Vec<u8>, ReportError> {
    xlsx_made(tables, None)
}

/// A workbook with one sheet per table, made at `made` (its documented
/// creation time: the same tables and time give the same bytes).
pub fn xlsx_made(tables: &[Table], made: Option<chrono::NaiveDateTime>) -> Result<Vec<u8>, ReportError> {
    use rust_xlsxwriter::{DocProperties, Format, Workbook};
    let mut wb = Workbook::new();
    if let Some(made) = made {
        wb.set_properties(&DocProperties::new().set_creation_datetime(&made));
    }
    let bold = Format::new().set_bold();
    let percent = Format::new().set_num_format("0.0%");
    let number = Format::new().set_num_format("0.00");
    let when = Format::new().set_num_format("dd/mm/yyyy hh:mm");
    for t in tables {
        let ws = wb.add_worksheet();
        ws.set_name(&t.name)?;
        for (c, h) in t.headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &bold)?;
            ws.set_column_width(c as u16, (h.chars().count() as f64 + 4.0).clamp(12.0, 60.0))?;
        }
        ws.set_freeze_panes(1, 0)?;
        for (r, row) in t.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Text(s) => ws.write_string(r, c, s).map(|_| ())?,
                    Cell::Number(x) => ws.write_number_with_format(r, c, *x, &number).map(|_| ())?,
                    Cell::Percent(x) => ws.write_number_with_format(r, c, *x, &percent).map(|_| ())?,
                    Cell::DateTime(d) => ws.write_datetime_with_format(r, c, d, &when).map(|_| ())?,
                    Cell::Empty => {}
                }
            }
        }
    }
    Ok(wb.save_to_buffer()?)
}

/// The first sheet of a workbook as rows of text (numbers as written,
/// whole ones without a decimal point); an unreadable file is an error.
pub fn xlsx_rows(bytes: &[u8]) -> Result<Vec<Vec<String>>, ReportError> {
    use calamine::{Data, Reader, Xlsx};
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e: calamine::XlsxError| ReportError::Read(e.to_string()))?;
    let range = wb
        .worksheet_range_at(0)
        .ok_or_else(|| ReportError::Read("no sheet".into()))?
        .map_err(|e: calamine::XlsxError| ReportError::Read(e.to_string()))?;
    Ok(range
        .rows()
        .map(|r| {
            r.iter()
                .map(|c| match *c {
                    Data::Empty => String::new(),
                    Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
                    ref other => other.to_string(),
                })
                .collect()
        })
        .collect())
}

/// A CSV file's rows as text (a byte order mark dropped; the first row
/// is the header, as written).
pub fn csv_rows(bytes: &[u8]) -> Result<Vec<Vec<String>>, ReportError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut r = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
    r.records()
        .map(|rec| rec.map(|x| x.iter().map(String::from).collect()).map_err(|e| ReportError::Csv(e.to_string())))
        .collect()
}

/// One table as CSV, with a byte order mark; dates as `YYYY-MM-DD HH:MM`,
/// percentages as people write them (`57.1%`, which spreadsheets read as a
/// percentage), other numbers to two decimals at most.
pub fn csv(table: &Table) -> Result<Vec<u8>, ReportError> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::Writer::from_writer(&mut out);
        w.write_record(&table.headers).map_err(|e| ReportError::Csv(e.to_string()))?;
        for row in &table.rows {
            let fields: Vec<String> = row
                .iter()
                .map(|c| match c {
                    Cell::Text(s) => s.clone(),
                    Cell::Number(x) => plain(*x),
                    Cell::Percent(x) => format!("{}%", plain(x * 100.0)),
                    Cell::DateTime(d) => d.format("%Y-%m-%d %H:%M").to_string(),
                    Cell::Empty => String::new(),
                })
                .collect();
            w.write_record(&fields).map_err(|e| ReportError::Csv(e.to_string()))?;
        }
        w.flush().map_err(|e| ReportError::Csv(e.to_string()))?;
    }
    Ok(out)
}

/// A number to two decimals at most, without trailing zeros: `16.29`, `10`.
fn plain(x: f64) -> String {
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader};

    fn table() -> Table {
        Table {
            name: "Chỉ số".into(),
            headers: vec!["Chỉ số".into(), "Tỷ lệ".into(), "Điểm".into(), "Hạn trả".into(), "Ghi chú".into()],
            rows: vec![vec![
                Cell::Text("Hồ sơ giải quyết đúng hạn".into()),
                Cell::Percent(0.5),
                Cell::Number(10.0),
                Cell::DateTime(NaiveDateTime::parse_from_str("2026-03-03 08:00", "%Y-%m-%d %H:%M").unwrap()),
                Cell::Empty,
            ]],
        }
    }

    #[test]
    fn the_workbook_reads_back_with_its_types() {
        let bytes = xlsx(&[table()]).unwrap();
        let mut wb: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(wb.sheet_names(), vec!["Chỉ số".to_string()]);
        let range = wb.worksheet_range("Chỉ số").unwrap();
        assert_eq!(range.get((0, 1)), Some(&Data::String("Tỷ lệ".into())));
        assert_eq!(range.get((1, 0)), Some(&Data::String("Hồ sơ giải quyết đúng hạn".into())));
        assert_eq!(range.get((1, 1)), Some(&Data::Float(0.5)));
        assert_eq!(range.get((1, 2)), Some(&Data::Float(10.0)));
        match range.get((1, 3)) {
            // an Excel date: days since 1899-12-30, the time as the fraction
            Some(Data::DateTime(d)) => {
                let days = (chrono::NaiveDate::from_ymd_opt(2026, 3, 3).unwrap()
                    - chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap())
                .num_days() as f64;
                assert!((d.as_f64() - (days + 8.0 / 24.0)).abs() < 1e-9, "{}", d.as_f64());
            }
            other => panic!("not a date cell: {other:?}"),
        }
    }

    #[test]
    fn csv_has_a_bom_and_plain_values() {
        let text = String::from_utf8(csv(&table()).unwrap()).unwrap();
        assert!(text.starts_with('\u{feff}'));
        assert!(text.contains("Chỉ số,Tỷ lệ,Điểm,Hạn trả,Ghi chú\n"));
        assert!(text.contains("Hồ sơ giải quyết đúng hạn,50%,10,2026-03-03 08:00,\n"), "{text}");
        assert_eq!(
            (plain(16.285714), plain(0.0), plain(2.5), plain(-0.001)),
            ("16.29".into(), "0".into(), "2.5".into(), "0".into())
        );
    }

    #[test]
    fn a_bad_sheet_name_is_an_error_not_a_panic() {
        let mut t = table();
        t.name = "a/b".into();
        assert!(xlsx(&[t]).is_err());
    }

    #[test]
    fn the_same_report_gives_the_same_document_and_workbook_and_reads_back() {
        let r = Report {
            title: "Báo cáo".into(),
            facts: vec![("Năm".into(), "2026".into())],
            tables: vec![table()],
            footer: "Hết".into(),
        };
        let (a, b) = (odt(&r).unwrap(), odt(&r).unwrap());
        assert_eq!(a, b, "no date in the document");
        // the media type first and stored, as the format asks
        assert_eq!(&a[..4], b"PK\x03\x04");
        assert_eq!(&a[30..38], b"mimetype");
        assert!(a.windows(39).any(|w| w == b"application/vnd.oasis.opendocument.text"));
        let made = chrono::NaiveDate::from_ymd_opt(2026, 12, 31).and_then(|d| d.and_hms_opt(23, 59, 0));
        let w = xlsx_made(&[table()], made).unwrap();
        assert_eq!(w, xlsx_made(&[table()], made).unwrap(), "a dated workbook is the same twice");
        let rows = xlsx_rows(&w).unwrap();
        assert_eq!(rows[0], ["Chỉ số", "Tỷ lệ", "Điểm", "Hạn trả", "Ghi chú"]);
        assert_eq!(rows[1][0], "Hồ sơ giải quyết đúng hạn");
        assert!(xlsx_rows(b"not a workbook").is_err());
        assert_eq!(csv_rows("\u{feff}a,b\n\"1,5\",c\n".as_bytes()).unwrap(), [["a", "b"], ["1,5", "c"]]);
    }

    #[test]
    fn fitted_columns_are_as_wide_as_their_longest_word() {
        let t = Table {
            name: "t".into(),
            headers: vec!["Chỉ tiêu".into(), "Đánh giá".into()],
            rows: vec![vec![Cell::Text("a b c".into()), Cell::Text("Exceeded".into())]],
        };
        let w = fitted_widths(&t);
        assert!((w.iter().sum::<f32>() - 1.0).abs() < 1e-6);
        assert!(w[1] > w[0], "{w:?}: 'Exceeded' needs more than 'Chỉ'/'tiêu'");
    }
}
