//! Source freshness, as `dbt source freshness` checks it: the newest `loaded_at_field` value
//! against the as-of instant, with `warn_after` / `error_after` thresholds.
//!
//! Freshness never skips models and never changes `c360 build`'s exit status; it answers
//! "is this data recent enough to trust today?", which is asked after each load and on a
//! schedule (see [`WHEN_TO_RUN`]).

use chrono::{DateTime, Datelike, Months};
use serde::{Deserialize, Serialize};
use web_time::Instant;

use super::schema::FreshnessDef;
use crate::engine::value::column::Column;
use crate::engine::value::table::Table;
use crate::engine::value::time::{format_timestamp, DAY_MILLIS};

/// When to run the check, in the product's words.
pub const WHEN_TO_RUN: &str = "Run it right after each load, so a stale extract is caught \
before anyone reads the models, and on a schedule between loads (every few hours for a \
daily load), so a load that silently stopped is noticed within the day. It never blocks \
the models: it tells you whether today's numbers can be trusted.";

/// dbt's freshness statuses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FreshnessStatus {
    Pass,
    Warn,
    Error,
    /// The check could not run (no such column, or no values in it).
    RuntimeError,
}

impl FreshnessStatus {
    /// The serde name, as dbt's `sources.json` spells it: `pass`, `warn`, `error`,
    /// `runtime_error`. `c360 freshness` prints it upper-cased (`RUNTIME_ERROR`), as
    /// `dbt source freshness` does.
    pub fn as_str(self) -> &'static str {
        match self {
            FreshnessStatus::Pass => "pass",
            FreshnessStatus::Warn => "warn",
            FreshnessStatus::Error => "error",
            FreshnessStatus::RuntimeError => "runtime_error",
        }
    }

    /// The status in words, as the page's freshness panel shows it: `PASS`, `WARN`,
    /// `ERROR`, `RUNTIME ERROR`.
    pub fn word(self) -> &'static str {
        match self {
            FreshnessStatus::Pass => "PASS",
            FreshnessStatus::Warn => "WARN",
            FreshnessStatus::Error => "ERROR",
            FreshnessStatus::RuntimeError => "RUNTIME ERROR",
        }
    }
}

/// One source's freshness.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct FreshnessResult {
    pub unique_id: String,
    pub status: FreshnessStatus,
    pub loaded_at_field: String,
    /// The newest load time, as `YYYY-MM-DD HH:MM:SS.mmm`.
    pub max_loaded_at: Option<String>,
    /// The instant it was compared with.
    pub snapshotted_at: String,
    /// Seconds between the newest load and the as-of instant.
    pub max_loaded_at_time_ago_in_s: Option<f64>,
    pub warn_after: Option<String>,
    pub error_after: Option<String>,
    /// E.g. "last loaded 3 years 6 months ago: error after 2 days".
    pub message: String,
    pub execution_time: f64,
}

