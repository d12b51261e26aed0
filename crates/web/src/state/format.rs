//! How numbers, counts, durations and node names read on screen. Display only: exported CSVs
//! and the engine keep their exact, ungrouped text.

/// Groups the integer digits of a plain number by thousands (`-1234567.50` becomes
/// `-1,234,567.50`), keeping the fraction exactly as given. Anything that is not a plain
/// decimal number comes back unchanged: the string is never parsed into a float.
pub fn group_digits(text: &str) -> String {
    let (sign, unsigned) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let (int, frac) = match unsigned.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (unsigned, None),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() || !digits(int) || frac.is_some_and(|f| f.is_empty() || !digits(f)) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + int.len() / 3);
    out.push_str(sign);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    out
}

/// A count with thousands separators: `12,345`.
pub fn count(n: usize) -> String {
    group_digits(&n.to_string())
}

/// `1 row`, `12,345 rows`.
pub fn rows(n: usize) -> String {
    match n {
        1 => "1 row".into(),
        _ => format!("{} rows", count(n)),
    }
}

/// A file size: `379 bytes`, `16.7 MB` (decimal units, like file managers).
pub fn bytes(n: usize) -> String {
    const UNITS: [&str; 4] = ["kB", "MB", "GB", "TB"];
    if n < 1000 {
        return if n == 1 {
            "1 byte".into()
        } else {
            format!("{n} bytes")
        };
    }
    let mut value = n as f64 / 1000.0;
    let mut unit = 0;
    while value >= 999.95 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// A duration given in seconds, at a precision that means something: `0.42 ms`, `38 ms`,
/// `1.25 s`.
pub fn duration(seconds: f64) -> String {
    let ms = seconds * 1000.0;
    if ms < 10.0 {
        format!("{ms:.2} ms")
    } else if ms < 1000.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{seconds:.2} s")
    }
}

/// A value and its unit as a sentence says them: `312 customers`, `1,234.50 spend ($)`. A
/// unit that starts with a percent sign is written against the number, the sign once:
/// `12.3%` and `% of revenue` read `12.3% of revenue`.
pub fn with_unit(text: &str, unit: &str) -> String {
    match unit.strip_prefix('%') {
        Some(rest) => format!("{}%{rest}", text.trim_end_matches('%')),
        None => format!("{text} {unit}"),
    }
}

/// `duplicate_contacts_removed` as a heading: `Duplicate contacts removed`.
pub fn sentence_case(snake: &str) -> String {
    let words = snake.replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A run of characters of one text compared with another, position by position.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    pub text: String,
    /// Whether these characters differ from the other text's at the same positions.
    pub differs: bool,
}

/// Splits `text` into runs that match `other` character by character and runs that do not,
/// to highlight a near-miss key (`519aa94f-…` against `519a796f-…`). Characters past the
/// end of `other` differ. Returns the runs and how many characters differ.
pub fn diff_segments(text: &str, other: &str) -> (Vec<Segment>, usize) {
    let mut others = other.chars();
    let mut segments: Vec<Segment> = Vec::new();
    let mut differing = 0;
    for c in text.chars() {
        let differs = others.next() != Some(c);
        differing += usize::from(differs);
        match segments.last_mut() {
            Some(last) if last.differs == differs => last.text.push(c),
            _ => segments.push(Segment {
                text: c.to_string(),
                differs,
            }),
        }
    }
    (segments, differing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_integer_digits_and_keeps_the_fraction_exactly() {
        assert_eq!(group_digits("1234567.50"), "1,234,567.50");
        assert_eq!(group_digits("-1234"), "-1,234");
        assert_eq!(group_digits("1000"), "1,000");
        assert_eq!(group_digits("999"), "999");
        assert_eq!(group_digits("0.000001"), "0.000001");
        assert_eq!(group_digits("-100000.1"), "-100,000.1");
        assert_eq!(
            group_digits("92233720368547758.07"),
            "92,233,720,368,547,758.07"
        );
    }

    #[test]
    fn leaves_anything_but_a_plain_number_alone() {
        for text in [
            "", "-", "abc", "1.2.3", "12.", ".5", "1e5", "1,234", " 12", "+5",
        ] {
            assert_eq!(group_digits(text), text);
        }
    }

    #[test]
    fn writes_a_value_with_its_unit_and_one_percent_sign() {
        assert_eq!(with_unit("312", "customers"), "312 customers");
        assert_eq!(with_unit("1,234.50", "spend ($)"), "1,234.50 spend ($)");
        assert_eq!(with_unit("12.3%", "% of revenue"), "12.3% of revenue");
        assert_eq!(
            with_unit("23", "% of the segment's spend"),
            "23% of the segment's spend"
        );
        assert_eq!(with_unit("5", "%"), "5%");
    }

    #[test]
    fn counts_rows_and_durations() {
        assert_eq!(rows(1), "1 row");
        assert_eq!(rows(0), "0 rows");
        assert_eq!(rows(12345), "12,345 rows");
        assert_eq!(bytes(379), "379 bytes");
        assert_eq!(bytes(1), "1 byte");
        assert_eq!(bytes(16_658_694), "16.7 MB");
        assert_eq!(bytes(999_999), "1.0 MB");
        assert_eq!(bytes(147_627_943), "147.6 MB");
        assert_eq!(duration(0.00042), "0.42 ms");
        assert_eq!(duration(0.038), "38 ms");
        assert_eq!(duration(1.25), "1.25 s");
        assert_eq!(
            sentence_case("duplicate_contacts_removed"),
            "Duplicate contacts removed"
        );
        assert_eq!(sentence_case(""), "");
    }

    #[test]
    fn marks_the_characters_a_near_miss_key_gets_wrong() {
        let (segments, n) = diff_segments("519aa94f-9102", "519a796f-9802");
        assert_eq!(n, 3);
        let marked: Vec<(&str, bool)> = segments
            .iter()
            .map(|s| (s.text.as_str(), s.differs))
            .collect();
        assert_eq!(
            marked,
            [
                ("519a", false),
                ("a", true),
                ("9", false),
                ("4", true),
                ("f-9", false),
                ("1", true),
                ("02", false)
            ]
        );
        assert_eq!(diff_segments("abc", "ab").1, 1);
        assert_eq!(diff_segments("", "ab"), (Vec::new(), 0));
    }
}
