//! A report sent upward in the layout of an administrative document (an
//! information-security incident's reports): masthead, date line, the
//! form's number and basis when it has one, the title, whom it is sent to,
//! numbered sections of fields, tables and text, the signature block, and
//! a closing line saying how the document is sealed. Plain strings in: the
//! caller decides the words.

use chrono::NaiveDateTime;

use crate::forms::{date_line, masthead, Letterhead};
use crate::{Line, PageSize, Signature, Slip};

/// A table: its header and rows, and the columns' shares of the width.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub widths: Vec<f32>,
}

/// One section: a heading, fields, a table and text.
#[derive(Debug, Clone, Default)]
pub struct Section {
    pub heading: String,
    pub fields: Vec<(String, String)>,
    pub table: Option<Table>,
    pub text: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub head: Letterhead,
    /// The form's number and its legal basis (`03`, `Thông tư 20/2017/TT-BTTTT`), if it has one.
    pub form: Option<(String, String)>,
    pub title: String,
    /// A line under the title (the incident's code).
    pub subtitle: String,
    pub to: Vec<String>,
    pub sections: Vec<Section>,
    pub issued: NaiveDateTime,
    pub signer_title: String,
    pub signer: String,
    /// How the document is sealed (printed last, small).
    pub seal_line: String,
}

/// The report as an A4 document.
pub fn report(r: &Report) -> Slip {
    let mut lines = masthead(&r.head);
    lines.push(date_line(&r.head, r.issued));
    lines.push(Line::Gap(4.0));
    if let Some((number, basis)) = &r.form {
        lines.push(Line::Centered(format!("Mẫu số {number} ({basis})")));
    }
    lines.push(Line::Title(r.title.to_uppercase()));
    if !r.subtitle.is_empty() {
        lines.push(Line::Centered(r.subtitle.clone()));
    }
    lines.push(Line::Gap(6.0));
    match r.to.as_slice() {
        [] => {}
        [one] => lines.push(Line::Field("Kính gửi".into(), one.clone())),
        many => {
            lines.push(Line::Field("Kính gửi".into(), String::new()));
            lines.extend(many.iter().map(|t| Line::Text(format!("   - {t};"))));
        }
    }
    for (i, s) in r.sections.iter().enumerate() {
        lines.push(Line::Gap(4.0));
        lines.push(Line::Heading(format!("{}. {}", i + 1, s.heading)));
        for (k, v) in &s.fields {
            lines.push(Line::Field(k.clone(), v.clone()));
        }
        if let Some(t) = &s.table {
            lines.push(Line::Row { cells: t.header.clone(), widths: t.widths.clone(), header: true });
            for row in &t.rows {
                lines.push(Line::Row { cells: row.clone(), widths: t.widths.clone(), header: false });
            }
        }
        lines.extend(s.text.iter().map(|t| Line::Text(t.clone())));
    }
    lines.push(Line::Gap(10.0));
    lines.push(Line::Signatures(vec![Signature {
        title: r.signer_title.clone(),
        note: "(Ký số)".into(),
        name: r.signer.clone(),
    }]));
    lines.push(Line::Gap(8.0));
    lines.push(Line::Text(r.seal_line.clone()));
    Slip { lines, qr: None, size: PageSize::A4 }
}
