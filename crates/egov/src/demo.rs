//! Demo data: one province, 12 communes (two merged into a third), 13
//! agencies, 34 real procedures over 9 fields, and one account per role.
//! Loaded once; loading again changes nothing.

use chrono::NaiveDate;
use egov_catalog::*;
use egov_directory::{parse_units_csv, Agency, AgencyId, AgencyKind, UnitCode};
use egov_identity::{password, AccountKind, Role};
use egov_store::{NewUser, Store};

const UNITS: &str = include_str!("../demo/units.csv");
const PROCEDURES: &str = include_str!("../demo/procedures.tsv");
const CALENDAR: &str = include_str!("../demo/calendar.csv");
const FORMS: &str = include_str!("../demo/forms.txt");

/// A procedure's own form fields from `forms.txt` (see its header).
fn own_fields(code: &str) -> Vec<FormField> {
    let mut out = Vec::new();
    let mut inside = false;
    for line in FORMS.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        if let Some(c) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            inside = c == code;
            continue;
        }
        if !inside {
            continue;
        }
        let c: Vec<&str> = line.split('|').map(str::trim).collect();
        let [name, kind, required, vi, en] = c[..] else { continue };
        let kind = match kind.split_once(':') {
            None => match kind {
                "textarea" => FieldKind::Textarea { max_len: Some(2000) },
                "date" => FieldKind::Date,
                "phone" => FieldKind::Phone,
                "email" => FieldKind::Email,
                "id" => FieldKind::CitizenId,
                "check" => FieldKind::Checkbox,
                _ => FieldKind::Text { max_len: Some(200) },
            },
            Some(("number", range)) => {
                let (min, max) = range.split_once(':').unwrap_or(("", ""));
                FieldKind::Number { min: min.parse().ok(), max: max.parse().ok() }
            }
            Some((_, options)) => FieldKind::Select {
                options: options
                    .split(';')
                    .filter_map(|o| {
                        let (value, labels) = o.split_once('=')?;
                        let (vi, en) = labels.split_once('/')?;
                        Some(SelectOption { value: value.into(), label_vi: vi.into(), label_en: en.into() })
                    })
                    .collect(),
            },
        };
        out.push(FormField {
            name: name.into(),
            label_vi: vi.into(),
            label_en: en.into(),
            kind,
            required: required == "1",
        });
    }
    out
}

/// The couple's part of the demo marriage registration's form (1.000894),
/// as its official form asks it: what the tests and the benchmark fill in.
pub const MARRIAGE_COUPLE: [(&str, &str); 15] = [
    ("bride_name", "Trần Thị Hoa"),
    ("bride_birth_date", "1998-05-02"),
    ("bride_ethnicity", "Kinh"),
    ("bride_nationality", "Việt Nam"),
    ("bride_id", "072198001111"),
    ("bride_residence", "Phường Tân Ninh"),
    ("bride_times", "first"),
    ("groom_name", "Nguyễn Văn Dân"),
    ("groom_birth_date", "1996-03-04"),
    ("groom_ethnicity", "Kinh"),
    ("groom_nationality", "Việt Nam"),
    ("groom_id", "072096002222"),
    ("groom_residence", "Phường Tân Ninh"),
    ("groom_times", "first"),
    ("voluntary", "on"),
];

pub const PROVINCE_AGENCY: &str = "H72";
pub const CENTRE: &str = "H72.01";
pub const DOST: &str = "H72.11";
pub const COMMUNE_A: &str = "H72.50.01";
pub const COMMUNE_B: &str = "H72.50.02";
/// A commune committee that ceased when its commune merged into COMMUNE_B's.
pub const OLD_COMMUNE_A: &str = "H72.50.91";

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
}

