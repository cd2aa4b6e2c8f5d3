//! The one-stop desk's forms, in the layout the rules give them: the
//! receipt and appointment, the supplement request, the refusal, the
//! apology and new date, the notice that processing stopped, the process
//! control sheet that travels with the dossier, and the tracking register.
//! Which number and title a form bears comes from the form set in force on
//! the day it is issued (Circular 01/2018/TT-VPCP, then Circular
//! 03/2025/TT-VPCP): dated data, not a constant of the code.

use chrono::{Datelike, NaiveDate, NaiveDateTime};

use crate::{Line, PageSize, Signature, Slip};

/// The documents of the one-stop desk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    Receipt,
    Supplement,
    Refusal,
    Apology,
    /// The notice that processing stopped (a form of its own since 2025).
    Stopped,
    ControlSheet,
    Register,
}

/// A set of forms and the day it took effect.
#[derive(Debug, Clone)]
pub struct FormSet {
    pub basis: &'static str,
    pub effective_from: NaiveDate,
    /// Each form's number and title in this set.
    pub forms: &'static [(FormKind, &'static str, &'static str)],
}

impl FormSet {
    /// The number and title of `kind` in this set; a kind the set has no
    /// form of borrows the nearest one's (a stop was noticed on the refusal
    /// form before 2025).
    pub fn form(&self, kind: FormKind) -> (&'static str, &'static str) {
        let find = |k| self.forms.iter().find(|(x, _, _)| *x == k).map(|(_, n, t)| (*n, *t));
        find(kind).or_else(|| find(FormKind::Refusal)).unwrap_or(("", ""))
    }
}

