//! A report as an OpenDocument text (ODT, ISO/IEC 26300), the editable
//! form: the title as a heading, the facts as lines, each table under its
//! name as a real table, the footer. The same report gives the same bytes
//! (every entry dated 1980-01-01, the format's first day).

use std::io::Write;

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

use crate::{cell_text, Report, ReportError};

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' => {}
            c => out.push(c),
        }
    }
    out
}

const MANIFEST: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="application/vnd.oasis.opendocument.text"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"#;

const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" office:version="1.3">
 <office:styles>
  <style:default-style style:family="paragraph"><style:text-properties style:font-name="Liberation Serif" fo:font-size="12pt" fo:language="vi" fo:country="VN"/></style:default-style>
  <style:style style:name="Heading_20_1" style:display-name="Heading 1" style:family="paragraph"><style:text-properties fo:font-size="16pt" fo:font-weight="bold"/></style:style>
  <style:style style:name="Heading_20_2" style:display-name="Heading 2" style:family="paragraph"><style:text-properties fo:font-size="13pt" fo:font-weight="bold"/></style:style>
 </office:styles>
</office:document-styles>
"#;

fn content(report: &Report) -> String {
    let mut x = String::from(concat!(
        r#"<?xml version="1.0" encoding="UTF-8"?>"#,
        "\n",
        r#"<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" "#,
        r#"xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" "#,
        r#"xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" "#,
        r#"xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" "#,
        r#"xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" office:version="1.3">"#,
        "\n<office:automatic-styles><style:style style:name=\"Th\" style:family=\"paragraph\">",
        "<style:text-properties fo:font-weight=\"bold\"/></style:style></office:automatic-styles>\n",
        "<office:body><office:text>\n"
    ));
    x.push_str(&format!(
        "<text:h text:style-name=\"Heading_20_1\" text:outline-level=\"1\">{}</text:h>\n",
        esc(&report.title)
    ));
    for (label, value) in &report.facts {
        x.push_str(&format!("<text:p>{}: {}</text:p>\n", esc(label), esc(value)));
    }
    for (n, t) in report.tables.iter().enumerate() {
        x.push_str(&format!(
            "<text:h text:style-name=\"Heading_20_2\" text:outline-level=\"2\">{}</text:h>\n",
            esc(&t.name)
        ));
        let cols = t.headers.len().max(t.rows.iter().map(Vec::len).max().unwrap_or(0)).max(1);
        x.push_str(&format!("<table:table table:name=\"T{}\">", n + 1));
        x.push_str(&format!("<table:table-column table:number-columns-repeated=\"{cols}\"/>"));
        x.push_str("<table:table-header-rows><table:table-row>");
        for h in &t.headers {
            x.push_str(&format!(
                "<table:table-cell office:value-type=\"string\"><text:p text:style-name=\"Th\">{}</text:p></table:table-cell>",
                esc(h)
            ));
        }
        x.push_str("</table:table-row></table:table-header-rows>\n");
        for row in &t.rows {
            x.push_str("<table:table-row>");
            for c in row {
                x.push_str(&format!(
                    "<table:table-cell office:value-type=\"string\"><text:p>{}</text:p></table:table-cell>",
                    esc(&cell_text(c))
                ));
            }
            x.push_str("</table:table-row>\n");
        }
        x.push_str("</table:table>\n");
    }
    x.push_str(&format!("<text:p>{}</text:p>\n", esc(&report.footer)));
    x.push_str("</office:text></office:body></office:document-content>\n");
    x
}

/// The report as an ODT document.
pub fn odt(report: &Report) -> Result<Vec<u8>, ReportError> {
    let err = |e: &dyn std::fmt::Display| ReportError::Document(e.to_string());
    let mut z = ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(DateTime::default());
    let packed = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .last_modified_time(DateTime::default());
    // the media type first and uncompressed, as the format asks
    z.start_file("mimetype", stored).map_err(|e| err(&e))?;
    z.write_all(b"application/vnd.oasis.opendocument.text").map_err(|e| err(&e))?;
    for (name, body) in [
        ("META-INF/manifest.xml", MANIFEST.to_string()),
        ("styles.xml", STYLES.to_string()),
        ("content.xml", content(report)),
    ] {
        z.start_file(name, packed).map_err(|e| err(&e))?;
        z.write_all(body.as_bytes()).map_err(|e| err(&e))?;
    }
    Ok(z.finish().map_err(|e| err(&e))?.into_inner())
}
