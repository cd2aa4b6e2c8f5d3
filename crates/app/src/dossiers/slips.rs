//! The one-stop desk's documents of a dossier, gathered for printing: who
//! issues them (the agency, the body above it, the place of the date line),
//! the applicant, the parts received and in what form, the processing time
//! the rules give, the officers who took each step. `egov_slips` lays them
//! out; the web renders the PDF.

use chrono::NaiveDate;
use egov_catalog::{Procedure, TimeUnit};
use egov_dossier::{Channel, CommandKind, EventKind};
use egov_identity::{Action, Principal, UserId};
use egov_kernel::vn;
use egov_slips::{FormKind, Letterhead, Slip};
use egov_store::StoredDossier;

use super::read::{history, latest_notice, read, NoticeForm};
use crate::{App, AppError};

/// The masthead and date line of an agency's documents: its parent's name
/// above its own, the province (or city) its unit lies in as the place.
pub(crate) async fn letterhead(app: &App, agency: &str) -> Result<Letterhead, AppError> {
    let a = app.store.agency(agency).await?;
    let parent = match a.as_ref().and_then(|a| a.parent_id.clone()) {
        Some(p) => app.store.agency(p.as_str()).await?.map(|p| p.name_vi),
        None => None,
    };
    let units = app.store.units().await?;
    let unit = a.as_ref().and_then(|a| units.iter().find(|u| u.code == a.unit_code));
    let province = unit.and_then(|u| match &u.parent_code {
        Some(p) => units.iter().find(|x| &x.code == p),
        None => Some(u),
    });
    let place = province
        .map(|p| p.name.trim_start_matches("Tỉnh ").trim_start_matches("Thành phố ").to_string())
        .unwrap_or_default();
    Ok(Letterhead { parent, agency: a.map(|a| a.name_vi).unwrap_or_else(|| agency.to_string()), place })
}

/// An official's full name, by id; empty when unknown or gone.
async fn name_of(app: &App, id: Option<UserId>) -> Result<String, AppError> {
    Ok(match id {
        Some(id) => app.store.principal(id).await?.map(|p| p.full_name).unwrap_or_default(),
        None => String::new(),
    })
}

/// "05 ngày làm việc", "08 giờ làm việc".
fn processing_time(p: &Procedure) -> String {
    let unit = match p.processing_time.unit {
        TimeUnit::WorkingDays => "ngày làm việc",
        TimeUnit::WorkingHours => "giờ làm việc",
    };
    format!("{:02} {unit}", p.processing_time.amount)
}

fn procedure(app: &App, d: &StoredDossier) -> Option<std::sync::Arc<Procedure>> {
    app.catalog.get().procedures.get(d.procedure_code.as_str()).cloned()
}

/// Form 01 of a received dossier, for those who may read it.
pub async fn receipt(app: &App, p: &Principal, code: &str, lookup_url: String) -> Result<Slip, AppError> {
    let d = read(app, p, code).await?;
    let received = d.received_at.and_then(vn::from_micros).ok_or(AppError::NotFound)?;
    let proc = procedure(app, &d);
    let online = d.state.channel == Channel::Online;
    // each part received, in the form the procedure asks it: an upload is an electronic copy
    let parts = d
        .parts
        .iter()
        .map(|name| {
            let doc = proc.as_ref().and_then(|x| x.documents.iter().find(|doc| &doc.name_vi == name));
            let (form, count) = match doc {
                _ if online => ("Bản điện tử", 1),
                Some(doc) if doc.originals > 0 => ("Bản chính", doc.originals),
                Some(doc) if doc.copies > 0 => ("Bản sao", doc.copies),
                _ => ("Bản chính", 1),
            };
            egov_slips::PartRow { name: name.clone(), form: form.into(), count }
        })
        .collect();
    let events = history(app, &d).await?;
    let taken = events
        .iter()
        .find(|e| matches!(e.action, EventKind::ReceiveAtCounter | EventKind::Command(CommandKind::Accept)));
    let head = letterhead(app, d.state.receiving_agency.as_str()).await?;
    let desk = format!("Bộ phận tiếp nhận và trả kết quả, {}", head.agency);
    Ok(egov_slips::receipt(&egov_slips::Receipt {
        code: code.to_string(),
        applicant: d.applicant_name.clone(),
        address: d.form_data.get("address").cloned().unwrap_or_default(),
        phone: d.form_data.get("phone").cloned().unwrap_or_default(),
        procedure: proc.as_ref().map(|x| x.name_vi.clone()).unwrap_or_default(),
        parts,
        processing_time: proc.as_deref().map(processing_time).unwrap_or_default(),
        received,
        due: d.state.due,
        result_at: if online {
            format!("Trực tuyến trên Cổng dịch vụ công, hoặc tại {desk}")
        } else {
            desk
        },
        officer: name_of(app, taken.and_then(|e| e.actor_id)).await?,
        lookup_url: lookup_url.clone(),
        head,
    }))
}

