//! The prober and the figures on a real store and real local servers (an
//! HTTP server that answers, fails and answers again; a TCP port closed
//! then opened; an HTTPS server whose certificate, from a test CA, ends in
//! five days; a device that stops sending heartbeats), on a fixed clock:
//! outages, uptime and alerts against a hand count.

use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};
use egov_directory::{AdminUnit, AgencyId, UnitCode, UnitLevel};
use egov_identity::{AccountKind, Role};
use egov_kernel::Clock;
use egov_network::{NetPolicy, ProbeInput, SiteInput, SECOND};
use egov_store::Store;

use super::report::{self, Group, Period};
use super::*;
use crate::{Actor, App};

const DAY_: NaiveDate = match NaiveDate::from_ymd_opt(2026, 12, 1) {
    Some(d) => d,
    None => panic!(),
};

async fn app(clock: Clock, roots: Vec<Vec<u8>>) -> (App, std::path::PathBuf) {
    let (app, dir) = crate::testing::app_with(clock, |c| c.network_roots = roots).await;
    let mut w = app.store.begin_write().await.unwrap();
    let unit = |code: &str, name: &str, level, to: Option<NaiveDate>, by: Option<&str>| AdminUnit {
        code: UnitCode::parse(code, level).unwrap(),
        name: name.into(),
        level,
        parent_code: None,
        effective_from: NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
        effective_to: to,
        succeeded_by: by.map(|c| UnitCode::parse(c, UnitLevel::Commune).unwrap()),
    };
    w.upsert_unit(&unit("72", "Tây Ninh", UnitLevel::Province, None, None)).await.unwrap();
    w.upsert_unit(&unit("25432", "Xã Tân Hà", UnitLevel::Commune, None, None)).await.unwrap();
    // merged into Tân Hà on 1 July 2025 (its last day the 30th of June)
    w.upsert_unit(&unit(
        "25435",
        "Xã Tân Đông",
        UnitLevel::Commune,
        NaiveDate::from_ymd_opt(2025, 6, 30),
        Some("25432"),
    ))
    .await
    .unwrap();
    w.create_user(&egov_store::NewUser {
        username: "qt.mang".into(),
        kind: AccountKind::Official,
        full_name: "Quản trị mạng".into(),
        citizen_id: None,
        email: None,
        phone: None,
        agency_id: None,
        password_hash: String::new(),
        roles: vec![Role::SystemAdmin],
    })
    .await
    .unwrap();
    w.commit().await.unwrap();
    (app, dir)
}

/// An HTTP(S) server answering every request with the status it is set to
/// and the body "egov ok".
struct Web {
    addr: std::net::SocketAddr,
    status: Arc<AtomicU16>,
}

async fn web(tls: Option<tokio_rustls::TlsAcceptor>) -> Web {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let status = Arc::new(AtomicU16::new(200));
    let s = status.clone();
    tokio::spawn(async move {
        loop {
            let Ok((sock, _)) = listener.accept().await else { return };
            let (s, tls) = (s.clone(), tls.clone());
            tokio::spawn(async move {
                match tls {
                    Some(t) => {
                        if let Ok(stream) = t.accept(sock).await {
                            answer(stream, s.load(Ordering::SeqCst)).await
                        }
                    }
                    None => answer(sock, s.load(Ordering::SeqCst)).await,
                }
            });
        }
    });
    Web { addr, status }
}

async fn answer<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>(mut s: S, status: u16) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut req = Vec::new();
    let mut buf = [0u8; 1024];
    while !req.windows(4).any(|w| w == b"\r\n\r\n") {
        match s.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => req.extend_from_slice(&buf[..n]),
        }
    }
    let body = "egov ok";
    let head = format!("HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len());
    let _ = s.write_all(head.as_bytes()).await;
    let _ = s.shutdown().await;
}

/// A test CA and a server certificate for 127.0.0.1 ending at `not_after`:
/// (the CA's PEM, the acceptor).
fn tls(not_after: NaiveDateTime) -> (Vec<u8>, tokio_rustls::TlsAcceptor) {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair, SanType};
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_key = KeyPair::generate().unwrap();
    let ca_pem = ca.self_signed(&ca_key).unwrap().pem();
    let issuer = Issuer::new(ca, ca_key);
    let mut leaf = CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    leaf.subject_alt_names.push(SanType::IpAddress(std::net::Ipv4Addr::LOCALHOST.into()));
    let secs = not_after.and_utc().timestamp();
    leaf.not_after = rcgen::date_time_ymd(2000, 1, 1) + std::time::Duration::from_secs((secs - 946_684_800) as u64);
    let key = KeyPair::generate().unwrap();
    let cert = leaf.signed_by(&key, &issuer).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert.der().clone()], rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()))
        .unwrap();
    (ca_pem.into_bytes(), tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}

