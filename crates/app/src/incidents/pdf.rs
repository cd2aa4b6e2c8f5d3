//! Each report as the PDF that is sent: in the layout of an administrative
//! document (the form's number where the legal basis gives one), made when
//! the report is sent and kept as sent. It is signed inside, as PDF
//! readers check (PAdES: a CMS signature with the instance's certificate —
//! the organisation's from a licensed CA in production, one egov made
//! itself otherwise), and its SHA-256 is also sealed with the instance's
//! Ed25519 key (the key that seals the gateway's log).

use egov_incident::{Kind, Phase, ReportKind, Severity};
use egov_slips::report::{Report, Section, Table};
use egov_store::incidents::{Incident, SignedPdf};
use sha2::Digest;

use crate::{App, AppError};

pub fn title(kind: ReportKind) -> &'static str {
    match kind {
        ReportKind::Notification => "Thông báo sự cố an toàn thông tin mạng",
        ReportKind::Initial => "Báo cáo ban đầu sự cố an toàn thông tin mạng",
        ReportKind::Progress => "Báo cáo diễn biến, tiến độ ứng cứu sự cố",
        ReportKind::ResponsePlan => "Phương án ứng cứu sự cố",
        ReportKind::SupportRequest => "Đề nghị hỗ trợ ứng cứu sự cố",
        ReportKind::Closing => "Báo cáo kết thúc ứng cứu sự cố",
        ReportKind::Periodic => "Báo cáo định kỳ tình hình sự cố an toàn thông tin mạng",
    }
}

fn kind_vi(k: Kind) -> &'static str {
    match k {
        Kind::Malware => "Mã độc",
        Kind::Intrusion => "Xâm nhập trái phép",
        Kind::DenialOfService => "Tấn công từ chối dịch vụ",
        Kind::DataLeak => "Lộ lọt dữ liệu",
        Kind::Defacement => "Thay đổi giao diện",
        Kind::Phishing => "Lừa đảo (phishing)",
        Kind::Outage => "Gián đoạn hoạt động",
        Kind::Other => "Khác",
    }
}

fn severity_vi(s: Severity) -> &'static str {
    match s {
        Severity::Low => "Thấp",
        Severity::Medium => "Trung bình",
        Severity::High => "Cao",
        Severity::Critical => "Nghiêm trọng",
    }
}

fn phase_vi(p: Phase) -> &'static str {
    match p {
        Phase::Reported => "Đã tiếp nhận",
        Phase::Verified => "Đã xác minh",
        Phase::Contained => "Đã ngăn chặn",
        Phase::Recovered => "Đã khắc phục, khôi phục",
        Phase::Closed => "Đã kết thúc",
    }
}

/// The incident's code on its documents: `SC-2026-0007`.
pub fn code(i: &Incident) -> String {
    let year = egov_kernel::vn::from_micros(i.n.discovered_at).map_or(0, |t| chrono::Datelike::year(&t.date()));
    format!("SC-{year}-{:04}", i.id)
}

/// Signs a document's digest with the instance's key, if it has one.
pub fn seal(app: &App, pdf: Vec<u8>) -> SignedPdf {
    let digest: [u8; 32] = sha2::Sha256::digest(&pdf).into();
    let (signature, signer_key) = match &app.config.seal_key {
        Some(k) => {
            use ed25519_dalek::Signer;
            let key = ed25519_dalek::SigningKey::from_bytes(&k.0);
            let sig = key.sign(&digest);
            (Some(egov_kernel::hex(&sig.to_bytes())), Some(egov_kernel::hex(key.verifying_key().as_bytes())))
        }
        None => (None, None),
    };
    SignedPdf { pdf, sha256: egov_kernel::hex(&digest), signature, signer_key }
}

