//! The demo's data network (`serve --demo` with its demo year): the
//! province's centre, two agencies' and two communes' connection points,
//! probes of the server itself (HTTP, TCP), two radio-station devices
//! sending heartbeats, one commune whose router does not answer (down after
//! its third check, three minutes in, and alerted); a month of history with three outages (one partly
//! in a maintenance window), and links with a week of traffic (one over the
//! 90 % rule). Made through the use cases; the history's results through
//! the store, with the instants a real month would have.

use egov_app::network::{self as net, LinkInput};
use egov_app::Actor;
use egov_network::{Change, Outcome, ProbeInput, SiteInput, Tracker, MINUTE, SECOND};
use egov_store::network::Record;

use crate::demo::{COMMUNE_A, COMMUNE_B, DOST};

const DAY: i64 = egov_network::DAY;

fn site(name: &str, kind: &str, unit: &str, agency: &str, level: &str, public: bool) -> SiteInput {
    SiteInput {
        name: name.into(),
        kind: kind.into(),
        unit_code: unit.into(),
        agency_id: agency.into(),
        access_level: level.into(),
        public,
        ..Default::default()
    }
}

fn probe(name: &str, kind: &str, f: impl FnOnce(&mut ProbeInput)) -> ProbeInput {
    let mut p = ProbeInput {
        name: name.into(),
        kind: kind.into(),
        interval_s: "60".into(),
        timeout_s: "5".into(),
        ..Default::default()
    };
    f(&mut p);
    p
}

/// A month of a probe's results every ten minutes up to `now`, failing in
/// the spans given (start and length in minutes, counted back from now).
fn history(probe: i64, site: i64, now: i64, fails: &[(i64, i64)], down_after: u32) -> Vec<Record> {
    let mut t = Tracker::default();
    let mut out = Vec::new();
    let start = now - 30 * DAY;
    let step = 10 * MINUTE;
    let mut at = start;
    let mut i = 0;
    while at < now - step {
        let back = (now - at) / MINUTE;
        let failing = fails.iter().any(|&(from, len)| back <= from && back > from - len);
        let ms =
            20 + ((probe * 7 + i * 13) % 40) as u32 + if (i / 6) % 24 >= 14 && (i / 6) % 24 <= 16 { 25 } else { 0 };
        let outcome = if failing { Outcome::down(0, "TCP: connection timed out") } else { Outcome::up(ms) };
        let change = t.observe(outcome.ok, at, down_after);
        out.push(Record {
            probe_id: probe,
            site_id: site,
            slot: i,
            planned: at,
            at,
            outcome,
            change,
            tracker: t,
            cert_expires_at: None,
        });
        at += step;
        i += 1;
    }
    // the history ends up: what follows is the live prober's
    debug_assert!(out.last().is_none_or(|r| r.change != Change::WentDown));
    out
}

/// A week of 5-minute samples of a link: a working day's curve around `base` bit/s.
fn week(now: i64, base: u64, peak: u64) -> String {
    let start = egov_network::capacity::slot(now) - 7 * DAY;
    let mut csv = String::from("time,in_bps,out_bps\n");
    for i in 0..2016i64 {
        let at = start + i * 300 * SECOND;
        let hour = ((at / SECOND + 7 * 3600) / 3600) % 24;
        let busy = if (8..17).contains(&hour) { peak } else { base };
        let v = busy + (i as u64 * 7919) % (busy / 10).max(1);
        csv.push_str(&format!("{},{v},{}\n", at / SECOND, v / 3));
    }
    csv
}

