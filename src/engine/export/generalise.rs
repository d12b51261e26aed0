//! Coarsening one value: age bands, the e-mail's domain, the state or a truncated postcode of
//! an address, rounded amounts, a timestamp's day or week.
//!
//! Each function returns `None` when the value cannot be coarsened (an address in no form
//! c360 recognises, an e-mail with no `@`, a birth date after the as-of date): the export
//! writes such a value empty and the manifest counts it per column, never the original.

use chrono::{Datelike, NaiveDate};

/// `lo-hi` of the `width`-year band holding `age` (`30-39` for 10 years; `34` for 1);
/// `None` when the band's end does not fit (no age is near `u32::MAX`).
pub fn age_band(age: u32, width: u32) -> Option<String> {
    let width = width.max(1);
    let lo = age / width * width;
    if width == 1 {
        Some(lo.to_string())
    } else {
        Some(format!("{lo}-{}", lo.checked_add(width - 1)?))
    }
}

/// The lowercase domain after the last `@`, when there is one with something before it.
pub fn email_domain(email: &str) -> Option<String> {
    let (local, domain) = email.trim().rsplit_once('@')?;
    let domain = domain.trim();
    (!local.is_empty() && !domain.is_empty() && !domain.contains(char::is_whitespace))
        .then(|| domain.to_ascii_lowercase())
}

/// The state and postcode of an Australian-style address, `street, suburb, STATE, postcode`
/// (the exports' form): the state is the part before a trailing 3- or 4-digit postcode, or a
/// trailing part of 2 or 3 capital letters. Either may be missing.
pub fn address_parts(address: &str) -> (Option<&str>, Option<&str>) {
    let parts: Vec<&str> = address.split(',').map(str::trim).collect();
    let is_postcode = |p: &str| (3..=4).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit());
    let is_state =
        |p: &str| (2..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_uppercase());
    let n = parts.len();
    if n >= 2 && is_postcode(parts[n - 1]) {
        let state = Some(parts[n - 2]).filter(|s| is_state(s));
        return (state, Some(parts[n - 1]));
    }
    if n >= 2 && is_state(parts[n - 1]) {
        return (Some(parts[n - 1]), None);
    }
    (None, None)
}

/// The state of an address.
pub fn state(address: &str) -> Option<String> {
    address_parts(address).0.map(String::from)
}

/// The first `digits` of the address's postcode, the rest as `*` (`0859` → `08**`).
pub fn postcode(address: &str, digits: u8) -> Option<String> {
    let code = address_parts(address).1?;
    let keep = usize::from(digits).min(code.len());
    Some(format!(
        "{}{}",
        &code[..keep],
        "*".repeat(code.len() - keep)
    ))
}

/// `units` at `scale` rounded half away from zero to `places` (≤ `scale`), at that scale.
/// In `i128`, so that no scale overflows: a divisor beyond it rounds every `i64` to 0.
pub fn round_units(units: i64, scale: u8, places: u8) -> i64 {
    if places >= scale {
        return units;
    }
    let Some(divisor) = 10i128.checked_pow(u32::from(scale - places)) else {
        return 0;
    };
    let units = i128::from(units);
    let (q, r) = (units / divisor, units % divisor);
    let rounded = if r.abs() * 2 >= divisor {
        q + units.signum()
    } else {
        q
    };
    // |rounded| ≤ |units|: it fits.
    rounded as i64
}

/// The UTC day of a timestamp in milliseconds.
pub fn day_of(millis: i64) -> Option<NaiveDate> {
    chrono::DateTime::from_timestamp_millis(millis).map(|t| t.date_naive())
}

/// The Monday of `date`'s ISO week; `None` before the calendar's first Monday.
pub fn monday_of(date: NaiveDate) -> Option<NaiveDate> {
    date.checked_sub_signed(chrono::Duration::days(i64::from(
        date.weekday().num_days_from_monday(),
    )))
}

/// A mask: the first `keep` characters (not bytes), then `***` whatever the length, so the
/// length is not shown.
pub fn mask(value: &str, keep: usize) -> String {
    let mut out: String = value.chars().take(keep).collect();
    out.push_str("***");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands() {
        let band = |a, w| age_band(a, w).unwrap();
        assert_eq!(band(34, 10), "30-39");
        assert_eq!(band(34, 5), "30-34");
        assert_eq!(band(35, 5), "35-39");
        assert_eq!(band(0, 20), "0-19");
        assert_eq!(band(34, 1), "34");
        // The case: no wrap to `4294967290-3`.
        assert_eq!(age_band(u32::MAX, 10), None);
        assert_eq!(age_band(u32::MAX, 1).as_deref(), Some("4294967295"));
    }

    #[test]
    fn addresses() {
        let a = "722 Grace Triangle, North Luofort, NT, 0859";
        assert_eq!(address_parts(a), (Some("NT"), Some("0859")));
        assert_eq!(state(a).as_deref(), Some("NT"));
        assert_eq!(postcode(a, 3).as_deref(), Some("085*"));
        assert_eq!(postcode(a, 2).as_deref(), Some("08**"));
        assert_eq!(
            state("Level 1 225 Katherine Gully, Lake Murphyside, VIC, 3038").as_deref(),
            Some("VIC")
        );
        assert_eq!(address_parts("somewhere, QLD"), (Some("QLD"), None));
        assert_eq!(address_parts("12 Main St"), (None, None));
        assert_eq!(
            address_parts("12 Main St, Town, 4000"),
            (None, Some("4000"))
        );
        assert_eq!(address_parts(""), (None, None));
    }

    #[test]
    fn domains() {
        assert_eq!(
            email_domain("Ruby@iCloud.com").as_deref(),
            Some("icloud.com")
        );
        assert_eq!(email_domain("a@b@c.org").as_deref(), Some("c.org"));
        assert_eq!(email_domain("no-at-sign"), None);
        assert_eq!(email_domain("@x.com"), None);
        assert_eq!(email_domain("x@"), None);
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(round_units(3519, 1, 0), 352);
        assert_eq!(round_units(3514, 1, 0), 351);
        assert_eq!(round_units(3550, 2, 0), 36);
        assert_eq!(round_units(-3550, 2, 0), -36);
        assert_eq!(round_units(-3549, 2, 0), -35);
        assert_eq!(round_units(-5, 1, 0), -1);
        assert_eq!(round_units(1234, 2, 1), 123);
        assert_eq!(round_units(1234, 2, 2), 1234);
        assert_eq!(round_units(i64::MIN, 2, 0), i64::MIN / 100);
        assert_eq!(round_units(-1_050, 2, 0), -11);
    }

    #[test]
    fn days_and_weeks() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(day_of(1_681_866_982_000), Some(d("2023-04-19")));
        assert_eq!(day_of(-1), Some(d("1969-12-31")));
        assert_eq!(monday_of(d("2023-04-19")), Some(d("2023-04-17")));
        assert_eq!(monday_of(d("2023-04-17")), Some(d("2023-04-17")));
        assert_eq!(monday_of(d("2023-04-23")), Some(d("2023-04-17")));
    }

    #[test]
    fn masks_count_characters() {
        assert_eq!(mask("Zoë Ng", 3), "Zoë***");
        assert_eq!(mask("ab", 5), "ab***");
        assert_eq!(mask("", 2), "***");
    }
}
