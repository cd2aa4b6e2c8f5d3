//! The official documents of the one-stop desk as PDF: the layout of a
//! Vietnamese administrative form (a two-column masthead, the place and date,
//! the form's number and title, numbered sections, tables, signature
//! blocks), flowing over numbered pages, with a QR code that opens the
//! dossier's lookup page; and (`forms`) the forms themselves, in the set in
//! force on the day they are issued. Pure computation: values in, PDF bytes
//! out. The fonts (DejaVu Sans, which covers Vietnamese) are embedded,
//! subset to the glyphs used.

pub mod forms;
pub mod report;
mod signed;
pub use forms::*;
pub use signed::SignatureField;

use std::collections::BTreeMap;

use pdf_writer::types::{CidFontType, FontFlags, SigFlags, SystemInfo};
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};

const REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
const BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// A5 in points.
pub const WIDTH: f32 = 419.53;
pub const HEIGHT: f32 = 595.28;
const MARGIN: f32 = 36.0;

/// A page's size in points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageSize {
    pub width: f32,
    pub height: f32,
}

impl PageSize {
    /// The slips' size (forms 01–05).
    pub const A5: PageSize = PageSize { width: WIDTH, height: HEIGHT };
    /// Reports and registers (form 06).
    pub const A4: PageSize = PageSize { width: 595.28, height: 841.89 };
}

#[derive(Debug, thiserror::Error)]
pub enum SlipError {
    #[error("font: {0}")]
    Font(String),
    #[error("QR code: {0}")]
    Qr(String),
    #[error("signature: {0}")]
    Sign(String),
}

/// One line of a slip.
#[derive(Debug, Clone)]
pub enum Line {
    /// A centred bold title.
    Title(String),
    /// Centred regular text.
    Centered(String),
    /// A label in bold followed by its value, wrapped.
    Field(String, String),
    /// Plain wrapped text.
    Text(String),
    /// Vertical space, in points.
    Gap(f32),
    /// A heading, bold, left.
    Heading(String),
    /// A table row: cells and their shares of the text width (summing to 1);
    /// a header row is bold, ruled below, and repeated at the top of a page
    /// its table continues on. Cells after the first that begin with a
    /// digit (numbers, dates) are right-aligned, the rest left.
    Row { cells: Vec<String>, widths: Vec<f32>, header: bool },
    /// The two-column head of an administrative document: the issuing
    /// agency on the left, the national name and motto on the right; each
    /// column's lines centred in it (bold where marked), its last line
    /// underlined with a short rule.
    Masthead { left: Vec<(String, bool)>, right: Vec<(String, bool)> },
    /// Regular text flush right (the place and date line).
    Right(String),
    /// Signature blocks side by side: each a bold title, a note under it,
    /// room to sign, and the signer's name in bold.
    Signatures(Vec<Signature>),
    /// The slip's QR code here, on the left, with this text beside it
    /// (without it, the code goes to the foot of the first page).
    Qr(String),
}

/// One signature block at the foot of a document.
#[derive(Debug, Clone)]
pub struct Signature {
    pub title: String,
    pub note: String,
    pub name: String,
}

/// A document: its lines from the top, flowing over as many pages as they
/// need (numbered when more than one), and what the QR code on the first
/// page says.
#[derive(Debug, Clone)]
pub struct Slip {
    pub lines: Vec<Line>,
    pub qr: Option<String>,
    pub size: PageSize,
}

struct Face<'a> {
    data: &'a [u8],
    face: ttf_parser::Face<'a>,
    /// Glyph ids used, and the characters they show.
    used: BTreeMap<u16, char>,
}

