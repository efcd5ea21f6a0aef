//! Throughput of `add_working_days` on England & Wales, on the same inputs that
//! `scripts/bench_busday_numpy.py` gives numpy's `busday_offset` (see BENCHMARKS.md).

use std::hint::black_box;

use chrono::{Duration, NaiveDate};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use redress_calendar::{Calendar, Region};

/// The shared input generator: a 64-bit LCG (Knuth's MMIX constants), seed 42. Dates are
/// 2000-01-01 plus 0..36,500 days, counts 0..1,000 working days. The Python script uses the
/// same generator, so both sides see identical inputs.
pub fn inputs(count: usize) -> Vec<(NaiveDate, u32)> {
    let mut x: u64 = 42;
    let mut next = || {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        x >> 33
    };
    let base = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
    (0..count)
        .map(|_| {
            let d = base + Duration::days((next() % 36_500) as i64);
            (d, (next() % 1_000) as u32)
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let cal = Calendar::for_region(Region::EnglandAndWales);
    let inputs = inputs(100_000);
    let mut group = c.benchmark_group("add_working_days");
    group.throughput(Throughput::Elements(inputs.len() as u64));
    group.bench_function("england-and-wales/100k", |b| {
        b.iter(|| {
            for &(d, n) in &inputs {
                black_box(cal.add_working_days(black_box(d), black_box(n)));
            }
        })
    });
    group.finish();
    c.bench_function("calendar_build/all-regions", |b| {
        b.iter(|| black_box(redress_calendar::Calendars::standard()))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