/// An agency as written below: id, names, kind, parent, unit.
type AgencyRow = (&'static str, &'static str, &'static str, AgencyKind, Option<&'static str>, &'static str);

fn agencies() -> Vec<Agency> {
    let rows: [AgencyRow; 11] = [
        (
            PROVINCE_AGENCY,
            "Ủy ban nhân dân tỉnh Tây Ninh",
            "Tây Ninh Provincial People's Committee",
            AgencyKind::ProvincialPeoplesCommittee,
            None,
            "72",
        ),
        (
            CENTRE,
            "Trung tâm Phục vụ hành chính công tỉnh",
            "Provincial Public Administration Service Centre",
            AgencyKind::PublicAdministrationCentre,
            Some(PROVINCE_AGENCY),
            "72",
        ),
        ("H72.10", "Sở Tư pháp", "Department of Justice", AgencyKind::Department, Some(PROVINCE_AGENCY), "72"),
        (
            DOST,
            "Sở Khoa học và Công nghệ",
            "Department of Science and Technology",
            AgencyKind::Department,
            Some(PROVINCE_AGENCY),
            "72",
        ),
        ("H72.12", "Sở Xây dựng", "Department of Construction", AgencyKind::Department, Some(PROVINCE_AGENCY), "72"),
        (
            "H72.13",
            "Sở Nông nghiệp và Môi trường",
            "Department of Agriculture and Environment",
            AgencyKind::Department,
            Some(PROVINCE_AGENCY),
            "72",
        ),
        ("H72.14", "Sở Y tế", "Department of Health", AgencyKind::Department, Some(PROVINCE_AGENCY), "72"),
        ("H72.15", "Sở Tài chính", "Department of Finance", AgencyKind::Department, Some(PROVINCE_AGENCY), "72"),
        (
            COMMUNE_A,
            "Ủy ban nhân dân phường Tân Ninh",
            "Tân Ninh Ward People's Committee",
            AgencyKind::CommunePeoplesCommittee,
            Some(PROVINCE_AGENCY),
            "25441",
        ),
        (
            COMMUNE_B,
            "Ủy ban nhân dân phường Trảng Bàng",
            "Trảng Bàng Ward People's Committee",
            AgencyKind::CommunePeoplesCommittee,
            Some(PROVINCE_AGENCY),
            "25449",
        ),
        (
            "H72.50.03",
            "Ủy ban nhân dân xã Châu Thành",
            "Châu Thành Commune People's Committee",
            AgencyKind::CommunePeoplesCommittee,
            Some(PROVINCE_AGENCY),
            "25445",
        ),
    ];
    rows.into_iter()
        .map(|(id, vi, en, kind, parent, unit)| Agency {
            id: AgencyId::from_stored(id.into()),
            name_vi: vi.into(),
            name_en: en.into(),
            kind,
            parent_id: parent.map(|p| AgencyId::from_stored(p.into())),
            unit_code: UnitCode::from_stored(unit.into()),
            effective_from: d(2025, 7, 1),
            effective_to: None,
        })
        .chain(
            // The committees of the two communes merged into Trảng Bàng on
            // 1 July 2025: gone, but their dossiers still count.
            [
                (OLD_COMMUNE_A, "Ủy ban nhân dân xã An Hòa", "An Hòa Commune People's Committee", "25451"),
                ("H72.50.92", "Ủy ban nhân dân xã An Tịnh", "An Tịnh Commune People's Committee", "25452"),
            ]
            .into_iter()
            .map(|(id, vi, en, unit)| Agency {
                id: AgencyId::from_stored(id.into()),
                name_vi: vi.into(),
                name_en: en.into(),
                kind: AgencyKind::CommunePeoplesCommittee,
                parent_id: Some(AgencyId::from_stored(PROVINCE_AGENCY.into())),
                unit_code: UnitCode::from_stored(unit.into()),
                effective_from: d(2000, 1, 1),
                effective_to: Some(d(2025, 6, 30)),
            }),
        )
        .collect()
}

fn fields() -> Vec<Field> {
    [
        ("ho-tich", "Hộ tịch", "Civil status"),
        ("chung-thuc", "Chứng thực", "Certification"),
        ("xay-dung", "Xây dựng", "Construction"),
        ("dat-dai", "Đất đai", "Land"),
        ("kinh-doanh", "Thành lập và hoạt động kinh doanh", "Business registration"),
        ("y-te", "Y tế", "Health"),
        ("giao-duc", "Giáo dục và Đào tạo", "Education"),
        ("bao-tro-xa-hoi", "Bảo trợ xã hội", "Social protection"),
        ("khoa-hoc-cong-nghe", "Khoa học và Công nghệ", "Science and technology"),
    ]
    .into_iter()
    .map(|(c, vi, en)| Field { code: c.into(), name_vi: vi.into(), name_en: en.into() })
    .collect()
}

fn legal_basis(field: &str) -> LegalBasis {
    let (number, title, from) = match field {
        "ho-tich" => (
            "123/2015/NĐ-CP",
            "Nghị định quy định chi tiết một số điều và biện pháp thi hành Luật Hộ tịch",
            d(2016, 1, 1),
        ),
        "chung-thuc" => (
            "23/2015/NĐ-CP",
            "Nghị định về cấp bản sao từ sổ gốc, chứng thực bản sao từ bản chính, chứng thực chữ ký",
            d(2015, 4, 10),
        ),
        "xay-dung" => (
            "175/2024/NĐ-CP",
            "Nghị định quy định chi tiết một số điều và biện pháp thi hành Luật Xây dựng về quản lý hoạt động xây dựng",
            d(2024, 12, 30),
        ),
        "dat-dai" => (
            "101/2024/NĐ-CP",
            "Nghị định quy định về điều tra cơ bản đất đai; đăng ký, cấp giấy chứng nhận",
            d(2024, 8, 1),
        ),
        "kinh-doanh" => ("168/2025/NĐ-CP", "Nghị định về đăng ký doanh nghiệp", d(2025, 7, 1)),
        "y-te" => {
            ("96/2023/NĐ-CP", "Nghị định quy định chi tiết một số điều của Luật Khám bệnh, chữa bệnh", d(2024, 1, 1))
        }
        "giao-duc" => (
            "125/2024/NĐ-CP",
            "Nghị định quy định về điều kiện đầu tư và hoạt động trong lĩnh vực giáo dục",
            d(2024, 11, 20),
        ),
        "bao-tro-xa-hoi" => (
            "20/2021/NĐ-CP",
            "Nghị định quy định chính sách trợ giúp xã hội đối với đối tượng bảo trợ xã hội",
            d(2021, 7, 1),
        ),
        _ => (
            "08/2014/NĐ-CP",
            "Nghị định quy định chi tiết và hướng dẫn thi hành một số điều của Luật Khoa học và Công nghệ",
            d(2014, 3, 20),
        ),
    };
    LegalBasis { number: number.into(), title: title.into(), effective_from: from, effective_to: None }
}

fn step(vi: &str, en: &str, role: Role, share: u32) -> ProcessStep {
    ProcessStep { name_vi: vi.into(), name_en: en.into(), role, agency: StepAgency::Receiving, share_percent: share }
}

fn text(name: &str, vi: &str, en: &str, required: bool) -> FormField {
    FormField {
        name: name.into(),
        label_vi: vi.into(),
        label_en: en.into(),
        kind: FieldKind::Text { max_len: Some(200) },
        required,
    }
}

/// The demo catalog document.
pub fn catalog() -> CatalogDocument {
    let mut procedures = Vec::new();
    for line in PROCEDURES.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let c: Vec<&str> = line.split('\t').collect();
        if c.len() != 9 {
            continue;
        }
        let level = Level::parse(c[2]).unwrap_or(Level::Commune);
        let agencies: Vec<String> = match (level, c[1]) {
            (Level::Commune, _) => vec![COMMUNE_A.into(), COMMUNE_B.into(), "H72.50.03".into()],
            (Level::Province, "ho-tich" | "chung-thuc") => vec!["H72.10".into()],
            (Level::Province, "xay-dung") => vec!["H72.12".into()],
            (Level::Province, "dat-dai") => vec!["H72.13".into()],
            (Level::Province, "y-te") => vec!["H72.14".into()],
            (Level::Province, "kinh-doanh") => vec!["H72.15".into()],
            (Level::Province, _) => vec![DOST.into()],
        };
        let fee: u64 = c[6].parse().unwrap_or(0);
        procedures.push(Procedure {
            code: c[0].into(),
            name_vi: c[7].into(),
            name_en: c[8].into(),
            field: c[1].into(),
            agencies,
            levels: vec![level],
            online_level: OnlineLevel::parse(c[3]).unwrap_or(OnlineLevel::Partial),
            legal_bases: vec![legal_basis(c[1])],
            documents: vec![
                DocumentPart {
                    name_vi: format!("Tờ khai/đơn đề nghị {}", c[7].to_lowercase()),
                    name_en: format!("Application form: {}", c[8].to_lowercase()),
                    originals: 1,
                    copies: 0,
                    mandatory: true,
                },
                DocumentPart {
                    name_vi: "Giấy tờ tùy thân của người nộp (xuất trình)".into(),
                    name_en: "Applicant's identity document (shown)".into(),
                    originals: 0,
                    copies: 1,
                    mandatory: true,
                },
                DocumentPart {
                    name_vi: "Giấy ủy quyền (nếu nộp thay)".into(),
                    name_en: "Power of attorney (when filed by someone else)".into(),
                    originals: 1,
                    copies: 0,
                    mandatory: false,
                },
            ],
            fees: if fee > 0 {
                vec![Fee {
                    description_vi: "Lệ phí".into(),
                    description_en: "Fee".into(),
                    amount_vnd: fee,
                    // paid with the application where the whole procedure is online
                    due: if c[3] == "full" { FeeDue::AtSubmission } else { FeeDue::BeforeResult },
                }]
            } else {
                vec![]
            },
            processing_time: ProcessingTime {
                amount: c[4].parse().unwrap_or(1),
                unit: TimeUnit::parse(c[5]).unwrap_or(TimeUnit::WorkingDays),
            },
            process: vec![
                step("Tiếp nhận, kiểm tra hồ sơ", "Receipt and completeness check", Role::Receiver, 10),
                step("Thẩm định, xử lý", "Appraisal and processing", Role::Specialist, 60),
                step("Phê duyệt", "Approval", Role::Approver, 20),
                step("Trả kết quả", "Return of the result", Role::Receiver, 10),
            ],
            form: [
                text("applicant_name", "Họ tên người nộp", "Applicant's full name", true),
                FormField {
                    name: "applicant_id".into(),
                    label_vi: "Số định danh cá nhân".into(),
                    label_en: "Personal identification number".into(),
                    kind: FieldKind::CitizenId,
                    required: true,
                },
                text("address", "Nơi cư trú", "Place of residence", true),
            ]
            .into_iter()
            .chain(own_fields(c[0]))
            .chain([FormField {
                name: "note".into(),
                label_vi: "Ghi chú".into(),
                label_en: "Note".into(),
                kind: FieldKind::Textarea { max_len: Some(2000) },
                required: false,
            }])
            .collect(),
            identity: if matches!(c[1], "dat-dai" | "kinh-doanh") {
                RequiredIdentity::Level2
            } else {
                RequiredIdentity::Any
            },
        });
    }
    CatalogDocument { version: CatalogDocument::VERSION, fields: fields(), procedures }
}

