//! Typed column builders: each takes one file column's trimmed field bytes, row by row, and
//! says in words what a rejected field should have been.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use crate::engine::value::column::{Column, DataType, TextBuilder};
use crate::engine::value::decimal::{Decimal, DecimalError, NumberFormat, MAX_SCALE};
use crate::engine::value::time::{parse_date, parse_timestamp, TimeError};

/// What a field failed to be, in words for the error message.
pub(super) fn expected(data_type: DataType, why: Option<&TimeError>) -> String {
    match (data_type, why) {
        (DataType::Date, Some(TimeError::NoSuchInstant)) => "a real calendar date".into(),
        (DataType::Timestamp, Some(TimeError::NoSuchInstant)) => {
            "a real calendar date and time".into()
        }
        (DataType::Timestamp, Some(TimeError::TooPrecise)) => {
            "a timestamp with at most millisecond precision (YYYY-MM-DD HH:MM:SS.mmm)".into()
        }
        (DataType::Timestamp, Some(TimeError::NoSuchOffset)) => {
            "a UTC offset between -23:59 and +23:59".into()
        }
        (DataType::Text, _) => "UTF-8 text".into(),
        (DataType::Integer, _) => "a whole number".into(),
        (DataType::Decimal, _) => "a decimal number such as 12.5".into(),
        (DataType::Date, _) => "a date YYYY-MM-DD".into(),
        (DataType::Timestamp, _) => {
            "a timestamp YYYY-MM-DD HH:MM:SS[.mmm] (or T for the space), then Z, an offset \
             ±HH:MM or nothing for UTC; or a date YYYY-MM-DD"
                .into()
        }
        (DataType::Boolean, _) => "true or false".into(),
    }
}

/// Why a field was rejected; the loader turns it into an `InputError::BadValue`.
pub(super) struct Rejected(pub String);

/// Timestamps, parsed by hand in the common `YYYY-MM-DD HH:MM:SS.mmm` shape with the day's
/// start cached (rows of one export share a few days), and by [`parse_timestamp`] otherwise,
/// so every error is the one it gives.
#[derive(Default)]
pub(super) struct Timestamps {
    values: Vec<Option<i64>>,
    /// Exports repeat the same load timestamp on every row: the last value is reused.
    last: Vec<u8>,
    last_value: i64,
    day: [u8; 10],
    day_start: Option<i64>,
}

fn two(a: u8, b: u8) -> Option<i64> {
    (a.is_ascii_digit() && b.is_ascii_digit())
        .then(|| i64::from(a - b'0') * 10 + i64::from(b - b'0'))
}

impl Timestamps {
    fn parse(&mut self, f: &[u8]) -> Result<i64, Rejected> {
        if let Some(t) = self.parse_common(f) {
            return Ok(t);
        }
        parse_timestamp(f).map_err(|e| Rejected(expected(DataType::Timestamp, Some(&e))))
    }

    /// `YYYY-MM-DD HH:MM:SS.mmm` of a real day and time, or `None` for the slow path.
    #[inline]
    fn parse_common(&mut self, f: &[u8]) -> Option<i64> {
        if f.len() != 23 || f[10] != b' ' || f[13] != b':' || f[16] != b':' || f[19] != b'.' {
            return None;
        }
        let start = match self.day_start {
            Some(start) if f[..10] == self.day => start,
            _ => {
                let day = parse_date(&f[..10]).ok()?;
                let start = NaiveDateTime::new(day, NaiveTime::MIN)
                    .and_utc()
                    .timestamp_millis();
                self.day.copy_from_slice(&f[..10]);
                self.day_start = Some(start);
                start
            }
        };
        let (hour, minute, second) = (two(f[11], f[12])?, two(f[14], f[15])?, two(f[17], f[18])?);
        let millis =
            two(f[20], f[21])? * 10 + i64::from(f[22].is_ascii_digit().then(|| f[22] - b'0')?);
        if hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        Some(start + ((hour * 60 + minute) * 60 + second) * 1000 + millis)
    }

