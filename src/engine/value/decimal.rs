//! Exact decimals: money is an integer count of units at a fixed scale, never a float.
//!
//! `66.3 + 43.6` is `1099` tenths, printed `109.9`, with no `109.89999999999999` anywhere.
//! A column keeps one scale for all its values (the most decimal places seen in the input),
//! the way a Postgres `numeric` sum keeps the largest scale of its inputs.

use std::fmt;

use serde::{Deserialize, Serialize};

mod format;

pub use format::{FormatError, NumberFormat, SEPARATORS};

/// The most decimal places a value may carry.
pub const MAX_SCALE: u8 = 9;

/// An exact decimal number: `units / 10^scale`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Decimal {
    pub units: i64,
    pub scale: u8,
}

/// Why a text is not a decimal number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecimalError {
    /// Not of the form `[-+]digits[.digits]`.
    Syntax,
    /// More than [`MAX_SCALE`] decimal places.
    TooPrecise,
    /// Does not fit in 64-bit units at its scale.
    Overflow,
}

impl Decimal {
    pub const ZERO: Decimal = Decimal { units: 0, scale: 0 };

    pub fn new(units: i64, scale: u8) -> Self {
        Decimal { units, scale }
    }

    /// Parses `[-+]digits[.digits]` (also `.5` and `5.`), exactly.
    pub fn parse(text: &[u8]) -> Result<Decimal, DecimalError> {
        let (negative, body) = match text.first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        let mut units: i64 = 0;
        let mut scale: u8 = 0;
        let mut digits = 0usize;
        let mut seen_point = false;
        for &b in body {
            match b {
                b'0'..=b'9' => {
                    if seen_point {
                        if scale == MAX_SCALE {
                            return Err(DecimalError::TooPrecise);
                        }
                        scale += 1;
                    }
                    units = units
                        .checked_mul(10)
                        .and_then(|u| u.checked_add(i64::from(b - b'0')))
                        .ok_or(DecimalError::Overflow)?;
                    digits += 1;
                }
                b'.' if !seen_point => seen_point = true,
                _ => return Err(DecimalError::Syntax),
            }
        }
        if digits == 0 {
            return Err(DecimalError::Syntax);
        }
        Ok(Decimal {
            units: if negative { -units } else { units },
            scale,
        })
    }

    /// The same value at a larger scale (`1.5` at scale 2 is `150` hundredths).
    pub fn rescale(self, scale: u8) -> Option<Decimal> {
        if scale < self.scale {
            return None;
        }
        let factor = 10i64.checked_pow(u32::from(scale - self.scale))?;
        Some(Decimal {
            units: self.units.checked_mul(factor)?,
            scale,
        })
    }

    /// `sum / count`, rounded half away from zero to `scale` places; `None` when `count` is
    /// zero (SQL's `avg` of no rows is null).
    ///
    /// An average that does not fit in 64-bit units at `scale` is [`DecimalError::Overflow`],
    /// never a null: a null would read as "no rows".
    pub fn average(
        sum: i128,
        sum_scale: u8,
        count: u64,
        scale: u8,
    ) -> Result<Option<Decimal>, DecimalError> {
        if count == 0 {
            return Ok(None);
        }
        let shift = i32::from(scale) - i32::from(sum_scale);
        let power = 10i128
            .checked_pow(shift.unsigned_abs())
            .ok_or(DecimalError::Overflow)?;
        let (numerator, denominator) = if shift >= 0 {
            (sum.checked_mul(power), Some(i128::from(count)))
        } else {
            (Some(sum), i128::from(count).checked_mul(power))
        };
        let (numerator, denominator) = numerator.zip(denominator).ok_or(DecimalError::Overflow)?;
        let quotient = numerator / denominator;
        let remainder = numerator % denominator;
        // |remainder| < denominator ≤ i128::MAX, so twice it fits in a u128.
        let rounded = if remainder.unsigned_abs() * 2 >= denominator.unsigned_abs() {
            quotient + numerator.signum()
        } else {
            quotient
        };
        let units = i64::try_from(rounded).map_err(|_| DecimalError::Overflow)?;
        Ok(Some(Decimal { units, scale }))
    }

    pub fn to_f64(self) -> f64 {
        self.units as f64 / 10f64.powi(i32::from(self.scale))
    }
}