/// The demo accounts: username, full name, agency, roles.
pub const ACCOUNTS: [(&str, &str, Option<&str>, &[Role]); 6] = [
    ("demo.citizen", "Nguyễn Văn Dân", None, &[]),
    ("demo.receiver", "Trần Thị Tiếp Nhận", Some(COMMUNE_A), &[Role::Receiver]),
    ("demo.specialist", "Lê Văn Chuyên", Some(COMMUNE_A), &[Role::Specialist]),
    ("demo.approver", "Phạm Thị Duyệt", Some(COMMUNE_A), &[Role::Approver]),
    ("demo.agency-admin", "Hoàng Văn Quản", Some(COMMUNE_A), &[Role::AgencyAdmin]),
    ("demo.admin", "Võ Thị Hệ Thống", Some(DOST), &[Role::SystemAdmin]),
];

/// Loads the demo data unless it was loaded before; returns whether it loaded now.
pub async fn load(store: &Store, demo_password: &str) -> Result<bool, String> {
    let err = |e: egov_store::StoreError| e.to_string();
    if store.meta("demo_loaded").await.map_err(err)?.is_some() {
        return Ok(false);
    }
    let units = parse_units_csv(UNITS.as_bytes()).map_err(|e| format!("{e:?}"))?;
    let hash = password::hash(demo_password).map_err(|e| e.to_string())?;
    let mut w = store.begin_write().await.map_err(err)?;
    // Checked again inside the write lock: two instances starting at once load once.
    if w.meta("demo_loaded").await.map_err(err)?.is_some() {
        return Ok(false);
    }
    for u in &units {
        w.upsert_unit(u).await.map_err(err)?;
    }
    for a in agencies() {
        w.upsert_agency(&a).await.map_err(err)?;
    }
    let doc = catalog();
    for f in &doc.fields {
        w.upsert_field(f).await.map_err(err)?;
    }
    for (i, p) in doc.procedures.iter().enumerate() {
        // Popularity: a plausible yearly volume, civil status first.
        let pop = match p.field.as_str() {
            "ho-tich" => 5000 - i as i64 * 10,
            "chung-thuc" => 8000 - i as i64 * 10,
            "kinh-doanh" | "dat-dai" => 2000 - i as i64 * 10,
            _ => 300 - i as i64,
        };
        w.upsert_procedure(p, Some(pop)).await.map_err(err)?;
    }
    for (username, name, agency, roles) in ACCOUNTS {
        let citizen = agency.is_none();
        w.create_user(&NewUser {
            username: username.into(),
            kind: if citizen { AccountKind::Citizen } else { AccountKind::Official },
            full_name: name.into(),
            citizen_id: citizen.then(|| "072090001234".to_string()),
            email: Some(format!("{username}@demo.egov.invalid")),
            phone: citizen.then(|| "0912345678".to_string()),
            agency_id: agency.map(String::from),
            password_hash: hash.clone(),
            roles: roles.to_vec(),
        })
        .await
        .map_err(err)?;
    }
    let announcements = egov_calendar::holidays::parse_announcements(CALENDAR.as_bytes()).map_err(|e| e.join("; "))?;
    for a in &announcements {
        w.save_announcement(a, "cli").await.map_err(err)?;
    }
    let loaded = egov_kernel::vn::micros_to_minute(w.now());
    w.set_meta("demo_loaded", &loaded).await.map_err(err)?;
    w.audit(egov_audit::Event::new(
        "cli",
        "demo.load",
        "demo",
        None::<&()>,
        Some(&serde_json::json!({"units": units.len(), "procedures": doc.procedures.len()})),
    ));
    w.commit().await.map_err(err)?;
    Ok(true)
}

