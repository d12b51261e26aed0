//! Data tests, the dbt way: each test is a query that selects the failing rows, and its
//! status comes from how many it found, its `severity` and its `warn_if` / `error_if`
//! thresholds.
//!
//! One file per test kind: the generic tests that a schema file attaches to columns
//! (`unique`, `not_null`, `accepted_values`, `relationships`, `accepted_range`,
//! `expression_is_true`), the shipped singular tests ([`singular`]) and the macro tests
//! ([`macros`]). Each kind computes the failing rows and renders the equivalent dbt SQL, so
//! the app doubles as a lesson. Running them in DAG order, with skipping, is
//! `engine::build`'s job.
//!
//! Beside the kinds, in this folder: the [`schema`] file that attaches them (dbt's
//! `schema.yml`, the shipped one included from `schema/schema.yml`) and source [`freshness`],
//! the other check a schema file declares.

use serde::{Deserialize, Serialize};

use crate::engine::value::table::Table;

pub mod accepted_range;
pub mod accepted_values;
pub mod arguments;
pub mod condition;
pub mod expression_is_true;
pub mod freshness;
pub mod generic;
mod keys;
pub mod macros;
pub mod not_null;
pub mod relationships;
pub mod schema;
pub mod singular;
pub mod unique;

pub use condition::Condition;

/// A generic test's kind and arguments (each kind's module parses its own: see
/// [`arguments`]; running one is [`generic`]'s).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "test")]
pub enum GenericKind {
    Unique,
    NotNull,
    AcceptedValues {
        values: Vec<String>,
        quote: bool,
    },
    /// `to` is the parent's unique id (`source.c360.salesforce.contacts`).
    Relationships {
        to: String,
        field: String,
    },
    AcceptedRange {
        min_value: Option<String>,
        max_value: Option<String>,
        inclusive: bool,
    },
    ExpressionIsTrue {
        expression: String,
    },
}

/// How many failing rows a test keeps to show when it sets no `limit`.
pub const DEFAULT_SHOWN_ROWS: usize = 100;

/// dbt's `severity`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    #[default]
    Error,
    Warn,
}

/// A `warn_if` / `error_if` condition on the failure count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Threshold {
    Eq(u64),
    Ne(u64),
    Gt(u64),
    Ge(u64),
    Lt(u64),
    Le(u64),
    Between(u64, u64),
}

impl Default for Threshold {
    fn default() -> Self {
        Threshold::Ne(0)
    }
}

impl Threshold {
    /// Parses dbt's threshold strings: `!= 0`, `> 10`, `>= 1`, `= 0`, `between 1 and 5`.
    pub fn parse(text: &str) -> Result<Threshold, String> {
        let t = text.trim();
        let expected = || {
            format!("expected a threshold such as `!= 0`, `> 10`, `>= 1` or `between 1 and 5`, found {t:?}")
        };
        let number = |s: &str| s.trim().parse::<u64>().map_err(|_| expected());
        if let Some(rest) = t.strip_prefix("between") {
            let (low, high) = rest.split_once(" and ").ok_or_else(expected)?;
            let (low, high) = (number(low)?, number(high)?);
            return if low <= high {
                Ok(Threshold::Between(low, high))
            } else {
                Err(expected())
            };
        }
        for (prefix, make) in [
            ("!=", Threshold::Ne as fn(u64) -> Threshold),
            ("<>", Threshold::Ne),
            (">=", Threshold::Ge),
            ("<=", Threshold::Le),
            ("==", Threshold::Eq),
            (">", Threshold::Gt),
            ("<", Threshold::Lt),
            ("=", Threshold::Eq),
        ] {
            if let Some(rest) = t.strip_prefix(prefix) {
                return Ok(make(number(rest)?));
            }
        }
        Err(expected())
    }

    pub fn holds(self, failures: u64) -> bool {
        match self {
            Threshold::Eq(n) => failures == n,
            Threshold::Ne(n) => failures != n,
            Threshold::Gt(n) => failures > n,
            Threshold::Ge(n) => failures >= n,
            Threshold::Lt(n) => failures < n,
            Threshold::Le(n) => failures <= n,
            Threshold::Between(a, b) => (a..=b).contains(&failures),
        }
    }
}

impl std::fmt::Display for Threshold {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Threshold::Eq(n) => write!(f, "= {n}"),
            Threshold::Ne(n) => write!(f, "!= {n}"),
            Threshold::Gt(n) => write!(f, "> {n}"),
            Threshold::Ge(n) => write!(f, ">= {n}"),
            Threshold::Lt(n) => write!(f, "< {n}"),
            Threshold::Le(n) => write!(f, "<= {n}"),
            Threshold::Between(a, b) => write!(f, "between {a} and {b}"),
        }
    }
}