fn site_input(name: &str, unit: &str, agency: &str) -> SiteInput {
    SiteInput {
        name: name.into(),
        kind: if agency.is_empty() { "commune" } else { "agency" }.into(),
        unit_code: unit.into(),
        agency_id: agency.into(),
        access_level: "II".into(),
        public: true,
        ..Default::default()
    }
}

fn probe_input(name: &str, kind: &str) -> ProbeInput {
    ProbeInput {
        name: name.into(),
        kind: kind.into(),
        interval_s: "60".into(),
        timeout_s: "3".into(),
        down_after: "2".into(),
        ..Default::default()
    }
}

async fn inbox_kinds(app: &App) -> Vec<String> {
    let mut k = Vec::new();
    for kind in ["network_down", "network_still_down", "network_up"] {
        let n = app.store.count_where("inbox", &format!("kind = '{kind}'")).await.unwrap();
        k.extend((0..n).map(|_| kind.to_string()));
    }
    k
}

#[tokio::test]
async fn outages_uptime_and_alerts_equal_a_hand_count_on_a_fixed_clock() {
    // today at 08:00 in Vietnam: the certificate below is checked by real time
    let today = egov_kernel::vn::from_utc(chrono::Utc::now()).date();
    let t0 = today.and_hms_opt(8, 0, 0).unwrap();
    let clock = Clock::fixed(t0);
    let (ca, acceptor) = tls(t0 - chrono::Duration::hours(7) + chrono::Duration::days(5));
    let (app, dir) = app(clock.clone(), vec![ca]).await;
    let op = Actor::Operator;
    let plain = web(None).await;
    let secure = web(Some(acceptor)).await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let tcp_port = closed.local_addr().unwrap().port();
    let mut tcp_listener = Some(closed);

    let a = save_site(&app, op, None, &site_input("Xã Tân Hà", "25432", "")).await.unwrap();
    let b = save_site(&app, op, None, &site_input("Sở H72.11", "72", "H72.11")).await.unwrap();
    let c = save_site(&app, op, None, &site_input("Xã Tân Đông (cũ)", "25435", "")).await.unwrap();
    let http =
        ProbeInput {
            url: format!("http://{}/", plain.addr), keyword: "egov ok".into(), ..probe_input("Cổng", "http")
        };
    let (p_http, _) = save_probe(&app, op, a, None, &http).await.unwrap();
    let tcp =
        ProbeInput {
            host: "127.0.0.1".into(), port: tcp_port.to_string(), ..probe_input("Bộ định tuyến", "tcp")
        };
    let (p_tcp, _) = save_probe(&app, op, a, None, &tcp).await.unwrap();
    let https =
        ProbeInput { url: format!("https://127.0.0.1:{}/", secure.addr.port()), ..probe_input("Trang", "http") };
    let (p_https, _) = save_probe(&app, op, b, None, &https).await.unwrap();
    let (p_push, secret) = save_probe(&app, op, c, None, &probe_input("Đài", "push")).await.unwrap();
    let secret = secret.expect("a push probe's secret");
    // reminders after 2 minutes; maintenance of Tân Hà from 08:06:40 to 08:08:00
    set_policy(&app, op, &NetPolicy { remind_after_minutes: 2, raw_days: 7 }).await.unwrap();
    let us = |s: i64| egov_kernel::vn::to_micros(t0) + s * SECOND;
    add_maintenance(&app, op, a, Some(us(400)), Some(us(480)), "thay thiết bị").await.unwrap();

    // step 0 at t0 takes the leases; step k at t0 + k minutes runs each probe once
    assert_eq!(app.prober.step(&app).await, 0);
    let push_offset = egov_network::offset(p_push, 60);
    for k in 1..=10i64 {
        // the web server fails at steps 3–5; the TCP port is open except at steps 7–8
        plain.status.store(if (3..=5).contains(&k) { 500 } else { 200 }, Ordering::SeqCst);
        if (7..=8).contains(&k) {
            tcp_listener = None;
        } else if tcp_listener.is_none() {
            tcp_listener = Some(std::net::TcpListener::bind(("127.0.0.1", tcp_port)).unwrap());
        }
        // the device beats ten seconds before its checks of steps 1–3, then falls silent
        let planned = egov_network::planned(egov_network::slot(us(60 * k), 60, push_offset).0, 60, push_offset);
        if k <= 3 {
            clock.set(egov_kernel::vn::from_micros(planned - 10 * SECOND).unwrap());
            assert!(push(&app, &secret).await.unwrap());
        }
        clock.set(t0 + chrono::Duration::minutes(k));
        assert_eq!(app.prober.step(&app).await, 4, "step {k}: each probe once");
        remind(&app).await.unwrap();
    }
    assert!(!push(&app, "not-a-secret").await.unwrap());

    // by hand: the web page failed at 3, 4, 5 (down from the 2nd failure, dated from the first)
    // and came back at 6; the port failed at 7, 8 and came back at 9; the device's last
    // heartbeat served step 3, so it failed at 4, 5, … (down from 4)
    let day = Period::Day(today).span();
    let outs = report::outages(&app, op, None, day).await.unwrap();
    let mut got: Vec<(i64, i64, Option<i64>)> = outs.iter().map(|o| (o.id, o.started_at, o.ended_at)).collect();
    got.sort();
    assert_eq!(got, vec![(1, us(180), Some(us(360))), (2, us(240), None), (3, us(420), Some(us(540)))], "{outs:#?}");
    let by_probe: Vec<i64> = {
        let mut v: Vec<(i64, i64)> = outs.iter().map(|o| (o.id, o.started_at)).collect();
        v.sort();
        v.into_iter().map(|(id, _)| outs.iter().find(|o| o.id == id).map_or(0, |o| o.site_id)).collect()
    };
    assert_eq!(by_probe, vec![a, c, a]);
    assert!(outs.iter().any(|o| o.cause.contains("500")), "{outs:#?}");
    // the port's outage 08:07–08:09 lies 60 s in the maintenance window
    let port = outs.iter().find(|o| o.started_at == us(420)).unwrap();
    assert_eq!((port.duration_s, port.counted_s), (120, 60));

    // uptime of Tân Hà today: watched 600 s − 80 s of maintenance = 520 s; down
    // 180 s + 120 s − 60 s in maintenance = 240 s
    let sites = report::uptime(&app, op, Period::Day(today), Group::Site).await.unwrap();
    let ta = sites.iter().find(|l| l.key == a.to_string()).unwrap();
    assert_eq!((ta.watched_s, ta.down_s, ta.outages), (520, 240, 2), "{ta:?}");
    assert!((ta.percent.unwrap() - 100.0 * 280.0 / 520.0).abs() < 1e-9);
    // the device's site: down from 08:04 to now (08:10): 360 s of 600
    let tc = sites.iter().find(|l| l.key == c.to_string()).unwrap();
    assert_eq!((tc.watched_s, tc.down_s), (600, 360));
    // by probe: the web page's 180 s, the port's 120 − 60
    let probes = report::uptime(&app, op, Period::Day(today), Group::Probe).await.unwrap();
    let down = |id: i64| probes.iter().find(|l| l.key == id.to_string()).unwrap().down_s;
    assert_eq!((down(p_http), down(p_tcp), down(p_https), down(p_push)), (180, 60, 0, 360));
    // by commune: Tân Đông merged into Tân Hà, so both sites count there
    let communes = report::uptime(&app, op, Period::Day(today), Group::Commune).await.unwrap();
    assert_eq!(communes.len(), 1, "{communes:?}");
    assert_eq!((communes[0].key.as_str(), communes[0].watched_s, communes[0].down_s), ("25432", 1120, 600));
    // the province: the three sites
    let province =
        report::uptime(&app, op, Period::Year(chrono::Datelike::year(&today)), Group::Province).await.unwrap();
    assert_eq!((province[0].watched_s, province[0].down_s), (1720, 600));
    // an agency's administrator sees their agency's site only
    let agency_admin = egov_identity::Principal {
        user_id: egov_identity::UserId::new(99),
        username: "qt.h7211".into(),
        full_name: "QT".into(),
        kind: AccountKind::Official,
        agency_id: Some(AgencyId::parse("H72.11").unwrap()),
        roles: vec![Role::AgencyAdmin],
        signed_by: None,
    };
    let mine = report::uptime(&app, Actor::User(&agency_admin), Period::Day(today), Group::Site).await.unwrap();
    assert_eq!(mine.iter().map(|l| l.key.clone()).collect::<Vec<_>>(), vec![b.to_string()]);
    assert!(matches!(site(&app, Actor::User(&agency_admin), a).await, Err(AppError::NotFound)));

    // alerts, one system administrator: Tân Hà down at 08:04 (dated 08:03), a reminder
    // at 08:05 (two minutes down), up at 08:06; its second outage began in maintenance:
    // neither told nor its end. The device's site: down at 08:05 (dated 08:04), the
    // reminder at 08:06.
    let mut kinds = inbox_kinds(&app).await;
    kinds.sort();
    assert_eq!(kinds, ["network_down", "network_down", "network_still_down", "network_still_down", "network_up"]);

    // the certificate: five days left, a warning on a passing check
    let p = app.store.net_probe(p_https).await.unwrap().unwrap();
    assert_eq!(p.state.last_ok, Some(true));
    assert_eq!(p.state.last_note, "certificate expires in 5 days");
    let end = p.state.cert_expires_at.unwrap();
    assert_eq!(end, egov_kernel::vn::to_micros(t0 + chrono::Duration::days(5)));

    // results kept compactly: one row a probe and hour, four bytes a result
    let hours = app.store.net_hours(p_http, us(-3600), us(3600)).await.unwrap();
    assert_eq!(hours.iter().map(|h| h.checks).sum::<i64>(), 10);
    assert_eq!(hours.iter().map(|h| h.fails).sum::<i64>(), 3);
    let raw: Vec<(u32, u32, bool)> = hours.iter().flat_map(|h| egov_network::packed::decode(&h.raw).unwrap()).collect();
    assert_eq!(raw.iter().filter(|r| !r.2).count(), 3);
    // after the raw period only the sums remain
    clock.set(t0 + chrono::Duration::days(8));
    assert!(compact(&app).await.unwrap() >= 4);
    let hours = app.store.net_hours(p_http, us(-3600), us(3600)).await.unwrap();
    assert!(hours.iter().all(|h| h.raw.is_empty()) && hours.iter().map(|h| h.checks).sum::<i64>() == 10);
    drop(tcp_listener);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn the_prober_keeps_results_while_the_database_is_away_and_an_instance_taking_over_skips_the_slot_done() {
    let t0 = DAY_.and_hms_opt(9, 0, 0).unwrap();
    let clock = Clock::fixed(t0);
    let (app, dir) = app(clock.clone(), Vec::new()).await;
    let op = Actor::Operator;
    let s = save_site(&app, op, None, &site_input("Xã Tân Hà", "25432", "")).await.unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let (id, _) =
        save_probe(&app, op, s, None, &ProbeInput { host: "127.0.0.1".into(), port, ..probe_input("tcp", "tcp") })
            .await
            .unwrap();
    let checks = || async { app.store.net_hours(id, 0, i64::MAX).await.unwrap().iter().map(|h| h.checks).sum::<i64>() };
    let minute = |k: i64| t0 + chrono::Duration::minutes(k);
    assert_eq!(app.prober.step(&app).await, 0);
    clock.set(minute(1));
    assert_eq!(app.prober.step(&app).await, 1);
    // the database goes away (its pool closed): the check still runs, its result waits
    let mut away = app.clone();
    away.store =
        Store::connect(&format!("sqlite://{}", dir.join("away.db").display())).await.unwrap().with_clock(clock.clone());
    away.store.close().await;
    clock.set(minute(2));
    assert_eq!(app.prober.step(&away).await, 1);
    assert_eq!(app.prober.status(&app.instance).buffered, 1);
    assert_eq!(checks().await, 1);
    // back: the kept result and the new one are written
    clock.set(minute(3));
    assert_eq!(app.prober.step(&app).await, 1);
    assert_eq!((app.prober.status(&app.instance).buffered, checks().await), (0, 3));

    // another instance: the lease is taken while it is renewed
    let other = prober::Prober::new(check::Checker::new(&[]).unwrap());
    let mut b = app.clone();
    b.instance = "other".into();
    assert_eq!(other.step(&b).await, 0);
    assert_eq!(other.status("other").held, 0);
    // the first instance stops renewing; past its lease the other takes the probe
    // over at 09:03:35 and runs it from the next slot on, not again in this one
    clock.set(minute(3) + chrono::Duration::seconds(35));
    assert_eq!(other.step(&b).await, 0);
    assert_eq!(other.status("other").held, 1);
    assert_eq!(app.prober.step(&app).await, 0, "no longer the first instance's");
    assert_eq!(app.prober.status(&app.instance).held, 0);
    clock.set(minute(4));
    assert_eq!(other.step(&b).await + app.prober.step(&app).await, 1);
    assert_eq!(checks().await, 4, "each interval probed once");
    drop(listener);
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn an_icmp_probe_of_the_loopback_answers_or_says_why_it_cannot_be_sent() {
    let (app, dir) = app(Clock::fixed(DAY_.and_hms_opt(9, 0, 0).unwrap()), Vec::new()).await;
    let checked = app
        .prober
        .checker
        .check(
            &egov_network::Target::Icmp { host: "127.0.0.1".into() },
            std::time::Duration::from_secs(2),
            0,
            (None, 0),
        )
        .await;
    match app.prober.checker.icmp {
        check::IcmpPermission::Denied => {
            assert!(!checked.outcome.ok && checked.outcome.note.contains("CAP_NET_RAW"), "{checked:?}")
        }
        _ => assert!(checked.outcome.ok, "{checked:?}"),
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn a_link_s_week_is_judged_by_the_95th_percentile_and_counters_come_from_snmpd() {
    let t0 = DAY_.and_hms_opt(9, 0, 0).unwrap();
    let clock = Clock::fixed(t0);
    let (app, dir) = app(clock.clone(), Vec::new()).await;
    let op = Actor::Operator;
    let s = save_site(&app, op, None, &site_input("Xã Tân Hà", "25432", "")).await.unwrap();
    // a 100 Mbit/s link: a week of samples, 2016 values 1..=2016 × 40 kbit/s (shuffled by a
    // step prime to 2016); by hand the 1916th is 76.64 Mbit/s, under 90 Mbit/s
    let l = add_link(
        &app,
        op,
        s,
        &LinkInput { name: "Cáp quang 1".into(), capacity_mbps: "100".into(), ..Default::default() },
    )
    .await
    .unwrap();
    let start = egov_kernel::vn::to_micros(t0) - 7 * egov_network::DAY;
    let mut csv = String::from("time,in_bps,out_bps\n");
    for i in 0..2016i64 {
        let v = ((i * 601) % 2016 + 1) * 40_000;
        csv.push_str(&format!("{},{v},{}\n", (start + i * 300 * SECOND) / SECOND, v / 2));
    }
    assert_eq!(import_samples(&app, op, l, &csv).await.unwrap(), Ok(2016));
    assert_eq!(import_samples(&app, op, l, "x\n1,2\n").await.unwrap(), Err(vec![2]));
    let (_, verdict, samples) = capacity(&app, op, l, egov_kernel::vn::to_micros(t0)).await.unwrap();
    let v = verdict.unwrap();
    assert_eq!(samples.len(), 2016);
    assert_eq!(
        (v.p95_in_bps, v.p95_out_bps, v.limit_bps, v.ok, v.complete),
        (76_640_000, 38_320_000, 90_000_000, true, true)
    );

    // counters read from a real agent: two readings make a sample
    let snmpd = egov_snmp::testing::TestSnmpd::start().await;
    let mut lo = 0;
    for i in 1..=16 {
        if snmpd
            .agent()
            .get(&[&egov_snmp::oid::if_descr(i)])
            .await
            .is_ok_and(|v| v[0] == egov_snmp::Value::Text(b"lo".to_vec()))
        {
            lo = i;
            break;
        }
    }
    assert!(lo > 0, "the loopback interface");
    let input = LinkInput {
        name: "lo".into(),
        capacity_mbps: "1000".into(),
        snmp_address: snmpd.address.to_string(),
        snmp_community: egov_snmp::testing::COMMUNITY.into(),
        if_index: lo.to_string(),
    };
    let snmp_link = add_link(&app, op, s, &input).await.unwrap();
    assert_eq!(poll_links(&app).await.unwrap(), 1);
    assert!(app.store.net_link(snmp_link).await.unwrap().unwrap().reading.is_some());
    clock.set(t0 + chrono::Duration::minutes(5));
    assert_eq!(poll_links(&app).await.unwrap(), 1);
    let got = app.store.net_samples(snmp_link, 0, i64::MAX).await.unwrap();
    assert_eq!(got.len(), 1, "one sample from two readings");
    assert_eq!(got[0].at, egov_network::capacity::slot(egov_kernel::vn::to_micros(t0 + chrono::Duration::minutes(5))));
    let _ = std::fs::remove_dir_all(dir);
}
