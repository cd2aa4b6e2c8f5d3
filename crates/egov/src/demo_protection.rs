//! The demo's information-security console (`serve --demo` with its demo
//! year): an inventory at three agencies, agents in every state — active
//! and protected, outdated, not scanned lately, disconnected, never
//! connected — two detections, one handled, and a month of kept coverage.
//! Made through the use cases, like the gateway's demo; the agents'
//! heartbeats through the store, with the instants a real month would have.

use egov_app::protection::{self as pr, agent};
use egov_app::Actor;
use egov_protection::{Coverage, DetectionState, EngineVersion, ScanResult, Status};

use crate::demo::{COMMUNE_A, COMMUNE_B, DOST};

const HOUR: i64 = 3_600_000_000;
const DAY: i64 = 24 * HOUR;

/// A demo agent: its machine, its key's row, what it reports, how long
/// after each beat it stays silent (seconds), when it last scanned.
pub struct DemoAgent {
    machine: i64,
    agent: i64,
    status: Status,
    version: String,
    silent: i64,
}

/// Makes the demo's console unless the inventory has machines: the demo
/// agents, whose heartbeats [`keep_beating`] goes on sending.
pub async fn protection(app: &egov_app::App) -> Result<Vec<DemoAgent>, String> {
    let fail = |e: egov_app::AppError| e.to_string();
    let op = Actor::Operator;
    if !pr::console(app, op).await.map_err(fail)?.machines.is_empty() {
        return Ok(Vec::new());
    }
    let mut csv = String::from("agency,name,kind,location,address,notes,added_on\n");
    let rows = [
        (DOST, "SRV-DVC-01", "server", "Trung tâm dữ liệu tỉnh", "10.72.0.11"),
        (DOST, "SRV-DVC-02", "server", "Trung tâm dữ liệu tỉnh", "10.72.0.12"),
        (DOST, "PC-VP-01", "workstation", "Văn phòng Sở", "10.72.1.21"),
        (DOST, "PC-VP-02", "workstation", "Văn phòng Sở", "10.72.1.22"),
        (COMMUNE_A, "PC-MOT-CUA-01", "workstation", "Bộ phận một cửa", "10.72.50.11"),
        (COMMUNE_A, "PC-MOT-CUA-02", "workstation", "Bộ phận một cửa", "10.72.50.12"),
        (COMMUNE_A, "PC-KE-TOAN", "workstation", "Phòng kế toán", "10.72.50.13"),
        (COMMUNE_B, "PC-MOT-CUA-01", "workstation", "Bộ phận một cửa", "10.72.51.11"),
        (COMMUNE_B, "PC-VAN-THU", "workstation", "Văn thư", "10.72.51.12"),
    ];
    for (agency, name, kind, location, address) in rows {
        csv.push_str(&format!("{agency},{name},{kind},{location},{address},,2025-07-01\n"));
    }
    pr::import(app, op, csv.as_bytes()).await.map_err(fail)?.map_err(|p| format!("{p:?}"))?;
    let c = pr::console(app, op).await.map_err(fail)?;
    let now = app.store.now();
    // (seconds since the heartbeat, signatures' age in days, last good scan hours ago)
    let plan: [Option<(i64, i64, i64)>; 9] = [
        Some((20, 0, 3)),
        Some((40, 0, 5)),
        Some((15, 0, 20)),
        Some((30, 12, 26)),
        Some((10, 0, 2)),
        Some((50, 0, 24 * 9)),
        Some((6 * 3600, 1, 30)),
        Some((25, 0, 8)),
        None,
    ];
    let mut agents = Vec::new();
    let mut demo = Vec::new();
    for (line, plan) in c.machines.iter().zip(plan) {
        let Some((silent, age, scanned)) = plan else { continue };
        let id = line.m.machine.id;
        let (token, _) = pr::issue_enrolment(app, op, id, 1).await.map_err(fail)?;
        let cred =
            agent::authenticate(app, &agent::enrol(app, &token).await.map_err(fail)?.secret).await.map_err(fail)?;
        let signature_date = now - age * DAY - 8 * HOUR;
        let date = egov_kernel::vn::from_micros(signature_date).map(|d| d.format("%a %b %e %H:%M:%S %Y").to_string());
        let version = format!("ClamAV 1.4.6/{}/{}", 27474 - age, date.unwrap_or_default());
        let status = Status {
            last_seen: now - silent * 1_000_000,
            host_name: line.m.machine.m.name.to_lowercase(),
            os: "Debian GNU/Linux 12 (bookworm)".into(),
            addresses: vec![line.m.machine.m.address.clone()],
            agent_version: env!("CARGO_PKG_VERSION").into(),
            engine: EngineVersion::parse(&version),
            signature_date: Some(signature_date),
            last_scan: Some(now - scanned * HOUR),
            last_scan_result: Some(ScanResult::Clean),
            last_good_scan: Some(now - scanned * HOUR),
        };
        app.store.pr_save_status(id, cred.agent_id, &status, Some(&version)).await.map_err(|e| e.to_string())?;
        demo.push(DemoAgent { machine: id, agent: cred.agent_id, status, version, silent });
        agents.push(cred);
    }
    let report = |id: &str, path: &str, signature: &str, action: &str| agent::Report {
        report_id: id.into(),
        found_seconds_ago: 3 * 3600,
        path: path.into(),
        signature: signature.into(),
        sha256: "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f".into(),
        action: action.into(),
    };
    if let (Some(a), Some(b)) = (agents.get(4), agents.get(7)) {
        agent::report(
            app,
            a,
            &[report(
                "demo-1",
                "C:/Users/motcua/Downloads/hoa-don-dien-tu.pdf.exe",
                "Win.Trojan.Agent-1234567",
                "quarantined",
            )],
        )
        .await
        .map_err(fail)?;
        agent::report(
            app,
            b,
            &[report("demo-2", "C:/Users/motcua/Desktop/eicar.com", "Win.Test.EICAR_HDB-1", "reported")],
        )
        .await
        .map_err(fail)?;
        let (open, _) = pr::detections(app, op, true, 1, 10).await.map_err(fail)?;
        if let Some(d) = open.iter().find(|d| d.d.report_id == "demo-2") {
            pr::handle(app, op, d.id, DetectionState::FalsePositive, "Tệp thử nghiệm EICAR của cán bộ CNTT")
                .await
                .map_err(fail)?;
        }
    }
    // a month of kept coverage, rising as agents were installed
    let today = app.now().date();
    let by_agency = pr::console(app, op).await.map_err(fail)?.by_agency;
    for back in (1..=30).rev() {
        let day = today - chrono::Duration::days(back);
        // half of today's protected machines a month ago, rising to today's
        let kept: Vec<(String, Coverage)> = by_agency
            .iter()
            .map(|(a, c)| (a.clone(), Coverage { machines: c.machines, covered: c.covered * (60 - back as u32) / 60 }))
            .collect();
        app.store.pr_save_coverage(day, &kept).await.map_err(|e| e.to_string())?;
    }
    pr::keep_coverage(app).await.map_err(fail)?;
    Ok(demo)
}

/// The demo agents go on beating once a minute (those meant to look
/// disconnected stay silent), so that the console keeps its mix of states.
pub fn keep_beating(app: egov_app::App, agents: Vec<DemoAgent>) {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(std::time::Duration::from_secs(60)).await;
            let now = app.store.now();
            for a in agents.iter().filter(|a| a.silent < 180) {
                let status = Status { last_seen: now - a.silent * 1_000_000, ..a.status.clone() };
                if let Err(e) = app.store.pr_save_status(a.machine, a.agent, &status, Some(&a.version)).await {
                    tracing::warn!(error = %e, "a demo heartbeat");
                }
            }
        }
    });
}
