//! Dates, UTC timestamps and the exercise's `age_in_years` macro.
//!
//! Timestamps are kept as milliseconds since the Unix epoch (UTC): the sources carry
//! millisecond precision and compare and aggregate as plain integers. Parsing is done by hand
//! over fixed-width digits (it runs once per row on millions of rows) and every calendar
//! question — is `2023-02-30` a date? — is answered by `chrono`.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime};

/// Why a text is not a date or timestamp.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TimeError {
    /// Not of the expected shape, e.g. `05/09/2023` or trailing characters.
    Syntax,
    /// The right shape but no such day or time, e.g. `2023-02-30` or `25:00:00`.
    NoSuchInstant,
    /// More than three fractional digits: the sources have millisecond precision.
    TooPrecise,
}

fn digits(text: &[u8]) -> Option<u32> {
    if text.is_empty() {
        return None;
    }
    text.iter().try_fold(0u32, |acc, &b| {
        b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
    })
}

/// Parses `YYYY-MM-DD`.
pub fn parse_date(text: &[u8]) -> Result<NaiveDate, TimeError> {
    if text.len() != 10 || text[4] != b'-' || text[7] != b'-' {
        return Err(TimeError::Syntax);
    }
    let year = digits(&text[0..4]).ok_or(TimeError::Syntax)?;
    let month = digits(&text[5..7]).ok_or(TimeError::Syntax)?;
    let day = digits(&text[8..10]).ok_or(TimeError::Syntax)?;
    NaiveDate::from_ymd_opt(year as i32, month, day).ok_or(TimeError::NoSuchInstant)
}

/// Parses `YYYY-MM-DD HH:MM:SS[.f{1,3}]` (a `T` may stand for the space) as UTC and returns
/// milliseconds since the Unix epoch.
pub fn parse_timestamp(text: &[u8]) -> Result<i64, TimeError> {
    if text.len() < 19 || !(text[10] == b' ' || text[10] == b'T') {
        return Err(TimeError::Syntax);
    }
    let date = parse_date(&text[..10])?;
    let clock = &text[11..19];
    if clock[2] != b':' || clock[5] != b':' {
        return Err(TimeError::Syntax);
    }
    let hour = digits(&clock[0..2]).ok_or(TimeError::Syntax)?;
    let minute = digits(&clock[3..5]).ok_or(TimeError::Syntax)?;
    let second = digits(&clock[6..8]).ok_or(TimeError::Syntax)?;
    let millis = match &text[19..] {
        [] => 0,
        [b'.', fraction @ ..] => {
            if fraction.len() > 3 {
                return if fraction.iter().all(u8::is_ascii_digit) {
                    Err(TimeError::TooPrecise)
                } else {
                    Err(TimeError::Syntax)
                };
            }
            let value = digits(fraction).ok_or(TimeError::Syntax)?;
            value * 10u32.pow(3 - fraction.len() as u32)
        }
        _ => return Err(TimeError::Syntax),
    };
    let time = NaiveTime::from_hms_milli_opt(hour, minute, second, millis)
        .ok_or(TimeError::NoSuchInstant)?;
    Ok(NaiveDateTime::new(date, time).and_utc().timestamp_millis())
}

/// Formats milliseconds since the epoch as `YYYY-MM-DD HH:MM:SS.mmm`.
pub fn format_timestamp(millis: i64) -> String {
    let mut out = String::with_capacity(23);
    write_timestamp(millis, &mut out);
    out
}

fn push_digits(out: &mut String, value: u32, width: usize) {
    let mut buf = [b'0'; 10];
    let mut v = value;
    for slot in buf[..width].iter_mut().rev() {
        *slot = b'0' + (v % 10) as u8;
        v /= 10;
    }
    out.push_str(std::str::from_utf8(&buf[..width]).expect("ASCII digits"));
}

/// Appends `YYYY-MM-DD` (fast: it runs for every date cell written).
pub fn write_date(date: NaiveDate, out: &mut String) {
    if (0..=9999).contains(&date.year()) {
        push_digits(out, date.year() as u32, 4);
        out.push('-');
        push_digits(out, date.month(), 2);
        out.push('-');
        push_digits(out, date.day(), 2);
    } else {
        out.push_str(&date.format("%Y-%m-%d").to_string());
    }
}

/// Appends `YYYY-MM-DD HH:MM:SS.mmm` (fast: it runs for every timestamp cell written).
pub fn write_timestamp(millis: i64, out: &mut String) {
    let Some(t) = DateTime::from_timestamp_millis(millis) else {
        out.push_str(&format!("<out of range: {millis} ms>"));
        return;
    };
    write_date(t.date_naive(), out);
    let secs = millis.div_euclid(1000).rem_euclid(86_400) as u32;
    out.push(' ');
    push_digits(out, secs / 3600, 2);
    out.push(':');
    push_digits(out, secs / 60 % 60, 2);
    out.push(':');
    push_digits(out, secs % 60, 2);
    out.push('.');
    push_digits(out, millis.rem_euclid(1000) as u32, 3);
}

