//! Property tests of the working-day arithmetic (issue 2): inverse, monotonic, and equal to a
//! naive day-by-day reference, on every region, with and without operator adjustments.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use proptest::prelude::*;
use redress_calendar::{Adjustment, Calendar, Change, Region};

fn region() -> impl Strategy<Value = Region> {
    prop::sample::select(Region::ALL.to_vec())
}

/// Dates 1970-01-01 … 2199-12-31.
fn date() -> impl Strategy<Value = NaiveDate> {
    (0i64..83_000)
        .prop_map(|n| NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default() + Duration::days(n))
}

/// The reference: is the date a weekday absent from the holiday list?
fn naive_is_working(cal: &Calendar, d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
        && !cal.holidays(d.year(), d.year()).iter().any(|h| h.date == d)
}

fn naive_add(cal: &Calendar, d: NaiveDate, n: u32) -> NaiveDate {
    let mut d = d;
    while !naive_is_working(cal, d) {
        d += Duration::days(1);
    }
    let mut left = n;
    while left > 0 {
        d += Duration::days(1);
        if naive_is_working(cal, d) {
            left -= 1;
        }
    }
    d
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn between_inverts_add_for_working_days(r in region(), d in date(), n in 0u32..5000) {
        let cal = Calendar::for_region(r);
        let d = cal.next_working_day_on_or_after(d);
        prop_assert!(cal.is_working_day(d));
        let later = cal.add_working_days(d, n);
        prop_assert!(cal.is_working_day(later));
        prop_assert_eq!(cal.working_days_between(d, later), i64::from(n));
        prop_assert_eq!(cal.working_days_between(later, d), -i64::from(n));
    }

    #[test]
    fn add_is_monotonic(r in region(), d in date(), n in 0u32..2000, m in 0u32..2000, k in 0i64..40) {
        let cal = Calendar::for_region(r);
        let (lo, hi) = (n.min(m), n.max(m));
        prop_assert!(cal.add_working_days(d, lo) <= cal.add_working_days(d, hi));
        prop_assert!(cal.add_working_days(d, n) <= cal.add_working_days(d + Duration::days(k), n));
        prop_assert!(cal.working_days_between(d, d + Duration::days(k)) >= 0);
    }

    #[test]
    fn agrees_with_naive_reference(r in region(), d in date(), n in 0u32..60, span in 0i64..90) {
        let cal = Calendar::for_region(r);
        prop_assert_eq!(cal.is_working_day(d), naive_is_working(&cal, d));
        prop_assert_eq!(cal.add_working_days(d, n), naive_add(&cal, d, n));
        let to = d + Duration::days(span);
        let naive = (1..=span).filter(|i| naive_is_working(&cal, d + Duration::days(*i))).count();
        prop_assert_eq!(cal.working_days_between(d, to), naive as i64);
    }

    #[test]
    fn adjustments_are_respected(r in region(), d in date(), n in 0u32..30) {
        let added = d + Duration::days(3);
        let adj = vec![Adjustment { region: r, date: added, change: Change::Add { name: "Closure".into() } }];
        let cal = Calendar::with_adjustments(r, &adj);
        prop_assert!(!cal.is_working_day(added));
        prop_assert_eq!(cal.add_working_days(d, n), naive_add(&cal, d, n));
        let removed: Vec<Adjustment> = cal.holidays(d.year(), d.year()).into_iter()
            .map(|h| Adjustment { region: r, date: h.date, change: Change::Remove }).collect();
        let bare = Calendar::with_adjustments(r, &removed);
        prop_assert!(bare.holidays(d.year(), d.year()).is_empty());
    }
}

#[test]
fn day_zero_rolls_forward_from_a_holiday() {
    let cal = Calendar::for_region(Region::EnglandAndWales);
    let christmas = NaiveDate::from_ymd_opt(2026, 12, 25).unwrap_or_default();
    // Friday 25 Dec, Monday 28 Dec (Boxing Day substitute) -> day 0 is Tuesday 29 Dec.
    assert_eq!(
        cal.add_working_days(christmas, 0),
        NaiveDate::from_ymd_opt(2026, 12, 29).unwrap_or_default()
    );
    assert_eq!(
        cal.add_working_days(christmas, 1),
        NaiveDate::from_ymd_opt(2026, 12, 30).unwrap_or_default()
    );
}
