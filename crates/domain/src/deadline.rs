//! Deadline arithmetic (SPEC D1-D3, D6, C15, T3). Computed once, when the event that sets a
//! deadline is emitted, and carried on that event: projections and audits never recompute
//! history under a later policy or calendar. Due instants are exclusive ends: a deadline is
//! breached when the done/now instant is later than `due`.

use chrono::{DateTime, Months, Utc};
use redress_calendar::{end_of_day, local_date, Calendar};

use crate::policy::{ContactHoursMode, Policy};

/// SPEC C2/D1: initial contact due `hours` after receipt, counted over working days only
/// (default) or as plain clock hours (policy switch).
pub fn initial_contact_due(
    policy: &Policy,
    calendar: &Calendar,
    received_at: DateTime<Utc>,
) -> DateTime<Utc> {
    match policy.initial_contact.mode {
        ContactHoursMode::WorkingHours => {
            calendar.add_working_hours(received_at, policy.initial_contact.hours)
        }
        ContactHoursMode::Clock => {
            received_at + chrono::Duration::hours(i64::from(policy.initial_contact.hours))
        }
    }
}

/// SPEC D2: end of the `days`th working day after the receipt date (receipt day is day 0;
/// a non-working receipt day counts from the next working day).
pub fn working_days_due(
    calendar: &Calendar,
    received_at: DateTime<Utc>,
    days: u32,
) -> DateTime<Utc> {
    calendar.end_of_working_day_after(received_at, days)
}

/// SPEC T3: the ICE window ends `months` calendar months after the final response (end of
/// that day; the last day of a shorter month when the day does not exist).
pub fn ice_window_end(final_response_at: DateTime<Utc>, months: u32) -> DateTime<Utc> {
    let date = local_date(final_response_at);
    let end = date
        .checked_add_months(Months::new(months))
        .unwrap_or(chrono::NaiveDate::MAX);
    end_of_day(end)
}

/// SPEC D6: resuming a paused clock extends the response deadline by the working days the
/// clock stood still (working days in (paused, resumed]).
pub fn extend_for_pause(
    calendar: &Calendar,
    due: DateTime<Utc>,
    paused_at: DateTime<Utc>,
    resumed_at: DateTime<Utc>,
) -> (DateTime<Utc>, u32) {
    let paused_days = calendar
        .working_days_between(local_date(paused_at), local_date(resumed_at))
        .max(0);
    let paused_days = u32::try_from(paused_days).unwrap_or(u32::MAX);
    (
        extend_by_working_days(calendar, due, paused_days),
        paused_days,
    )
}

/// Moves an end-of-day deadline `days` working days later (SPEC D6).
pub fn extend_by_working_days(calendar: &Calendar, due: DateTime<Utc>, days: u32) -> DateTime<Utc> {
    if days == 0 {
        return due;
    }
    // `due` is the end of a local day: its last day is the day before the local midnight.
    let last_day = local_date(due - chrono::Duration::seconds(1));
    end_of_day(calendar.add_working_days(last_day, days))
}

crate::named_enum! {
    /// SPEC D5: a deadline's status as of an instant. Statuses change with time as well as
    /// with events, so projections and queries call this with "now" rather than storing it.
    pub enum DeadlineStatus as "deadline status" {
        Pending = "pending",
        AtRisk = "at_risk",
        Met = "met",
        Breached = "breached",
        MetLate = "met_late",
        Stopped = "stopped",
    }
}

/// SPEC D5. `done` is when the deadline's work was done (if it was); `stopped` when the
/// case was withdrawn first; `at_risk_working_days` comes from the policy.
pub fn status_as_of(
    calendar: &Calendar,
    due: DateTime<Utc>,
    done: Option<DateTime<Utc>>,
    stopped: Option<DateTime<Utc>>,
    at_risk_working_days: u32,
    as_of: DateTime<Utc>,
) -> DeadlineStatus {
    match (done, stopped) {
        (Some(d), _) if d <= as_of => {
            if d <= due {
                DeadlineStatus::Met
            } else {
                DeadlineStatus::MetLate
            }
        }
        (_, Some(s)) if s <= as_of && s <= due => DeadlineStatus::Stopped,
        _ if as_of > due => DeadlineStatus::Breached,
        _ => {
            let last_day = local_date(due - chrono::Duration::seconds(1));
            let left = calendar.working_days_between(local_date(as_of), last_day);
            if left < i64::from(at_risk_working_days) {
                DeadlineStatus::AtRisk
            } else {
                DeadlineStatus::Pending
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use redress_calendar::Region;

    fn utc(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0)
            .single()
            .expect("valid instant")
    }

    #[test]
    fn ice_window_clamps_to_the_end_of_a_shorter_month() {
        // 31 August 2026 + 6 months = 28 February 2027 (GMT), due at its end.
        assert_eq!(ice_window_end(utc(2026, 8, 31, 10), 6), utc(2027, 3, 1, 0));
    }

    #[test]
    fn d6_pause_of_zero_days_keeps_the_deadline() {
        let cal = Calendar::for_region(Region::EnglandAndWales);
        let due = utc(2026, 3, 24, 0);
        assert_eq!(
            extend_for_pause(&cal, due, utc(2026, 3, 9, 10), utc(2026, 3, 9, 15)),
            (due, 0)
        );
    }

    #[test]
    fn d5_status_as_of() {
        let cal = Calendar::for_region(Region::EnglandAndWales);
        // Due end of Mon 23 March 2026.
        let due = utc(2026, 3, 24, 0);
        let st = |done, stopped, as_of| status_as_of(&cal, due, done, stopped, 3, as_of);
        assert_eq!(
            st(None, None, utc(2026, 3, 16, 10)),
            DeadlineStatus::Pending
        );
        // Thu 19 March: Fri, Mon left = 2 working days < 3: at risk.
        assert_eq!(st(None, None, utc(2026, 3, 19, 10)), DeadlineStatus::AtRisk);
        assert_eq!(
            st(None, None, utc(2026, 3, 24, 1)),
            DeadlineStatus::Breached
        );
        assert_eq!(
            st(Some(utc(2026, 3, 20, 1)), None, utc(2026, 3, 30, 1)),
            DeadlineStatus::Met
        );
        assert_eq!(
            st(Some(utc(2026, 3, 25, 1)), None, utc(2026, 3, 30, 1)),
            DeadlineStatus::MetLate
        );
        // Done in the future of the query: not yet done as of then.
        assert_eq!(
            st(Some(utc(2026, 3, 25, 1)), None, utc(2026, 3, 24, 1)),
            DeadlineStatus::Breached
        );
        assert_eq!(
            st(None, Some(utc(2026, 3, 10, 1)), utc(2026, 3, 30, 1)),
            DeadlineStatus::Stopped
        );
    }
}