/// A notice (forms 02, 03, 04, and the notice that processing stopped)
/// from the dossier's latest step of its kind.
pub async fn notice(
    app: &App,
    p: &Principal,
    code: &str,
    which: NoticeForm,
    lookup_url: String,
) -> Result<Slip, AppError> {
    let super::read::Notice { dossier: d, step: e } = latest_notice(app, p, code, which).await?;
    let kind = match which {
        NoticeForm::Supplement => FormKind::Supplement,
        NoticeForm::Refusal => FormKind::Refusal,
        NoticeForm::Apology => FormKind::Apology,
        NoticeForm::Stopped => FormKind::Stopped,
    };
    let proc = procedure(app, &d);
    Ok(egov_slips::notice(
        kind,
        &egov_slips::Notice {
            head: letterhead(app, d.state.current_agency.as_str()).await?,
            code: code.to_string(),
            applicant: d.applicant_name.clone(),
            procedure: proc.map(|x| x.name_vi.clone()).unwrap_or_default(),
            received: d.received_at.and_then(vn::from_micros),
            items: e.note.split("; ").filter(|s| !s.trim().is_empty()).map(String::from).collect(),
            issued: vn::from_micros(e.at).unwrap_or_default(),
            new_due: if which == NoticeForm::Apology { e.due.as_deref().and_then(vn::parse_minute) } else { None },
            officer: name_of(app, e.actor_id).await?,
            lookup_url,
        },
    ))
}

/// The process control sheet: every step of the dossier, who took it, when.
pub async fn control_sheet(app: &App, p: &Principal, code: &str, lookup_url: String) -> Result<Slip, AppError> {
    let d = read(app, p, code).await?;
    if !p.is_official() {
        return Err(AppError::Forbidden);
    }
    let received = d.received_at.and_then(vn::from_micros).ok_or(AppError::NotFound)?;
    let mut handovers = Vec::new();
    for e in history(app, &d).await? {
        handovers.push(egov_slips::Handover {
            at: vn::from_micros(e.at).unwrap_or_default(),
            step: step_name(e.action).into(),
            by: name_of(app, e.actor_id).await?,
            note: e.note,
        });
    }
    Ok(egov_slips::control_sheet(&egov_slips::ControlSheet {
        head: letterhead(app, d.state.receiving_agency.as_str()).await?,
        code: code.to_string(),
        applicant: d.applicant_name.clone(),
        procedure: procedure(app, &d).map(|x| x.name_vi.clone()).unwrap_or_default(),
        received,
        due: d.state.due,
        handovers,
        printed: app.now(),
        lookup_url,
    }))
}

/// The Vietnamese name of a step, as the control sheet prints it.
fn step_name(k: EventKind) -> &'static str {
    use CommandKind as C;
    match k {
        EventKind::Draft => "Lưu nháp",
        EventKind::ReceiveAtCounter => "Tiếp nhận tại quầy",
        EventKind::Rate => "Đánh giá sự hài lòng",
        EventKind::Command(c) => match c {
            C::Submit => "Nộp trực tuyến",
            C::Accept => "Tiếp nhận hồ sơ",
            C::ReturnIncomplete => "Trả lại để hoàn thiện",
            C::Assign => "Phân công xử lý",
            C::Forward => "Chuyển bước xử lý",
            C::RequestSupplement => "Yêu cầu bổ sung",
            C::Resubmit => "Công dân nộp bổ sung",
            C::Refuse => "Từ chối giải quyết",
            C::Withdraw => "Công dân rút hồ sơ",
            C::Stop => "Dừng giải quyết",
            C::Approve => "Phê duyệt",
            C::ReturnResult => "Trả kết quả",
            C::Apologize => "Xin lỗi, hẹn lại ngày trả",
        },
    }
}

/// Most lines a register prints.
const REGISTER_LIMIT: i64 = 5000;

/// The tracking register of `agency`'s dossiers received from `from` to `to`
/// (both counted), for its officials and the system's administrators.
pub async fn register(
    app: &App,
    p: &Principal,
    agency: &str,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Slip, AppError> {
    let own = p.agency_id.as_ref().is_some_and(|a| a.as_str() == agency) && p.may(Action::UseBackOffice);
    if !own && !p.is_system_admin() {
        return Err(AppError::Forbidden);
    }
    if app.store.agency(agency).await?.is_none() {
        return Err(AppError::NotFound);
    }
    let end = to.succ_opt().ok_or(AppError::NotFound)?;
    let lines =
        app.store.received_by(agency, vn::day_start_micros(from), vn::day_start_micros(end), REGISTER_LIMIT).await?;
    let snap = app.catalog.get();
    let rows = lines
        .into_iter()
        .map(|l| egov_slips::RegisterRow {
            procedure: snap
                .procedures
                .get(l.item.procedure_code.as_str())
                .map(|x| x.name_vi.clone())
                .unwrap_or_default(),
            code: l.item.code,
            applicant: l.item.applicant_name,
            received: vn::from_micros(l.received_at).unwrap_or_default(),
            due: l.item.due.as_deref().and_then(vn::parse_minute),
            state: status_name(l.item.status).into(),
        })
        .collect();
    Ok(egov_slips::register(&egov_slips::Register {
        head: letterhead(app, agency).await?,
        from,
        to,
        rows,
        printed: app.now(),
    }))
}

/// A status in the register's Vietnamese.
fn status_name(s: egov_dossier::Status) -> &'static str {
    use egov_dossier::Status as S;
    match s {
        S::Draft => "Nháp",
        S::Submitted => "Chờ tiếp nhận",
        S::ReturnedIncomplete => "Trả lại hoàn thiện",
        S::Accepted => "Đã tiếp nhận",
        S::Processing => "Đang giải quyết",
        S::SupplementRequested => "Chờ bổ sung",
        S::Approved => "Chờ trả kết quả",
        S::ResultReturned => "Đã trả kết quả",
        S::Refused => "Từ chối",
        S::Withdrawn => "Đã rút",
        S::Stopped => "Dừng giải quyết",
    }
}
