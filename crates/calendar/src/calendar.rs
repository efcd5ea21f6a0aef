//! Working-day arithmetic for one region in O(log h) per call, h being the number of known
//! holidays (about 2,000 over 1970–2200), with no loop over days however large the span.
//!
//! Every date maps to two counts from a fixed Monday epoch: `W(d)`, weekdays up to and
//! including `d` (a closed formula), and `H(d)`, holidays up to `d` (a binary search). The
//! working-day count `C(d) = W(d) − H(d)` turns `working_days_between` into a subtraction.
//! Its inverse, "the working day whose count is T", is one more binary search: holiday `j`
//! (0-based, sorted) lies before that day exactly when `W(h_j) − j ≤ T`, a key that never
//! decreases in `j`; with `k` such holidays the answer is the weekday with `W = T + k`.

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
    /// Day numbers (days from the epoch) of `holidays`, for fast search.
    days: Vec<i64>,
    /// `W(h_j) − j` for each holiday, the key for inverting the working-day count.
    keys: Vec<i64>,
}

fn day_number(d: NaiveDate) -> i64 {
    i64::from(d.num_days_from_ce()) - EPOCH
}

fn from_day_number(n: i64) -> NaiveDate {
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
        let keys = days
            .iter()
            .enumerate()
            .map(|(j, &d)| weekday_count(d) - j as i64)
            .collect();
        Calendar {
            region,
            holidays,
            days,
            keys,
        }
    }

    pub fn region(&self) -> Region {
        self.region
    }

    /// Holidays on or before day `n`.
    fn holidays_up_to(&self, n: i64) -> i64 {
        self.days.partition_point(|&d| d <= n) as i64
    }

    /// Working days in `[epoch, n]`.
    fn working_count(&self, n: i64) -> i64 {
        weekday_count(n) - self.holidays_up_to(n)
    }

    /// The working day whose `working_count` is `t`.
    fn working_day_with_count(&self, t: i64) -> i64 {
        let k = self.keys.partition_point(|&key| key <= t) as i64;
        weekday_with_count(t + k)
    }

    /// Monday to Friday and not a bank holiday or closure day of this region.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        !is_weekend(date) && self.days.binary_search(&day_number(date)).is_err()
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
