//! Bank holidays from the rules of the Banking and Financial Dealings Act 1971 and the annual
//! proclamations that have followed it, for each region.
//!
//! A year's list is built in three steps: the fixed-date holidays with their substitute days
//! (a holiday falling at a weekend moves to the next weekday not already a holiday, which
//! gives the Christmas/Boxing Day cascade and Scotland's 1 and 2 January pair), the moveable
//! ones (Easter-based and first/last Mondays), then the one-offs of [`crate::one_off`].
//!
//! Start years: New Year's Day became a bank holiday in England, Wales and Northern Ireland
//! (and Boxing Day in Scotland) in 1974; the early May holiday began in 1978; St Andrew's
//! Day in Scotland in 2007. Years before 1995 use these rules without their one-offs (the
//! 1977 and 1981 extra days are not modelled).

use chrono::{Datelike, Duration, NaiveDate, Weekday};

use crate::easter::easter_sunday;
use crate::one_off::{ymd, OneOff, ONE_OFFS};
use crate::{Holiday, Region};

const SUBSTITUTE: &str = " (substitute day)";

/// A holiday fixed to a day of the year, moved to a weekday when it falls at a weekend.
struct Fixed {
    month: u32,
    day: u32,
    name: &'static str,
}

fn fixed_holidays(region: Region, year: i32) -> Vec<Fixed> {
    use Region::*;
    let mut v = Vec::new();
    let fixed = |month, day, name| Fixed { month, day, name };
    if region == Scotland || year >= 1974 {
        v.push(fixed(1, 1, "New Year's Day"));
    }
    if region == Scotland {
        v.push(fixed(1, 2, "2nd January"));
    }
    if region == NorthernIreland {
        v.push(fixed(3, 17, "St Patrick's Day"));
        v.push(fixed(7, 12, "Battle of the Boyne (Orangemen's Day)"));
    }
    if region == Scotland && year >= 2007 {
        v.push(fixed(11, 30, "St Andrew's Day"));
    }
    v.push(fixed(12, 25, "Christmas Day"));
    if region != Scotland || year >= 1974 {
        v.push(fixed(12, 26, "Boxing Day"));
    }
    v
}

fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The first Monday of `month`, or the last when `last` is set.
fn monday_of(year: i32, month: u32, last: bool) -> NaiveDate {
    let weekday = Weekday::Mon;
    if last {
        let (ny, nm) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
        let end = ymd((ny, nm, 1)) - Duration::days(1);
        let back = (end.weekday().num_days_from_monday() + 7 - weekday.num_days_from_monday()) % 7;
        end - Duration::days(i64::from(back))
    } else {
        let start = ymd((year, month, 1));
        let fwd = (weekday.num_days_from_monday() + 7 - start.weekday().num_days_from_monday()) % 7;
        start + Duration::days(i64::from(fwd))
    }
}

fn moveable_holidays(region: Region, year: i32) -> Vec<Holiday> {
    let easter = easter_sunday(year);
    let mut v = vec![Holiday::new(easter - Duration::days(2), "Good Friday")];
    if region != Region::Scotland {
        v.push(Holiday::new(easter + Duration::days(1), "Easter Monday"));
    }
    if year >= 1978 {
        v.push(Holiday::new(
            monday_of(year, 5, false),
            "Early May bank holiday",
        ));
    }
    v.push(Holiday::new(
        monday_of(year, 5, true),
        "Spring bank holiday",
    ));
    let summer = if region == Region::Scotland {
        monday_of(year, 8, false)
    } else {
        monday_of(year, 8, true)
    };
    v.push(Holiday::new(summer, "Summer bank holiday"));
    v
}

/// Every bank holiday of `year` in `region` as observed (weekdays only), in date order.
pub(crate) fn observed_holidays(region: Region, year: i32) -> Vec<Holiday> {
    let mut out = moveable_holidays(region, year);
    let fixed = fixed_holidays(region, year);
    let mut weekend = Vec::new();
    for f in fixed {
        let date = ymd((year, f.month, f.day));
        if is_weekend(date) {
            weekend.push((date, f.name));
        } else {
            out.push(Holiday::new(date, f.name));
        }
    }
    // Substitutes in date order: each takes the next weekday not already a holiday, so a
    // Saturday Christmas gives Monday 27 and a Sunday Boxing Day then Tuesday 28.
    for (date, name) in weekend {
        let mut sub = date + Duration::days(1);
        while is_weekend(sub) || out.iter().any(|h| h.date == sub) {
            sub += Duration::days(1);
        }
        out.push(Holiday::new(sub, format!("{name}{SUBSTITUTE}")));
    }
    apply_one_offs(region, year, &mut out);
    out.sort();
    out
}

fn apply_one_offs(region: Region, year: i32, out: &mut Vec<Holiday>) {
    for change in ONE_OFFS.iter().filter(|c| c.year() == year) {
        match *change {
            OneOff::Moved {
                scope,
                from,
                to,
                name,
            } if scope.includes(region) => {
                let from = ymd(from);
                out.retain(|h| h.date != from);
                out.push(Holiday::new(ymd(to), name));
            }
            OneOff::Added { scope, on, name } if scope.includes(region) => {
                out.push(Holiday::new(ymd(on), name));
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dates(region: Region, year: i32) -> Vec<String> {
        observed_holidays(region, year)
            .into_iter()
            .map(|h| h.date.to_string())
            .collect()
    }

    #[test]
    fn christmas_cascade_saturday_and_sunday() {
        // 2021: Christmas Saturday, Boxing Day Sunday -> 27 and 28.
        let d = dates(Region::EnglandAndWales, 2021);
        assert!(d.contains(&"2021-12-27".to_owned()) && d.contains(&"2021-12-28".to_owned()));
        // 2022: Christmas Sunday -> Boxing Day Monday 26, Christmas substitute Tuesday 27.
        let h = observed_holidays(Region::EnglandAndWales, 2022);
        let last: Vec<_> = h.iter().rev().take(2).collect();
        assert_eq!(last[0].date, ymd((2022, 12, 27)));
        assert_eq!(last[0].name, "Christmas Day (substitute day)");
        assert_eq!(last[1].date, ymd((2022, 12, 26)));
        assert_eq!(last[1].name, "Boxing Day");
    }

    #[test]
    fn scotland_new_year_pair() {
        // 2022: 1 Jan Saturday, 2 Jan Sunday -> 3 and 4 January.
        let d = dates(Region::Scotland, 2022);
        assert_eq!(&d[..2], ["2022-01-03", "2022-01-04"]);
        // 2023: 1 Jan Sunday, 2 Jan Monday -> 2 and 3 January.
        let d = dates(Region::Scotland, 2023);
        assert_eq!(&d[..2], ["2023-01-02", "2023-01-03"]);
    }

    #[test]
    fn monday_rules() {
        assert_eq!(monday_of(2024, 5, false), ymd((2024, 5, 6)));
        assert_eq!(monday_of(2024, 5, true), ymd((2024, 5, 27)));
        assert_eq!(monday_of(2024, 8, true), ymd((2024, 8, 26)));
        assert_eq!(monday_of(2024, 12, true), ymd((2024, 12, 30)));
    }
}
