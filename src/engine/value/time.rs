//! Dates, UTC timestamps and the exercise's `age_in_years` macro.
//!
//! Timestamps are kept as milliseconds since the Unix epoch (UTC): the sources carry
//! millisecond precision and compare and aggregate as plain integers. Parsing is done by hand
//! over fixed-width digits (it runs once per row on millions of rows) and every calendar
//! question — is `2023-02-30` a date? — is answered by `chrono`.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime};

/// Milliseconds in a day: timestamps are milliseconds since the epoch, UTC, with no leap
/// seconds.
pub const DAY_MILLIS: i64 = 86_400_000;

/// Why a text is not a date or timestamp.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TimeError {
    /// Not of the expected shape, e.g. `05/09/2023` or trailing characters.
    Syntax,
    /// The right shape but no such day or time, e.g. `2023-02-30` or `25:00:00`.
    NoSuchInstant,
    /// More than three fractional digits: the sources have millisecond precision.
    TooPrecise,
    /// A UTC offset beyond ±23:59, e.g. `+25:00`.
    NoSuchOffset,
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

/// Parses an ISO 8601 timestamp and returns milliseconds since the Unix epoch (UTC):
///
/// - `YYYY-MM-DD HH:MM:SS`, a `T` allowed for the space;
/// - then 1 to 3 fractional digits after a `.`, or none (more is [`TimeError::TooPrecise`]);
/// - then nothing (UTC), `Z`, or a UTC offset `±HH:MM`, `±HHMM` or `±HH`, converted to UTC
///   (`2023-05-09 12:05:28+02:00` is `2023-05-09 10:05:28` UTC);
/// - or a date alone, `YYYY-MM-DD`: its midnight UTC.
///
/// Anything else is [`TimeError::Syntax`]; a local time without an offset is read as UTC,
/// as the sources' `_utc` columns say they are.
pub fn parse_timestamp(text: &[u8]) -> Result<i64, TimeError> {
    if text.len() == 10 {
        return Ok(NaiveDateTime::new(parse_date(text)?, NaiveTime::MIN)
            .and_utc()
            .timestamp_millis());
    }
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
    let rest = &text[19..];
    // The fraction runs to the zone designator (`Z`, `+`, `-`) or the end.
    let zone_at = rest
        .iter()
        .position(|b| matches!(b, b'Z' | b'+' | b'-'))
        .unwrap_or(rest.len());
    let (fraction, zone) = rest.split_at(zone_at);
    let millis = match fraction {
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
    let offset_minutes = utc_offset_minutes(zone)?;
    let time = NaiveTime::from_hms_milli_opt(hour, minute, second, millis)
        .ok_or(TimeError::NoSuchInstant)?;
    Ok(NaiveDateTime::new(date, time).and_utc().timestamp_millis()
        - i64::from(offset_minutes) * 60_000)
}

/// The minutes east of UTC that a zone designator says: none or `Z` is 0; `±HH:MM`, `±HHMM`
/// and `±HH` with at most 23 hours and 59 minutes.
fn utc_offset_minutes(zone: &[u8]) -> Result<i32, TimeError> {
    let (sign, hhmm) = match zone {
        [] | [b'Z'] => return Ok(0),
        [b'+', rest @ ..] => (1, rest),
        [b'-', rest @ ..] => (-1, rest),
        _ => return Err(TimeError::Syntax),
    };
    let (hours, minutes) = match hhmm {
        [h1, h2] => (&[*h1, *h2], None),
        [h1, h2, b':', m1, m2] | [h1, h2, m1, m2] => (&[*h1, *h2], Some([*m1, *m2])),
        _ => return Err(TimeError::Syntax),
    };
    let hours = digits(hours).ok_or(TimeError::Syntax)?;
    let minutes = match minutes {
        Some(m) => digits(&m).ok_or(TimeError::Syntax)?,
        None => 0,
    };
    if hours > 23 || minutes > 59 {
        return Err(TimeError::NoSuchOffset);
    }
    Ok(sign * (hours * 60 + minutes) as i32)
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
        assert_eq!(parse_timestamp(b"2023-05-09 10:05"), Err(TimeError::Syntax));
        assert_eq!(
            parse_timestamp(b"2023-05-0910:05:28"),
            Err(TimeError::Syntax)
        );
    }

    /// `text` parsed and printed back in UTC.
    fn utc(text: &str) -> Result<String, TimeError> {
        parse_timestamp(text.as_bytes()).map(format_timestamp)
    }

    #[test]
    fn iso_forms_with_a_zone_are_converted_to_utc() {
        let ok =
            |text: &str, expected: &str| assert_eq!(utc(text).as_deref(), Ok(expected), "{text}");
        ok("2023-05-09T10:05:28Z", "2023-05-09 10:05:28.000");
        ok("2023-05-09 10:05:28.875Z", "2023-05-09 10:05:28.875");
        ok("2023-05-09T12:05:28.875+02:00", "2023-05-09 10:05:28.875");
        ok("2023-05-09T12:05:28+0200", "2023-05-09 10:05:28.000");
        ok("2023-05-09T12:05:28+02", "2023-05-09 10:05:28.000");
        ok("2023-05-09 05:35:28.5-04:30", "2023-05-09 10:05:28.500");
        ok("2023-05-09T10:05:28+00:00", "2023-05-09 10:05:28.000");
        ok("2023-05-09T10:05:28-00", "2023-05-09 10:05:28.000");
        // An offset may move the instant to another day, month or year.
        ok("2024-01-01T01:00:00+02:00", "2023-12-31 23:00:00.000");
        ok("2023-12-31T23:30:00-01:00", "2024-01-01 00:30:00.000");
        ok("2024-02-28T23:00:00-01:00", "2024-02-29 00:00:00.000");
        ok("2023-05-09T10:05:28+23:59", "2023-05-08 10:06:28.000");
    }

    #[test]
    fn a_date_alone_is_its_midnight_utc() {
        assert_eq!(utc("2023-05-09").as_deref(), Ok("2023-05-09 00:00:00.000"));
        assert_eq!(utc("2024-02-29").as_deref(), Ok("2024-02-29 00:00:00.000"));
        assert_eq!(utc("2023-02-29"), Err(TimeError::NoSuchInstant));
        assert_eq!(utc("2023-5-09x"), Err(TimeError::Syntax));
    }

    #[test]
    fn misshapen_zones_are_refused() {
        for bad in [
            "2023-05-09T10:05:28z",
            "2023-05-09T10:05:28 Z",
            "2023-05-09T10:05:28ZZ",
            "2023-05-09T10:05:28Z+01:00",
            "2023-05-09T10:05:28+2",
            "2023-05-09T10:05:28+020",
            "2023-05-09T10:05:28+02:0",
            "2023-05-09T10:05:28+02:000",
            "2023-05-09T10:05:28+0a:00",
            "2023-05-09T10:05:28+",
            "2023-05-09T10:05:28.Z",
            "2023-05-09T10:05:28.12+",
            "2023-05-09T10:05:28 UTC",
            "2023-05-09T10:05:28+02:00Z",
            "2023-05-09T10:05:28-+02",
        ] {
            assert_eq!(utc(bad), Err(TimeError::Syntax), "{bad}");
        }
        assert_eq!(
            utc("2023-05-09T10:05:28+24:00"),
            Err(TimeError::NoSuchOffset)
        );
        assert_eq!(
            utc("2023-05-09T10:05:28-01:60"),
            Err(TimeError::NoSuchOffset)
        );
        assert_eq!(utc("2023-05-09T10:05:28.1234Z"), Err(TimeError::TooPrecise));
        assert_eq!(utc("2023-05-09T24:05:28Z"), Err(TimeError::NoSuchInstant));
    }

    /// chrono's own RFC 3339 reader is the reference for every form both read.
    #[test]
    fn zoned_forms_agree_with_chrono() {
        for text in [
            "2023-05-09T10:05:28Z",
            "2023-05-09T10:05:28.1+05:45",
            "1970-01-01T00:00:00.999-23:59",
            "9999-12-31T23:59:59.999+23:59",
            "0001-01-01T00:00:00Z",
        ] {
            let chrono = DateTime::parse_from_rfc3339(text)
                .unwrap()
                .timestamp_millis();
            assert_eq!(parse_timestamp(text.as_bytes()), Ok(chrono), "{text}");
        }
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