    fn push(&mut self, field: &[u8]) -> Result<(), Rejected> {
        if field.is_empty() {
            self.values.push(None);
            return Ok(());
        }
        if self.last.as_slice() != field {
            self.last_value = self.parse(field)?;
            self.last.clear();
            self.last.extend_from_slice(field);
        }
        self.values.push(Some(self.last_value));
        Ok(())
    }
}

/// `i64`'s own syntax (an optional sign, then ASCII digits), without a UTF-8 pass.
fn parse_integer(field: &[u8]) -> Option<i64> {
    let (negative, digits) = match field {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        _ => (false, field),
    };
    if digits.is_empty() {
        return None;
    }
    let mut magnitude: u64 = 0;
    for &b in digits {
        if !b.is_ascii_digit() {
            return None;
        }
        magnitude = magnitude
            .checked_mul(10)?
            .checked_add(u64::from(b - b'0'))?;
    }
    if negative {
        0i64.checked_sub_unsigned(magnitude)
    } else {
        i64::try_from(magnitude).ok()
    }
}

/// Adds `d` to a decimal column kept at one scale: the column's values are rescaled when `d`
/// has more places, `d` when it has fewer.
#[inline]
fn push_decimal(values: &mut Vec<Option<i64>>, scale: &mut u8, d: Decimal) -> Result<(), Rejected> {
    let too_large = || Rejected("a decimal number of a sane size".into());
    if d.scale > *scale {
        let factor = 10i64.pow(u32::from(d.scale - *scale));
        for u in values.iter_mut().flatten() {
            *u = u.checked_mul(factor).ok_or_else(too_large)?;
        }
        *scale = d.scale;
    }
    let units = if d.scale == *scale {
        d.units
    } else {
        d.rescale(*scale).ok_or_else(too_large)?.units
    };
    values.push(Some(units));
    Ok(())
}

/// A decimal column written in a user's [`NumberFormat`] (a currency symbol, thousands
/// separators): each field is rewritten plain in `scratch`, then parsed as a plain one is.
pub(super) struct FormattedDecimal {
    values: Vec<Option<i64>>,
    scale: u8,
    format: NumberFormat,
    scratch: Vec<u8>,
}

/// Builds one typed column from raw fields.
pub(super) enum Builder {
    Text(TextBuilder),
    Integer(Vec<Option<i64>>),
    Decimal {
        values: Vec<Option<i64>>,
        scale: u8,
    },
    /// Boxed and a variant of its own, so that the plain decimals' path is unchanged.
    FormattedDecimal(Box<FormattedDecimal>),
    Date(Vec<Option<NaiveDate>>),
    Timestamp(Box<Timestamps>),
    Boolean(Vec<Option<bool>>),
}

impl Builder {
    pub fn new(data_type: DataType, intern: bool) -> Builder {
        match data_type {
            DataType::Text => Builder::Text(TextBuilder::new(intern)),
            DataType::Integer => Builder::Integer(Vec::new()),
            DataType::Decimal => Builder::Decimal {
                values: Vec::new(),
                scale: 0,
            },
            DataType::Date => Builder::Date(Vec::new()),
            DataType::Timestamp => Builder::Timestamp(Box::default()),
            DataType::Boolean => Builder::Boolean(Vec::new()),
        }
    }

    /// A decimal column written in `format`.
    pub fn formatted_decimal(format: NumberFormat) -> Builder {
        Builder::FormattedDecimal(Box::new(FormattedDecimal {
            values: Vec::new(),
            scale: 0,
            format,
            scratch: Vec::new(),
        }))
    }