/// Milliseconds since the epoch at the start (00:00:00 UTC) of `date`.
pub fn start_of_day_millis(date: NaiveDate) -> i64 {
    date.and_time(NaiveTime::MIN).and_utc().timestamp_millis()
}

/// A birth date after the as-of date: there is no age to give.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BornAfterAsOf;

/// Completed years between `birth` and `as_of`: Postgres
/// `date_part('year', age(as_of, birth))`. A birthday counts on its day; someone born on
/// 29 February turns a year older on 1 March in a non-leap year. A birth date after `as_of`
/// is an error (the model shows such an age as null), not a negative age.
pub fn age_in_years(birth: NaiveDate, as_of: NaiveDate) -> Result<u32, BornAfterAsOf> {
    if birth > as_of {
        return Err(BornAfterAsOf);
    }
    let mut years = as_of.year() - birth.year();
    if (as_of.month(), as_of.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    Ok(years as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        parse_date(s.as_bytes()).unwrap()
    }

    #[test]
    fn timestamps_keep_milliseconds() {
        let t = parse_timestamp(b"2023-05-09 10:05:28.875").unwrap();
        assert_eq!(format_timestamp(t), "2023-05-09 10:05:28.875");
        let t = parse_timestamp(b"2023-05-09T10:05:28.8").unwrap();
        assert_eq!(format_timestamp(t), "2023-05-09 10:05:28.800");
    }

    #[test]
    fn fast_formatting_matches_chrono() {
        for text in [
            "1970-01-01 00:00:00.000",
            "1969-12-31 23:59:59.999",
            "2000-02-29 12:34:56.007",
            "9999-12-31 23:59:59.999",
        ] {
            let t = parse_timestamp(text.as_bytes()).unwrap();
            let chrono = DateTime::from_timestamp_millis(t)
                .unwrap()
                .format("%Y-%m-%d %H:%M:%S%.3f")
                .to_string();
            assert_eq!(format_timestamp(t), chrono);
            assert_eq!(format_timestamp(t), text);
        }
    }

    #[test]
    fn missing_milliseconds_are_zero() {
        let t = parse_timestamp(b"2023-04-15 09:57:19").unwrap();
        assert_eq!(format_timestamp(t), "2023-04-15 09:57:19.000");
    }

    #[test]
    fn bad_timestamps_are_named() {
        assert_eq!(
            parse_timestamp(b"2023-02-30 00:00:00.000"),
            Err(TimeError::NoSuchInstant)
        );
        assert_eq!(
            parse_timestamp(b"2023-05-09 24:00:00"),
            Err(TimeError::NoSuchInstant)
        );
        assert_eq!(
            parse_timestamp(b"2023-05-09 10:05:28.875x"),
            Err(TimeError::Syntax)
        );
        assert_eq!(
            parse_timestamp(b"2023-05-09 10:05:28.875123"),
            Err(TimeError::TooPrecise)
        );
        assert_eq!(parse_timestamp(b"09/05/2023 10:05"), Err(TimeError::Syntax));
        assert_eq!(parse_timestamp(b"2023-05-09"), Err(TimeError::Syntax));
    }

    #[test]
    fn dates() {
        assert_eq!(
            parse_date(b"2000-02-29"),
            Ok(NaiveDate::from_ymd_opt(2000, 2, 29).unwrap())
        );
        assert_eq!(parse_date(b"2001-02-29"), Err(TimeError::NoSuchInstant));
        assert_eq!(parse_date(b"2001-2-9"), Err(TimeError::Syntax));
    }

    #[test]
    fn age_counts_completed_years() {
        let birth = date("1990-06-15");
        assert_eq!(age_in_years(birth, date("2026-06-15")), Ok(36));
        assert_eq!(age_in_years(birth, date("2026-06-14")), Ok(35));
        assert_eq!(age_in_years(birth, date("1990-06-15")), Ok(0));
    }

    #[test]
    fn leap_day_births_age_on_first_of_march() {
        let birth = date("2000-02-29");
        assert_eq!(age_in_years(birth, date("2023-02-28")), Ok(22));
        assert_eq!(age_in_years(birth, date("2023-03-01")), Ok(23));
        assert_eq!(age_in_years(birth, date("2024-02-29")), Ok(24));
    }

    #[test]
    fn births_after_as_of_have_no_age() {
        assert_eq!(
            age_in_years(date("2030-01-01"), date("2026-11-26")),
            Err(BornAfterAsOf)
        );
    }
}