impl<'a> Face<'a> {
    fn new(data: &'a [u8]) -> Result<Face<'a>, SlipError> {
        let face = ttf_parser::Face::parse(data, 0).map_err(|e| SlipError::Font(e.to_string()))?;
        Ok(Face { data, face, used: BTreeMap::new() })
    }
    fn scale(&self) -> f32 {
        1000.0 / f32::from(self.face.units_per_em())
    }
    fn glyph(&self, c: char) -> u16 {
        self.face.glyph_index(c).map(|g| g.0).unwrap_or(0)
    }
    /// Width of a text at a size, in points.
    fn width(&self, text: &str, size: f32) -> f32 {
        text.chars()
            .map(|c| f32::from(self.face.glyph_hor_advance(ttf_parser::GlyphId(self.glyph(c))).unwrap_or(0)))
            .sum::<f32>()
            * self.scale()
            * size
            / 1000.0
    }
    /// Records the glyphs of a text; returns the ids (original) to show.
    fn encode(&mut self, text: &str) -> Vec<u16> {
        text.chars()
            .map(|c| {
                let g = self.glyph(c);
                self.used.entry(g).or_insert(c);
                g
            })
            .collect()
    }
}

/// Splits text into lines no wider than `max` points.
fn wrap(face: &Face<'_>, text: &str, size: f32, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        let candidate = if cur.is_empty() { word.to_string() } else { format!("{cur} {word}") };
        if face.width(&candidate, size) > max && !cur.is_empty() {
            lines.push(std::mem::take(&mut cur));
            cur = word.to_string();
        } else {
            cur = candidate;
        }
        // a word wider than the line (an address) is broken where it must be
        while face.width(&cur, size) > max && cur.chars().count() > 1 {
            let mut head = String::new();
            for c in cur.chars() {
                if face.width(&format!("{head}{c}"), size) > max && !head.is_empty() {
                    break;
                }
                head.push(c);
            }
            cur = cur[head.len()..].to_string();
            lines.push(head);
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}

/// A run of text to place: font (0 regular, 1 bold), size, x, y, text.
struct Run {
    font: usize,
    size: f32,
    x: f32,
    y: f32,
    text: String,
}

/// A rule to draw: page, from x, to x, at y.
struct Rule {
    page: usize,
    x0: f32,
    x1: f32,
    y: f32,
}

/// The side of a QR code placed in the flow, in points.
const QR_SIDE: f32 = 60.0;

/// What `layout` places: text runs (with their page), rules, the number of
/// pages, and where a QR code placed in the flow goes (page, x, bottom y).
type Placed = (Vec<(usize, Run)>, Vec<Rule>, usize, Option<(usize, f32, f32)>);

/// Places each line's text on pages: runs (with their page) and rules.
fn layout(slip: &Slip, faces: &[Face<'_>; 2]) -> Placed {
    let (width, height) = (slip.size.width, slip.size.height);
    let text_width = width - 2.0 * MARGIN;
    // room kept at the foot of each page for its number
    let bottom = MARGIN + 14.0;
    let mut runs: Vec<(usize, Run)> = Vec::new();
    let mut rules = Vec::new();
    let mut page = 0;
    let mut y = height - MARGIN;
    let mut header: Option<&Line> = None;
    let mut qr_at = None;
    // Moves to a new page if `need` points do not fit; true if it did.
    let room = |need: f32, page: &mut usize, y: &mut f32| {
        if *y - need < bottom {
            *page += 1;
            *y = height - MARGIN;
            true
        } else {
            false
        }
    };
    let row = |line: &Line, page: &mut usize, y: &mut f32, runs: &mut Vec<(usize, Run)>, rules: &mut Vec<Rule>| {
        let Line::Row { cells, widths, header } = line else { return };
        let (font, size) = if *header { (1, 8.5) } else { (0, 8.5) };
        let cols: Vec<(f32, Vec<String>)> = cells
            .iter()
            .zip(widths)
            .map(|(c, w)| (w * text_width, wrap(&faces[font], c, size, w * text_width - 4.0)))
            .collect();
        let n = cols.iter().map(|(_, l)| l.len()).max().unwrap_or(1);
        let mut x = MARGIN;
        for (i, (w, lines)) in cols.iter().enumerate() {
            for (k, l) in lines.iter().enumerate() {
                // numbers (and dates) flush right, words flush left
                let numeric = cells[i].chars().next().is_some_and(|c| c.is_ascii_digit());
                let lx = if i == 0 || !numeric { x } else { x + w - 2.0 - faces[font].width(l, size) };
                runs.push((*page, Run { font, size, x: lx, y: *y - size * 1.3 * (k as f32 + 1.0), text: l.clone() }));
            }
            x += w;
        }
        *y -= size * 1.3 * n as f32 + 3.0;
        if *header {
            rules.push(Rule { page: *page, x0: MARGIN, x1: MARGIN + text_width, y: *y + 1.5 });
        }
    };
    for line in &slip.lines {
        match line {
            Line::Title(t) | Line::Centered(t) => {
                header = None;
                let (font, size) = if matches!(line, Line::Title(_)) { (1, 12.0) } else { (0, 9.5) };
                for l in wrap(&faces[font], t, size, text_width) {
                    room(size * 1.35, &mut page, &mut y);
                    y -= size * 1.35;
                    let x = (width - faces[font].width(&l, size)) / 2.0;
                    runs.push((page, Run { font, size, x, y, text: l }));
                }
            }
            Line::Heading(t) => {
                header = None;
                let size = 10.5;
                // a heading is not left alone at the foot of a page
                room(size * 1.6 + 40.0, &mut page, &mut y);
                for l in wrap(&faces[1], t, size, text_width) {
                    y -= size * 1.6;
                    runs.push((page, Run { font: 1, size, x: MARGIN, y, text: l }));
                }
            }
            Line::Field(label, value) => {
                header = None;
                let size = 9.0;
                let label = format!("{label}: ");
                let lw = faces[1].width(&label, size);
                let lines = wrap(&faces[0], value, size, text_width - lw);
                room(size * 1.4 + size * 1.3 * (lines.len() as f32 - 1.0), &mut page, &mut y);
                y -= size * 1.4;
                runs.push((page, Run { font: 1, size, x: MARGIN, y, text: label }));
                let mut first = true;
                for l in lines {
                    if !first {
                        y -= size * 1.3;
                    }
                    runs.push((page, Run { font: 0, size, x: MARGIN + lw, y, text: l }));
                    first = false;
                }
            }
            Line::Text(t) => {
                header = None;
                let size = 9.0;
                for l in wrap(&faces[0], t, size, text_width) {
                    room(size * 1.35, &mut page, &mut y);
                    y -= size * 1.35;
                    runs.push((page, Run { font: 0, size, x: MARGIN, y, text: l }));
                }
            }
            Line::Gap(g) => {
                header = None;
                y -= g;
            }
            Line::Masthead { left, right } => {
                header = None;
                let size = 7.5;
                let columns =
                    [(MARGIN, text_width * 0.42, left), (MARGIN + text_width * 0.42, text_width * 0.58, right)];
                let top = y;
                let mut lowest = y;
                for (x0, w, lines) in columns {
                    let mut cy = top;
                    let mut last: Option<(f32, f32)> = None;
                    for (text, bold) in lines {
                        let font = usize::from(*bold);
                        for l in wrap(&faces[font], text, size, w - 4.0) {
                            cy -= size * 1.35;
                            let lw = faces[font].width(&l, size);
                            runs.push((page, Run { font, size, x: x0 + (w - lw) / 2.0, y: cy, text: l }));
                            last = Some((lw, cy));
                        }
                    }
                    if let Some((lw, ly)) = last {
                        let rule = (lw * 0.6).max(30.0);
                        rules.push(Rule { page, x0: x0 + (w - rule) / 2.0, x1: x0 + (w + rule) / 2.0, y: ly - 3.0 });
                    }
                    lowest = lowest.min(cy - 4.0);
                }
                y = lowest;
            }
            Line::Right(t) => {
                header = None;
                let size = 9.0;
                for l in wrap(&faces[0], t, size, text_width) {
                    room(size * 1.35, &mut page, &mut y);
                    y -= size * 1.35;
                    let x = MARGIN + text_width - faces[0].width(&l, size);
                    runs.push((page, Run { font: 0, size, x, y, text: l }));
                }
            }
            Line::Qr(caption) => {
                header = None;
                room(QR_SIDE + 6.0, &mut page, &mut y);
                qr_at = Some((page, MARGIN, y - QR_SIDE));
                let size = 8.5;
                let mut cy = y - 4.0;
                for l in wrap(&faces[0], caption, size, text_width - QR_SIDE - 8.0) {
                    cy -= size * 1.35;
                    runs.push((page, Run { font: 0, size, x: MARGIN + QR_SIDE + 8.0, y: cy, text: l }));
                }
                y = (y - QR_SIDE - 4.0).min(cy);
            }
            Line::Signatures(blocks) => {
                header = None;
                let size = 9.0;
                // a block is never split from its name
                room(size * 1.35 * 3.0 + 30.0, &mut page, &mut y);
                let w = text_width / blocks.len().max(1) as f32;
                let top = y;
                for (i, b) in blocks.iter().enumerate() {
                    let x0 = MARGIN + w * i as f32;
                    let mut cy = top;
                    for (text, font, gap) in [(&b.title, 1, 0.0), (&b.note, 0, 0.0), (&b.name, 1, 30.0)] {
                        cy -= gap;
                        for l in wrap(&faces[font], text, size, w - 6.0) {
                            cy -= size * 1.35;
                            let lw = faces[font].width(&l, size);
                            runs.push((page, Run { font, size, x: x0 + (w - lw) / 2.0, y: cy, text: l }));
                        }
                    }
                    y = y.min(cy);
                }
            }
            Line::Row { cells, widths, header: is_header } => {
                let lines = cells
                    .iter()
                    .zip(widths)
                    .map(|(c, w)| wrap(&faces[usize::from(*is_header)], c, 8.5, w * text_width - 4.0).len())
                    .max()
                    .unwrap_or(1);
                if room(8.5 * 1.3 * lines as f32 + 3.0, &mut page, &mut y) && !is_header {
                    if let Some(h) = header {
                        row(h, &mut page, &mut y, &mut runs, &mut rules);
                    }
                }
                if *is_header {
                    header = Some(line);
                }
                row(line, &mut page, &mut y, &mut runs, &mut rules);
            }
        }
    }
    let pages = page + 1;
    if pages > 1 {
        for p in 0..pages {
            let text = format!("{}/{}", p + 1, pages);
            let x = (width - faces[0].width(&text, 8.0)) / 2.0;
            runs.push((p, Run { font: 0, size: 8.0, x, y: MARGIN - 4.0, text }));
        }
    }
    (runs, rules, pages, qr_at)
}

/// Renders a document as a PDF of as many pages as it needs.
pub fn render(slip: &Slip) -> Result<Vec<u8>, SlipError> {
    build(slip, None)
}

/// Renders a document as a signed PDF: `sign` is given the bytes the
/// signature covers (in two parts) and answers the signature's DER
/// (a detached CMS, at most `field.room` bytes).
pub fn render_signed(
    slip: &Slip,
    field: &SignatureField,
    sign: impl FnOnce(&[&[u8]]) -> Result<Vec<u8>, String>,
) -> Result<Vec<u8>, SlipError> {
    signed::fill(build(slip, Some(field))?, field.room, sign)
}

fn build(slip: &Slip, signature: Option<&SignatureField>) -> Result<Vec<u8>, SlipError> {
    let mut faces = [Face::new(REGULAR)?, Face::new(BOLD)?];
    let (runs, rules, pages, qr_at) = layout(slip, &faces);
    let (width, height) = (slip.size.width, slip.size.height);

    let mut contents: Vec<Content> = (0..pages).map(|_| Content::new()).collect();
    let mut encoded: Vec<(usize, usize, f32, f32, f32, Vec<u16>)> = Vec::new();
    for (page, r) in &runs {
        encoded.push((*page, r.font, r.size, r.x, r.y, faces[r.font].encode(&r.text)));
    }

    // Subset each font to its glyphs; the new glyph ids are what the text shows.
    let mut pdf = Pdf::new();
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let mut next = 3;
    let mut alloc = || {
        let r = Ref::new(next);
        next += 1;
        r
    };
    let mut font_refs = Vec::new();
    let mut remaps = Vec::new();
    for (i, face) in faces.iter_mut().enumerate() {
        let (type0, remapper) = embed_font(&mut pdf, &mut alloc, face, i)?;
        font_refs.push(type0);
        remaps.push(remapper);
    }

    for (page, font, size, x, y, glyphs) in &encoded {
        let bytes: Vec<u8> = glyphs.iter().flat_map(|g| remaps[*font].get(*g).unwrap_or(0).to_be_bytes()).collect();
        let content = &mut contents[*page];
        content.begin_text();
        content.set_font(Name(if *font == 0 { b"F0" } else { b"F1" }), *size);
        content.next_line(*x, *y);
        content.show(Str(&bytes));
        content.end_text();
    }

    for r in &rules {
        let content = &mut contents[r.page];
        content.set_line_width(0.6);
        content.move_to(r.x0, r.y);
        content.line_to(r.x1, r.y);
        content.stroke();
    }

    if let Some(data) = &slip.qr {
        match qr_at {
            Some((page, x, y)) => draw_qr(&mut contents[page], data, x, y, QR_SIDE)?,
            None => draw_qr(&mut contents[0], data, width - MARGIN - 96.0, MARGIN, 96.0)?,
        }
    }

    let page_refs: Vec<(Ref, Ref)> = (0..pages).map(|_| (alloc(), alloc())).collect();
    let sig_refs = signature.map(|f| (alloc(), alloc(), f));
    {
        let mut cat = pdf.catalog(catalog);
        cat.pages(tree);
        if let Some((widget, _, _)) = sig_refs {
            cat.form().fields([widget]).sig_flags(SigFlags::SIGNATURES_EXIST | SigFlags::APPEND_ONLY);
        }
    }
    pdf.pages(tree).kids(page_refs.iter().map(|(p, _)| *p)).count(pages as i32);
    if let (Some((widget, sig, f)), Some((first, _))) = (sig_refs, page_refs.first()) {
        signed::write(&mut pdf, widget, sig, *first, f);
    }
    for (i, ((page, stream), content)) in page_refs.iter().zip(contents).enumerate() {
        let mut p = pdf.page(*page);
        p.media_box(Rect::new(0.0, 0.0, width, height)).parent(tree).contents(*stream);
        if let (0, Some((widget, _, _))) = (i, sig_refs) {
            p.annotations([widget]);
        }
        {
            let mut res = p.resources();
            let mut fonts = res.fonts();
            fonts.pair(Name(b"F0"), font_refs[0]);
            fonts.pair(Name(b"F1"), font_refs[1]);
        }
        p.finish();
        let data = content.finish();
        pdf.stream(*stream, data.as_slice());
    }
    Ok(pdf.finish())
}

/// Embeds a font, subset to the glyphs the document uses, as a Type 0
/// font with its widths and Unicode map; returns its reference and the
/// new glyph ids.
fn embed_font(
    pdf: &mut Pdf,
    alloc: &mut impl FnMut() -> Ref,
    face: &mut Face<'_>,
    i: usize,
) -> Result<(Ref, subsetter::GlyphRemapper), SlipError> {
    let mut remapper = subsetter::GlyphRemapper::new();
    remapper.remap(0);
    for g in face.used.keys() {
        remapper.remap(*g);
    }
    let subset = subsetter::subset(face.data, 0, &remapper).map_err(|e| SlipError::Font(format!("{e:?}")))?;
    let (type0, cid, descriptor, file, cmap) = (alloc(), alloc(), alloc(), alloc(), alloc());
    let base = Name(if i == 0 { b"EGOVAA+DejaVuSans" } else { b"EGOVAB+DejaVuSans-Bold" });
    let info = SystemInfo { registry: Str(b"Adobe"), ordering: Str(b"Identity"), supplement: 0 };
    pdf.type0_font(type0)
        .base_font(base)
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid)
        .to_unicode(cmap);
    let scale = face.scale();
    let mut cidf = pdf.cid_font(cid);
    cidf.subtype(CidFontType::Type2).base_font(base).system_info(info).font_descriptor(descriptor);
    cidf.cid_to_gid_map_predefined(Name(b"Identity"));
    {
        let mut w = cidf.widths();
        for g in face.used.keys() {
            let new = remapper.get(*g).unwrap_or(0);
            let adv = f32::from(face.face.glyph_hor_advance(ttf_parser::GlyphId(*g)).unwrap_or(0)) * scale;
            w.consecutive(new, [adv]);
        }
    }
    cidf.finish();
    let bbox = face.face.global_bounding_box();
    pdf.font_descriptor(descriptor)
        .name(base)
        .flags(FontFlags::NON_SYMBOLIC)
        .bbox(Rect::new(
            f32::from(bbox.x_min) * scale,
            f32::from(bbox.y_min) * scale,
            f32::from(bbox.x_max) * scale,
            f32::from(bbox.y_max) * scale,
        ))
        .italic_angle(0.0)
        .ascent(f32::from(face.face.ascender()) * scale)
        .descent(f32::from(face.face.descender()) * scale)
        .cap_height(f32::from(face.face.capital_height().unwrap_or(700)) * scale)
        .stem_v(80.0)
        .font_file2(file);
    pdf.stream(file, &subset);
    let mut unicode = pdf_writer::types::UnicodeCmap::new(Name(b"Custom"), info);
    for (g, c) in &face.used {
        unicode.pair(remapper.get(*g).unwrap_or(0), *c);
    }
    let cmap_data = unicode.finish();
    pdf.cmap(cmap, cmap_data.as_slice());
    Ok((type0, remapper))
}

/// The QR code of `data` as an SVG image (a quiet zone of four modules,
/// one path of dark squares), named for screen readers by `label`.
pub fn qr_svg(data: &str, label: &str) -> Result<String, SlipError> {
    let code = qrcode::QrCode::new(data.as_bytes()).map_err(|e| SlipError::Qr(e.to_string()))?;
    let n = code.width();
    let side = n + 8;
    let mut path = String::new();
    for (i, c) in code.to_colors().iter().enumerate() {
        if *c == qrcode::Color::Dark {
            path.push_str(&format!("M{} {}h1v1h-1z", i % n + 4, i / n + 4));
        }
    }
    let label = label.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {side}\" width=\"240\" height=\"240\" \
         role=\"img\" aria-label=\"{label}\" shape-rendering=\"crispEdges\"><rect width=\"{side}\" height=\"{side}\" \
         fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>"
    ))
}

