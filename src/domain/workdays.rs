//! Working time, for the promise to review and mail within two working days of payment:
//! working hours on working days in China Standard Time, weekends and public holidays off,
//! make-up working days (调休) on.

use std::collections::BTreeSet;

use time::{Date, Duration, OffsetDateTime, Time, UtcOffset, Weekday};

/// China Standard Time (UTC+8, no daylight saving).
pub const CHINA: UtcOffset = match UtcOffset::from_hms(8, 0, 0) {
    Ok(offset) => offset,
    Err(_) => UtcOffset::UTC,
};

/// The days and hours that count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    /// When a working day starts (local time).
    pub day_start: Time,
    /// When it ends (local time), after `day_start`.
    pub day_end: Time,
    /// Weekdays off (public holidays).
    pub holidays: BTreeSet<Date>,
    /// Weekend days worked (make-up days).
    pub extra_workdays: BTreeSet<Date>,
}

impl Default for Calendar {
    fn default() -> Self {
        Calendar {
            day_start: Time::from_hms(9, 0, 0).unwrap_or(Time::MIDNIGHT),
            day_end: Time::from_hms(17, 30, 0).unwrap_or(Time::MIDNIGHT),
            holidays: BTreeSet::new(),
            extra_workdays: BTreeSet::new(),
        }
    }
}

/// A long gap is counted day by day up to this many days; beyond, it is long overdue anyway.
const MAX_DAYS: i64 = 3660;

impl Calendar {
    /// True when people work on `date`.
    pub fn is_workday(&self, date: Date) -> bool {
        if self.extra_workdays.contains(&date) {
            return true;
        }
        if self.holidays.contains(&date) {
            return false;
        }
        !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
    }

    /// Minutes of one working day.
    pub fn minutes_per_day(&self) -> i64 {
        (self.day_end - self.day_start).whole_minutes().max(0)
    }

    /// Working minutes between `from` and `to` (0 when `to` is not after `from`).
    pub fn working_minutes(&self, from: OffsetDateTime, to: OffsetDateTime) -> i64 {
        if to <= from {
            return 0;
        }
        let (from, to) = (from.to_offset(CHINA), to.to_offset(CHINA));
        let mut total = 0;
        let mut date = from.date();
        let last = to.date();
        let mut days = 0;
        while date <= last && days < MAX_DAYS {
            if self.is_workday(date) {
                let open = date.with_time(self.day_start).assume_offset(CHINA);
                let close = date.with_time(self.day_end).assume_offset(CHINA);
                let start = open.max(from);
                let end = close.min(to);
                if end > start {
                    total += (end - start).whole_minutes();
                }
            }
            let Some(next) = date.next_day() else { break };
            date = next;
            days += 1;
        }
        total
    }

    /// When `minutes` of working time will have passed after `from`.
    pub fn add_working_minutes(&self, from: OffsetDateTime, minutes: i64) -> OffsetDateTime {
        let from = from.to_offset(CHINA);
        let mut left = minutes.max(0);
        let mut date = from.date();
        for _ in 0..MAX_DAYS {
            if self.is_workday(date) {
                let open = date.with_time(self.day_start).assume_offset(CHINA);
                let close = date.with_time(self.day_end).assume_offset(CHINA);
                let start = open.max(from);
                if close > start {
                    let room = (close - start).whole_minutes();
                    if left <= room {
                        return start + Duration::minutes(left);
                    }
                    left -= room;
                }
            }
            let Some(next) = date.next_day() else { break };
            date = next;
        }
        from + Duration::days(MAX_DAYS)
    }
}

/// How an order in review stands against the promise.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Deadline {
    /// Time enough.
    Ok,
    /// Close to the promise.
    Soon,
    /// Past it.
    Overdue,
}

impl Deadline {
    /// Where `used` working minutes stand against `promised`, warning `warn` minutes before.
    pub fn of(used: i64, promised: i64, warn: i64) -> Deadline {
        if used >= promised {
            Deadline::Overdue
        } else if used >= promised - warn {
            Deadline::Soon
        } else {
            Deadline::Ok
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn calendar() -> Calendar {
        Calendar {
            holidays: [date!(2026 - 10 - 01), date!(2026 - 10 - 02)].into(),
            extra_workdays: [date!(2026 - 10 - 10)].into(),
            ..Calendar::default()
        }
    }

    #[test]
    fn weekends_and_holidays_are_off_and_make_up_days_are_on() {
        let c = calendar();
        assert!(c.is_workday(date!(2026 - 11 - 27))); // Friday
        assert!(!c.is_workday(date!(2026 - 11 - 28))); // Saturday
        assert!(!c.is_workday(date!(2026 - 10 - 01))); // Thursday, holiday
        assert!(c.is_workday(date!(2026 - 10 - 10))); // Saturday, make-up day
    }

    #[test]
    fn only_working_hours_count() {
        let c = calendar();
        assert_eq!(c.minutes_per_day(), 510);
        // Friday 16:30 (CST) to Monday 10:00: one hour Friday, one hour Monday.
        let from = datetime!(2026-11-27 16:30 +8);
        let to = datetime!(2026-11-30 10:00 +8);
        assert_eq!(c.working_minutes(from, to), 120);
        // The same instants given in UTC count the same.
        assert_eq!(
            c.working_minutes(from.to_offset(UtcOffset::UTC), to.to_offset(UtcOffset::UTC)),
            120
        );
        // Paid at night: the clock starts next morning.
        assert_eq!(
            c.working_minutes(
                datetime!(2026-11-26 22:00 +8),
                datetime!(2026-11-27 09:30 +8)
            ),
            30
        );
        // Backwards is nothing.
        assert_eq!(c.working_minutes(to, from), 0);
        // Across the National Day holidays: Sep 30 (Wed) 17:00 → Oct 5 (Mon) 09:00 is
        // 30 minutes on Sep 30 only (Oct 1–2 holiday, Oct 3–4 weekend).
        assert_eq!(
            c.working_minutes(
                datetime!(2026-09-30 17:00 +8),
                datetime!(2026-10-05 09:00 +8)
            ),
            30
        );
    }

    #[test]
    fn two_working_days_from_a_friday_afternoon_end_on_tuesday_afternoon() {
        let c = calendar();
        let paid = datetime!(2026-11-27 15:00 +8);
        let due = c.add_working_minutes(paid, 2 * c.minutes_per_day());
        assert_eq!(due, datetime!(2026-12-01 15:00 +8));
        assert_eq!(c.working_minutes(paid, due), 2 * c.minutes_per_day());
    }

    #[test]
    fn the_deadline_warns_before_it_passes() {
        assert_eq!(Deadline::of(100, 1020, 240), Deadline::Ok);
        assert_eq!(Deadline::of(780, 1020, 240), Deadline::Soon);
        assert_eq!(Deadline::of(1020, 1020, 240), Deadline::Overdue);
    }
}