/// Formats `units` at `scale` as plain decimal text with exactly `scale` places.
pub fn format_units(units: i64, scale: u8, out: &mut String) {
    // By hand: it runs for every decimal cell written.
    let magnitude = units.unsigned_abs();
    if units < 0 {
        out.push('-');
    }
    let mut digits = [0u8; 20];
    let mut n = 0;
    let mut v = magnitude;
    loop {
        digits[n] = b'0' + (v % 10) as u8;
        v /= 10;
        n += 1;
        if v == 0 {
            break;
        }
    }
    let scale = usize::from(scale);
    // At least one digit before the point.
    while n <= scale {
        digits[n] = b'0';
        n += 1;
    }
    for i in (0..n).rev() {
        out.push(char::from(digits[i]));
        if i == scale && scale > 0 {
            out.push('.');
        }
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        format_units(self.units, self.scale, &mut s);
        f.write_str(&s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::parse(s.as_bytes()).unwrap()
    }

    #[test]
    fn parses_exactly() {
        assert_eq!(d("66.3"), Decimal::new(663, 1));
        assert_eq!(d("-0.05"), Decimal::new(-5, 2));
        assert_eq!(d("12"), Decimal::new(12, 0));
        assert_eq!(d(".5"), Decimal::new(5, 1));
        assert_eq!(d("+7."), Decimal::new(7, 0));
    }

    #[test]
    fn rejects_what_is_not_a_number() {
        assert_eq!(Decimal::parse(b"12,5"), Err(DecimalError::Syntax));
        assert_eq!(Decimal::parse(b"1.2.3"), Err(DecimalError::Syntax));
        assert_eq!(Decimal::parse(b"-"), Err(DecimalError::Syntax));
        assert_eq!(Decimal::parse(b"abc"), Err(DecimalError::Syntax));
        assert_eq!(
            Decimal::parse(b"1.0000000001"),
            Err(DecimalError::TooPrecise)
        );
        assert_eq!(
            Decimal::parse(b"99999999999999999999"),
            Err(DecimalError::Overflow)
        );
    }

    #[test]
    fn formats_without_float_noise() {
        let sum = d("66.3").units + d("43.6").units + d("242.0").units;
        assert_eq!(Decimal::new(sum, 1).to_string(), "351.9");
        assert_eq!(Decimal::new(-5, 2).to_string(), "-0.05");
        assert_eq!(Decimal::new(1200, 2).to_string(), "12.00");
        assert_eq!(Decimal::new(0, 0).to_string(), "0");
        assert_eq!(Decimal::new(0, 2).to_string(), "0.00");
        assert_eq!(Decimal::new(7, 3).to_string(), "0.007");
        assert_eq!(
            Decimal::new(i64::MIN, 2).to_string(),
            "-92233720368547758.08"
        );
        assert_eq!(Decimal::new(-12345, 0).to_string(), "-12345");
    }

    #[test]
    fn averages_round_half_away_from_zero() {
        let avg = |sum, sum_scale, count, scale| Decimal::average(sum, sum_scale, count, scale);
        assert_eq!(avg(10, 0, 3, 2), Ok(Some(Decimal::new(333, 2))));
        assert_eq!(avg(20, 0, 3, 2), Ok(Some(Decimal::new(667, 2))));
        assert_eq!(avg(-20, 0, 3, 2), Ok(Some(Decimal::new(-667, 2))));
        assert_eq!(avg(1005, 3, 1, 2), Ok(Some(Decimal::new(101, 2))));
        assert_eq!(avg(1, 0, 0, 2), Ok(None));
    }

    #[test]
    fn an_average_too_large_is_an_overflow_not_a_null() {
        // i64::MAX at scale 0 is i64::MAX * 100 hundredths.
        let max = i128::from(i64::MAX);
        assert_eq!(Decimal::average(max, 0, 1, 2), Err(DecimalError::Overflow));
        assert_eq!(
            Decimal::average(i128::from(i64::MIN), 0, 1, 2),
            Err(DecimalError::Overflow)
        );
        // The largest that fits, and the sum of two extremes averaged back into range.
        assert_eq!(
            Decimal::average(max / 100, 0, 1, 2),
            Ok(Some(Decimal::new(i64::MAX / 100 * 100, 2)))
        );
        assert_eq!(
            Decimal::average(2 * max, 2, 2, 2),
            Ok(Some(Decimal::new(i64::MAX, 2)))
        );
        // The scaling itself overflows i128.
        assert_eq!(
            Decimal::average(i128::MAX, 0, 1, 2),
            Err(DecimalError::Overflow)
        );
        assert_eq!(
            Decimal::average(1, 0, u64::MAX, 2),
            Ok(Some(Decimal::new(0, 2)))
        );
        assert_eq!(
            Decimal::average(1, 40, u64::MAX, 2),
            Err(DecimalError::Overflow)
        );
    }

    #[test]
    fn rescales_up_only() {
        assert_eq!(d("1.5").rescale(3), Some(Decimal::new(1500, 3)));
        assert_eq!(d("1.55").rescale(1), None);
    }
}
