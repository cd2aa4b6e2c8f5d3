use super::capacity::{self, Sample, Width};
use super::span::{length_within, union};
use super::*;

const T0: i64 = 1_764_547_200 * SECOND; // 2025-12-01 00:00 UTC

#[test]
fn a_probe_goes_down_at_the_nth_failure_in_a_row_dated_from_the_first_and_comes_back_at_once() {
    let mut t = Tracker::default();
    let steps =
        [(false, 0), (false, 60), (true, 120), (false, 180), (false, 240), (false, 300), (false, 360), (true, 420)];
    let changes: Vec<Change> = steps.iter().map(|&(ok, s)| t.observe(ok, T0 + s * SECOND, 3)).collect();
    use Change::*;
    assert_eq!(changes, [None, None, None, None, None, WentDown, None, CameBack]);
    let mut t = Tracker::default();
    t.observe(false, T0, 2);
    assert_eq!(t.observe(false, T0 + MINUTE, 2), WentDown);
    assert_eq!(t.first_failure, Some(T0), "the outage starts at the first failure");
    // down_after 0 is taken as 1
    let mut t = Tracker::default();
    assert_eq!(t.observe(false, T0, 0), WentDown);
}

#[test]
fn probes_are_spread_over_their_interval_and_slots_follow_the_offset() {
    let mut buckets = [0u32; 10];
    for id in 1..=3000 {
        let o = offset(id, 60);
        assert!((0..60 * SECOND).contains(&o));
        buckets[(o / (6 * SECOND)) as usize] += 1;
    }
    // 300 a tenth of the minute if even; none of the tenths far off
    assert!(buckets.iter().all(|&b| (240..=360).contains(&b)), "{buckets:?}");
    let o = offset(7, 60);
    let (n, at) = slot(T0 + o + 5 * SECOND, 60, o);
    assert_eq!(at, T0 + o);
    assert_eq!(planned(n + 1, 60, o), T0 + o + MINUTE);
    let (m, at) = slot(T0 + o - 1, 60, o);
    assert_eq!((m, at), (n - 1, T0 + o - MINUTE));
}

#[test]
fn uptime_counts_the_union_of_outages_and_leaves_maintenance_out() {
    let h = |x: i64| T0 + x * HOUR;
    let day = Span::new(h(0), h(24));
    // outages 02–04 and 03–05 (one union 02–05), 10:00–10:30; maintenance 04–06
    let outages = [Span::new(h(2), h(4)), Span::new(h(3), h(5)), Span::new(h(10), h(10) + 30 * MINUTE)];
    let maintenance = [Span::new(h(4), h(6))];
    assert_eq!(union(outages.to_vec()), vec![Span::new(h(2), h(5)), outages[2]]);
    let u = Uptime::of(&outages, &maintenance, h(0), h(24), day);
    // watched 24 h − 2 h maintenance; down 3 h − 1 h in maintenance + 30 min
    assert_eq!(u, Uptime { watched: 22 * HOUR, down: 2 * HOUR + 30 * MINUTE });
    let p = u.percent().unwrap();
    assert!((p - 100.0 * (22.0 - 2.5) / 22.0).abs() < 1e-9, "{p}");
    // watched from 09:00 only, the period not over at 12:00; an open outage ends now
    let u = Uptime::of(&[Span::new(h(11), h(12))], &maintenance, h(9), h(12), day);
    assert_eq!(u, Uptime { watched: 3 * HOUR, down: HOUR });
    assert_eq!(Uptime::of(&[], &[], h(30), h(31), day), Uptime::default());
    assert_eq!(Uptime::default().percent(), Option::None);
    assert_eq!(length_within(&[Span::new(h(0), h(1))], &[Span::new(h(0), h(2))], day), 0);
}

#[test]
fn an_outage_alert_is_due_once_and_the_reminder_after_its_delay() {
    let p = NetPolicy { remind_after_minutes: 30, raw_days: 7 };
    assert!(!p.remind(T0, T0 + 29 * MINUTE));
    assert!(p.remind(T0, T0 + 30 * MINUTE));
    assert!(!NetPolicy { remind_after_minutes: 0, raw_days: 7 }.remind(T0, T0 + DAY));
    assert!(NetPolicy { remind_after_minutes: 0, raw_days: 0 }.check().iter().any(|p| p.field == "raw_days"));
    for a in NetAlert::ALL {
        assert_eq!(NetAlert::parse(a.as_str()), Some(a));
    }
}

#[test]
fn raw_results_pack_into_eight_hex_digits_each_and_back() {
    let s = [packed::encode(0, 12, true), packed::encode(3599, 700_000, false), packed::encode(61, 0, false)].concat();
    assert_eq!(s.len(), 24);
    assert_eq!(packed::decode(&s), Some(vec![(0, 12, true), (3599, packed::MS_CAP, false), (61, 0, false)]));
    assert_eq!(packed::decode("0000000"), Option::None);
    assert_eq!(packed::decode("zzzzzzzz"), Option::None);
}

/// A week of samples: every value from 1 to 2016 Mbit/s once, in a shuffled order.
fn shuffled_week() -> Vec<Sample> {
    let mut v: Vec<u64> = (1..=WEEK as u64).collect();
    let mut x = 12345u64;
    for i in (1..v.len()).rev() {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        v.swap(i, (x >> 33) as usize % (i + 1));
    }
    v.iter()
        .enumerate()
        .map(|(i, &m)| Sample { at: T0 + i as i64 * capacity::SAMPLE, in_bps: m * 1_000_000, out_bps: 0 })
        .collect()
}
const WEEK: usize = capacity::WEEK_SAMPLES;

