//! Instants and the Europe/London wall clock: the day an instant falls on, when a day ends,
//! and SPEC D1's "hours counted over working days only".

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike, Utc};
use chrono_tz::Europe::London;

use crate::Calendar;

const DAY_SECONDS: u64 = 86_400;

/// The Europe/London calendar date of an instant.
pub fn local_date(instant: DateTime<Utc>) -> NaiveDate {
    instant.with_timezone(&London).date_naive()
}

/// The instant a Europe/London wall-clock time happens. UK clocks change at 01:00 UTC on a
/// Sunday, so a time in the spring gap is read as one hour later and an ambiguous autumn
/// time as its first occurrence.
pub fn london_to_utc(local: NaiveDateTime) -> DateTime<Utc> {
    London
        .from_local_datetime(&local)
        .earliest()
        .or_else(|| {
            London
                .from_local_datetime(&(local + Duration::hours(1)))
                .earliest()
        })
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(|| local.and_utc())
}

/// The instant `date` ends in Europe/London: the following local midnight. Deadlines "by the
/// end of a day" are due at this instant; they are breached only by what happens after it.
pub fn end_of_day(date: NaiveDate) -> DateTime<Utc> {
    let next = date.succ_opt().unwrap_or(date);
    london_to_utc(next.and_time(NaiveTime::MIN))
}

impl Calendar {
    /// `start` plus `hours`, counting only the hours of working days in Europe/London
    /// (SPEC D1): a weekend or holiday does not consume hours. Received Friday 15:00, 48
    /// hours are due Tuesday 15:00; received Saturday 10:00, they are due at the end of
    /// Tuesday. Working days are always 24 hours long because UK clock changes fall on
    /// Sundays.
    pub fn add_working_hours(&self, start: DateTime<Utc>, hours: u32) -> DateTime<Utc> {
        let local = start.with_timezone(&London).naive_local();
        let (day, elapsed) = if self.is_working_day(local.date()) {
            (
                local.date(),
                u64::from(local.time().num_seconds_from_midnight()),
            )
        } else {
            (self.next_working_day_on_or_after(local.date()), 0)
        };
        let wanted = u64::from(hours) * 3600;
        let left_today = DAY_SECONDS - elapsed;
        let (day, offset) = if wanted <= left_today {
            (day, elapsed + wanted)
        } else {
            let beyond = wanted - left_today;
            let whole = (beyond - 1) / DAY_SECONDS + 1;
            let days = u32::try_from(whole).unwrap_or(u32::MAX);
            (
                self.add_working_days(day, days),
                beyond - (whole - 1) * DAY_SECONDS,
            )
        };
        let at = day.and_time(NaiveTime::MIN) + Duration::seconds(offset as i64);
        london_to_utc(at)
    }

    /// The end (Europe/London midnight) of the `days`th working day after the local date of
    /// `start`. The day of `start` is day 0, or the next working day when it is not one
    /// (SPEC D2's response target).
    pub fn end_of_working_day_after(&self, start: DateTime<Utc>, days: u32) -> DateTime<Utc> {
        end_of_day(self.add_working_days(local_date(start), days))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Region;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap_or_default()
    }

    #[test]
    fn d1_friday_afternoon_is_due_tuesday_same_time() {
        let cal = Calendar::for_region(Region::EnglandAndWales);
        // Friday 7 March 2025 15:00 GMT -> Tuesday 11 March 15:00 GMT.
        assert_eq!(
            cal.add_working_hours(utc("2025-03-07T15:00:00Z"), 48),
            utc("2025-03-11T15:00:00Z")
        );
    }

    #[test]
    fn d1_saturday_is_due_end_of_tuesday() {
        let cal = Calendar::for_region(Region::EnglandAndWales);
        // Saturday 8 March 2025 10:00 -> end of Tuesday 11 March (midnight GMT).
        assert_eq!(
            cal.add_working_hours(utc("2025-03-08T10:00:00Z"), 48),
            utc("2025-03-12T00:00:00Z")
        );
    }

    #[test]
    fn d1_across_the_spring_clock_change_keeps_wall_clock_time() {
        let cal = Calendar::for_region(Region::EnglandAndWales);
        // Friday 28 March 2025 15:00 GMT; clocks go forward Sunday 30 March. Due Tuesday
        // 1 April 15:00 BST = 14:00 UTC.
        assert_eq!(
            cal.add_working_hours(utc("2025-03-28T15:00:00Z"), 48),
            utc("2025-04-01T14:00:00Z")
        );
    }

    #[test]
    fn end_of_day_in_summer_is_2300_utc() {
        let d = NaiveDate::from_ymd_opt(2026, 6, 16).unwrap_or_default();
        assert_eq!(end_of_day(d), utc("2026-06-16T23:00:00Z"));
        let w = NaiveDate::from_ymd_opt(2026, 1, 16).unwrap_or_default();
        assert_eq!(end_of_day(w), utc("2026-01-17T00:00:00Z"));
    }

    #[test]
    fn zero_hours_on_a_holiday_is_the_start_of_the_next_working_day() {
        let cal = Calendar::for_region(Region::Scotland);
        // 2 January 2026 is a Scottish holiday (Friday); next working day Monday 5 January.
        assert_eq!(
            cal.add_working_hours(utc("2026-01-02T09:00:00Z"), 0),
            utc("2026-01-05T00:00:00Z")
        );
    }
}
