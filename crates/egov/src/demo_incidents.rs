//! The demo's register of security incidents (`serve --demo` with its demo
//! year): three information systems with their levels, a serious incident
//! answered and closed with its reports (PDFs signed with the instance's
//! key), one being contained, and one just reported whose notification is
//! late. Made through the use cases.

use egov_app::incidents::{self as inc, IncidentInput, Step};
use egov_app::Actor;
use egov_incident::{Harms, Phase, ReportKind, SystemInput};

use crate::demo::{COMMUNE_A, DOST};

const DAY: i64 = 24 * 3_600_000_000;

fn system(name: &str, agency: &str, level: &str, national: bool) -> SystemInput {
    SystemInput {
        name: name.into(),
        owner_agency: agency.into(),
        operator: "Trung tâm Chuyển đổi số tỉnh".into(),
        proposed_level: level.into(),
        approved_level: level.into(),
        approval_decision: format!("Quyết định {}/QĐ-UBND", 100 + level.len()),
        protection_plan: "Phương án bảo đảm an toàn thông tin theo cấp độ".into(),
        last_test: "2026-05-20".into(),
        monitored: true,
        national,
    }
}

/// Makes the demo's register unless it has incidents.
pub async fn incidents(app: &egov_app::App) -> Result<(), String> {
    let fail = |e: egov_app::AppError| e.to_string();
    let op = Actor::Operator;
    let year = chrono::Datelike::year(&app.now());
    if !inc::incidents(app, op, year).await.map_err(fail)?.is_empty()
        || !inc::systems(app, op).await.map_err(fail)?.is_empty()
    {
        return Ok(());
    }
    let portal = inc::save_system(
        app,
        op,
        None,
        &system("Hệ thống thông tin giải quyết thủ tục hành chính tỉnh", DOST, "4", true),
    )
    .await
    .map_err(fail)?;
    let mail = inc::save_system(app, op, None, &system("Hệ thống thư điện tử công vụ", DOST, "3", false))
        .await
        .map_err(fail)?;
    let web =
        inc::save_system(app, op, None, &system("Trang thông tin điện tử phường Tân Ninh", COMMUNE_A, "2", false))
            .await
            .map_err(fail)?;
    let now = app.store.now();
    let report =
        |agency: &str, title: &str, kind: &str, severity: &str, harms: Harms, days_ago: i64, systems: Vec<i64>| {
            IncidentInput {
                agency_id: agency.into(),
                unit_code: String::new(),
                title: title.into(),
                description: String::new(),
                kind: kind.into(),
                severity: severity.into(),
                harms,
                beyond_capacity_on: None,
                discovered_at: Some(now - days_ago * DAY),
                systems,
            }
        };
    // a denial of service on the province's portal 20 days ago: serious, answered and closed
    let outage = Harms { outage: true, ..Default::default() };
    let dos = inc::report(
        app,
        op,
        &report(
            DOST,
            "Tấn công từ chối dịch vụ vào Cổng dịch vụ công",
            "denial_of_service",
            "critical",
            outage,
            20,
            vec![portal],
        ),
    )
    .await
    .map_err(fail)?;
    let today = app.now().date();
    inc::step(app, op, dos, Step::BeyondCapacity(today - chrono::Duration::days(20))).await.map_err(fail)?;
    for kind in [ReportKind::Notification, ReportKind::Initial] {
        inc::send(
            app,
            op,
            dos,
            kind,
            "Cổng dịch vụ công không truy cập được từ 08:10; đã chuyển hướng lưu lượng qua dịch vụ chống DDoS.",
        )
        .await
        .map_err(fail)?;
    }
    let phase = |to| Step::Phase { to, root_cause: String::new(), lessons: String::new(), response_ended_on: None };
    for to in [Phase::Verified, Phase::Contained, Phase::Recovered] {
        inc::step(app, op, dos, phase(to)).await.map_err(fail)?;
    }
    inc::send(
        app,
        op,
        dos,
        ReportKind::Closing,
        "Hệ thống hoạt động ổn định trở lại; đã bổ sung giới hạn tốc độ truy cập.",
    )
    .await
    .map_err(fail)?;
    let close = Step::Phase {
        to: Phase::Closed,
        root_cause: "Tấn công từ chối dịch vụ từ mạng máy tính ma (botnet)".into(),
        lessons: "Giới hạn tốc độ truy cập; đăng ký dịch vụ chống DDoS của nhà mạng".into(),
        response_ended_on: None,
    };
    inc::step(app, op, dos, close).await.map_err(fail)?;
    // malware on the e-mail system ten days ago: being contained
    let malware = inc::report(
        app,
        op,
        &report(DOST, "Mã độc lây qua tệp đính kèm thư điện tử", "malware", "high", Harms::default(), 10, vec![mail]),
    )
    .await
    .map_err(fail)?;
    inc::send(app, op, malware, ReportKind::Notification, "Phát hiện 3 máy trạm nhiễm mã độc qua tệp đính kèm.")
        .await
        .map_err(fail)?;
    inc::step(app, op, malware, phase(Phase::Contained)).await.map_err(fail)?;
    // the commune's website defaced 15 days ago: not yet notified (late, even across Tết)
    inc::report(
        app,
        op,
        &report(
            COMMUNE_A,
            "Trang thông tin phường bị thay đổi giao diện",
            "defacement",
            "medium",
            Harms::default(),
            15,
            vec![web],
        ),
    )
    .await
    .map_err(fail)?;
    Ok(())
}
