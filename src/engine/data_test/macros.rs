//! Macro tests (the exercise's fourth question): the engine's macros checked case by case,
//! as dbt projects test macros with a model of inputs and expected outputs.
//!
//! - `age_in_years(birth_date)`: completed years at the as-of date; a birthday counts on its
//!   day; a 29 February birth turns a year older on 1 March in a non-leap year; a birth date
//!   after the as-of date has no age (null), never a negative one.
//! - `parse_timestamp(text)`: `YYYY-MM-DD HH:MM:SS[.mmm]` (or `T` for the space) to
//!   millisecond precision, UTC unless it ends in `Z` or an offset `±HH:MM`/`±HHMM`/`±HH`
//!   (converted to UTC), or a date alone at its midnight UTC; missing milliseconds are zero;
//!   impossible dates and trailing garbage are errors.

use crate::engine::value::column::{Column, TextColumn};
use crate::engine::value::table::Table;
use crate::engine::value::time::{age_in_years, format_timestamp, parse_date, parse_timestamp};

/// One case: its name, the input, the expected and the actual output.
pub type Case = (&'static str, String, String, String);

/// One macro under test.
pub struct MacroTest {
    pub name: &'static str,
    pub description: &'static str,
    pub sql: &'static str,
    /// (case, input, expected, actual) for every case.
    pub cases: fn() -> Vec<Case>,
}

pub static MACRO_TESTS: &[MacroTest] = &[
    MacroTest {
        name: "test_macro_age_in_years",
        description:
            "age_in_years counts completed years like Postgres date_part('year', age(...)), \
                      leap-day births included; a birth after the as-of date gives null.",
        sql: "select * from {{ ref('age_in_years_cases') }}\n\
              where {{ age_in_years('birth_date', 'as_of') }} is distinct from expected",
        cases: age_cases,
    },
    MacroTest {
        name: "test_macro_parse_timestamp",
        description: "Timestamps parse to millisecond precision; missing milliseconds are zero; \
                      impossible dates and trailing garbage are rejected.",
        sql: "select * from {{ ref('parse_timestamp_cases') }}\n\
              where {{ parse_timestamp('input') }}::text is distinct from expected",
        cases: timestamp_cases,
    },
];

fn age(birth: &str, as_of: &str) -> String {
    let (b, a) = (parse_date(birth.as_bytes()), parse_date(as_of.as_bytes()));
    match (b, a) {
        (Ok(b), Ok(a)) => age_in_years(b, a).map_or_else(|_| "null".to_string(), |y| y.to_string()),
        _ => "invalid input".to_string(),
    }
}

fn age_cases() -> Vec<Case> {
    [
        ("birthday today", "1990-11-26", "2026-11-26", "36"),
        (
            "the day before the birthday",
            "1990-11-27",
            "2026-11-26",
            "35",
        ),
        (
            "29 Feb birth on 28 Feb of a non-leap year",
            "2000-02-29",
            "2023-02-28",
            "22",
        ),
        (
            "29 Feb birth on 1 Mar of a non-leap year",
            "2000-02-29",
            "2023-03-01",
            "23",
        ),
        (
            "29 Feb birth on 29 Feb of a leap year",
            "2000-02-29",
            "2024-02-29",
            "24",
        ),
        ("born on the as-of date", "2026-11-26", "2026-11-26", "0"),
        (
            "born after the as-of date",
            "2030-01-01",
            "2026-11-26",
            "null",
        ),
    ]
    .into_iter()
    .map(|(case, birth, as_of, expected)| {
        (
            case,
            format!("birth_date {birth}, as of {as_of}"),
            expected.to_string(),
            age(birth, as_of),
        )
    })
    .collect()
}

fn parse(text: &str) -> String {
    match parse_timestamp(text.as_bytes()) {
        Ok(t) => format_timestamp(t),
        Err(e) => format!("error: {e:?}"),
    }
}

fn timestamp_cases() -> Vec<Case> {
    [
        (
            "millisecond precision",
            "2023-05-09 10:05:28.875",
            "2023-05-09 10:05:28.875",
        ),
        (
            "missing milliseconds",
            "2023-04-15 09:57:19",
            "2023-04-15 09:57:19.000",
        ),
        (
            "one fractional digit",
            "2023-04-15 09:57:19.5",
            "2023-04-15 09:57:19.500",
        ),
        (
            "an offset, converted to UTC",
            "2023-05-09T12:05:28.875+02:00",
            "2023-05-09 10:05:28.875",
        ),
        ("a date alone", "2023-05-09", "2023-05-09 00:00:00.000"),
        (
            "an invalid date",
            "2023-02-30 10:00:00.000",
            "error: NoSuchInstant",
        ),
        (
            "trailing garbage",
            "2023-05-09 10:05:28.875abc",
            "error: Syntax",
        ),
        (
            "more than millisecond precision",
            "2023-05-09 10:05:28.875123",
            "error: TooPrecise",
        ),
    ]
    .into_iter()
    .map(|(case, input, expected)| (case, input.to_string(), expected.to_string(), parse(input)))
    .collect()
}

/// Runs a macro test: the failing cases as a table, and how many cases ran.
pub fn run(test: &MacroTest) -> (Table, usize) {
    let cases = (test.cases)();
    let failing: Vec<_> = cases
        .iter()
        .filter(|(_, _, expected, actual)| expected != actual)
        .collect();
    let text = |f: &dyn Fn(&Case) -> String| {
        let values: Vec<String> = failing.iter().map(|c| f(c)).collect();
        Column::Text(TextColumn::from_values(
            values.iter().map(|v| Some(v.as_str())),
        ))
    };
    let table = Table::new()
        .with("case", text(&|c| c.0.to_string()))
        .with("input", text(&|c| c.1.clone()))
        .with("expected", text(&|c| c.2.clone()))
        .with("actual", text(&|c| c.3.clone()));
    (table, cases.len())
}

/// Every case with its outcome, for showing the whole suite.
pub fn all_cases(test: &MacroTest) -> Table {
    let cases = (test.cases)();
    let col = |f: &dyn Fn(&Case) -> String| {
        let values: Vec<String> = cases.iter().map(f).collect();
        Column::Text(TextColumn::from_values(
            values.iter().map(|v| Some(v.as_str())),
        ))
    };
    Table::new()
        .with("case", col(&|c| c.0.to_string()))
        .with("input", col(&|c| c.1.clone()))
        .with("expected", col(&|c| c.2.clone()))
        .with("actual", col(&|c| c.3.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_macro_case_passes() {
        for test in MACRO_TESTS {
            let (failing, cases) = run(test);
            assert!(cases >= 6);
            assert_eq!(failing.num_rows(), 0, "{} has failing cases", test.name);
        }
    }
}
