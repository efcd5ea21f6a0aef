//! Working-day arithmetic for one region in O(1) per call: two array lookups and a closed
//! formula, however large the span.
//!
//! Every date maps to two counts from a fixed Monday epoch: `W(d)`, weekdays up to and
//! including `d` (a closed formula), and `H(d)`, holidays up to `d` (a precomputed table,
//! [`Counts`]). The working-day count `C(d) = W(d) − H(d)` turns `working_days_between` into
//! a subtraction. Its inverse, "the working day whose count is T", needs `K(T)`, the number
//! of holidays before that day: holiday `j` (0-based, sorted) lies before it exactly when
//! `W(h_j) − j ≤ T`, a key that never decreases in `j`, so `K` is a step function of `T`,
//! tabulated the same way; the answer is the weekday with `W = T + K(T)`.
//!
//! The tables cover the span of the known holidays (1970–2200 plus any operator adjustment),
//! about 84,000 days: under a megabyte per region, built in well under a millisecond.
//! Outside that span the counts are constant, so every date stays valid.

use chrono::{Datelike, NaiveDate, Weekday};

use crate::adjustments::{Adjustment, Change};
use crate::rules::observed_holidays;
use crate::{Holiday, Region};

/// First year whose holidays are computed.
pub const FIRST_YEAR: i32 = 1970;
/// Last year whose holidays are computed. Outside 1970–2200 only weekends are non-working.
pub const LAST_YEAR: i32 = 2200;

/// Day number of Monday 29 December 1969, the epoch of the weekday count.
const EPOCH: i64 = 719_160;

/// The working-day calendar of one region: the statutory rules, the one-offs, and any
/// operator adjustments, precomputed once. Immutable and cheap to share.
#[derive(Debug, Clone)]
pub struct Calendar {
    region: Region,
    /// Observed non-working weekdays, sorted by date, no duplicates.
    holidays: Vec<Holiday>,
    /// `H(n)`: holidays on or before day `n`.
    holidays_up_to: Counts,
    /// `K(t)`: holidays before the working day whose count is `t`.
    holidays_before_count: Counts,
}

/// The dates of the day numbers `[0, DATES)` (1969-12-29 onwards, about 250 years), so the
/// hot path turns a day number back into a date by lookup rather than calendar arithmetic.
const DATES: i64 = 92_000;

fn dates() -> &'static [NaiveDate] {
    static DATES_TABLE: std::sync::OnceLock<Vec<NaiveDate>> = std::sync::OnceLock::new();
    DATES_TABLE.get_or_init(|| (0..DATES).map(slow_from_day_number).collect())
}

/// A non-decreasing step function of an integer, tabulated over the span where it steps:
/// `0` before `start`, `table[x − start]` inside, `table.last()` after.
#[derive(Debug, Clone, Default)]
struct Counts {
    start: i64,
    table: Vec<u32>,
    /// The value after the span.
    total: i64,
}

impl Counts {
    /// The step function that counts the sorted `points` on or before `x`.
    fn of_sorted(points: &[i64]) -> Counts {
        let (Some(&first), Some(&last)) = (points.first(), points.last()) else {
            return Counts::default();
        };
        let mut table = Vec::with_capacity((last - first + 1) as usize);
        let mut seen = 0u32;
        let mut next = points.iter().peekable();
        for x in first..=last {
            while next.next_if(|&&p| p <= x).is_some() {
                seen += 1;
            }
            table.push(seen);
        }
        Counts {
            start: first,
            total: i64::from(seen),
            table,
        }
    }

    #[inline]
    fn at(&self, x: i64) -> i64 {
        let Ok(i) = usize::try_from(x.saturating_sub(self.start)) else {
            return 0;
        };
        self.table.get(i).map_or(self.total, |&v| i64::from(v))
    }
}

fn day_number(d: NaiveDate) -> i64 {
    i64::from(d.num_days_from_ce()) - EPOCH
}

fn from_day_number(n: i64) -> NaiveDate {
    usize::try_from(n)
        .ok()
        .and_then(|i| dates().get(i).copied())
        .unwrap_or_else(|| slow_from_day_number(n))
}

fn slow_from_day_number(n: i64) -> NaiveDate {
    i32::try_from(n + EPOCH)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
        .unwrap_or(if n < 0 {
            NaiveDate::MIN
        } else {
            NaiveDate::MAX
        })
}

/// Weekdays in `[epoch, n]` (negative before the epoch); strictly increasing across weekdays.
fn weekday_count(n: i64) -> i64 {
    5 * n.div_euclid(7) + (n.rem_euclid(7) + 1).min(5)
}

/// The weekday whose `weekday_count` is `c`.
fn weekday_with_count(c: i64) -> i64 {
    7 * (c - 1).div_euclid(5) + (c - 1).rem_euclid(5)
}

impl Calendar {
    /// The statutory calendar of `region`, with no operator adjustments.
    pub fn for_region(region: Region) -> Calendar {
        Calendar::with_adjustments(region, &[])
    }