/// The demonstration's data-exchange gateway, made once (when nothing is
/// registered yet): egov's own services published under
/// `VN-TN/GOV/H72/egov` at `base`, and the demo commune's one-stop system
/// granted the directory of agencies; that client's API key, to try it.
pub async fn gateway(app: &egov_app::App, base: &str) -> Result<Option<String>, String> {
    use egov_app::gateway as gw;
    let fail = |e: egov_app::AppError| e.to_string();
    if !app.gateway.get().subsystems().is_empty() {
        return Ok(None);
    }
    let op = egov_app::Actor::Operator;
    gw::publish_own(app, op, "VN-TN/GOV/H72/egov", base, "demo").await.map_err(fail)?;
    let client = gw::NewSubsystem {
        ident: "VN-TN/GOV/H72.50.01/motcua".into(),
        agency: Some(COMMUNE_A.into()),
        name: "Một cửa điện tử xã".into(),
    };
    let client = gw::add_subsystem(app, op, client, "demo").await.map_err(fail)?;
    let service = app.gateway.get().services().iter().find(|s| s.code == "agencies").map(|s| s.id);
    let grant = egov_store::GwGrant {
        id: 0,
        service_id: service.ok_or("the demo's services were not published")?,
        grantee: egov_store::GwGrantee::Subsystem("VN-TN/GOV/H72.50.01/motcua".into()),
        method: Some("GET".into()),
        path: Some("/**".into()),
        valid_from: None,
        valid_until: None,
    };
    gw::grant(app, op, grant, "demo").await.map_err(fail)?;
    let (_, key) = gw::issue_key(app, op, client, "demo").await.map_err(fail)?;
    Ok(Some(key))
}

