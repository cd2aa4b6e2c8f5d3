//! The cost of the calendar's two hot operations.

use chrono::{NaiveDate, NaiveDateTime};
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use egov_calendar::{lunar, Calendar, Span, WorkingHours};

fn bench(c: &mut Criterion) {
    let cal = Calendar::new(&[], WorkingHours::default());
    // A receipt just before Tết 2026, so the 15 days cross the holiday.
    let from = NaiveDateTime::parse_from_str("2026-02-10 10:00", "%Y-%m-%d %H:%M").unwrap();
    c.bench_function("due date, 15 working days across Tết", |b| {
        b.iter(|| cal.due(black_box(from), black_box(Span::WorkingDays(15))).unwrap())
    });
    let day = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    c.bench_function("solar to lunar", |b| b.iter(|| lunar::to_lunar(black_box(day)).unwrap()));
    c.bench_function("solar to lunar, direct astronomy (no month table)", |b| {
        b.iter(|| lunar::compute_lunar(black_box(day)))
    });
    c.bench_function("lunar to solar", |b| {
        let l = lunar::to_lunar(day).unwrap();
        b.iter(|| lunar::to_solar(black_box(l)).unwrap())
    });
    c.bench_function("calendar build (1900-2100, rules)", |b| b.iter(|| Calendar::new(&[], WorkingHours::default())));
}

criterion_group!(benches, bench);
criterion_main!(benches);
