//! Number formats: how a user's export writes a decimal column when it is not plain
//! `-1234.5` — a currency symbol, thousands separators — given per column by the mapping
//! (`formats` in `engine::source::mapping`'s JSON).
//!
//! Only what the mapping says is read: without a format, `$5` or `1,234` is an error, never a
//! guess. The decimal separator is always a dot. A decimal comma (`12,5`) is not read, with
//! or without a format: with `,` as the thousands separator `1,234` would mean two numbers.
//!
//! With a `currency_symbol`, these placements are read (`$` standing for the symbol, spaces
//! between the symbol and the number allowed): `$1234.50`, `-$1234.50`, `$-1234.50`,
//! `1234.50$`, `-1234.50 $`; the symbol at most once, and a number without it too. With a
//! `thousands_separator`, the digits before the dot are either all together (`1234`) or in
//! groups of three after a first group of one to three (`1,234,567`); anything else, such as
//! `1,23.4` or `1234,567`, is an error naming the rule.

use serde::{Deserialize, Serialize};

use super::{Decimal, DecimalError};

/// The characters a thousands separator may be: the ones exporters use besides the dot,
/// which is the decimal point here.
pub const SEPARATORS: [char; 6] = [',', '\'', '_', ' ', '\u{a0}', '\u{202f}'];

/// How one decimal column's numbers are written.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NumberFormat {
    /// A currency symbol that may stand before the number (before or after its sign) or
    /// after it, e.g. `$`, `€`, `CHF`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency_symbol: Option<String>,
    /// The character between groups of three digits, one of [`SEPARATORS`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thousands_separator: Option<char>,
}

/// Why a text is not a number of its column's format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormatError {
    /// A thousands separator out of place: not every group after the first is three digits.
    Grouping,
    /// What the plain number that is left is not.
    Decimal(DecimalError),
}

impl NumberFormat {
    /// Why this format cannot be read unambiguously, if it cannot: a separator that is not
    /// one of [`SEPARATORS`], or a symbol that is empty or holds a digit, a sign, a dot,
    /// whitespace or the separator.
    pub fn check(&self) -> Result<(), String> {
        if let Some(sep) = self.thousands_separator {
            if !SEPARATORS.contains(&sep) {
                return Err(format!(
                    "the thousands separator {sep:?} is not one of {} (the dot is the decimal \
                     point; a decimal comma is not read)",
                    SEPARATORS.map(|c| format!("{c:?}")).join(", ")
                ));
            }
        }
        if let Some(symbol) = &self.currency_symbol {
            let bad = symbol.chars().find(|&c| {
                c.is_ascii_digit()
                    || matches!(c, '+' | '-' | '.' | '"')
                    || c.is_whitespace()
                    || Some(c) == self.thousands_separator
            });
            if symbol.is_empty() || bad.is_some() {
                return Err(format!(
                    "the currency symbol {symbol:?} must be a non-empty text without digits, \
                     signs, dots, quotes, spaces or the thousands separator"
                ));
            }
        }
        Ok(())
    }

    /// The plain `[-+]digits[.digits]` that `text` writes, in `out`, for [`Decimal::parse`].
    pub fn plain<'a>(&self, text: &[u8], out: &'a mut Vec<u8>) -> Result<&'a [u8], FormatError> {
        out.clear();
        let sign = |t: &[u8]| matches!(t.first(), Some(b'-' | b'+'));
        let mut rest = text;
        let mut signs = 0;
        if sign(rest) {
            out.push(rest[0]);
            rest = &rest[1..];
            signs += 1;
        }
        if let Some(symbol) = self.currency_symbol.as_deref().map(str::as_bytes) {
            if let Some(after) = rest.strip_prefix(symbol) {
                rest = after.trim_ascii_start();
                if sign(rest) {
                    out.push(rest[0]);
                    rest = &rest[1..];
                    signs += 1;
                }
            } else if let Some(before) = rest.strip_suffix(symbol) {
                rest = before.trim_ascii_end();
            }
        }
        if signs > 1 {
            return Err(FormatError::Decimal(DecimalError::Syntax));
        }
        let (whole, fraction) = match rest.iter().position(|&b| b == b'.') {
            Some(i) => rest.split_at(i),
            None => (rest, &[][..]),
        };
        match self.thousands_separator {
            Some(sep) => {
                let mut buf = [0u8; 4];
                let sep = sep.encode_utf8(&mut buf).as_bytes();
                if whole.windows(sep.len()).any(|w| w == sep) {
                    let mut groups = split(whole, sep);
                    let first = groups.next().unwrap_or_default();
                    if !(1..=3).contains(&first.len()) || groups.any(|g| g.len() != 3) {
                        return Err(FormatError::Grouping);
                    }
                    split(whole, sep).for_each(|g| out.extend_from_slice(g));
                } else {
                    out.extend_from_slice(whole);
                }
            }
            None => out.extend_from_slice(whole),
        }
        out.extend_from_slice(fraction);
        Ok(out)
    }

    /// Parses `text` as this format writes numbers; `scratch` is reused from call to call.
    pub fn parse(&self, text: &[u8], scratch: &mut Vec<u8>) -> Result<Decimal, FormatError> {
        Decimal::parse(self.plain(text, scratch)?).map_err(FormatError::Decimal)
    }

    /// An example of a number in this format, e.g. `$1,234.50`, for messages.
    pub fn example(&self) -> String {
        let whole = match self.thousands_separator {
            Some(sep) => format!("1{sep}234"),
            None => "1234".to_string(),
        };
        match &self.currency_symbol {
            Some(symbol) => format!("{symbol}{whole}.50"),
            None => format!("{whole}.50"),
        }
    }

    /// What a rejected field should have been, in words.
    pub fn expected(&self, why: &FormatError) -> String {
        match (why, self.thousands_separator) {
            (FormatError::Grouping, Some(sep)) => format!(
                "a decimal number with its digits before the dot in groups of three between \
                 the thousands separators {sep:?}, such as {}",
                self.example()
            ),
            (FormatError::Decimal(DecimalError::TooPrecise), _) => format!(
                "a decimal number with at most {} decimal places",
                super::MAX_SCALE
            ),
            (FormatError::Decimal(DecimalError::Overflow), _) => {
                "a decimal number of a sane size".to_string()
            }
            _ => {
                let symbol = match &self.currency_symbol {
                    Some(s) => format!(", with or without {s:?} before or after it"),
                    None => String::new(),
                };
                format!(
                    "a decimal number such as {}{symbol} (a dot before the decimals: a decimal \
                     comma is not read)",
                    self.example()
                )
            }
        }
    }
}