#[test]
fn the_95th_percentile_of_a_week_is_the_1916th_of_2016_samples() {
    assert_eq!(WEEK, 2016);
    let week = shuffled_week();
    // by hand: ⌈0.95 × 2016⌉ = ⌈1915.2⌉ = 1916, and the values are 1..2016 Mbit/s
    let v = capacity::judge(&week, 2_200_000_000).unwrap();
    assert_eq!(v.p95_in_bps, 1_916_000_000);
    assert_eq!(v.limit_bps, 1_980_000_000);
    assert!(v.ok && v.complete);
    // a link of 2.1 Gbit/s: 90 % is 1.89 Gbit/s, under the percentile
    assert!(!capacity::judge(&week, 2_100_000_000).unwrap().ok);
    // 100 bursts at full speed over a steady 500 Mbit/s on 1 Gbit/s pass; 101 do not
    let steady = |bursts: usize| -> Vec<Sample> {
        (0..WEEK)
            .map(|i| Sample {
                at: T0 + i as i64 * capacity::SAMPLE,
                in_bps: 500_000_000,
                out_bps: if i % 19 == 0 && i / 19 < bursts { 1_000_000_000 } else { 400_000_000 },
            })
            .collect()
    };
    let ok = capacity::judge(&steady(100), 1_000_000_000).unwrap();
    assert_eq!((ok.p95_out_bps, ok.ok), (400_000_000, true));
    let over = capacity::judge(&steady(101), 1_000_000_000).unwrap();
    assert_eq!((over.p95_out_bps, over.ok), (1_000_000_000, false));
    assert!((over.percent_of_capacity(1_000_000_000) - 100.0).abs() < 1e-9);
    assert_eq!(capacity::p95(&mut [7]), Some(7));
    assert_eq!(capacity::p95(&mut []), Option::None);
    let part = capacity::judge(&week[..100], 1).unwrap();
    assert!(!part.complete);
}

#[test]
fn counter_readings_give_rates_with_32_bit_wraps_and_64_bit_restarts() {
    let five = 300 * SECOND;
    assert_eq!(capacity::rate(1_000, 38_501_000, five, Width::Bits64), Some(1_026_666));
    // a 32-bit counter wrapped: 2^32 − 4,294,000,000 + 1,000,000 octets
    let d = (1u64 << 32) - 4_294_000_000 + 1_000_000;
    assert_eq!(capacity::rate(4_294_000_000, 1_000_000, five, Width::Bits32), Some(d * 8 / 300));
    assert_eq!(capacity::rate(5_000_000_000, 1, five, Width::Bits64), Option::None);
    assert_eq!(capacity::rate(1, 2, 0, Width::Bits64), Option::None);
}

#[test]
fn samples_import_from_csv_with_every_bad_line_named() {
    let to = |t: chrono::NaiveDateTime| t.and_utc().timestamp_micros() - 7 * HOUR;
    let ok = capacity::parse_samples("time,in_bps,out_bps\n2025-12-30 07:03,10,20\n1764547200,1,2\n", to).unwrap();
    assert_eq!(ok[0], Sample { at: T0 + 29 * 24 * HOUR, in_bps: 10, out_bps: 20 });
    assert_eq!(ok[1].at, T0);
    assert_eq!(capacity::parse_samples("a,b,c\nx,1,2\n2026-11-30 07:00,1\n1,2,3\n1,-2,3", to), Err(vec![2, 3, 5]));
}

#[test]
fn a_site_and_a_probe_are_checked_field_by_field() {
    let e = SiteInput { kind: "agency".into(), access_level: "III".into(), ..Default::default() }.check().unwrap_err();
    let fields: Vec<&str> = e.iter().map(|p| p.field).collect();
    assert_eq!(fields, ["name", "unit_code", "agency_id", "access_level"]);
    let s = SiteInput {
        name: " Xã Tân Hà ".into(),
        kind: "commune".into(),
        unit_code: "25432".into(),
        access_level: "II".into(),
        ..Default::default()
    }
    .check()
    .unwrap();
    assert_eq!((s.name.as_str(), s.agency_id, s.access_level.links()), ("Xã Tân Hà", Option::None, 1));

    let e = ProbeInput {
        kind: "http".into(),
        url: "ftp://x".into(),
        interval_s: "30".into(),
        timeout_s: "30".into(),
        ..Default::default()
    }
    .check()
    .unwrap_err();
    let fields: Vec<&str> = e.iter().map(|p| p.field).collect();
    assert_eq!(fields, ["name", "url", "timeout_s"]);
    let p = ProbeInput {
        name: "web".into(),
        kind: "tcp".into(),
        host: "10.0.0.1".into(),
        port: "443".into(),
        ..Default::default()
    }
    .check()
    .unwrap();
    assert_eq!((p.interval_s, p.timeout_s, p.down_after), (60, 10, 3));
    assert_eq!(p.target, Target::Tcp { host: "10.0.0.1".into(), port: 443 });
    assert_eq!(p.input().check().unwrap(), p, "a probe's fields give it back");
    let d = ProbeInput {
        name: "dns".into(),
        kind: "dns".into(),
        dns_name: "tayninh.gov.vn".into(),
        dns_server: "10.0.0.53".into(),
        ..Default::default()
    }
    .check()
    .unwrap();
    assert_eq!(
        d.target,
        Target::Dns { name: "tayninh.gov.vn".into(), server: "10.0.0.53:53".into(), expect: Option::None }
    );
    let e = ProbeInput {
        name: "x".into(),
        kind: "tcp".into(),
        host: "a b".into(),
        port: "70000".into(),
        ..Default::default()
    }
    .check()
    .unwrap_err();
    assert_eq!(e.iter().map(|p| p.field).collect::<Vec<_>>(), ["host", "port"]);
}