/// A test's `config:` block.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TestConfig {
    pub severity: Severity,
    pub warn_if: Threshold,
    pub error_if: Threshold,
    /// Only rows for which this holds are tested.
    #[serde(rename = "where", serialize_with = "serialize_condition")]
    pub where_: Option<Condition>,
    /// At most this many failures are counted and kept (dbt's `limit`).
    pub limit: Option<usize>,
    /// Whether the failing rows are kept to show (c360 keeps them unless told not to).
    pub store_failures: bool,
}

fn serialize_condition<S: serde::Serializer>(
    c: &Option<Condition>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match c {
        Some(c) => s.serialize_some(&c.text),
        None => s.serialize_none(),
    }
}

impl Default for TestConfig {
    fn default() -> Self {
        TestConfig {
            severity: Severity::Error,
            warn_if: Threshold::Ne(0),
            error_if: Threshold::Ne(0),
            where_: None,
            limit: None,
            store_failures: true,
        }
    }
}

/// dbt's test statuses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TestStatus {
    Pass,
    Warn,
    Fail,
    /// The test itself could not run (e.g. a `where` on a column of the wrong type).
    Error,
    /// Not run: something upstream failed with severity `error`.
    Skipped,
}

impl TestStatus {
    /// Every status, in the order dbt's summary line counts them.
    pub const ALL: [TestStatus; 5] = [
        TestStatus::Pass,
        TestStatus::Warn,
        TestStatus::Fail,
        TestStatus::Error,
        TestStatus::Skipped,
    ];

    /// The serde name (`run_results.json`, the page's `data-status`).
    pub fn as_str(self) -> &'static str {
        match self {
            TestStatus::Pass => "pass",
            TestStatus::Warn => "warn",
            TestStatus::Fail => "fail",
            TestStatus::Error => "error",
            TestStatus::Skipped => "skipped",
        }
    }

    /// The word dbt's log prints: `PASS`, `WARN`, `FAIL`, `ERROR`, `SKIP` (the CLI's lines
    /// and the page's badges).
    pub fn word(self) -> &'static str {
        match self {
            TestStatus::Pass => "PASS",
            TestStatus::Warn => "WARN",
            TestStatus::Fail => "FAIL",
            TestStatus::Error => "ERROR",
            TestStatus::Skipped => "SKIP",
        }
    }
}

impl TestResult {
    /// Whether this result stops the build, as in dbt: a failure, or a test that could not
    /// run, at severity `error`. Everything downstream of the tested node is skipped.
    pub fn blocks(&self) -> bool {
        self.status == TestStatus::Fail
            || (self.status == TestStatus::Error && self.severity == Severity::Error)
    }
}

/// dbt's rule: with severity `error`, `error_if` decides a failure and `warn_if` a warning;
/// with severity `warn`, only `warn_if` counts.
pub fn status_for(failures: u64, config: &TestConfig) -> TestStatus {
    if config.severity == Severity::Error && config.error_if.holds(failures) {
        TestStatus::Fail
    } else if config.warn_if.holds(failures) {
        TestStatus::Warn
    } else {
        TestStatus::Pass
    }
}

/// What a test's query found.
#[derive(Clone, Debug, Default)]
pub struct Failing {
    /// dbt's failure count: the rows its query returns (distinct values for `unique` and
    /// `accepted_values`, rows for the others).
    pub failures: usize,
    /// The tested table's rows that fail (row numbers), every one of them.
    pub rows: Vec<u32>,
    /// Columns to show beside those rows (e.g. `nearest_existing_key` for relationships).
    pub extra: Option<Table>,
}

/// The result of one data test.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TestResult {
    pub unique_id: String,
    /// `unique`, `relationships`, `singular`, `macro` …
    pub test_kind: String,
    /// The node the test is attached to (for generic tests) or reads last.
    pub attached_node: Option<String>,
    pub column_name: Option<String>,
    pub severity: Severity,
    pub status: TestStatus,
    /// dbt's failure count (capped by `limit`).
    pub failures: usize,
    /// How many rows of the tested table were checked (after `where`).
    pub rows_checked: usize,
    /// Seconds.
    pub execution_time: f64,
    pub message: String,
    /// One line on why the test exists.
    pub description: String,
    /// The equivalent dbt SQL that selects the failing rows.
    pub sql: String,
    /// The failing rows (up to `limit`, or [`DEFAULT_SHOWN_ROWS`]), when kept.
    #[serde(skip)]
    pub failing_rows: Option<Table>,
    /// How many failing rows there are in all, before any cap.
    pub failing_rows_total: usize,
    /// The test's source line in the schema file, when it came from one.
    pub line: Option<usize>,
}
