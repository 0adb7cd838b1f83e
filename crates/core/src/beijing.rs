//! The district's day: Beijing time (UTC+8, no daylight saving). Deadlines, the
//! documents' dates, number years and "overdue" all count Beijing days, whatever the
//! machine's time zone. Pure: the caller passes the instant.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc};

const OFFSET_HOURS: i64 = 8;

/// The wall-clock time in Beijing at `now`.
pub fn local(now: DateTime<Utc>) -> NaiveDateTime {
    (now + Duration::hours(OFFSET_HOURS)).naive_utc()
}

/// The Beijing date at `now`.
pub fn today(now: DateTime<Utc>) -> NaiveDate {
    local(now).date()
}

/// The instant a Beijing day begins (00:00 in Beijing is 16:00 UTC the day before).
pub fn start_of_day(day: NaiveDate) -> DateTime<Utc> {
    (day.and_time(NaiveTime::MIN) - Duration::hours(OFFSET_HOURS)).and_utc()
}

/// The years a record's date may fall in: outside them a date is a typing mistake (and
/// out of range for date arithmetic). Number years are held to the same.
pub const RECORD_YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// Whether a date can be one of the district's records'.
pub fn is_record_date(day: NaiveDate) -> bool {
    RECORD_YEARS.contains(&chrono::Datelike::year(&day))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn days_turn_at_midnight_in_beijing() {
        let cases = [
            ("2026-12-03T15:59:59Z", "2026-12-03", "2026-12-03T23:59:59"),
            ("2026-12-03T16:00:00Z", "2026-12-04", "2026-12-04T00:00:00"),
            ("2026-12-31T16:00:00Z", "2027-01-01", "2027-01-01T00:00:00"),
            ("2028-02-28T16:30:00Z", "2028-02-29", "2028-02-29T00:30:00"),
            ("2026-06-01T00:00:00Z", "2026-06-01", "2026-06-01T08:00:00"),
        ];
        for (instant, day, wall) in cases {
            assert_eq!(today(utc(instant)), date(day), "{instant}");
            assert_eq!(local(utc(instant)).to_string().replace(' ', "T"), wall, "{instant}");
        }
    }

    #[test]
    fn a_day_starts_at_16_utc_the_day_before() {
        for (day, start) in [("2026-12-04", "2026-12-03T16:00:00Z"), ("2027-01-01", "2026-12-31T16:00:00Z")] {
            assert_eq!(start_of_day(date(day)), utc(start));
            assert_eq!(today(start_of_day(date(day))), date(day));
            assert_eq!(today(start_of_day(date(day)) - Duration::seconds(1)), date(day).pred_opt().unwrap());
        }
    }

    #[test]
    fn record_dates_lie_in_this_century() {
        let cases = [
            ("1999-12-31", false),
            ("2000-01-01", true),
            ("2026-12-04", true),
            ("2100-12-31", true),
            ("2101-01-01", false),
        ];
        for (d, want) in cases {
            assert_eq!(is_record_date(d.parse().unwrap()), want, "{d}");
        }
    }
}