/// Makes the demo's network unless it has sites; the push secrets of the
/// two demo devices, whose heartbeats [`keep_pushing`] goes on sending.
pub async fn network(app: &egov_app::App, base: &str) -> Result<Vec<String>, String> {
    let fail = |e: egov_app::AppError| e.to_string();
    let op = Actor::Operator;
    if !net::sites(app, op).await.map_err(fail)?.is_empty() {
        return Ok(Vec::new());
    }
    let port = base.rsplit(':').next().unwrap_or("80").trim_end_matches('/').to_string();
    let centre = net::save_site(app, op, None, &site("Trung tâm dữ liệu tỉnh", "province", "72", DOST, "I", true))
        .await
        .map_err(fail)?;
    let tan_ninh =
        net::save_site(app, op, None, &site("UBND phường Tân Ninh", "agency", "25441", COMMUNE_A, "II", true))
            .await
            .map_err(fail)?;
    let trang_bang =
        net::save_site(app, op, None, &site("UBND phường Trảng Bàng", "agency", "25449", COMMUNE_B, "II", true))
            .await
            .map_err(fail)?;
    let ben_cau =
        net::save_site(app, op, None, &site("Xã Bến Cầu", "commune", "25450", "", "II", true)).await.map_err(fail)?;
    let chau_thanh = net::save_site(app, op, None, &site("Xã Châu Thành", "commune", "25445", "", "II", false))
        .await
        .map_err(fail)?;
    let add = |s: i64, p: ProbeInput| async move { net::save_probe(app, op, s, None, &p).await.map_err(fail) };
    let (web, _) = add(
        centre,
        probe("Cổng dịch vụ công", "http", |p| (p.url, p.keyword) = (format!("{base}/"), "Dịch vụ công".into())),
    )
    .await?;
    let (core, _) =
        add(centre, probe("Cổng HTTP của máy chủ", "tcp", |p| (p.host, p.port) = ("127.0.0.1".into(), port.clone())))
            .await?;
    let (tn, _) =
        add(tan_ninh, probe("Bộ định tuyến", "tcp", |p| (p.host, p.port) = ("127.0.0.1".into(), port.clone()))).await?;
    let (tb, tb_secret) = add(trang_bang, probe("Đài truyền thanh phường", "push", |_| {})).await?;
    let (bc, bc_secret) = add(ben_cau, probe("Đài truyền thanh xã", "push", |_| {})).await?;
    // nothing listens on the discard port: down after three checks, alerted
    add(chau_thanh, probe("Bộ định tuyến", "tcp", |p| (p.host, p.port) = ("127.0.0.1".into(), "9".into()))).await?;

    // a month behind them: an outage of 40 minutes at Trảng Bàng nine days ago, two hours at
    // Bến Cầu three days ago (the first hour in planned maintenance), a short one at the centre
    let now = app.store.now();
    let month = now - 30 * DAY;
    let mut w = app.store.begin_write().await.map_err(|e| e.to_string())?;
    for (p, s, fails) in [
        (web, centre, vec![(20 * 24 * 60, 20)]),
        (core, centre, vec![]),
        (tn, tan_ninh, vec![]),
        (tb, trang_bang, vec![(9 * 24 * 60, 40)]),
        (bc, ben_cau, vec![(3 * 24 * 60, 120)]),
    ] {
        w.net_watched_since(p, month).await.map_err(|e| e.to_string())?;
        w.net_record(&history(p, s, now, &fails, 2)).await.map_err(|e| e.to_string())?;
    }
    w.commit().await.map_err(|e| e.to_string())?;
    let three_days = now - 3 * DAY;
    net::add_maintenance(
        app,
        op,
        ben_cau,
        Some(three_days - 10 * MINUTE),
        Some(three_days + 50 * MINUTE),
        "Thay bộ lưu điện",
    )
    .await
    .map_err(fail)?;
    let tomorrow_night = egov_kernel::vn::day_start_micros(app.now().date()) + DAY + 22 * 60 * MINUTE;
    net::add_maintenance(
        app,
        op,
        centre,
        Some(tomorrow_night),
        Some(tomorrow_night + 3 * 60 * MINUTE),
        "Nâng cấp tường lửa",
    )
    .await
    .map_err(fail)?;

    // links: the centre's two fibre routes well within the rule, Bến Cầu's line over it
    for (s, name, mbps, base_bps, peak) in [
        (centre, "Cáp quang tuyến 1", "1000", 150_000_000u64, 520_000_000u64),
        (centre, "Cáp quang tuyến 2", "1000", 120_000_000, 480_000_000),
        (ben_cau, "Đường truyền xã", "100", 40_000_000, 93_000_000),
    ] {
        let l = net::add_link(
            app,
            op,
            s,
            &LinkInput { name: name.into(), capacity_mbps: mbps.into(), ..Default::default() },
        )
        .await
        .map_err(fail)?;
        net::import_samples(app, op, l, &week(now, base_bps, peak))
            .await
            .map_err(fail)?
            .map_err(|l| format!("samples {l:?}"))?;
    }
    Ok([tb_secret, bc_secret].into_iter().flatten().collect())
}

/// The demo devices' heartbeats, every 30 seconds while the server runs.
pub fn keep_pushing(app: egov_app::App, secrets: Vec<String>) {
    tokio::spawn(async move {
        loop {
            for s in &secrets {
                if let Err(e) = net::push(&app, s).await {
                    tracing::warn!(error = %e, "a demo heartbeat");
                }
            }
            tokio::time::sleep(std::time::Duration::from_secs(30)).await;
        }
    });
}