fn plural(n: i64, unit: &str) -> String {
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// How long from `from` to `to`, in the two largest calendar units ("3 years 6 months",
/// "1 day 4 hours", "12 minutes").
pub fn age_in_words(from: i64, to: i64) -> String {
    let (Some(a), Some(b)) = (
        DateTime::from_timestamp_millis(from),
        DateTime::from_timestamp_millis(to),
    ) else {
        return "an unknown time".into();
    };
    let (a, b) = if a <= b { (a, b) } else { (b, a) };
    let mut months = (b.year() - a.year()) * 12 + b.month() as i32 - a.month() as i32;
    if a.checked_add_months(Months::new(months.max(0) as u32))
        .is_some_and(|t| t > b)
    {
        months -= 1;
    }
    let months = months.max(0);
    let after_months = a
        .checked_add_months(Months::new(months as u32))
        .unwrap_or(a);
    let rest = (b - after_months).num_milliseconds();
    let (days, hours, minutes) = (rest / DAY_MILLIS, rest / 3_600_000 % 24, rest / 60_000 % 60);
    let parts: Vec<String> = [
        (i64::from(months / 12), "year"),
        (i64::from(months % 12), "month"),
        (days, "day"),
        (hours, "hour"),
        (minutes, "minute"),
    ]
    .iter()
    .skip_while(|(n, _)| *n == 0)
    .take(2)
    .filter(|(n, _)| *n > 0)
    .map(|(n, unit)| plural(*n, unit))
    .collect();
    if parts.is_empty() {
        "less than a minute".into()
    } else {
        parts.join(" ")
    }
}

/// Checks one source table at the instant `at` (milliseconds since the epoch, UTC).
pub fn check(def: &FreshnessDef, table: &Table, at: i64) -> FreshnessResult {
    let start = Instant::now();
    let newest = match table.column(&def.loaded_at_field) {
        Some(Column::Timestamp(values)) => Ok(values.iter().flatten().max().copied()),
        Some(_) => Err(format!("{} is not a timestamp column", def.loaded_at_field)),
        None => Err(format!("no column named {}", def.loaded_at_field)),
    };
    let mut result = FreshnessResult {
        unique_id: def.node.clone(),
        status: FreshnessStatus::RuntimeError,
        loaded_at_field: def.loaded_at_field.clone(),
        max_loaded_at: None,
        snapshotted_at: format_timestamp(at),
        max_loaded_at_time_ago_in_s: None,
        warn_after: def.warn_after.map(|t| t.to_string()),
        error_after: def.error_after.map(|t| t.to_string()),
        message: String::new(),
        execution_time: 0.0,
    };
    match newest {
        Err(e) => result.message = e,
        Ok(None) => {
            result.message = format!(
                "{} has no values: nothing was ever loaded",
                def.loaded_at_field
            )
        }
        Ok(Some(newest)) => {
            let age = at - newest;
            result.max_loaded_at = Some(format_timestamp(newest));
            result.max_loaded_at_time_ago_in_s = Some(age as f64 / 1000.0);
            let over = |t: Option<crate::engine::data_test::schema::FreshnessThreshold>| {
                t.is_some_and(|t| age > t.millis())
            };
            let (status, rule) = if over(def.error_after) {
                (
                    FreshnessStatus::Error,
                    format!("error after {}", def.error_after.expect("set")),
                )
            } else if over(def.warn_after) {
                (
                    FreshnessStatus::Warn,
                    format!("warn after {}", def.warn_after.expect("set")),
                )
            } else {
                let limit = def
                    .warn_after
                    .or(def.error_after)
                    .map_or(String::new(), |t| t.to_string());
                (FreshnessStatus::Pass, format!("within {limit}"))
            };
            result.status = status;
            result.message = if age >= 0 {
                format!("last loaded {} ago: {rule}", age_in_words(newest, at))
            } else {
                format!(
                    "last loaded {} after the as-of instant: {rule}",
                    age_in_words(at, newest)
                )
            };
        }
    }
    result.execution_time = start.elapsed().as_secs_f64();
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::data_test::schema::{FreshnessThreshold, Period};
    use crate::engine::value::time::parse_timestamp;

    fn ts(s: &str) -> i64 {
        parse_timestamp(s.as_bytes()).unwrap()
    }

    fn def() -> FreshnessDef {
        FreshnessDef {
            node: "source.c360.web.transactions".into(),
            loaded_at_field: "_loaded_at_utc".into(),
            warn_after: Some(FreshnessThreshold {
                count: 1,
                period: Period::Day,
            }),
            error_after: Some(FreshnessThreshold {
                count: 2,
                period: Period::Day,
            }),
            line: 1,
        }
    }

    fn table(loaded: &str) -> Table {
        Table::new().with(
            "_loaded_at_utc",
            Column::Timestamp(vec![Some(ts(loaded)), None]),
        )
    }

    #[test]
    fn the_exercise_data_is_years_stale() {
        let r = check(
            &def(),
            &table("2023-05-09 10:05:28.875"),
            ts("2026-11-26 00:00:00"),
        );
        assert_eq!(r.status, FreshnessStatus::Error);
        assert_eq!(
            r.message,
            "last loaded 3 years 6 months ago: error after 2 days"
        );
    }

    #[test]
    fn thresholds() {
        let at = ts("2026-11-26 12:00:00");
        assert_eq!(
            check(&def(), &table("2026-11-26 01:00:00"), at).status,
            FreshnessStatus::Pass
        );
        let warn = check(&def(), &table("2026-11-25 01:00:00"), at);
        assert_eq!(warn.status, FreshnessStatus::Warn);
        assert_eq!(
            warn.message,
            "last loaded 1 day 11 hours ago: warn after 1 day"
        );
        assert_eq!(
            check(&def(), &table("2026-11-24 11:00:00"), at).status,
            FreshnessStatus::Error
        );
    }

    #[test]
    fn missing_or_empty_columns_are_runtime_errors() {
        let mut d = def();
        d.loaded_at_field = "nope".into();
        assert_eq!(
            check(&d, &table("2026-11-26 01:00:00"), 0).status,
            FreshnessStatus::RuntimeError
        );
        let empty = Table::new().with("_loaded_at_utc", Column::Timestamp(vec![None]));
        assert_eq!(
            check(&def(), &empty, 0).status,
            FreshnessStatus::RuntimeError
        );
    }

    #[test]
    fn words() {
        assert_eq!(
            age_in_words(ts("2026-11-26 00:00:00"), ts("2026-11-26 00:00:30")),
            "less than a minute"
        );
        assert_eq!(
            age_in_words(ts("2026-01-31 00:00:00"), ts("2026-03-01 00:00:00")),
            "1 month 1 day"
        );
        assert_eq!(
            age_in_words(ts("2025-11-26 00:00:00"), ts("2026-11-26 00:05:00")),
            "1 year"
        );
    }
}