    /// Adds one trimmed field (empty is null).
    #[inline]
    pub fn push(&mut self, field: &[u8]) -> Result<(), Rejected> {
        let null = field.is_empty();
        match self {
            Builder::Text(b) => {
                if null {
                    b.push_null();
                } else {
                    let text = std::str::from_utf8(field)
                        .map_err(|_| Rejected(expected(DataType::Text, None)))?;
                    b.push_str(text);
                }
            }
            Builder::Integer(v) => v.push(if null {
                None
            } else {
                Some(
                    parse_integer(field)
                        .ok_or_else(|| Rejected(expected(DataType::Integer, None)))?,
                )
            }),
            Builder::Decimal { values, scale } => {
                if null {
                    values.push(None);
                    return Ok(());
                }
                let d = Decimal::parse(field).map_err(|e| {
                    Rejected(match e {
                        DecimalError::TooPrecise => {
                            format!("a decimal number with at most {MAX_SCALE} decimal places")
                        }
                        DecimalError::Overflow => "a decimal number of a sane size".into(),
                        DecimalError::Syntax => expected(DataType::Decimal, None),
                    })
                })?;
                push_decimal(values, scale, d)?;
            }
            Builder::FormattedDecimal(b) => {
                let FormattedDecimal {
                    values,
                    scale,
                    format,
                    scratch,
                } = &mut **b;
                if null {
                    values.push(None);
                    return Ok(());
                }
                let d = format
                    .parse(field, scratch)
                    .map_err(|e| Rejected(format.expected(&e)))?;
                push_decimal(values, scale, d)?;
            }
            Builder::Date(v) => v.push(if null {
                None
            } else {
                Some(parse_date(field).map_err(|e| Rejected(expected(DataType::Date, Some(&e))))?)
            }),
            Builder::Timestamp(t) => t.push(field)?,
            Builder::Boolean(v) => v.push(match field {
                b"" => None,
                b"true" | b"TRUE" | b"True" | b"t" | b"1" => Some(true),
                b"false" | b"FALSE" | b"False" | b"f" | b"0" => Some(false),
                _ => return Err(Rejected(expected(DataType::Boolean, None))),
            }),
        }
        Ok(())
    }

    pub fn finish(self) -> Column {
        match self {
            Builder::Text(b) => Column::Text(b.finish()),
            Builder::Integer(v) => Column::Integer(v),
            Builder::Decimal { values, scale } => Column::Decimal { values, scale },
            Builder::FormattedDecimal(b) => Column::Decimal {
                values: b.values,
                scale: b.scale,
            },
            Builder::Date(v) => Column::Date(v),
            Builder::Timestamp(t) => Column::Timestamp(t.values),
            Builder::Boolean(v) => Column::Boolean(v),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_follow_i64_syntax() {
        for text in [
            "0",
            "-0",
            "+7",
            "-9223372036854775808",
            "9223372036854775807",
            "-",
            "+",
            "",
            "1.5",
            "9223372036854775808",
            "-9223372036854775809",
            "+-1",
            "1 ",
            "٣",
        ] {
            assert_eq!(
                parse_integer(text.as_bytes()),
                text.parse::<i64>().ok(),
                "{text:?}"
            );
        }
    }

    #[test]
    fn the_fast_timestamp_path_agrees_with_parse_timestamp() {
        let mut t = Timestamps::default();
        for text in [
            "2023-04-15 09:57:19.000",
            "2023-04-15 23:59:59.999",
            "2023-04-16 00:00:00.001",
            "1969-12-31 23:59:59.999",
            "0000-01-01 00:00:00.000",
            "9999-12-31 23:59:59.999",
            "2024-02-29 12:00:00.500",
        ] {
            assert_eq!(
                t.parse_common(text.as_bytes()),
                parse_timestamp(text.as_bytes()).ok(),
                "{text}"
            );
        }
        for text in [
            "2023-04-15 24:00:00.000",
            "2023-02-29 00:00:00.000",
            "2023-04-15 09:60:00.000",
            "2023-04-15 09:00:60.000",
            "2023-04-15 09:00:0x.000",
        ] {
            assert_eq!(t.parse_common(text.as_bytes()), None, "{text}");
        }
    }
}
