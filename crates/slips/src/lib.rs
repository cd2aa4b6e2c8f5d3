//! The official slips of the one-stop desk (Circular 01/2018 forms 01–04) as
//! A5 PDF documents, with a QR code that opens the dossier's lookup page.
//! Pure computation: values in, PDF bytes out. The fonts (DejaVu Sans, which
//! covers Vietnamese) are embedded, subset to the glyphs used.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo};
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
    /// its table continues on. Cells after the first are right-aligned.
    Row { cells: Vec<String>, widths: Vec<f32>, header: bool },
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

/// Places each line's text on pages: runs (with their page) and rules.
fn layout(slip: &Slip, faces: &[Face<'_>; 2]) -> (Vec<(usize, Run)>, Vec<Rule>, usize) {
    let (width, height) = (slip.size.width, slip.size.height);
    let text_width = width - 2.0 * MARGIN;
    // room kept at the foot of each page for its number
    let bottom = MARGIN + 14.0;
    let mut runs: Vec<(usize, Run)> = Vec::new();
    let mut rules = Vec::new();
    let mut page = 0;
    let mut y = height - MARGIN;
    let mut header: Option<&Line> = None;
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
                let lx = if i == 0 { x } else { x + w - 2.0 - faces[font].width(l, size) };
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
                let size = 9.5;
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
                let size = 9.5;
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
    (runs, rules, pages)
}

/// Renders a document as a PDF of as many pages as it needs.
pub fn render(slip: &Slip) -> Result<Vec<u8>, SlipError> {
    let mut faces = [Face::new(REGULAR)?, Face::new(BOLD)?];
    let (runs, rules, pages) = layout(slip, &faces);
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
        draw_qr(&mut contents[0], data, width)?;
    }

    pdf.catalog(catalog).pages(tree);
    let page_refs: Vec<(Ref, Ref)> = (0..pages).map(|_| (alloc(), alloc())).collect();
    pdf.pages(tree).kids(page_refs.iter().map(|(p, _)| *p)).count(pages as i32);
    for ((page, stream), content) in page_refs.iter().zip(contents) {
        let mut p = pdf.page(*page);
        p.media_box(Rect::new(0.0, 0.0, width, height)).parent(tree).contents(*stream);
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

/// Draws the QR code of `data` at the foot of the page, on the right, on white.
fn draw_qr(content: &mut Content, data: &str, width: f32) -> Result<(), SlipError> {
    let code = qrcode::QrCode::new(data.as_bytes()).map_err(|e| SlipError::Qr(e.to_string()))?;
    let n = code.width();
    let side = 96.0;
    let module = side / (n as f32 + 8.0);
    let (x0, y0) = (width - MARGIN - side, MARGIN);
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

/// What form 01 (receipt and appointment) shows.
#[derive(Debug, Clone)]
pub struct Receipt {
    pub agency: String,
    pub code: String,
    pub citizen: String,
    pub procedure: String,
    pub parts: Vec<String>,
    pub received: NaiveDateTime,
    pub due: Option<NaiveDateTime>,
    pub lookup_url: String,
}

fn vn_time(t: NaiveDateTime) -> String {
    t.format("%H giờ %M phút, ngày %d/%m/%Y").to_string()
}

/// Form 01: the receipt-and-appointment slip, in Vietnamese.
pub fn receipt(r: &Receipt) -> Slip {
    let mut lines = vec![
        Line::Centered(r.agency.to_uppercase()),
        Line::Centered("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM — Độc lập - Tự do - Hạnh phúc".into()),
        Line::Gap(8.0),
        Line::Title("GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ".into()),
        Line::Centered(format!("Mã hồ sơ: {}", r.code)),
        Line::Gap(6.0),
        Line::Field("Tiếp nhận hồ sơ của".into(), r.citizen.clone()),
        Line::Field("Nội dung yêu cầu giải quyết".into(), r.procedure.clone()),
        Line::Field(
            "Thành phần hồ sơ nộp gồm".into(),
            if r.parts.is_empty() { "(nộp trực tuyến)".into() } else { String::new() },
        ),
    ];
    for (i, p) in r.parts.iter().enumerate() {
        lines.push(Line::Text(format!("{}. {p}", i + 1)));
    }
    lines.push(Line::Field("Thời gian nhận hồ sơ".into(), vn_time(r.received)));
    lines.push(Line::Field("Thời gian trả kết quả".into(), r.due.map(vn_time).unwrap_or_else(|| "—".into())));
    lines.push(Line::Field("Tra cứu hồ sơ".into(), r.lookup_url.clone()));
    lines.push(Line::Gap(6.0));
    lines.push(Line::Text("Người nhận hồ sơ ký và ghi rõ họ tên. Vào sổ theo dõi hồ sơ, Quyển số: ……".into()));
    Slip { lines, qr: Some(r.lookup_url.clone()), size: PageSize::A5 }
}

/// What forms 02 (supplement request), 03 (refusal) and 04 (apology and new
/// date) show.
#[derive(Debug, Clone)]
pub struct Notice {
    pub agency: String,
    pub code: String,
    pub citizen: String,
    pub procedure: String,
    /// What is missing (02), the reason (03, 04).
    pub items: Vec<String>,
    pub issued: NaiveDateTime,
    /// The new appointment (04).
    pub new_due: Option<NaiveDateTime>,
    pub lookup_url: String,
}

fn notice(n: &Notice, title: &str, intro: &str, items_label: &str) -> Slip {
    let mut lines = vec![
        Line::Centered(n.agency.to_uppercase()),
        Line::Centered("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM — Độc lập - Tự do - Hạnh phúc".into()),
        Line::Gap(8.0),
        Line::Title(title.into()),
        Line::Centered(format!("Mã hồ sơ: {}", n.code)),
        Line::Gap(6.0),
        Line::Field("Kính gửi".into(), n.citizen.clone()),
        Line::Field("Thủ tục".into(), n.procedure.clone()),
        Line::Text(intro.into()),
        Line::Field(items_label.into(), String::new()),
    ];
    for (i, it) in n.items.iter().enumerate() {
        lines.push(Line::Text(format!("{}. {it}", i + 1)));
    }
    if let Some(d) = n.new_due {
        lines.push(Line::Field("Thời gian hẹn trả kết quả mới".into(), vn_time(d)));
    }
    lines.push(Line::Field("Ngày".into(), vn_time(n.issued)));
    lines.push(Line::Field("Tra cứu hồ sơ".into(), n.lookup_url.clone()));
    Slip { lines, qr: Some(n.lookup_url.clone()), size: PageSize::A5 }
}

/// Form 02: the request to supplement or correct a dossier.
pub fn supplement_request(n: &Notice) -> Slip {
    notice(
        n,
        "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
        "Hồ sơ của Ông/Bà chưa đầy đủ, đề nghị bổ sung, hoàn thiện các nội dung sau:",
        "Nội dung cần bổ sung",
    )
}

/// Form 03: the refusal to receive or settle a dossier.
pub fn refusal(n: &Notice) -> Slip {
    notice(
        n,
        "PHIẾU TỪ CHỐI TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ",
        "Cơ quan từ chối tiếp nhận, giải quyết hồ sơ của Ông/Bà vì lý do sau:",
        "Lý do",
    )
}

/// Form 04: the apology with a new appointment date.
pub fn apology(n: &Notice) -> Slip {
    notice(
        n,
        "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
        "Cơ quan chân thành xin lỗi Ông/Bà vì hồ sơ chưa được giải quyết đúng hạn, do:",
        "Lý do",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_02_to_04_render() {
        let n = Notice {
            agency: "Ủy ban nhân dân phường Tân Ninh".into(),
            code: "H72.50.01-261128-0001".into(),
            citizen: "Nguyễn Văn Dân".into(),
            procedure: "Đăng ký kết hôn".into(),
            items: vec!["Bản sao giấy khai sinh".into()],
            issued: NaiveDateTime::parse_from_str("2026-11-30 09:15", "%Y-%m-%d %H:%M").unwrap(),
            new_due: Some(NaiveDateTime::parse_from_str("2026-12-03 16:00", "%Y-%m-%d %H:%M").unwrap()),
            lookup_url: "http://localhost/tra-cuu/H72.50.01-261128-0001".into(),
        };
        for slip in [supplement_request(&n), refusal(&n), apology(&n)] {
            assert!(render(&slip).unwrap().starts_with(b"%PDF-"));
        }
    }

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
        let (runs, _, pages) = layout(&slip, &faces);
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

    #[test]
    fn a_receipt_renders_as_a_pdf() {
        let r = Receipt {
            agency: "Ủy ban nhân dân phường Tân Ninh".into(),
            code: "H72.50.01-261128-0001".into(),
            citizen: "Nguyễn Văn Dân".into(),
            procedure: "Đăng ký kết hôn".into(),
            parts: vec!["Tờ khai đăng ký kết hôn".into(), "Giấy tờ tùy thân".into()],
            received: NaiveDateTime::parse_from_str("2026-11-30 09:15", "%Y-%m-%d %H:%M").unwrap(),
            due: Some(NaiveDateTime::parse_from_str("2026-12-01 09:15", "%Y-%m-%d %H:%M").unwrap()),
            lookup_url: "http://localhost:8080/tra-cuu/H72.50.01-261128-0001".into(),
        };
        let pdf = render(&receipt(&r)).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.len() < 200_000, "subset fonts keep it small: {} bytes", pdf.len());
    }
}