fn seal_line(app: &App) -> String {
    let inside = app
        .config
        .signer
        .as_ref()
        .map(|s| format!("Văn bản điện tử do hệ thống egov lập, ký số trong tệp bởi «{}»", s.name()));
    let seal = app.config.seal_key.as_ref().map(|k| {
        let key = ed25519_dalek::SigningKey::from_bytes(&k.0);
        format!(
            "mã băm SHA-256 của tệp niêm phong bằng khóa Ed25519 {}",
            egov_kernel::hex(key.verifying_key().as_bytes())
        )
    });
    match (inside, seal) {
        (Some(i), Some(s)) => format!("{i}; {s}."),
        (Some(i), None) => format!("{i}."),
        (None, Some(s)) => format!("Văn bản điện tử do hệ thống egov lập; {s}."),
        (None, None) => "Văn bản điện tử do hệ thống egov lập (máy chủ chưa có khóa ký: chưa ký số).".into(),
    }
}

/// An incident's report as a PDF, sealed.
#[allow(clippy::too_many_arguments)]
pub async fn incident_report(
    app: &App,
    i: &Incident,
    kind: ReportKind,
    form: Option<(String, String)>,
    to: &[String],
    body: &str,
    actions: &[egov_store::incidents::Action],
    signer: &str,
) -> Result<SignedPdf, AppError> {
    let head = crate::dossiers::slips::letterhead(app, &i.n.agency_id).await?;
    let at = |m: i64| egov_kernel::vn::micros_to_page(m);
    let yes = |b: bool| if b { "Có" } else { "Không" }.to_string();
    let mut systems = Vec::new();
    for id in &i.n.systems {
        if let Some(s) = app.store.inc_system(*id).await? {
            let level = format!("Cấp độ {}", s.s.level().number());
            systems.push(vec![s.s.name, level, s.s.operator, yes(s.s.national)]);
        }
    }
    let h = i.n.harms;
    let mut info = Section {
        heading: "Thông tin sự cố".into(),
        fields: vec![
            ("Tên sự cố".into(), i.n.title.clone()),
            ("Loại sự cố".into(), kind_vi(i.n.kind).into()),
            ("Mức độ".into(), severity_vi(i.n.severity).into()),
            ("Thời điểm phát hiện".into(), at(i.n.discovered_at)),
            ("Sự cố nghiêm trọng".into(), yes(i.n.serious)),
        ],
        ..Default::default()
    };
    let harms: Vec<&str> = [
        (h.outage, "ngừng hoạt động"),
        (h.secret_leak, "lộ lọt thông tin bí mật"),
        (h.data_lost, "mất dữ liệu quan trọng không khôi phục được"),
        (h.loss_of_control, "mất quyền điều khiển hệ thống"),
        (h.cascading, "lan rộng sang hệ thống khác"),
    ]
    .into_iter()
    .filter(|(on, _)| *on)
    .map(|(_, w)| w)
    .collect();
    info.fields.push(("Hậu quả".into(), if harms.is_empty() { "Chưa ghi nhận".into() } else { harms.join("; ") }));
    if let Some(d) = i.n.beyond_capacity_on {
        info.fields.push(("Vượt khả năng tự xử lý từ ngày".into(), d.format("%d/%m/%Y").to_string()));
    }
    if !i.n.description.is_empty() {
        info.text.push(i.n.description.clone());
    }
    let mut response = Section {
        heading: "Tình hình ứng cứu".into(),
        fields: vec![("Trạng thái".into(), phase_vi(i.phase).into())],
        ..Default::default()
    };
    if let Some(c) = i.contained_at {
        response.fields.push(("Ngăn chặn lúc".into(), at(c)));
    }
    if let Some(e) = i.response_ended_on {
        response.fields.push(("Kết thúc ứng cứu ngày".into(), e.format("%d/%m/%Y").to_string()));
    }
    if kind == ReportKind::Closing || i.phase == Phase::Closed {
        response.fields.push(("Nguyên nhân gốc".into(), i.root_cause.clone()));
        response.fields.push(("Bài học kinh nghiệm".into(), i.lessons.clone()));
    }
    response.table = Some(Table {
        header: vec!["Thời điểm".into(), "Bước xử lý".into(), "Ghi chú".into()],
        rows: actions.iter().map(|a| vec![at(a.at), a.what.clone(), a.note.clone()]).collect(),
        widths: vec![0.25, 0.3, 0.45],
    });
    let mut sections = vec![
        Section {
            heading: "Đơn vị báo cáo".into(),
            fields: vec![("Cơ quan".into(), head.agency.clone())],
            ..Default::default()
        },
        Section {
            heading: "Hệ thống thông tin bị ảnh hưởng".into(),
            table: Some(Table {
                header: vec!["Hệ thống".into(), "Cấp độ".into(), "Đơn vị vận hành".into(), "Danh mục quốc gia".into()],
                rows: systems,
                widths: vec![0.4, 0.15, 0.3, 0.15],
            }),
            ..Default::default()
        },
        info,
        response,
    ];
    if !body.trim().is_empty() {
        sections.push(Section {
            heading: "Nội dung báo cáo".into(),
            text: vec![body.trim().to_string()],
            ..Default::default()
        });
    }
    let doc = Document { head, form, kind, subtitle: format!("Mã sự cố: {}", code(i)), to, sections, signer };
    sealed(app, doc)
}