/// Draws the QR code of `data` as a square of `side` points whose lower
/// left corner is at (`x0`, `y0`), on white.
fn draw_qr(content: &mut Content, data: &str, x0: f32, y0: f32, side: f32) -> Result<(), SlipError> {
    let code = qrcode::QrCode::new(data.as_bytes()).map_err(|e| SlipError::Qr(e.to_string()))?;
    let n = code.width();
    let module = side / (n as f32 + 8.0);
    content.set_fill_rgb(1.0, 1.0, 1.0);
    content.rect(x0, y0, side, side);
    content.fill_nonzero();
    content.set_fill_rgb(0.0, 0.0, 0.0);
    for (i, c) in code.to_colors().iter().enumerate() {
        if *c == qrcode::Color::Dark {
            let (cx, cy) = ((i % n) as f32, (i / n) as f32);
            content.rect(x0 + (cx + 4.0) * module, y0 + side - (cy + 5.0) * module, module, module);
        }
    }
    content.fill_nonzero();
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_table_flows_over_numbered_pages_with_its_header_repeated() {
        let mut lines = vec![Line::Title("BÁO CÁO".into()), Line::Heading("Hồ sơ trễ hạn".into())];
        let widths = vec![0.6, 0.4];
        lines.push(Line::Row {
            cells: vec!["Mã hồ sơ".into(), "Số giờ trễ".into()],
            widths: widths.clone(),
            header: true,
        });
        for i in 0..150 {
            lines.push(Line::Row {
                cells: vec![format!("H72-{i:04}"), format!("{i}")],
                widths: widths.clone(),
                header: false,
            });
        }
        let slip = Slip { lines, qr: None, size: PageSize::A4 };
        let faces = [Face::new(REGULAR).unwrap(), Face::new(BOLD).unwrap()];
        let (runs, _, pages, _) = layout(&slip, &faces);
        assert!(pages >= 3, "{pages}");
        for p in 0..pages {
            let on = |t: &str| runs.iter().any(|(q, r)| *q == p && r.text == t);
            assert!(on("Mã hồ sơ"), "the header on page {p}");
            assert!(on(&format!("{}/{pages}", p + 1)), "page {p} numbered");
            let lowest = runs.iter().filter(|(q, _)| *q == p).map(|(_, r)| r.y).fold(f32::MAX, f32::min);
            assert!(lowest >= MARGIN - 4.0, "nothing below the margin on page {p}");
        }
        // every row once, in order
        let rows: Vec<&str> = runs.iter().map(|(_, r)| r.text.as_str()).filter(|t| t.starts_with("H72-")).collect();
        assert_eq!(rows.len(), 150);
        assert!(rows.windows(2).all(|w| w[0] < w[1]));
        let pdf = render(&slip).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        if let Ok(path) = std::env::var("EGOV_REPORT_SAMPLE") {
            std::fs::write(path, pdf).unwrap();
        }
    }
}