#[cfg(test)]
mod tests {
    #[test]
    fn demo_catalog_is_valid_and_large_enough() {
        let doc = super::catalog();
        assert!(doc.procedures.len() >= 30, "{} procedures", doc.procedures.len());
        let fields: std::collections::HashSet<_> = doc.procedures.iter().map(|p| p.field.as_str()).collect();
        assert!(fields.len() >= 6);
        let json = serde_json::to_vec(&doc).unwrap();
        egov_catalog::CatalogDocument::parse(&json).unwrap();
        assert!(super::agencies().len() >= 8);
        let units = egov_directory::parse_units_csv(super::UNITS.as_bytes()).unwrap();
        assert!(units.iter().filter(|u| u.level == egov_directory::UnitLevel::Commune).count() >= 10);
        assert_eq!(units.iter().filter(|u| u.succeeded_by.is_some()).count(), 2);
        let cal = egov_calendar::holidays::parse_announcements(super::CALENDAR.as_bytes()).unwrap();
        assert_eq!(cal[0].year, 2026);
    }

    #[test]
    fn every_demo_procedure_asks_what_its_official_form_asks() {
        for p in super::catalog().procedures {
            let names: Vec<&str> = p.form.iter().map(|f| f.name.as_str()).collect();
            assert_eq!(&names[..3], ["applicant_name", "applicant_id", "address"], "{}: the requester first", p.code);
            assert!(
                names.len() >= 7,
                "{} ({}) asks only {names:?}: the requester, three of its own, a note",
                p.code,
                p.name_vi
            );
            let unique: std::collections::HashSet<_> = names.iter().collect();
            assert_eq!(unique.len(), names.len(), "{}: a field twice", p.code);
        }
        let birth = super::own_fields("1.001193");
        let child: Vec<&str> = birth.iter().map(|f| f.name.as_str()).filter(|n| n.starts_with("child_")).collect();
        assert_eq!(
            child,
            [
                "child_name",
                "child_sex",
                "child_birth_date",
                "child_birth_place",
                "child_hometown",
                "child_ethnicity",
                "child_nationality"
            ]
        );
        let marriage = super::own_fields("1.000894");
        assert!(marriage
            .iter()
            .any(|f| f.name == "bride_id" && f.kind == egov_catalog::FieldKind::CitizenId && f.required));
        assert!(marriage
            .iter()
            .any(|f| matches!(&f.kind, egov_catalog::FieldKind::Select { options } if options.len() == 2)));
    }
}