/// A PDF date of the province's time: `D:20261201093000+07'00'`.
fn pdf_time(t: chrono::NaiveDateTime) -> String {
    format!("D:{}+07'00'", t.format("%Y%m%d%H%M%S"))
}

/// What a report's document holds besides the common parts.
struct Document<'a> {
    head: egov_slips::Letterhead,
    form: Option<(String, String)>,
    kind: ReportKind,
    subtitle: String,
    to: &'a [String],
    sections: Vec<Section>,
    signer: &'a str,
}

/// The document laid out, rendered and sealed.
fn sealed(app: &App, d: Document<'_>) -> Result<SignedPdf, AppError> {
    let r = Report {
        head: d.head,
        form: d.form,
        title: title(d.kind).into(),
        subtitle: d.subtitle,
        to: d.to.to_vec(),
        sections: d.sections,
        issued: app.now(),
        signer_title: "ĐẠI DIỆN ĐƠN VỊ".into(),
        signer: d.signer.to_string(),
        seal_line: seal_line(app),
    };
    let slip = egov_slips::report::report(&r);
    let bytes = match &app.config.signer {
        Some(s) => {
            let field = egov_slips::SignatureField {
                name: s.name().to_string(),
                reason: format!("{}: {}", title(d.kind), d.signer),
                location: r.head.agency.clone(),
                time: pdf_time(app.now()),
                room: s.reserve(),
            };
            egov_slips::render_signed(&slip, &field, |parts| s.cms(parts).map_err(|e| e.to_string()))
        }
        None => egov_slips::render(&slip),
    }
    .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(seal(app, bytes))
}

/// An agency's periodic report as a PDF, sealed.
pub async fn periodic_report(
    app: &App,
    agency: &str,
    form: Option<(String, String)>,
    to: &[String],
    body: &str,
    year_figures: &egov_incident::stats::YearStats,
    signer: &str,
) -> Result<SignedPdf, AppError> {
    let head = crate::dossiers::slips::letterhead(app, agency).await?;
    let mut by_kind: Vec<Vec<String>> =
        year_figures.by_kind.iter().map(|(k, n)| vec![kind_vi(*k).into(), n.to_string()]).collect();
    by_kind.push(vec!["Tổng số".into(), year_figures.total.to_string()]);
    let mut sections = vec![Section {
        heading: "Tình hình sự cố từ đầu năm".into(),
        fields: vec![
            ("Số sự cố".into(), year_figures.total.to_string()),
            ("Sự cố nghiêm trọng".into(), year_figures.serious.to_string()),
            ("Chưa kết thúc".into(), year_figures.open.to_string()),
        ],
        table: Some(Table {
            header: vec!["Loại sự cố".into(), "Số lượng".into()],
            rows: by_kind,
            widths: vec![0.7, 0.3],
        }),
        ..Default::default()
    }];
    if !body.trim().is_empty() {
        sections.push(Section {
            heading: "Nội dung báo cáo".into(),
            text: vec![body.trim().to_string()],
            ..Default::default()
        });
    }
    sealed(app, Document { head, form, kind: ReportKind::Periodic, subtitle: String::new(), to, sections, signer })
}