/// `text` split at every `sep`.
fn split<'a>(text: &'a [u8], sep: &'a [u8]) -> impl Iterator<Item = &'a [u8]> + 'a {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let t = rest?;
        match t.windows(sep.len()).position(|w| w == sep) {
            Some(i) => {
                rest = Some(&t[i + sep.len()..]);
                Some(&t[..i])
            }
            None => {
                rest = None;
                Some(t)
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn format(symbol: Option<&str>, sep: Option<char>) -> NumberFormat {
        NumberFormat {
            currency_symbol: symbol.map(str::to_string),
            thousands_separator: sep,
        }
    }

    fn parse(f: &NumberFormat, text: &str) -> Result<String, FormatError> {
        f.parse(text.as_bytes(), &mut Vec::new())
            .map(|d| d.to_string())
    }

    #[test]
    fn the_documented_placements_are_read() {
        let dollars = format(Some("$"), Some(','));
        for (text, value) in [
            ("$1,234.50", "1234.50"),
            ("-$5.00", "-5.00"),
            ("$-5.00", "-5.00"),
            ("+$5", "5"),
            ("1,234.50 $", "1234.50"),
            ("1,234.50$", "1234.50"),
            ("-1,234.50 $", "-1234.50"),
            ("$ 1,234,567.5", "1234567.5"),
            ("1234.50", "1234.50"),
            ("$999", "999"),
            ("0.5", "0.5"),
            ("$.5", "0.5"),
        ] {
            assert_eq!(parse(&dollars, text).as_deref(), Ok(value), "{text}");
        }
        let francs = format(Some("CHF"), Some('\''));
        assert_eq!(parse(&francs, "CHF 1'234.50").as_deref(), Ok("1234.50"));
        assert_eq!(parse(&francs, "1'234.50 CHF").as_deref(), Ok("1234.50"));
        let euros = format(Some("€"), Some('\u{a0}'));
        assert_eq!(parse(&euros, "1\u{a0}234.50 €").as_deref(), Ok("1234.50"));
        let plain_groups = format(None, Some(','));
        assert_eq!(parse(&plain_groups, "-12,345").as_deref(), Ok("-12345"));
    }

    #[test]
    fn misplaced_separators_and_symbols_are_refused() {
        let dollars = format(Some("$"), Some(','));
        for text in [
            "1,23.4",
            "1234,567",
            ",123",
            "1,,234",
            "1,2345",
            "12,34,567",
            "1,234,",
        ] {
            assert_eq!(parse(&dollars, text), Err(FormatError::Grouping), "{text}");
        }
        for text in [
            "$$5", "$5$", "-$-5", "--5", "5-", "1.234,50", "12,5.3.1", "€5", "$", "", "5 USD",
            "1.2,345",
        ] {
            assert!(
                matches!(
                    parse(&dollars, text),
                    Err(FormatError::Decimal(_)) | Err(FormatError::Grouping)
                ),
                "{text}: {:?}",
                parse(&dollars, text)
            );
        }
        // A separator the format does not name, and a symbol it does not name.
        assert!(parse(&format(None, Some(',')), "$5").is_err());
        assert!(parse(&format(Some("$"), None), "1,234").is_err());
        // Groups after the dot are not grouping.
        assert!(parse(&dollars, "1.234,567").is_err());
    }

    #[test]
    fn only_unambiguous_formats_pass_the_check() {
        assert_eq!(format(Some("$"), Some(',')).check(), Ok(()));
        assert_eq!(format(Some("CHF"), Some('\'')).check(), Ok(()));
        assert_eq!(format(None, None).check(), Ok(()));
        for bad in [
            format(None, Some('.')),
            format(None, Some('x')),
            format(Some(""), None),
            format(Some("1$"), None),
            format(Some("-"), None),
            format(Some("US $"), None),
            format(Some(",$"), Some(',')),
        ] {
            assert!(bad.check().is_err(), "{bad:?}");
        }
        let e = format(None, Some('.')).check().unwrap_err();
        assert!(e.contains("a decimal comma is not read"), "{e}");
    }

    #[test]
    fn the_expected_text_shows_the_format() {
        let dollars = format(Some("$"), Some(','));
        let e = dollars.expected(&FormatError::Decimal(DecimalError::Syntax));
        assert!(
            e.contains("$1,234.50") && e.contains("decimal comma is not read"),
            "{e}"
        );
        let e = dollars.expected(&FormatError::Grouping);
        assert!(e.contains("groups of three") && e.contains("','"), "{e}");
    }
}