    /// The calendar of `region` with operator adjustments applied on top of the rules:
    /// additions become non-working days, removals working days again. Adjustments for
    /// other regions are ignored, so one list can serve all three.
    pub fn with_adjustments(region: Region, adjustments: &[Adjustment]) -> Calendar {
        let mut holidays: Vec<Holiday> = (FIRST_YEAR..=LAST_YEAR)
            .flat_map(|year| observed_holidays(region, year))
            .collect();
        for adj in adjustments.iter().filter(|a| a.region == region) {
            match &adj.change {
                Change::Add { name } => {
                    holidays.retain(|h| h.date != adj.date);
                    if !is_weekend(adj.date) {
                        holidays.push(Holiday::new(adj.date, name.clone()));
                    }
                }
                Change::Remove => holidays.retain(|h| h.date != adj.date),
            }
        }
        holidays.sort();
        holidays.dedup_by_key(|h| h.date);
        let days: Vec<i64> = holidays.iter().map(|h| day_number(h.date)).collect();
        let keys: Vec<i64> = days
            .iter()
            .enumerate()
            .map(|(j, &d)| weekday_count(d) - j as i64)
            .collect();
        Calendar {
            region,
            holidays,
            holidays_up_to: Counts::of_sorted(&days),
            holidays_before_count: Counts::of_sorted(&keys),
        }
    }

    pub fn region(&self) -> Region {
        self.region
    }

    /// Working days in `[epoch, n]`.
    fn working_count(&self, n: i64) -> i64 {
        weekday_count(n) - self.holidays_up_to.at(n)
    }

    /// The working day whose `working_count` is `t`.
    fn working_day_with_count(&self, t: i64) -> i64 {
        weekday_with_count(t + self.holidays_before_count.at(t))
    }

    /// Monday to Friday and not a bank holiday or closure day of this region.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        let n = day_number(date);
        !is_weekend(date) && self.holidays_up_to.at(n) == self.holidays_up_to.at(n - 1)
    }

    /// `date` itself when it is a working day, otherwise the next working day.
    pub fn next_working_day_on_or_after(&self, date: NaiveDate) -> NaiveDate {
        self.add_working_days(date, 0)
    }

    /// The `days`th working day after `date`. A `date` that is not a working day first rolls
    /// forward to the next working day, which is day 0 (SPEC D2: the day of receipt is day 0).
    pub fn add_working_days(&self, date: NaiveDate, days: u32) -> NaiveDate {
        let n = day_number(date);
        let day0 = self.working_count(n - 1) + 1;
        from_day_number(self.working_day_with_count(day0 + i64::from(days)))
    }

    /// Working days in `(from, to]`: how many working days `to` is after `from`, negative
    /// when `to` is earlier. For a working day `d`,
    /// `working_days_between(d, add_working_days(d, n)) == n`.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        self.working_count(day_number(to)) - self.working_count(day_number(from))
    }

    /// Every non-working weekday of the years `from_year..=to_year` with its name, in date
    /// order: holidays as observed (substitute days included) and operator closure days.
    pub fn holidays(&self, from_year: i32, to_year: i32) -> Vec<Holiday> {
        self.holidays
            .iter()
            .filter(|h| (from_year..=to_year).contains(&h.date.year()))
            .cloned()
            .collect()
    }
}

pub(crate) fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The calendars of all three regions, built once and shared by everything that computes a
/// deadline.
#[derive(Debug, Clone)]
pub struct Calendars {
    regions: [Calendar; 3],
}

impl Calendars {
    /// The statutory calendars, no operator adjustments.
    pub fn standard() -> Calendars {
        Calendars::with_adjustments(&[])
    }

    /// All three calendars with the given adjustments (each applies to its own region).
    pub fn with_adjustments(adjustments: &[Adjustment]) -> Calendars {
        Calendars {
            regions: Region::ALL.map(|r| Calendar::with_adjustments(r, adjustments)),
        }
    }

    pub fn get(&self, region: Region) -> &Calendar {
        &self.regions[region.index()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_is_a_monday() {
        assert_eq!(from_day_number(0).weekday(), Weekday::Mon);
        assert_eq!(
            from_day_number(0),
            NaiveDate::from_ymd_opt(1969, 12, 29).unwrap_or_default()
        );
    }

    #[test]
    fn weekday_count_inverts() {
        for c in -50..50 {
            let n = weekday_with_count(c);
            assert_eq!(weekday_count(n), c);
            assert!(n.rem_euclid(7) < 5);
        }
    }

    #[test]
    fn extremes_do_not_panic() {
        let cal = Calendar::for_region(Region::Scotland);
        let _ = cal.add_working_days(NaiveDate::MAX, u32::MAX);
        let _ = cal.add_working_days(NaiveDate::MIN, u32::MAX);
        let _ = cal.working_days_between(NaiveDate::MIN, NaiveDate::MAX);
        let _ = cal.is_working_day(NaiveDate::MAX);
    }
}