/// The sets egov knows, oldest first. The 2025 set's titles follow a
/// secondary source's account of Appendix I of Circular 03/2025/TT-VPCP.
pub fn form_sets() -> Vec<FormSet> {
    use FormKind::*;
    vec![
        FormSet {
            basis: "Thông tư số 01/2018/TT-VPCP",
            effective_from: NaiveDate::from_ymd_opt(2018, 5, 7).unwrap_or_default(),
            forms: &[
                (Receipt, "01", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"),
                (Supplement, "02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"),
                (Refusal, "03", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"),
                (Apology, "04", "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ"),
                (ControlSheet, "05", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"),
                (Register, "06", "SỔ THEO DÕI HỒ SƠ"),
            ],
        },
        FormSet {
            basis: "Thông tư số 03/2025/TT-VPCP",
            effective_from: NaiveDate::from_ymd_opt(2025, 7, 1).unwrap_or_default(),
            forms: &[
                (Receipt, "01", "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"),
                (Supplement, "02", "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ"),
                (Refusal, "03", "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ"),
                (Apology, "04", "PHIẾU XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT HỒ SƠ"),
                (Stopped, "05", "PHIẾU THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ"),
                (ControlSheet, "06", "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ"),
                (Register, "07", "SỔ THEO DÕI HỒ SƠ"),
            ],
        },
    ]
}

/// The set in force on `day`: the latest to have taken effect by then.
pub fn form_set_on(day: NaiveDate) -> FormSet {
    let sets = form_sets();
    let first = sets[0].clone();
    sets.into_iter().rfind(|s| s.effective_from <= day).unwrap_or(first)
}

/// Who issues a document, as its masthead and date line name them.
#[derive(Debug, Clone)]
pub struct Letterhead {
    /// The body the agency belongs to (line one of the masthead), if any.
    pub parent: Option<String>,
    pub agency: String,
    /// The place of the date line ("Tây Ninh").
    pub place: String,
}

pub(crate) fn masthead(h: &Letterhead) -> Vec<Line> {
    let mut left = Vec::new();
    if let Some(p) = &h.parent {
        left.push((p.to_uppercase(), false));
    }
    left.push((h.agency.to_uppercase(), true));
    vec![
        Line::Masthead {
            left,
            right: vec![
                ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".into(), true),
                ("Độc lập - Tự do - Hạnh phúc".into(), true),
            ],
        },
        Line::Gap(4.0),
    ]
}

pub(crate) fn date_line(h: &Letterhead, at: NaiveDateTime) -> Line {
    Line::Right(format!("{}, ngày {:02} tháng {:02} năm {}", h.place, at.day(), at.month(), at.year()))
}

/// `08 giờ 05 phút, ngày 30/11/2026`.
pub fn vn_time(t: NaiveDateTime) -> String {
    t.format("%H giờ %M phút, ngày %d/%m/%Y").to_string()
}

fn title_block(set: &FormSet, kind: FormKind, code: &str) -> Vec<Line> {
    let (number, title) = set.form(kind);
    vec![
        Line::Gap(4.0),
        Line::Centered(format!("Mẫu số {number} ({})", set.basis)),
        Line::Title(title.into()),
        Line::Centered(format!("Mã hồ sơ: {code}")),
        Line::Gap(4.0),
    ]
}

/// One document part received: its name, form (original, copy, electronic
/// copy), and how many.
#[derive(Debug, Clone)]
pub struct PartRow {
    pub name: String,
    pub form: String,
    pub count: u32,
}

/// What form 01 (receipt and appointment) shows.
#[derive(Debug, Clone)]
pub struct Receipt {
    pub head: Letterhead,
    pub code: String,
    /// The person the dossier is for, and how to reach them.
    pub applicant: String,
    pub address: String,
    pub phone: String,
    pub procedure: String,
    pub parts: Vec<PartRow>,
    /// The processing time the rules give ("05 ngày làm việc").
    pub processing_time: String,
    pub received: NaiveDateTime,
    pub due: Option<NaiveDateTime>,
    /// Where the result is collected, and how.
    pub result_at: String,
    /// The receiving officer's name; empty when received online.
    pub officer: String,
    pub lookup_url: String,
}

/// Form 01: the receipt-and-appointment slip, in Vietnamese.
pub fn receipt(r: &Receipt) -> Slip {
    let set = form_set_on(r.received.date());
    let mut lines = masthead(&r.head);
    lines.push(date_line(&r.head, r.received));
    lines.extend(title_block(&set, FormKind::Receipt, &r.code));
    let field = |n: u32, label: &str, value: String| Line::Field(format!("{n}. {label}"), value);
    lines.push(field(1, "Bộ phận tiếp nhận và trả kết quả", r.head.agency.clone()));
    lines.push(field(2, "Tiếp nhận hồ sơ của", r.applicant.clone()));
    if !r.address.is_empty() {
        lines.push(Line::Field("   Địa chỉ".into(), r.address.clone()));
    }
    if !r.phone.is_empty() {
        lines.push(Line::Field("   Số điện thoại".into(), r.phone.clone()));
    }
    lines.push(field(3, "Nội dung yêu cầu giải quyết", r.procedure.clone()));
    lines.push(field(4, "Thành phần hồ sơ nộp gồm", String::new()));
    let widths = vec![0.08, 0.56, 0.24, 0.12];
    lines.push(Line::Row {
        cells: vec!["STT".into(), "Tên giấy tờ".into(), "Hình thức".into(), "Số lượng".into()],
        widths: widths.clone(),
        header: true,
    });
    for (i, p) in r.parts.iter().enumerate() {
        lines.push(Line::Row {
            cells: vec![format!("{}", i + 1), p.name.clone(), p.form.clone(), format!("{:02}", p.count)],
            widths: widths.clone(),
            header: false,
        });
    }
    lines.push(field(5, "Số lượng hồ sơ", "01 bộ".into()));
    lines.push(field(6, "Thời gian giải quyết hồ sơ theo quy định", r.processing_time.clone()));
    lines.push(field(7, "Thời gian nhận hồ sơ", vn_time(r.received)));
    lines.push(field(8, "Thời gian trả kết quả giải quyết hồ sơ", r.due.map(vn_time).unwrap_or_else(|| "—".into())));
    lines.push(field(9, "Đăng ký nhận kết quả tại", r.result_at.clone()));
    lines.push(Line::Text("Vào Sổ theo dõi hồ sơ, Quyển số: ……… Số thứ tự: ………".into()));
    lines.push(Line::Qr(format!("Quét mã để tra cứu tình trạng hồ sơ, hoặc mở: {}", r.lookup_url)));
    lines.push(Line::Gap(8.0));
    lines.push(Line::Signatures(vec![
        Signature {
            title: "NGƯỜI NỘP HỒ SƠ".into(), note: "(Ký và ghi rõ họ tên)".into(), name: r.applicant.clone()
        },
        Signature {
            title: "NGƯỜI TIẾP NHẬN HỒ SƠ".into(),
            note: "(Ký và ghi rõ họ tên)".into(),
            name: if r.officer.is_empty() { "(Tiếp nhận trực tuyến)".into() } else { r.officer.clone() },
        },
    ]));
    Slip { lines, qr: Some(r.lookup_url.clone()), size: PageSize::A5 }
}

/// What forms 02 (supplement request), 03 (refusal), 04 (apology and new
/// date) and the notice that processing stopped show.
#[derive(Debug, Clone)]
pub struct Notice {
    pub head: Letterhead,
    pub code: String,
    pub applicant: String,
    pub procedure: String,
    pub received: Option<NaiveDateTime>,
    /// What is missing (02), the reason (03, 04, stop).
    pub items: Vec<String>,
    pub issued: NaiveDateTime,
    /// The new appointment (04).
    pub new_due: Option<NaiveDateTime>,
    /// Who signs it: the officer who took the step.
    pub officer: String,
    pub lookup_url: String,
}

/// A notice of `kind` (one of the four notices).
pub fn notice(kind: FormKind, n: &Notice) -> Slip {
    let set = form_set_on(n.issued.date());
    let (intro, items_label, signer) = match kind {
        FormKind::Supplement => (
            "Qua xem xét, hồ sơ của Ông/Bà chưa đầy đủ, chưa hợp lệ. Đề nghị Ông/Bà bổ sung, hoàn thiện hồ sơ theo các nội dung sau:",
            "Nội dung yêu cầu bổ sung, hoàn thiện",
            "NGƯỜI HƯỚNG DẪN",
        ),
        FormKind::Refusal => (
            "Cơ quan tiếp nhận từ chối tiếp nhận, giải quyết hồ sơ của Ông/Bà với lý do sau:",
            "Lý do từ chối",
            "NGƯỜI TIẾP NHẬN HỒ SƠ",
        ),
        FormKind::Stopped => (
            "Cơ quan giải quyết thông báo dừng giải quyết hồ sơ của Ông/Bà với lý do sau:",
            "Lý do dừng giải quyết",
            "CƠ QUAN GIẢI QUYẾT HỒ SƠ",
        ),
        _ => (
            "Cơ quan giải quyết hồ sơ chân thành xin lỗi Ông/Bà vì hồ sơ chưa được giải quyết đúng hạn, với lý do sau:",
            "Lý do quá hạn",
            "CƠ QUAN GIẢI QUYẾT HỒ SƠ",
        ),
    };
    let mut lines = masthead(&n.head);
    lines.push(date_line(&n.head, n.issued));
    lines.extend(title_block(&set, kind, &n.code));
    lines.push(Line::Field("Kính gửi".into(), n.applicant.clone()));
    let mut k = 0;
    let mut field = |label: &str, value: String| {
        k += 1;
        Line::Field(format!("{k}. {label}"), value)
    };
    lines.push(field("Hồ sơ", format!("{} (mã {})", n.procedure, n.code)));
    if let Some(r) = n.received {
        lines.push(field("Tiếp nhận lúc", vn_time(r)));
    }
    lines.push(field(items_label, String::new()));
    lines.push(Line::Text(intro.into()));
    for (i, it) in n.items.iter().enumerate() {
        lines.push(Line::Text(format!("   {}. {it}", i + 1)));
    }
    if let Some(d) = n.new_due {
        lines.push(field("Thời gian hẹn trả kết quả mới", vn_time(d)));
    }
    lines.push(Line::Qr(format!("Quét mã để tra cứu tình trạng hồ sơ, hoặc mở: {}", n.lookup_url)));
    lines.push(Line::Text("Mọi thắc mắc xin liên hệ Bộ phận tiếp nhận và trả kết quả. Xin trân trọng cảm ơn.".into()));
    lines.push(Line::Gap(8.0));
    lines.push(Line::Signatures(vec![Signature {
        title: signer.into(),
        note: "(Ký và ghi rõ họ tên)".into(),
        name: n.officer.clone(),
    }]));
    Slip { lines, qr: Some(n.lookup_url.clone()), size: PageSize::A5 }
}

/// A handover of the dossier recorded on the control sheet.
#[derive(Debug, Clone)]
pub struct Handover {
    pub at: NaiveDateTime,
    /// What was done ("Tiếp nhận hồ sơ", "Phân công xử lý" …).
    pub step: String,
    pub by: String,
    pub note: String,
}

/// What the process control sheet shows: the dossier and every handover.
#[derive(Debug, Clone)]
pub struct ControlSheet {
    pub head: Letterhead,
    pub code: String,
    pub applicant: String,
    pub procedure: String,
    pub received: NaiveDateTime,
    pub due: Option<NaiveDateTime>,
    pub handovers: Vec<Handover>,
    pub printed: NaiveDateTime,
    pub lookup_url: String,
}

/// The process control sheet that travels with the dossier.
pub fn control_sheet(c: &ControlSheet) -> Slip {
    let set = form_set_on(c.printed.date());
    let mut lines = masthead(&c.head);
    lines.push(date_line(&c.head, c.printed));
    lines.extend(title_block(&set, FormKind::ControlSheet, &c.code));
    lines.push(Line::Field("1. Người nộp".into(), c.applicant.clone()));
    lines.push(Line::Field("2. Thủ tục".into(), c.procedure.clone()));
    lines.push(Line::Field("3. Thời gian nhận hồ sơ".into(), vn_time(c.received)));
    lines.push(Line::Field("4. Thời gian trả kết quả".into(), c.due.map(vn_time).unwrap_or_else(|| "—".into())));
    lines.push(Line::Field("5. Quá trình giải quyết".into(), String::new()));
    let widths = vec![0.25, 0.27, 0.24, 0.24];
    lines.push(Line::Row {
        cells: vec!["Thời điểm".into(), "Bước".into(), "Người thực hiện".into(), "Ghi chú".into()],
        widths: widths.clone(),
        header: true,
    });
    for h in &c.handovers {
        lines.push(Line::Row {
            cells: vec![h.at.format("%H:%M %d/%m/%Y").to_string(), h.step.clone(), h.by.clone(), h.note.clone()],
            widths: widths.clone(),
            header: false,
        });
    }
    lines.push(Line::Qr(format!("Tra cứu: {}", c.lookup_url)));
    lines.push(Line::Signatures(vec![
        Signature { title: "BÊN GIAO".into(), note: "(Ký và ghi rõ họ tên)".into(), name: String::new() },
        Signature { title: "BÊN NHẬN".into(), note: "(Ký và ghi rõ họ tên)".into(), name: String::new() },
    ]));
    Slip { lines, qr: Some(c.lookup_url.clone()), size: PageSize::A5 }
}

/// A line of the tracking register.
#[derive(Debug, Clone)]
pub struct RegisterRow {
    pub code: String,
    pub procedure: String,
    pub applicant: String,
    pub received: NaiveDateTime,
    pub due: Option<NaiveDateTime>,
    /// Where it stands ("Đã trả kết quả", "Đang xử lý" …).
    pub state: String,
}

/// What the tracking register shows: an agency's dossiers received in a period.
#[derive(Debug, Clone)]
pub struct Register {
    pub head: Letterhead,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub rows: Vec<RegisterRow>,
    pub printed: NaiveDateTime,
}

/// The tracking register, on A4, its table's head on every page.
pub fn register(r: &Register) -> Slip {
    let set = form_set_on(r.printed.date());
    let (number, title) = set.form(FormKind::Register);
    let mut lines = masthead(&r.head);
    lines.push(date_line(&r.head, r.printed));
    lines.push(Line::Gap(4.0));
    lines.push(Line::Centered(format!("Mẫu số {number} ({})", set.basis)));
    lines.push(Line::Title(title.into()));
    lines.push(Line::Centered(format!("Từ ngày {} đến ngày {}", r.from.format("%d/%m/%Y"), r.to.format("%d/%m/%Y"))));
    lines.push(Line::Gap(6.0));
    let widths = vec![0.05, 0.22, 0.22, 0.15, 0.1, 0.1, 0.16];
    let head = ["STT", "Mã hồ sơ", "Thủ tục", "Người nộp", "Ngày nhận", "Hẹn trả", "Tình trạng"];
    lines.push(Line::Row { cells: head.iter().map(|s| s.to_string()).collect(), widths: widths.clone(), header: true });
    for (i, x) in r.rows.iter().enumerate() {
        lines.push(Line::Row {
            cells: vec![
                format!("{}", i + 1),
                x.code.clone(),
                x.procedure.clone(),
                x.applicant.clone(),
                x.received.format("%d/%m/%Y").to_string(),
                x.due.map(|d| d.format("%d/%m/%Y").to_string()).unwrap_or_default(),
                x.state.clone(),
            ],
            widths: widths.clone(),
            header: false,
        });
    }
    lines.push(Line::Text(format!("Tổng số: {} hồ sơ.", r.rows.len())));
    Slip { lines, qr: None, size: PageSize::A4 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    fn head() -> Letterhead {
        Letterhead {
            parent: Some("Ủy ban nhân dân tỉnh Tây Ninh".into()),
            agency: "Ủy ban nhân dân phường Tân Ninh".into(),
            place: "Tây Ninh".into(),
        }
    }

    #[test]
    fn the_set_in_force_numbers_the_forms() {
        let old = form_set_on(NaiveDate::from_ymd_opt(2024, 3, 1).unwrap());
        assert_eq!(old.form(FormKind::ControlSheet).0, "05");
        assert_eq!(old.form(FormKind::Stopped), old.form(FormKind::Refusal), "a stop borrowed the refusal form");
        let new = form_set_on(NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
        assert_eq!(new.form(FormKind::Stopped).0, "05");
        assert_eq!((new.form(FormKind::ControlSheet).0, new.form(FormKind::Register).0), ("06", "07"));
    }

    #[test]
    fn every_form_renders() {
        let n = Notice {
            head: head(),
            code: "H72.50.01-261128-0001".into(),
            applicant: "Nguyễn Văn Dân".into(),
            procedure: "Đăng ký kết hôn".into(),
            received: Some(at("2026-11-28 08:00")),
            items: vec!["Bản sao giấy khai sinh".into()],
            issued: at("2026-11-30 09:15"),
            new_due: Some(at("2026-12-03 16:00")),
            officer: "Lê Văn Chuyên".into(),
            lookup_url: "http://localhost/tra-cuu/H72.50.01-261128-0001".into(),
        };
        for k in [FormKind::Supplement, FormKind::Refusal, FormKind::Apology, FormKind::Stopped] {
            assert!(crate::render(&notice(k, &n)).unwrap().starts_with(b"%PDF-"));
        }
        let r = Receipt {
            head: head(),
            code: n.code.clone(),
            applicant: n.applicant.clone(),
            address: "Tổ 5".into(),
            phone: String::new(),
            procedure: n.procedure.clone(),
            parts: vec![PartRow { name: "Tờ khai".into(), form: "Bản chính".into(), count: 1 }],
            processing_time: "01 ngày làm việc".into(),
            received: at("2026-11-28 08:00"),
            due: Some(at("2026-11-29 08:00")),
            result_at: "Bộ phận một cửa".into(),
            officer: String::new(),
            lookup_url: n.lookup_url.clone(),
        };
        let pdf = crate::render(&receipt(&r)).unwrap();
        assert!(pdf.len() < 200_000, "subset fonts keep it small: {} bytes", pdf.len());
    }
}
